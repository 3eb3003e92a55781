/** Escapes Redis glob characters so a literal string (a key prefix) matches only itself. */
export function escapeGlob(literal: string): string {
  return literal.replace(/[*?[\]\\]/g, '\\$&');
}
