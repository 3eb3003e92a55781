const known = new Set<string>(['UTC']);

/** True when `Intl` knows `zone` as an IANA time zone (`Europe/Paris`, `UTC`). Remembers the answers it has checked. */
export function isTimeZone(zone: string): boolean {
  if (known.has(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    return false;
  }
  if (known.size < 1024) known.add(zone);
  return true;
}
