import { mintSubscriberToken, type TokenSecret } from '@herald/gateway';
import { apiKeyAuth, ErrorResponse, readJsonBody, type ApiKeyEnv } from '@herald/http';
import { apiErrorFromZod, subscriberTokenRequestSchema } from '@herald/protocol';
import type { Store } from '@herald/store';
import { Hono } from 'hono';
import { idParam } from './id-param.js';

/**
 * `POST /v1/subscribers/:id/token` (tenant API key): a signed token for one subscriber's inbox
 * and live stream, for the CRM's backend to hand to its front end. The body is optional
 * (`ttlSeconds`, `scopes`).
 *
 * @example
 * app.route('/', subscriberTokenRoutes({ store, secret, now: Date.now }));
 */
export function subscriberTokenRoutes(deps: {
  store: Store;
  secret: TokenSecret;
  now: () => number;
}): Hono<ApiKeyEnv> {
  const { store, secret, now } = deps;
  const app = new Hono<ApiKeyEnv>();
  app.post('/v1/subscribers/:id/token', apiKeyAuth(store), async (c) => {
    const subscriber = idParam(c, 'id');
    const hasBody =
      (c.req.header('content-length') ?? '0') !== '0' || c.req.header('transfer-encoding') !== undefined;
    const body = hasBody ? await readJsonBody(c, 4) : {};
    const parsed = subscriberTokenRequestSchema.safeParse(body);
    if (!parsed.success) throw new ErrorResponse(400, apiErrorFromZod(parsed.error));
    const minted = await mintSubscriberToken(
      {
        tenant: c.get('apiKey').tenantId,
        subscriber,
        ttlSeconds: parsed.data.ttlSeconds,
        now,
        ...(parsed.data.scopes === undefined ? {} : { scopes: parsed.data.scopes }),
      },
      secret,
    );
    return c.json(minted, 201);
  });
  return app;
}
