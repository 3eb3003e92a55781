/**
 * `tenant/sub` of a subscriber token, read without verifying it (the server does that), or
 * `undefined` when it is not a JWT with those claims. Keys what a client remembers per inbox.
 */
export function tokenSubject(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined || payload === '') return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof claims !== 'object' || claims === null) return undefined;
    const { tenant, sub } = claims as { tenant?: unknown; sub?: unknown };
    if (typeof tenant !== 'string' || typeof sub !== 'string') return undefined;
    return `${tenant}/${sub}`;
  } catch {
    return undefined;
  }
}
