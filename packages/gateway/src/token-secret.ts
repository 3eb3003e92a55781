import { GatewayError } from './gateway-error.js';

/** An HS256 key: raw bytes, or a string taken as its UTF-8 bytes. */
export type TokenSecret = Uint8Array | string;

/**
 * The key bytes of a secret, refusing one shorter than 32 bytes (HS256 wants at least 256 bits).
 *
 * @example
 * tokenSecret('a-secret-of-at-least-thirty-two-bytes!') // Uint8Array(38)
 */
export function tokenSecret(secret: TokenSecret): Uint8Array {
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  if (bytes.byteLength < 32) {
    throw new GatewayError('INVALID_ARGUMENT', `secret: at least 32 bytes required, got ${bytes.byteLength}`);
  }
  return bytes;
}
