const marker = Symbol.for('@herald/gateway/error');

/** Every way the gateway refuses a call or a token. */
export type GatewayErrorCode =
  'INVALID_ARGUMENT' | 'UNAUTHORIZED' | 'TOKEN_EXPIRED' | 'FORBIDDEN' | 'UNAVAILABLE' | 'CLOSED';

/**
 * The one error type `@herald/gateway` throws.
 *
 * @example
 * try { await verifySubscriberToken(token, secret) }
 * catch (error) { if (GatewayError.isInstance(error) && error.code === 'TOKEN_EXPIRED') refresh() }
 */
export class GatewayError extends Error {
  readonly [marker] = true;
  override readonly name = 'GatewayError';
  readonly code: GatewayErrorCode;

  constructor(code: GatewayErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** True for a `GatewayError` from any copy of this package (`instanceof` fails across duplicates). */
  static isInstance(value: unknown): value is GatewayError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}
