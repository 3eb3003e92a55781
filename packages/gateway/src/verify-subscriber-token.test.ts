import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { GatewayError } from './gateway-error.js';
import { mintSubscriberToken } from './mint-subscriber-token.js';
import { verifySubscriberToken } from './verify-subscriber-token.js';

const secret = 'a-secret-of-at-least-thirty-two-bytes!!';

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (GatewayError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('subscriber tokens', () => {
  it('round-trips tenant, subscriber, expiry and scopes', async () => {
    const minted = await mintSubscriberToken(
      {
        tenant: 'acme',
        subscriber: 'u-1',
        ttlSeconds: 600,
        scopes: ['stream'],
        now: () => 1_800_000_000_000,
      },
      secret,
    );
    expect(minted.expiresAt).toBe(1_800_000_600_000);
    const claims = await verifySubscriberToken(minted.token, secret, { now: () => 1_800_000_100_000 });
    expect(claims).toEqual({
      tenant: 'acme',
      sub: 'u-1',
      iat: 1_800_000_000,
      exp: 1_800_000_600,
      scopes: ['stream'],
    });
  });

  it('refuses an expired token with TOKEN_EXPIRED', async () => {
    const { token } = await mintSubscriberToken(
      { tenant: 'acme', subscriber: 'u-1', ttlSeconds: 60, now: () => 0 },
      secret,
    );
    const error = await rejection(verifySubscriberToken(token, secret, { now: () => 61_000 }));
    expect(error.code).toBe('TOKEN_EXPIRED');
  });

  it('refuses another key, a tampered token, alg none and junk with UNAUTHORIZED', async () => {
    const { token } = await mintSubscriberToken({ tenant: 'acme', subscriber: 'u-1' }, secret);
    expect((await rejection(verifySubscriberToken(token, `${secret}-other`))).code).toBe('UNAUTHORIZED');
    const [header, payload, signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ tenant: 'other', sub: 'u-1', iat: 1, exp: 9_999_999_999 }),
    ).toString('base64url');
    expect((await rejection(verifySubscriberToken(`${header}.${forged}.${signature}`, secret))).code).toBe(
      'UNAUTHORIZED',
    );
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    expect((await rejection(verifySubscriberToken(none, secret))).code).toBe('UNAUTHORIZED');
    expect((await rejection(verifySubscriberToken('junk', secret))).code).toBe('UNAUTHORIZED');
  });

  it('refuses a validly signed token whose claims break the protocol schema', async () => {
    const token = await new SignJWT({ tenant: 'bad tenant!' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u-1')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret));
    const error = await rejection(verifySubscriberToken(token, secret));
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toContain('tenant');
  });

  it('refuses short secrets and bad arguments when minting', async () => {
    expect((await rejection(mintSubscriberToken({ tenant: 'acme', subscriber: 'u' }, 'short'))).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect((await rejection(mintSubscriberToken({ tenant: 'a b', subscriber: 'u' }, secret))).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect(
      (await rejection(mintSubscriberToken({ tenant: 'acme', subscriber: 'u', ttlSeconds: 0 }, secret))).code,
    ).toBe('INVALID_ARGUMENT');
  });
});
