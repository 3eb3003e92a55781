import { encodeFrame } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { notification } from '../test/helpers.js';
import { notificationFrameText, type NotificationFrame } from './notification-frame-text.js';

// Text that JSON escapes, nested data and every stage: what the frame's JSON must carry as is.
const stamped = notification('acme', 'rep-7', 3, {
  title: 'New order "#1"',
  body: 'Ada placed an order.\nTotal: 99.5 €',
  data: { orderId: '1', lines: [{ sku: 'a', qty: 2 }] },
  collapseKey: 'order:1',
  stages: { occurred: 1, ingested: 2, appended: 3, consumed: 4, stored: 5, written: 6 },
});

describe('notificationFrameText', () => {
  it('is encodeFrame of a notification frame and of a replace frame, with and without a count', () => {
    const frames: NotificationFrame[] = [
      { type: 'notification', notification: stamped },
      { type: 'replace', notification: stamped, replaces: ['n-0', 'n-"q"'] },
      { type: 'notification', notification: stamped, unreadCount: 0 },
      { type: 'replace', notification: stamped, replaces: ['n-0'], unreadCount: 41 },
    ];
    for (const frame of frames) {
      expect(notificationFrameText(frame, JSON.stringify(frame.notification))).toBe(encodeFrame(frame));
    }
  });
});
