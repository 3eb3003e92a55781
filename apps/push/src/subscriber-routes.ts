import { apiKeyAuth, ErrorResponse, readJsonBody, type ApiKeyEnv } from '@herald/http';
import { apiErrorFromZod, subscriberUpdateSchema } from '@herald/protocol';
import type { Store, Subscriber } from '@herald/store';
import { Hono } from 'hono';
import { idParam } from './id-param.js';

function view(id: string, subscriber: Subscriber | undefined) {
  return {
    id,
    locale: subscriber?.locale ?? null,
    timezone: subscriber?.timezone ?? null,
    updatedAt: subscriber?.updatedAt ?? null,
  };
}

/**
 * `GET/PUT /v1/subscribers/:id` (tenant API key): the locale and time zone a subscriber's
 * notifications are written in, as the CRM's backend knows them. A subscriber never described
 * reads as nulls, and their notifications use the customer profile's settings (when they are the
 * customer) or the rule set's defaults.
 *
 * @example
 * app.route('/', subscriberRoutes({ store }));
 */
export function subscriberRoutes(deps: { store: Store }): Hono<ApiKeyEnv> {
  const { store } = deps;
  const app = new Hono<ApiKeyEnv>();
  app.get('/v1/subscribers/:id', apiKeyAuth(store), (c) => {
    const id = idParam(c, 'id');
    return c.json(view(id, store.subscribers.get(c.get('apiKey').tenantId, id)));
  });
  app.put('/v1/subscribers/:id', apiKeyAuth(store), async (c) => {
    const id = idParam(c, 'id');
    const parsed = subscriberUpdateSchema.safeParse(await readJsonBody(c, 4));
    if (!parsed.success) throw new ErrorResponse(400, apiErrorFromZod(parsed.error));
    const tenantId = c.get('apiKey').tenantId;
    return c.json(view(id, store.subscribers.set({ tenantId, id, ...parsed.data })));
  });
  return app;
}
