import { describe, expect, it } from 'vitest';
import type { Notification } from '@herald/protocol';
import {
  decodeFanOutMessage,
  encodeFanOutMessage,
  encodeNotificationFanOut,
  fanOutOriginPrefix,
  type FanOutMessage,
} from './fan-out-message.js';

const notification: Notification = {
  id: 'n-1',
  tenant: 'acme',
  recipient: 'rep-7',
  seq: 3,
  eventId: 'evt-1',
  rule: 'order-created',
  category: 'orders',
  priority: 'high',
  title: 'New order #1',
  body: 'Ada placed an order.',
  data: { orderId: '1' },
  collapseKey: null,
  channels: ['in_app'],
  createdAt: 1_700_000_000_000,
  seenAt: null,
  readAt: null,
  archivedAt: null,
};

describe('fan-out messages', () => {
  it('round-trips a notification and a state frame', () => {
    const withReplaces: FanOutMessage = {
      v: 1,
      origin: 'a',
      kind: 'notification',
      notification,
      replaces: ['n-0'],
    };
    expect(decodeFanOutMessage(encodeFanOutMessage(withReplaces))).toEqual(withReplaces);
    const state: FanOutMessage = {
      v: 1,
      origin: 'b',
      kind: 'state',
      subscriber: 'rep-7',
      frame: { type: 'state', action: 'read', at: 5, unreadCount: 0, ids: ['n-1'] },
    };
    expect(decodeFanOutMessage(encodeFanOutMessage(state))).toEqual(state);
  });

  it("begins with its origin's prefix, and only its own", () => {
    const text = encodeFanOutMessage({ v: 1, origin: 'inst-"1"', kind: 'notification', notification });
    expect(text.startsWith(fanOutOriginPrefix('inst-"1"'))).toBe(true);
    expect(text.startsWith(fanOutOriginPrefix('inst-'))).toBe(false);
    expect(text.startsWith(fanOutOriginPrefix('inst-"1'))).toBe(false);
  });

  it('is the same text when built around the notification already encoded', () => {
    const stamped = {
      ...notification,
      stages: { occurred: 1, ingested: 2, appended: 3, consumed: 4, stored: 5 },
    };
    const json = JSON.stringify(stamped);
    for (const replaces of [undefined, [], ['n-0', 'n-"q"']]) {
      for (const unreadCount of [undefined, 0, 12]) {
        const message: FanOutMessage = {
          v: 1,
          origin: 'inst-"1"',
          kind: 'notification',
          notification: stamped,
        };
        if (replaces !== undefined && replaces.length > 0) message.replaces = replaces;
        if (unreadCount !== undefined) message.unreadCount = unreadCount;
        const text = encodeNotificationFanOut('inst-"1"', json, { replaces, unreadCount });
        expect(text).toBe(encodeFanOutMessage(message));
        expect(decodeFanOutMessage(text)).toEqual(message);
      }
    }
  });

  it('leaves out an unread count that is not a count', () => {
    for (const unreadCount of [-1, 1.5, '3', null]) {
      const text = encodeFanOutMessage({ v: 1, origin: 'a', kind: 'notification', notification }).replace(
        /}$/,
        `,"unreadCount":${JSON.stringify(unreadCount)}}`,
      );
      expect(decodeFanOutMessage(text)).toEqual({ v: 1, origin: 'a', kind: 'notification', notification });
    }
  });
});
