const marker = Symbol.for('@herald/profiles/error');

/**
 * Every way a profile operation fails.
 *
 * - `INVALID_ARGUMENT`: a bad profile or option; `field` names it (`email`, `inputs[3].version`).
 * - `NOT_FOUND`: the profile's tenant does not exist in the store.
 * - `STORE_FAILED`: the store could not read or write (busy, closed, damaged); `cause` is the `StoreError`.
 * - `CACHE_FAILED`: the cache could not be read or written. Never thrown: the store is the
 *   source of truth, so these only reach the `onError` option while reads and writes carry on.
 * - `CLOSED`: the profiles were used after `close()`.
 */
export type ProfileErrorCode = 'INVALID_ARGUMENT' | 'NOT_FOUND' | 'STORE_FAILED' | 'CACHE_FAILED' | 'CLOSED';

/**
 * The one error type `@herald/profiles` throws (and reports to `onError`).
 *
 * @example
 * try { await profiles.update({ tenantId: 'acme', id: 'c-42', version: 1.5 }) }
 * catch (error) { if (ProfileError.isInstance(error)) console.log(error.code, error.field) } // INVALID_ARGUMENT version
 */
export class ProfileError extends Error {
  readonly [marker] = true;
  override readonly name = 'ProfileError';
  readonly code: ProfileErrorCode;
  /** The input field at fault, for `INVALID_ARGUMENT` (and `tenantId` for `NOT_FOUND`). */
  readonly field: string | undefined;

  constructor(code: ProfileErrorCode, message: string, options: { cause?: unknown; field?: string } = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.code = code;
    this.field = options.field;
  }

  /** True for a `ProfileError` from any copy of this package (`instanceof` fails across duplicates). */
  static isInstance(value: unknown): value is ProfileError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}
