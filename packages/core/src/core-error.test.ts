import { describe, expect, it } from 'vitest';
import { CoreError } from './core-error.js';

describe('CoreError', () => {
  it('carries a code and a cause', () => {
    const cause = new Error('root');
    const error = new CoreError('INVALID_ARGUMENT', 'n must be positive', { cause });
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(Error);
  });

  it('is recognised across package copies by its marker, not its prototype', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('@herald/core/error')]: true });
    expect(CoreError.isInstance(foreign)).toBe(true);
    expect(CoreError.isInstance(new Error('plain'))).toBe(false);
    expect(CoreError.isInstance(null)).toBe(false);
  });
});
