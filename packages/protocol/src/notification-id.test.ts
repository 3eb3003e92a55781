import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { base64url } from './base64url.js';
import { notificationId } from './notification-id.js';
import { ProtocolError } from './protocol-error.js';
import { reminderId } from './reminder-id.js';
import { nativeSha256, portableSha256 } from './sha256-digest.js';

describe('notificationId', () => {
  test('is the same for the same inputs', () => {
    expect(notificationId('evt-1', 'order-created', 'rep-7')).toBe(
      notificationId('evt-1', 'order-created', 'rep-7'),
    );
  });

  test('is 22 base64url characters', () => {
    expect(notificationId('evt-1', 'order-created', 'rep-7')).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  test('is stable across releases (a pinned value)', () => {
    // Changing this breaks idempotency of replays across an upgrade: only ever add a new namespace version.
    expect(notificationId('evt-1', 'order-created', 'rep-7')).toBe('g-VxD36HD6NMLUA9XsSfrQ');
    const input = 'herald/notification/v1\u00005:evt-1\u000013:order-created\u00005:rep-7';
    expect(createHash('sha256').update(input).digest().subarray(0, 16).toString('base64url')).toBe(
      'g-VxD36HD6NMLUA9XsSfrQ',
    );
  });

  test('changes when any input changes', () => {
    const base = notificationId('evt-1', 'order-created', 'rep-7');
    expect(notificationId('evt-2', 'order-created', 'rep-7')).not.toBe(base);
    expect(notificationId('evt-1', 'order-updated', 'rep-7')).not.toBe(base);
    expect(notificationId('evt-1', 'order-created', 'rep-8')).not.toBe(base);
  });

  test('does not confuse where one part ends and the next begins', () => {
    expect(notificationId('a:b', 'c', 'd')).not.toBe(notificationId('a', 'b:c', 'd'));
    expect(notificationId('ab', 'c', 'd')).not.toBe(notificationId('a', 'bc', 'd'));
  });

  test('has no collisions over many inputs', () => {
    const ids = new Set<string>();
    for (let event = 0; event < 200; event++) {
      for (let recipient = 0; recipient < 50; recipient++)
        ids.add(notificationId(`evt-${event}`, 'rule', `u${recipient}`));
    }
    expect(ids.size).toBe(10_000);
  });

  test('refuses empty parts', () => {
    expect(() => notificationId('', 'rule', 'u1')).toThrow(ProtocolError);
  });

  test('differs from the reminder id of the same event and rule', () => {
    expect(reminderId('evt-1', 'payment-due')).toBe(reminderId('evt-1', 'payment-due'));
    expect(reminderId('evt-1', 'payment-due')).not.toBe(reminderId('evt-2', 'payment-due'));
    expect(reminderId('evt-1', 'rule')).not.toBe(notificationId('evt-1', 'rule', 'x'));
  });
});

describe('the hash under the ids', () => {
  test('is SHA-256 of the UTF-8 input, for non-ASCII and long parts too', () => {
    const nodeId = (parts: string[]) => {
      let input = 'herald/notification/v1';
      for (const part of parts) input += `\u0000${part.length}:${part}`;
      return createHash('sha256').update(input).digest().subarray(0, 16).toString('base64url');
    };
    for (const [event, rule, recipient] of [
      ['evt-1', 'order-created', 'rep-7'],
      ['事件-1', '新订单', '销售代表'],
      ['e'.repeat(1000), 'r', 'x'.repeat(63)],
    ]) {
      expect(notificationId(event!, rule!, recipient!)).toBe(nodeId([event!, rule!, recipient!]));
    }
  });

  test("Node's digest and the portable one browsers use give the same bytes", () => {
    // Node 20.16+ has the native one; without it every id here would come from the portable one.
    expect(nativeSha256).toBeDefined();
    for (const input of ['', 'herald/notification/v1\u00005:evt-1', '事件\u0000销售代表', '😀'.repeat(300)]) {
      const expected = createHash('sha256').update(input).digest();
      expect(Buffer.from(nativeSha256!(input))).toEqual(expected);
      expect(Buffer.from(portableSha256(input))).toEqual(expected);
    }
  });

  test('base64url matches Buffer for every remainder', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 16, 32]) {
      const bytes = new Uint8Array(length).map((_, i) => (i * 89 + 7) % 256);
      expect(base64url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
    }
  });
});
