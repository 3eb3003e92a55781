import { GatewayError, verifySubscriberToken, type TokenSecret } from '@herald/gateway';
import { ErrorResponse } from '@herald/http';
import type { SubscriberScope, SubscriberTokenClaims } from '@herald/protocol';
import type { MiddlewareHandler } from 'hono';

/** The hono variables {@link subscriberAuth} sets. */
export type SubscriberEnv = { Variables: { subscriber: SubscriberTokenClaims } };

const bearer = /^Bearer\s+(\S+)\s*$/i;

/**
 * Middleware admitting a valid subscriber token that grants `scope`, and setting
 * `c.var.subscriber` to its claims: 401 for a missing, bad or expired token, 403 without the scope.
 *
 * @example
 * app.get('/v1/inbox', subscriberAuth(secret, Date.now, 'inbox:read'), handler);
 */
export function subscriberAuth(
  secret: TokenSecret,
  now: () => number,
  scope: SubscriberScope,
): MiddlewareHandler<SubscriberEnv> {
  return async (c, next) => {
    const match = bearer.exec(c.req.header('authorization') ?? '');
    if (match === null) {
      throw ErrorResponse.of(
        401,
        'unauthorized',
        'missing subscriber token (Authorization: Bearer <token>)',
        undefined,
        {
          'WWW-Authenticate': 'Bearer',
        },
      );
    }
    let claims: SubscriberTokenClaims;
    try {
      claims = await verifySubscriberToken(match[1]!, secret, { now });
    } catch (error) {
      const expired = GatewayError.isInstance(error) && error.code === 'TOKEN_EXPIRED';
      throw ErrorResponse.of(
        401,
        'unauthorized',
        expired ? 'the subscriber token has expired' : 'invalid subscriber token',
        undefined,
        {
          'WWW-Authenticate': 'Bearer',
        },
      );
    }
    if (claims.scopes !== undefined && !claims.scopes.includes(scope)) {
      throw ErrorResponse.of(403, 'forbidden', `the token does not grant the ${scope} scope`);
    }
    c.set('subscriber', claims);
    await next();
  };
}
