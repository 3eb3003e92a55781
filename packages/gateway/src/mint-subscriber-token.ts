import type { SubscriberScope } from '@herald/protocol';
import { tenantIdSchema, subjectIdSchema } from '@herald/protocol';
import { SignJWT } from 'jose';
import { GatewayError } from './gateway-error.js';
import { tokenSecret, type TokenSecret } from './token-secret.js';

/** Whose inbox a token opens, for how long, and for what. */
export interface MintSubscriberTokenOptions {
  tenant: string;
  subscriber: string;
  /**
   * Lifetime in seconds.
   *
   * @defaultValue 3600
   */
  ttlSeconds?: number;
  /**
   * What the token allows; without it, everything.
   *
   * @defaultValue all scopes
   */
  scopes?: readonly SubscriberScope[];
  /**
   * The clock, in epoch milliseconds.
   *
   * @defaultValue `Date.now`
   */
  now?: () => number;
}

/** A signed subscriber token and when it expires (epoch ms). */
export interface MintedSubscriberToken {
  token: string;
  expiresAt: number;
}

/**
 * Signs an HS256 subscriber token for one tenant's subscriber.
 *
 * @example
 * const { token } = await mintSubscriberToken({ tenant: 'acme', subscriber: 'u-1', ttlSeconds: 600 }, secret);
 * new WebSocket(`wss://push.example/v1/ws?token=${token}`);
 */
export async function mintSubscriberToken(
  options: MintSubscriberTokenOptions,
  secret: TokenSecret,
): Promise<MintedSubscriberToken> {
  if (!tenantIdSchema.safeParse(options.tenant).success) {
    throw new GatewayError('INVALID_ARGUMENT', `tenant: invalid tenant id '${options.tenant}'`);
  }
  if (!subjectIdSchema.safeParse(options.subscriber).success) {
    throw new GatewayError('INVALID_ARGUMENT', `subscriber: invalid id '${options.subscriber}'`);
  }
  const ttlSeconds = options.ttlSeconds ?? 3600;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new GatewayError('INVALID_ARGUMENT', `ttlSeconds: a positive integer required, got ${ttlSeconds}`);
  }
  const iat = Math.floor((options.now ?? Date.now)() / 1000);
  const exp = iat + ttlSeconds;
  const claims: Record<string, unknown> = { tenant: options.tenant };
  if (options.scopes !== undefined) claims['scopes'] = [...options.scopes];
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.subscriber)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(tokenSecret(secret));
  return { token, expiresAt: exp * 1000 };
}
