import type { StateDelivery } from '@herald/gateway';
import { verifySubscriberToken } from '@herald/gateway';
import {
  apiError,
  apiErrorFromZod,
  inboxQuerySchema,
  markRequestSchema,
  priorityFromRank,
  type Notification,
  type SubscriberTokenClaims,
} from '@herald/protocol';
import type { ListNotificationsOptions, Notification as StoredNotification, Store } from '@herald/store';
import { Hono, type Context } from 'hono';

/** A stored inbox row as the protocol sends it (what the push app does). */
export function toNotification(row: StoredNotification): Notification {
  const notification: Notification = {
    id: row.id,
    tenant: row.tenantId,
    recipient: row.recipientId,
    seq: row.seq,
    eventId: row.eventId,
    rule: row.rule,
    category: row.category,
    priority: priorityFromRank(row.priority),
    title: row.title,
    body: row.body,
    data: row.data,
    collapseKey: row.collapseKey,
    channels: row.channels as Notification['channels'],
    createdAt: row.createdAt,
    seenAt: row.seenAt,
    readAt: row.readAt,
    archivedAt: row.archivedAt,
    expiresAt: row.expiresAt,
  };
  return notification;
}

async function claimsOf(c: Context, secret: string): Promise<SubscriberTokenClaims | Response> {
  const header = c.req.header('authorization') ?? '';
  const token = /^bearer /i.test(header) ? header.slice(7).trim() : '';
  try {
    return await verifySubscriberToken(token, secret);
  } catch {
    return c.json(apiError('unauthorized', 'invalid or expired token'), 401);
  }
}

/**
 * The inbox HTTP API of the protocol (`GET /v1/inbox`, `GET /v1/inbox/unread-count`,
 * `POST /v1/inbox/mark`) over a real store, standing in for the push app's routes. A mark is
 * then told to every connection of the subscriber, as push does.
 */
export function inboxRoutes(
  store: Store,
  secret: string,
  deliverState: (state: StateDelivery) => Promise<unknown>,
): Hono {
  const app = new Hono();

  app.get('/v1/inbox', async (c) => {
    const claims = await claimsOf(c, secret);
    if (claims instanceof Response) return claims;
    const parsed = inboxQuerySchema.safeParse(c.req.query());
    if (!parsed.success) return c.json(apiErrorFromZod(parsed.error), 400);
    const { limit, cursor, unread, unseen, category, archived } = parsed.data;
    const query: ListNotificationsOptions = { limit, archived };
    if (cursor !== undefined) query.cursor = cursor;
    if (unread !== undefined) query.unread = unread;
    if (unseen !== undefined) query.unseen = unseen;
    if (category !== undefined) query.category = category;
    const page = store.inbox.list(claims.tenant, claims.sub, query);
    return c.json({ items: page.items.map(toNotification), nextCursor: page.nextCursor ?? null });
  });

  app.get('/v1/inbox/unread-count', async (c) => {
    const claims = await claimsOf(c, secret);
    if (claims instanceof Response) return claims;
    return c.json({ count: store.inbox.unreadCount(claims.tenant, claims.sub) });
  });

  app.post('/v1/inbox/mark', async (c) => {
    const claims = await claimsOf(c, secret);
    if (claims instanceof Response) return claims;
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json(apiError('invalid_request', 'the body is not JSON'), 400);
    }
    const parsed = markRequestSchema.safeParse(body);
    if (!parsed.success) return c.json(apiErrorFromZod(parsed.error), 400);
    const { action, ids, all, upTo } = parsed.data;
    const { tenant, sub } = claims;
    const inbox = store.inbox;
    let updated: number;
    if (ids !== undefined) {
      const markOne = {
        seen: (id: string) => inbox.markSeen(tenant, sub, id),
        read: (id: string) => inbox.markRead(tenant, sub, id),
        unread: (id: string) => inbox.markUnread(tenant, sub, id),
        archived: (id: string) => inbox.markArchived(tenant, sub, id),
        unarchived: (id: string) => inbox.markUnarchived(tenant, sub, id),
      }[action];
      updated = ids.filter(markOne).length;
    } else {
      const range = upTo === undefined ? {} : { upTo };
      if (action === 'seen') updated = inbox.markAllSeen(tenant, sub, range);
      else if (action === 'read') updated = inbox.markAllRead(tenant, sub, range);
      else if (action === 'archived') updated = inbox.markAllArchived(tenant, sub, range);
      else return c.json(apiError('invalid_field', `all: not supported for ${action}`, 'all'), 400);
    }
    const unreadCount = inbox.unreadCount(tenant, sub);
    const state: StateDelivery = { tenant, subscriber: sub, action, at: Date.now(), unreadCount };
    if (ids !== undefined) state.ids = ids;
    if (all !== undefined) state.all = all;
    if (upTo !== undefined) state.upTo = upTo;
    await deliverState(state);
    return c.json({ updated, unreadCount });
  });

  return app;
}
