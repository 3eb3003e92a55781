import { describe, expect, test } from 'vitest';
import { closeCodeInfo, closeCodes } from './close-codes.js';
import type { Notification } from './notification.js';
import {
  clientFrameSchema,
  decodeClientFrame,
  decodeServerFrame,
  encodeFrame,
  encodeSseFrame,
  type ServerFrame,
} from './socket-frame.js';

const notification: Notification = {
  id: 'n1',
  tenant: 'acme',
  recipient: 'rep-7',
  seq: 42,
  eventId: 'evt-1',
  rule: 'order-created',
  category: 'orders',
  priority: 'normal',
  title: 'New order',
  body: null,
  data: {},
  collapseKey: 'order:1',
  channels: ['in_app'],
  createdAt: 1,
  seenAt: null,
  readAt: null,
  archivedAt: null,
};

describe('client frames', () => {
  test.each([
    { type: 'hello' },
    { type: 'hello', token: 'jwt', lastSeq: 41 },
    { type: 'ack', seq: 42 },
    { type: 'mark', action: 'read', ids: ['n1', 'n2'] },
    { type: 'mark', action: 'archived', all: true, upTo: 42 },
    { type: 'ping' },
    { type: 'ping', id: 'p1' },
  ])('accepts %j', (frame) => {
    expect(clientFrameSchema.parse(frame)).toEqual(frame);
  });

  test('refuses an unknown frame type, naming `type`', () => {
    expect(decodeClientFrame(JSON.stringify({ type: 'subscribe' }))).toMatchObject({
      success: false,
      error: { code: 'invalid_field', field: 'type' },
    });
  });

  test('refuses bad members', () => {
    expect(decodeClientFrame('{"type":"hello","lastSeq":-1}')).toMatchObject({ error: { field: 'lastSeq' } });
    expect(decodeClientFrame('{"type":"mark","action":"read"}')).toMatchObject({ error: { field: 'ids' } });
    expect(decodeClientFrame('{"type":"mark","action":"read","ids":["a"],"all":true}')).toMatchObject({
      error: { field: 'ids' },
    });
    expect(decodeClientFrame('{"type":"mark","action":"burn","ids":["a"]}')).toMatchObject({
      error: { field: 'action' },
    });
    expect(decodeClientFrame('{"type":"ping","extra":1}')).toMatchObject({ error: { field: 'extra' } });
  });

  test('refuses text that is not JSON without throwing', () => {
    expect(decodeClientFrame('hello')).toEqual({
      success: false,
      error: { code: 'invalid_request', message: 'frame is not JSON' },
    });
  });
});

describe('server frames', () => {
  const frames: ServerFrame[] = [
    {
      type: 'welcome',
      subscriber: 'rep-7',
      resumeFrom: 41,
      lastSeq: 42,
      unreadCount: 3,
      heartbeatMs: 25_000,
    },
    { type: 'notification', notification },
    { type: 'replace', notification, replaces: ['n0'] },
    { type: 'state', action: 'read', ids: ['n1'], at: 5, unreadCount: 2 },
    { type: 'resume-complete', count: 1, lastSeq: 42 },
    { type: 'pong', id: 'p1' },
    { type: 'error', code: 'invalid_field', message: 'ids: required', field: 'ids' },
  ];

  test.each(frames)('round-trips %j', (frame) => {
    expect(decodeServerFrame(encodeFrame(frame))).toEqual({ success: true, frame });
  });

  test('clients drop members they do not know, so servers can add some', () => {
    expect(decodeServerFrame(JSON.stringify({ type: 'pong', id: 'p', newField: 1 }))).toEqual({
      success: true,
      frame: { type: 'pong', id: 'p' },
    });
  });

  test('refuses an unknown type and a notification with a bad priority', () => {
    expect(decodeServerFrame('{"type":"confetti"}').success).toBe(false);
    const bad = { type: 'notification', notification: { ...notification, priority: 'urgent' } };
    expect(decodeServerFrame(JSON.stringify(bad))).toMatchObject({
      error: { field: 'notification.priority' },
    });
  });

  test('SSE messages carry the type as event and the seq as id', () => {
    expect(encodeSseFrame({ type: 'notification', notification })).toBe(
      `event: notification\nid: 42\ndata: ${JSON.stringify({ type: 'notification', notification })}\n\n`,
    );
    expect(encodeSseFrame({ type: 'pong' })).toBe('event: pong\ndata: {"type":"pong"}\n\n');
  });
});

describe('close codes', () => {
  test('name the application codes', () => {
    expect(closeCodes).toMatchObject({ unauthorized: 4001, forbidden: 4003, tooSlow: 4008, replaced: 4009 });
    expect(closeCodeInfo(4008)).toMatchObject({ name: 'tooSlow', reconnect: true, refreshToken: false });
    expect(closeCodeInfo(4001)).toMatchObject({ name: 'unauthorized', reconnect: false, refreshToken: true });
    expect(closeCodeInfo(4002)).toMatchObject({ reconnect: true, refreshToken: true });
    expect(closeCodeInfo(4999)).toBeUndefined();
  });

  test('every reason fits a WebSocket close frame', () => {
    for (const code of Object.values(closeCodes)) {
      const info = closeCodeInfo(code)!;
      expect(new TextEncoder().encode(info.reason).length).toBeLessThanOrEqual(123);
    }
  });
});
