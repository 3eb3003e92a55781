import type { CustomerProfile, ProfileUpdate } from './customer-profile.js';
import { ProfileError } from './profile-error.js';

/** A validated update: the full profile it writes, and its attributes as the JSON both layers store. */
export interface ValidProfileUpdate {
  profile: CustomerProfile;
  attributesJson: string;
}

const stringFields = ['name', 'email', 'phone', 'ownerId'] as const;
// Only valid zones are remembered, so the set stays as small as the zone database.
const knownTimeZones = new Set<string>();

function invalid(field: string, message: string, cause?: unknown): ProfileError {
  return new ProfileError('INVALID_ARGUMENT', `${field} ${message}`, {
    field,
    ...(cause === undefined ? {} : { cause }),
  });
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined) return String(value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Throws `INVALID_ARGUMENT` naming `field` unless `value` is a non-empty string. */
export function assertKeyPart(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw invalid(field, `must be a non-empty string, got ${describeValue(value)}`);
  }
}

function optionalString(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string')
    throw invalid(field, `must be a string or null, got ${describeValue(value)}`);
  return value;
}

function isTimeZone(zone: string): boolean {
  if (knownTimeZones.has(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    return false;
  }
  knownTimeZones.add(zone);
  return true;
}

/**
 * Checks an update and completes it into the profile it writes (missing fields `null`,
 * `updatedAt` from `now`), throwing `INVALID_ARGUMENT` that names the first bad field,
 * prefixed by `path` (`inputs[3].`) when given.
 */
export function validateProfileUpdate(
  input: ProfileUpdate,
  now: () => number,
  path = '',
): ValidProfileUpdate {
  if (typeof input !== 'object' || input === null) {
    throw invalid(
      path === '' ? 'input' : path.slice(0, -1),
      `must be a profile object, got ${describeValue(input)}`,
    );
  }
  assertKeyPart(input.tenantId, `${path}tenantId`);
  assertKeyPart(input.id, `${path}id`);
  if (!Number.isSafeInteger(input.version)) {
    throw invalid(`${path}version`, `must be a safe integer, got ${describeValue(input.version)}`);
  }
  const updatedAt = input.updatedAt ?? now();
  if (!Number.isSafeInteger(updatedAt) || updatedAt < 0) {
    throw invalid(
      `${path}updatedAt`,
      `must be epoch milliseconds, a safe integer ≥ 0, got ${describeValue(updatedAt)}`,
    );
  }
  const [name, email, phone, ownerId] = stringFields.map((field) =>
    optionalString(input[field], path + field),
  );
  const locale = optionalString(input.locale, `${path}locale`);
  if (locale !== null) {
    try {
      Intl.getCanonicalLocales(locale);
    } catch (error) {
      throw invalid(
        `${path}locale`,
        `must be a BCP 47 language tag such as "fr-FR", got ${describeValue(locale)}`,
        error,
      );
    }
  }
  const timezone = optionalString(input.timezone, `${path}timezone`);
  if (timezone !== null && !isTimeZone(timezone)) {
    throw invalid(
      `${path}timezone`,
      `must be an IANA time zone such as "Europe/Paris", got ${describeValue(timezone)}`,
    );
  }
  const given: unknown = input.attributes ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw invalid(`${path}attributes`, `must be an object, got ${describeValue(given)}`);
  }
  let attributesJson: string;
  try {
    attributesJson = JSON.stringify(given);
  } catch (error) {
    throw invalid(`${path}attributes`, `must be JSON-serialisable: ${String(error)}`, error);
  }
  // The round trip gives back exactly what a later read returns (no undefined, no Dates).
  const attributes: unknown = JSON.parse(attributesJson);
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    throw invalid(`${path}attributes`, `must serialise to a JSON object, got ${attributesJson}`);
  }
  return {
    profile: {
      tenantId: input.tenantId,
      id: input.id,
      name: name ?? null,
      email: email ?? null,
      phone: phone ?? null,
      locale,
      timezone,
      ownerId: ownerId ?? null,
      attributes: attributes as Record<string, unknown>,
      version: input.version,
      updatedAt,
    },
    attributesJson,
  };
}
