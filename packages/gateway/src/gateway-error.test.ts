import { describe, expect, it } from 'vitest';
import { GatewayError } from './gateway-error.js';

describe('GatewayError', () => {
  it('carries code and cause, and is recognised across copies by its marker', () => {
    const cause = new Error('root');
    const error = new GatewayError('CLOSED', 'closed', { cause });
    expect(error.code).toBe('CLOSED');
    expect(error.cause).toBe(cause);
    expect(GatewayError.isInstance(error)).toBe(true);
    expect(GatewayError.isInstance({ [Symbol.for('@herald/gateway/error')]: true })).toBe(true);
    expect(GatewayError.isInstance(new Error('x'))).toBe(false);
  });
});
