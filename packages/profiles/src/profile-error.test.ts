import { describe, expect, it } from 'vitest';
import { ProfileError } from './profile-error.js';

describe('ProfileError', () => {
  it('carries a code, the field, a native cause, and a name', () => {
    const cause = new Error('root');
    const error = new ProfileError('INVALID_ARGUMENT', 'email must be a string', { field: 'email', cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ProfileError');
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.field).toBe('email');
    expect(error.cause).toBe(cause);
    expect(new ProfileError('CLOSED', 'closed')).not.toHaveProperty('cause');
    expect(new ProfileError('CLOSED', 'closed').field).toBeUndefined();
  });

  it('isInstance recognises a copy from another package instance by its Symbol.for marker', () => {
    const foreign = { [Symbol.for('@herald/profiles/error')]: true, code: 'CLOSED' };
    expect(ProfileError.isInstance(new ProfileError('CLOSED', 'closed'))).toBe(true);
    expect(ProfileError.isInstance(foreign)).toBe(true);
    expect(ProfileError.isInstance(new Error('plain'))).toBe(false);
    expect(ProfileError.isInstance(null)).toBe(false);
    expect(ProfileError.isInstance('ProfileError')).toBe(false);
  });
});
