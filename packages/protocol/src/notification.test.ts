import { describe, expect, test } from 'vitest';
import { apiErrorFromZod } from './api-error.js';
import { inboxQuerySchema, markRequestSchema } from './inbox.js';
import { notificationSchema } from './notification.js';
import { priorities, priorityFromRank, priorityRank } from './priority.js';
import { subscriberTokenClaimsSchema, subscriberTokenRequestSchema } from './subscriber-token.js';

const notification = {
  id: 'g-VxD36HD6NMLUA9XsSfrQ',
  tenant: 'acme',
  recipient: 'rep-7',
  seq: 1,
  eventId: 'evt-1',
  rule: 'order-created',
  category: 'orders',
  priority: 'high',
  title: 'New order #123',
  body: 'Li Lei ordered 2 items',
  data: { orderId: '123' },
  channels: ['in_app', 'webhook'],
  createdAt: 1_700_000_000_000,
  seenAt: null,
  readAt: null,
  archivedAt: null,
  expiresAt: null,
  stages: { occurred: 1, ingested: 2, appended: 3, consumed: 4, stored: 5 },
};

describe('notificationSchema', () => {
  test('accepts a full notification, and one as the store returns it (nulls, no stages)', () => {
    expect(notificationSchema.parse(notification)).toEqual(notification);
    const { stages: _omit, ...stored } = notification;
    expect(notificationSchema.parse({ ...stored, collapseKey: null })).toMatchObject({ collapseKey: null });
  });

  test.each([
    ['priority', 'urgent'],
    ['channels', ['pigeon']],
    ['seq', 0],
    ['createdAt', -1],
    ['rule', 'Order Created'],
    ['category', 'Orders!'],
  ])('refuses a bad %s', (key, value) => {
    const result = notificationSchema.safeParse({ ...notification, [key]: value });
    expect(result.success).toBe(false);
    expect(apiErrorFromZod(result.error!).error.field?.startsWith(key)).toBe(true);
  });

  test('refuses missing stage times', () => {
    const result = notificationSchema.safeParse({ ...notification, stages: { occurred: 1 } });
    expect(apiErrorFromZod(result.error!).error.field).toBe('stages.ingested');
  });
});

describe('priorities', () => {
  test('rank for the store, larger is more urgent, and back', () => {
    expect(priorities.map(priorityRank)).toEqual([3, 2, 1, 0]);
    for (const priority of priorities) expect(priorityFromRank(priorityRank(priority))).toBe(priority);
    expect(priorityFromRank(99)).toBe('critical');
    expect(priorityFromRank(-5)).toBe('low');
  });
});

describe('inbox requests', () => {
  test('the list query coerces URL strings and applies defaults', () => {
    expect(inboxQuerySchema.parse({ limit: '20', cursor: '100', unread: 'true' })).toEqual({
      limit: 20,
      cursor: 100,
      unread: true,
      archived: 'exclude',
    });
    expect(inboxQuerySchema.safeParse({ limit: '0' }).success).toBe(false);
    expect(inboxQuerySchema.safeParse({ limit: 'many' }).success).toBe(false);
  });

  test('a mark names ids or all', () => {
    expect(markRequestSchema.parse({ action: 'read', ids: ['a'] })).toEqual({ action: 'read', ids: ['a'] });
    expect(markRequestSchema.parse({ action: 'seen', all: true, upTo: 9 })).toEqual({
      action: 'seen',
      all: true,
      upTo: 9,
    });
    expect(markRequestSchema.safeParse({ action: 'read' }).success).toBe(false);
  });
});

describe('subscriber tokens', () => {
  test('claims', () => {
    const claims = { tenant: 'acme', sub: 'rep-7', iat: 1, exp: 3601, scopes: ['inbox:read', 'stream'] };
    expect(subscriberTokenClaimsSchema.parse(claims)).toEqual(claims);
    expect(subscriberTokenClaimsSchema.safeParse({ ...claims, scopes: ['admin'] }).success).toBe(false);
    expect(subscriberTokenClaimsSchema.safeParse({ tenant: 'acme', sub: 'rep-7', iat: 1 }).success).toBe(
      false,
    );
  });

  test('request defaults and bounds', () => {
    expect(subscriberTokenRequestSchema.parse({})).toEqual({ ttlSeconds: 3600 });
    expect(subscriberTokenRequestSchema.safeParse({ ttlSeconds: 10 }).success).toBe(false);
  });
});
