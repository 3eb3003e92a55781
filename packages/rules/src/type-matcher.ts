/** Tests an event type against a rule's `match.type`. */
export type TypeMatcher = (type: string) => boolean;

const patternChars = /^[a-z0-9_.*-]+$/;

/**
 * Compiles one type pattern: exact (`order.created`), or a glob where `*` matches within one
 * segment (`order.*`, `*.created`) and `**` across segments (`crm.**`); a lone `*` or `**`
 * matches every type. Returns an error message instead for a malformed pattern.
 */
export function compileTypePattern(pattern: string): TypeMatcher | string {
  if (
    !patternChars.test(pattern) ||
    pattern.startsWith('.') ||
    pattern.endsWith('.') ||
    pattern.includes('..')
  ) {
    return `invalid type pattern '${pattern}' (expected e.g. order.created, order.* or **)`;
  }
  if (pattern === '*' || pattern === '**') return () => true;
  if (!pattern.includes('*')) return (type) => type === pattern;
  if (/\*{3,}/.test(pattern)) return `invalid type pattern '${pattern}' (use * or **)`;
  const source = pattern
    .split(/(\*\*|\*)/)
    .map((part) => (part === '**' ? '.+' : part === '*' ? '[^.]+' : part.replace(/[.]/g, '\\.')))
    .join('');
  const regex = new RegExp(`^${source}$`);
  return (type) => regex.test(type);
}
