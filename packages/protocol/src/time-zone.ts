import * as z from 'zod';

const known = new Set<string>(['UTC']);

/**
 * True when `Intl` knows `zone` as a time zone (`Europe/Paris`, `Asia/Shanghai`, `UTC`).
 *
 * @example
 * isTimeZone('Asia/Shanghai') // true
 * isTimeZone('Mars/Olympus') // false
 */
export function isTimeZone(zone: string): boolean {
  if (known.has(zone)) return true;
  if (zone.length === 0 || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    return false;
  }
  if (known.size < 1024) known.add(zone);
  return true;
}

/** An IANA time zone name, checked against the runtime's `Intl` data. */
export const timeZoneSchema = z
  .string()
  .refine(isTimeZone, { message: 'unknown time zone (expected an IANA name such as Europe/Paris)' })
  .meta({ description: 'An IANA time zone name, e.g. `Europe/Paris`.', examples: ['Asia/Shanghai'] });
