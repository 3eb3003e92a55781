/** A customer profile as Herald holds it, in the store and in the cache alike. */
export interface CustomerProfile {
  tenantId: string;
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  /** BCP 47 tag, e.g. `fr-FR`. */
  locale: string | null;
  /** IANA time zone, e.g. `Europe/Paris`. */
  timezone: string | null;
  /** The owner or sales rep, a recipient id of the same tenant. */
  ownerId: string | null;
  attributes: Record<string, unknown>;
  /** The profile's version in the CRM: a write lands only over a smaller one. */
  version: number;
  /** When this version was written (epoch ms). */
  updatedAt: number;
}

/**
 * A full customer profile at one version, as the CRM sends it. Fields left out are `null`:
 * an update replaces the profile, it does not merge into it.
 */
export interface ProfileUpdate {
  tenantId: string;
  id: string;
  /** @defaultValue `null` */
  name?: string | null;
  /** @defaultValue `null` */
  email?: string | null;
  /** @defaultValue `null` */
  phone?: string | null;
  /** A BCP 47 tag, e.g. `fr-FR`. @defaultValue `null` */
  locale?: string | null;
  /** An IANA time zone, e.g. `Europe/Paris`. @defaultValue `null` */
  timezone?: string | null;
  /** @defaultValue `null` */
  ownerId?: string | null;
  /** Any JSON object. @defaultValue `{}` */
  attributes?: Record<string, unknown>;
  /** The profile's version in the CRM (or its update time), a safe integer. */
  version: number;
  /** Epoch ms, a safe integer ≥ 0. @defaultValue the `now` clock of the profiles */
  updatedAt?: number;
}
