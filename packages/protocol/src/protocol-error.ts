const marker = Symbol.for('@herald/protocol/error');

/** Every way a protocol helper refuses its input. */
export type ProtocolErrorCode = 'INVALID_ARGUMENT' | 'DECODE_FAILED';

/**
 * The one error type `@herald/protocol` throws.
 *
 * @example
 * try { decodeLoggedEvent('{}') }
 * catch (error) { if (ProtocolError.isInstance(error)) console.log(error.code, error.field) } // DECODE_FAILED id
 */
export class ProtocolError extends Error {
  readonly [marker] = true;
  override readonly name = 'ProtocolError';
  readonly code: ProtocolErrorCode;
  /** The path of the first offending field (`events[3].occurredAt`), when one is to blame. */
  readonly field: string | undefined;

  constructor(code: ProtocolErrorCode, message: string, options?: { cause?: unknown; field?: string }) {
    super(message, options);
    this.code = code;
    this.field = options?.field;
  }

  /** True for a `ProtocolError` from any copy of this package (`instanceof` fails across duplicates). */
  static isInstance(value: unknown): value is ProtocolError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}
