import { StoreError } from './store-error.js';

/** Throws `StoreError('INVALID_ARGUMENT', message)` unless `condition` holds. */
export function assertArgument(condition: boolean, message: string): asserts condition {
  if (!condition) throw new StoreError('INVALID_ARGUMENT', message);
}
