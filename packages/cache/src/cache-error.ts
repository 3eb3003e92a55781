const marker = Symbol.for('@herald/cache/error');

/**
 * Every way a cache operation fails.
 *
 * - `INVALID_URL`: `createCache` got a URL it cannot parse or a scheme it has no driver for.
 * - `INVALID_ARGUMENT`: a bad option or argument (a TTL that is not a positive number, a
 *   non-integer increment).
 * - `UNAVAILABLE`: the backend cannot be reached, a command timed out, or the connection
 *   dropped while a command was in flight (it may or may not have run).
 * - `WRONG_TYPE`: the key holds another kind of value (a hash read as a string, a counter
 *   that is not an integer).
 * - `COMMAND_FAILED`: the backend refused a command for another reason.
 * - `HANDLER_FAILED`: a pub/sub handler threw or rejected; reported through `onError`, never
 *   thrown to the publisher.
 * - `CLOSED`: the cache was used after `close()`.
 */
export type CacheErrorCode =
  | 'INVALID_URL'
  | 'INVALID_ARGUMENT'
  | 'UNAVAILABLE'
  | 'WRONG_TYPE'
  | 'COMMAND_FAILED'
  | 'HANDLER_FAILED'
  | 'CLOSED';

/**
 * The one error type `@herald/cache` throws.
 *
 * @example
 * try { await createCache('ftp://example.com') }
 * catch (error) { if (CacheError.isInstance(error)) console.log(error.code) } // INVALID_URL
 */
export class CacheError extends Error {
  readonly [marker] = true;
  override readonly name = 'CacheError';
  readonly code: CacheErrorCode;

  constructor(code: CacheErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** True for a `CacheError` from any copy of this package (`instanceof` fails across duplicates). */
  static isInstance(value: unknown): value is CacheError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}
