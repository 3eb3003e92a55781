import { describe, expect, it } from 'vitest';
import { HeraldClientError } from './herald-client-error.js';

describe('HeraldClientError', () => {
  it('carries code, status, field, close code and cause', () => {
    const cause = new Error('boom');
    const error = new HeraldClientError('invalid_field', 'limit: too big', {
      status: 400,
      field: 'limit',
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'HeraldClientError',
      code: 'invalid_field',
      status: 400,
      field: 'limit',
    });
    expect(error.cause).toBe(cause);
    expect(error.closeCode).toBeUndefined();
  });

  it('is recognised across copies of the package by its Symbol.for marker', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('@herald/client/error')]: true });
    expect(HeraldClientError.isInstance(foreign)).toBe(true);
    expect(HeraldClientError.isInstance(new HeraldClientError('closed', 'closed'))).toBe(true);
    expect(HeraldClientError.isInstance(new Error('x'))).toBe(false);
    expect(HeraldClientError.isInstance(null)).toBe(false);
  });

  it('maps unknown server codes to internal', () => {
    expect(HeraldClientError.apiCode('not_found')).toBe('not_found');
    expect(HeraldClientError.apiCode('something_new')).toBe('internal');
    expect(HeraldClientError.apiCode(42)).toBe('internal');
  });
});
