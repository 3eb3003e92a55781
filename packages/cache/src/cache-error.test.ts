import { describe, expect, it } from 'vitest';
import { CacheError } from './cache-error.js';

describe('CacheError', () => {
  it('carries a code, a message and a native cause', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new CacheError('UNAVAILABLE', 'Redis is unreachable', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CacheError');
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toBe('Redis is unreachable');
    expect(error.cause).toBe(cause);
  });

  it('is recognised by isInstance across package copies, by its Symbol.for marker', () => {
    const fromAnotherCopy = Object.assign(new Error('x'), { [Symbol.for('@herald/cache/error')]: true });
    expect(CacheError.isInstance(new CacheError('CLOSED', 'closed'))).toBe(true);
    expect(CacheError.isInstance(fromAnotherCopy)).toBe(true);
    expect(CacheError.isInstance(new Error('x'))).toBe(false);
    expect(
      CacheError.isInstance(Object.assign(new Error('x'), { [Symbol.for('@herald/core/error')]: true })),
    ).toBe(false);
    expect(CacheError.isInstance(null)).toBe(false);
    expect(CacheError.isInstance('CacheError')).toBe(false);
  });
});
