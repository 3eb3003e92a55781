const marker = Symbol.for('@herald/store/error');

/** Every way the store refuses to open or to take a call. */
export type StoreErrorCode =
  | 'OPEN_FAILED'
  | 'CORRUPT'
  | 'SCHEMA_TOO_NEW'
  | 'MIGRATION_FAILED'
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'BUSY'
  | 'CLOSED'
  | 'QUERY_FAILED';

/**
 * The one error type `@herald/store` throws.
 *
 * @example
 * try { openStore({ path: './data/herald.db' }) }
 * catch (error) { if (StoreError.isInstance(error) && error.code === 'SCHEMA_TOO_NEW') process.exit(1) }
 */
export class StoreError extends Error {
  readonly [marker] = true;
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** True for a `StoreError` from any copy of this package (`instanceof` fails across duplicates). */
  static isInstance(value: unknown): value is StoreError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}
