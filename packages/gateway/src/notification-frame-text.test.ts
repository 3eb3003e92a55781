import { encodeFrame, type Notification } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { notificationFrameText, type NotificationFrame } from './notification-frame-text.js';

const notification: Notification = {
  id: 'n-1',
  tenant: 'acme',
  recipient: 'rep-7',
  seq: 3,
  eventId: 'evt-1',
  rule: 'order-created',
  category: 'orders',
  priority: 'high',
  title: 'New order "#1"',
  body: 'Ada placed an order.\nTotal: 99.5 €',
  data: { orderId: '1', lines: [{ sku: 'a', qty: 2 }] },
  collapseKey: 'order:1',
  channels: ['in_app'],
  createdAt: 1_700_000_000_000,
  seenAt: null,
  readAt: null,
  archivedAt: null,
  stages: { occurred: 1, ingested: 2, appended: 3, consumed: 4, stored: 5, written: 6 },
};

describe('notificationFrameText', () => {
  it('is encodeFrame of a notification frame and of a replace frame', () => {
    const frames: NotificationFrame[] = [
      { type: 'notification', notification },
      { type: 'replace', notification, replaces: ['n-0', 'n-"q"'] },
    ];
    for (const frame of frames) {
      expect(notificationFrameText(frame, JSON.stringify(frame.notification))).toBe(encodeFrame(frame));
    }
  });
});
