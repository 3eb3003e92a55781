import { ProfileError } from '@herald/profiles';
import { StoreError } from '@herald/store';
import { TransportError } from '@herald/transport';
import { ErrorResponse } from '@herald/http';

/**
 * The HTTP answer for a failure of the log, the store or the profiles: 503 with `Retry-After`
 * for an outage (never a false 202), 413 for a record the log refuses as too large, 400 for a
 * profile field the profiles refuse; `undefined` for a bug (answered 500 by the app).
 *
 * @example
 * const response = mapFailure(error, 5, 'customer');
 */
export function mapFailure(
  error: unknown,
  retryAfterSeconds: number,
  profilePrefix = '',
): ErrorResponse | undefined {
  const retry = { 'Retry-After': String(retryAfterSeconds) };
  if (error instanceof ErrorResponse) return error;
  if (TransportError.isInstance(error)) {
    if (error.code === 'RECORD_TOO_LARGE') {
      return ErrorResponse.of(413, 'payload_too_large', 'the event is larger than the log accepts');
    }
    if (error.code === 'UNAVAILABLE' || error.code === 'CLOSED') {
      return ErrorResponse.of(
        503,
        'unavailable',
        'the event log is unavailable; retry later',
        undefined,
        retry,
      );
    }
    return undefined;
  }
  if (StoreError.isInstance(error)) {
    if (error.code === 'BUSY' || error.code === 'CLOSED' || error.code === 'QUERY_FAILED') {
      return ErrorResponse.of(503, 'unavailable', 'the store is unavailable; retry later', undefined, retry);
    }
    return undefined;
  }
  if (ProfileError.isInstance(error)) {
    if (error.code === 'INVALID_ARGUMENT') {
      const field = [profilePrefix, error.field ?? ''].filter((part) => part !== '').join('.');
      return ErrorResponse.of(400, 'invalid_field', error.message, field === '' ? undefined : field);
    }
    if (error.code === 'STORE_FAILED' || error.code === 'CLOSED') {
      return ErrorResponse.of(
        503,
        'unavailable',
        'the profile store is unavailable; retry later',
        undefined,
        retry,
      );
    }
    return undefined;
  }
  return undefined;
}
