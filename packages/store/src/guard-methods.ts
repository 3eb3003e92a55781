import { StoreError } from './store-error.js';
import { translateError } from './translate-error.js';

/**
 * Wraps every method of `target`'s class, in place, so calls after `isClosed()` fail with
 * `StoreError('CLOSED')` and what SQLite throws surfaces as a `StoreError` naming `name.method`.
 * Done once per repository, not per call.
 */
export function guardMethods<T extends object>(name: string, target: T, isClosed: () => boolean): T {
  const prototype = Object.getPrototypeOf(target) as object;
  const methods = target as unknown as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(prototype)) {
    const method = methods[key];
    if (key === 'constructor' || typeof method !== 'function') continue;
    const operation = `${name}.${key}`;
    Object.defineProperty(target, key, {
      configurable: true,
      writable: true,
      value: function guarded(...args: unknown[]): unknown {
        if (isClosed()) throw new StoreError('CLOSED', `${operation}: the store is closed`);
        try {
          return (method as (...a: unknown[]) => unknown).apply(target, args);
        } catch (error) {
          throw translateError(error, operation);
        }
      },
    });
  }
  return target;
}
