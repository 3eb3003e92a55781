import { CacheError } from './cache-error.js';

/** A validated TTL in whole milliseconds, or `undefined` for none. */
export function ttlArgument(ttlMs: number | undefined): number | undefined {
  if (ttlMs === undefined) return undefined;
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new CacheError(
      'INVALID_ARGUMENT',
      `ttlMs must be a positive finite number of milliseconds, got ${String(ttlMs)}`,
    );
  }
  return Math.ceil(ttlMs);
}

/** A validated increment step. */
export function incrementArgument(by: number): number {
  if (!Number.isSafeInteger(by)) {
    throw new CacheError('INVALID_ARGUMENT', `increment step must be a safe integer, got ${String(by)}`);
  }
  return by;
}

/** A validated key prefix. */
export function prefixArgument(prefix: string | undefined): string {
  if (prefix === undefined) return '';
  if (typeof prefix !== 'string') {
    throw new CacheError('INVALID_ARGUMENT', `prefix must be a string, got ${typeof prefix}`);
  }
  return prefix;
}
