import { subscriberTokenClaimsSchema, type SubscriberTokenClaims } from '@herald/protocol';
import { errors, jwtVerify } from 'jose';
import { GatewayError } from './gateway-error.js';
import { tokenSecret, type TokenSecret } from './token-secret.js';

/** Options of {@link verifySubscriberToken}. */
export interface VerifySubscriberTokenOptions {
  /**
   * The clock, in epoch milliseconds.
   *
   * @defaultValue `Date.now`
   */
  now?: () => number;
}

/**
 * The claims of a valid subscriber token. Rejects with `GatewayError` `TOKEN_EXPIRED` for an
 * expired one and `UNAUTHORIZED` for anything else wrong (signature, algorithm, claims).
 *
 * @example
 * const claims = await verifySubscriberToken(token, secret); // { tenant: 'acme', sub: 'u-1', iat, exp }
 */
export async function verifySubscriberToken(
  token: string,
  secret: TokenSecret,
  options: VerifySubscriberTokenOptions = {},
): Promise<SubscriberTokenClaims> {
  const key = tokenSecret(secret);
  let payload: unknown;
  try {
    const now = options.now;
    ({ payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      ...(now === undefined ? {} : { currentDate: new Date(now()) }),
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) {
      throw new GatewayError('TOKEN_EXPIRED', 'token expired', { cause: error });
    }
    throw new GatewayError('UNAUTHORIZED', 'invalid token', { cause: error });
  }
  const claims = subscriberTokenClaimsSchema.safeParse(payload);
  if (!claims.success) {
    const field = claims.error.issues[0]?.path.join('.') ?? '';
    throw new GatewayError('UNAUTHORIZED', `invalid token claims: ${field || 'payload'}`, {
      cause: claims.error,
    });
  }
  return claims.data;
}
