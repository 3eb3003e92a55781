import type { HsetIfNewerOptions } from './cache.js';
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

/** The validated version and version field of a `hsetIfNewer`, the version as it is stored. */
export function versionArguments(
  fields: Readonly<Record<string, string>>,
  options: HsetIfNewerOptions,
): { versionField: string; version: string } {
  const { versionField, version } = options;
  if (typeof versionField !== 'string' || versionField === '') {
    throw new CacheError('INVALID_ARGUMENT', 'versionField must be a non-empty string');
  }
  if (!Number.isSafeInteger(version)) {
    throw new CacheError('INVALID_ARGUMENT', `version must be a safe integer, got ${String(version)}`);
  }
  const stored = String(version);
  const given = Object.hasOwn(fields, versionField) ? fields[versionField] : undefined;
  if (given !== undefined && given !== stored) {
    throw new CacheError(
      'INVALID_ARGUMENT',
      `fields.${versionField} is "${given}" but version is ${stored}: the version field is written from version`,
    );
  }
  return { versionField, version: stored };
}

const storedInteger = /^-?(?:0|[1-9]\d*)$/;

/** The version stored in a hash field, or `undefined` when it is not a safe integer. */
export function parseStoredVersion(value: string): number | undefined {
  const version = storedInteger.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(version) ? version : undefined;
}
