import { StoreError } from './store-error.js';

/** Throws `StoreError('INVALID_ARGUMENT', message)` unless `condition` holds. */
export function assertArgument(condition: boolean, message: string): asserts condition {
  if (!condition) throw new StoreError('INVALID_ARGUMENT', message);
}

/** Throws `StoreError('INVALID_ARGUMENT')` unless `value` is a whole number of epoch milliseconds. */
export function assertTime(value: number, name: string): void {
  assertArgument(Number.isSafeInteger(value), `${name} must be an integer count of epoch milliseconds`);
}
