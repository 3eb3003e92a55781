import type { Gateway, TokenSecret } from '@herald/gateway';
import { ErrorResponse, readJsonBody } from '@herald/http';
import { apiErrorFromZod, inboxQuerySchema, markRequestSchema } from '@herald/protocol';
import type { Store } from '@herald/store';
import { Hono } from 'hono';
import { applyMark } from './apply-mark.js';
import { subscriberAuth, type SubscriberEnv } from './subscriber-auth.js';
import { toNotification } from './to-notification.js';

/**
 * A subscriber's inbox over HTTP, authenticated by subscriber token (the token names whose
 * inbox, so nobody reads another's): `GET /v1/inbox` (newest first, cursor paging, filters),
 * `GET /v1/inbox/unread-count`, `POST /v1/inbox/mark`.
 *
 * @example
 * app.route('/', inboxRoutes({ store, gateway, secret, now: Date.now }));
 */
export function inboxRoutes(deps: {
  store: Store;
  gateway: Gateway;
  secret: TokenSecret;
  now: () => number;
}): Hono<SubscriberEnv> {
  const { store, gateway, secret, now } = deps;
  const app = new Hono<SubscriberEnv>();
  const read = subscriberAuth(secret, now, 'inbox:read');
  const write = subscriberAuth(secret, now, 'inbox:write');

  app.get('/v1/inbox', read, (c) => {
    const parsed = inboxQuerySchema.safeParse(c.req.query());
    if (!parsed.success) throw new ErrorResponse(400, apiErrorFromZod(parsed.error));
    const { tenant, sub } = c.get('subscriber');
    const query = parsed.data;
    const page = store.inbox.list(tenant, sub, {
      limit: query.limit,
      archived: query.archived,
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      ...(query.unread === undefined ? {} : { unread: query.unread }),
      ...(query.unseen === undefined ? {} : { unseen: query.unseen }),
      ...(query.category === undefined ? {} : { category: query.category }),
    });
    return c.json({
      items: page.items.map((row) => toNotification(row)),
      nextCursor: page.nextCursor ?? null,
    });
  });

  app.get('/v1/inbox/unread-count', read, (c) => {
    const { tenant, sub } = c.get('subscriber');
    return c.json({ count: store.inbox.unreadCount(tenant, sub) });
  });

  app.post('/v1/inbox/mark', write, async (c) => {
    const parsed = markRequestSchema.safeParse(await readJsonBody(c, 8));
    if (!parsed.success) throw new ErrorResponse(400, apiErrorFromZod(parsed.error));
    const { tenant, sub } = c.get('subscriber');
    return c.json(await applyMark(store, gateway, tenant, sub, parsed.data, now()));
  });

  return app;
}
