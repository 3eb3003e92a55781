import type { CustomerProfile } from './customer-profile.js';

const optionalFields = ['name', 'email', 'phone', 'locale', 'timezone', 'ownerId'] as const;
const integer = /^-?(?:0|[1-9]\d*)$/;

/** The hash field that holds a profile's version. */
export const versionField = 'version';

/**
 * A profile as the string fields of its cache hash: `attributes` as JSON, `version` and
 * `updatedAt` as decimal integers, and a `null` field left out (so the hash is written with
 * `replace` and a field cleared in a newer version disappears).
 */
export function encodeProfile(profile: CustomerProfile, attributesJson: string): Record<string, string> {
  const fields: Record<string, string> = {
    attributes: attributesJson,
    [versionField]: String(profile.version),
    updatedAt: String(profile.updatedAt),
  };
  for (const name of optionalFields) {
    const value = profile[name];
    if (value !== null) fields[name] = value;
  }
  return fields;
}

function parseInteger(value: string | undefined): number | undefined {
  if (value === undefined || !integer.test(value)) return undefined;
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) ? parsed : undefined;
}

/** The profile a cache hash holds, or `undefined` when the hash is not one {@link encodeProfile} wrote. */
export function decodeProfile(
  tenantId: string,
  id: string,
  fields: Readonly<Record<string, string>>,
): CustomerProfile | undefined {
  const version = parseInteger(fields[versionField]);
  const updatedAt = parseInteger(fields.updatedAt);
  if (version === undefined || updatedAt === undefined || fields.attributes === undefined) return undefined;
  let attributes: unknown;
  try {
    attributes = JSON.parse(fields.attributes);
  } catch {
    return undefined;
  }
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) return undefined;
  return {
    tenantId,
    id,
    name: fields.name ?? null,
    email: fields.email ?? null,
    phone: fields.phone ?? null,
    locale: fields.locale ?? null,
    timezone: fields.timezone ?? null,
    ownerId: fields.ownerId ?? null,
    attributes: attributes as Record<string, unknown>,
    version,
    updatedAt,
  };
}
