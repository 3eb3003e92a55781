import { base64url } from './base64url.js';
import { ProtocolError } from './protocol-error.js';
import { sha256Digest } from './sha256-digest.js';

/**
 * A 22-character base64url id (128 bits of SHA-256) derived from a namespace and its parts.
 * Each part is length-prefixed, so no two different part lists hash the same input.
 */
export function deriveId(namespace: string, parts: readonly string[]): string {
  let input = `herald/${namespace}/v1`;
  for (const [index, part] of parts.entries()) {
    if (typeof part !== 'string' || part.length === 0) {
      throw new ProtocolError(
        'INVALID_ARGUMENT',
        `${namespace} id: part ${index} must be a non-empty string`,
      );
    }
    input += `\u0000${part.length}:${part}`;
  }
  return base64url(sha256Digest(input).subarray(0, 16));
}
