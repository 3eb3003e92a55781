const marker = Symbol.for('@herald/core/error');

/** Every way a core algorithm refuses its input. */
export type CoreErrorCode =
  'INVALID_ARGUMENT' | 'INCOMPATIBLE' | 'INVALID_SERIALIZATION' | 'UNSTABLE_SYSTEM' | 'EMPTY';

/**
 * The one error type `@herald/core` throws.
 *
 * @example
 * try { new BloomFilter({ expectedItems: 0, falsePositiveRate: 0.01 }) }
 * catch (error) { if (CoreError.isInstance(error)) console.log(error.code) } // INVALID_ARGUMENT
 */
export class CoreError extends Error {
  readonly [marker] = true;
  override readonly name = 'CoreError';
  readonly code: CoreErrorCode;

  constructor(code: CoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** True for a `CoreError` from any copy of this package (`instanceof` fails across duplicates). */
  static isInstance(value: unknown): value is CoreError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}
