/** Escapes the separator, so tenant `a:b` with customer `c` and tenant `a` with customer `b:c` differ. */
function escapeKeyPart(part: string): string {
  return part.replace(/[%:]/g, (character) => (character === '%' ? '%25' : '%3A'));
}

/**
 * The cache key of a profile's hash: `customer:{tenantId}:{id}`, with `%` and `:` in either
 * part escaped as `%25` and `%3A`.
 *
 * @example
 * profileKey('acme', 'c-42'); // 'customer:acme:c-42'
 */
export function profileKey(tenantId: string, id: string): string {
  return `customer:${escapeKeyPart(tenantId)}:${escapeKeyPart(id)}`;
}
