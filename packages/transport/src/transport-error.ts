const marker = Symbol.for('@herald/transport/error');

/** Every way the log refuses a call. */
export type TransportErrorCode =
  | 'INVALID_URL'
  | 'INVALID_ARGUMENT'
  | 'INVALID_TOPIC'
  | 'RECORD_TOO_LARGE'
  | 'UNAVAILABLE'
  | 'CLOSED'
  | 'SCHEMA_TOO_NEW'
  | 'CORRUPT';

/**
 * The one error type `@herald/transport` throws.
 *
 * @example
 * try { await log.publish('', [{ value: 'x' }]) }
 * catch (error) { if (TransportError.isInstance(error)) console.log(error.code) } // INVALID_TOPIC
 */
export class TransportError extends Error {
  readonly [marker] = true;
  override readonly name = 'TransportError';
  readonly code: TransportErrorCode;

  constructor(code: TransportErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** True for a `TransportError` from any copy of this package. */
  static isInstance(value: unknown): value is TransportError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}
