import { apiErrorCodes, type ApiErrorCode } from '@herald/protocol';

const marker = Symbol.for('@herald/client/error');

/**
 * Every way a Herald call or connection can fail: the server's API error codes, plus
 * `token_expired` (a socket refused the token as expired and no `getToken` could renew it),
 * `replaced` (the server closed the socket for a newer one), `network` (the server could not be
 * reached), `invalid_response` (an answer that is not Herald's), `invalid_argument` (a bad option
 * or call) and `closed` (the client was closed).
 */
export type HeraldClientErrorCode =
  | ApiErrorCode
  | 'token_expired'
  | 'replaced'
  | 'network'
  | 'invalid_response'
  | 'invalid_argument'
  | 'closed';

/** What a {@link HeraldClientError} carries besides its code and message. */
export interface HeraldClientErrorOptions {
  /** The HTTP status of the response that failed. */
  status?: number;
  /** The offending field, as the server named it (`limit`, `ids`). */
  field?: string;
  /** The WebSocket close code that ended the connection. */
  closeCode?: number;
  cause?: unknown;
}

const apiCodes = new Set<string>(apiErrorCodes);

/**
 * The one error type `@herald/client` throws and emits.
 *
 * @example
 * try { await client.list({ limit: 500 }) }
 * catch (error) { if (HeraldClientError.isInstance(error)) console.log(error.status, error.code, error.field) } // 400 invalid_field limit
 */
export class HeraldClientError extends Error {
  readonly [marker] = true;
  override readonly name = 'HeraldClientError';
  readonly code: HeraldClientErrorCode;
  readonly status: number | undefined;
  readonly field: string | undefined;
  readonly closeCode: number | undefined;

  constructor(code: HeraldClientErrorCode, message: string, options: HeraldClientErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.field = options.field;
    this.closeCode = options.closeCode;
  }

  /** True for a `HeraldClientError` from any copy of this package (`instanceof` fails across duplicates). */
  static isInstance(value: unknown): value is HeraldClientError {
    return typeof value === 'object' && value !== null && marker in value;
  }

  /** The server's error code, or `internal` for one this version does not know. */
  static apiCode(code: unknown): ApiErrorCode {
    return typeof code === 'string' && apiCodes.has(code) ? (code as ApiErrorCode) : 'internal';
  }
}
