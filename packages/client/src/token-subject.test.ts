import { describe, expect, it } from 'vitest';
import { tokenSubject } from './token-subject.js';

const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('tokenSubject', () => {
  it('reads tenant and sub from a JWT payload without verifying it', () => {
    const jwt = `${part({ alg: 'HS256' })}.${part({ tenant: 'acme', sub: 'rep-7', exp: 1, x: 'é?>' })}.sig`;
    expect(tokenSubject(jwt)).toBe('acme/rep-7');
  });

  it('is undefined for anything else', () => {
    expect(tokenSubject('opaque-token')).toBeUndefined();
    expect(tokenSubject('a.%%%.c')).toBeUndefined();
    expect(tokenSubject(`a.${part({ sub: 'x' })}.c`)).toBeUndefined();
    expect(tokenSubject(`a.${part('text')}.c`)).toBeUndefined();
  });
});
