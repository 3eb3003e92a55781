import { setTimeout as sleep } from 'node:timers/promises';
import { StoreError, type NewNotification, type Store } from '@herald/store';
import { describe, expect, it, onTestFinished } from 'vitest';
import { crmEvent, startPush, topic } from './harness.js';
import { createLoggedEvent, encodeLoggedEvent } from '@herald/protocol';
import { createEventLog } from '@herald/transport';

describe('push pipeline', () => {
  it('turns an event in the log into a rendered notification on the recipient’s socket', async () => {
    await using h = await startPush();
    const client = await h.connect('acme', 'rep-7');
    await h.publish('acme', [{ data: { to: 'rep-7', n: 1 } }]);
    await client.until(() => client.notifications().length === 1);
    const [notification] = client.notifications();
    expect(notification).toMatchObject({
      tenant: 'acme',
      recipient: 'rep-7',
      seq: 1,
      rule: 'note',
      category: 'notes',
      priority: 'normal',
      title: 'Note 1',
      body: 'from Ada Lovelace',
      channels: ['in_app', 'webhook'],
    });
    const stages = notification!.stages!;
    expect(stages.ingested).toBeLessThanOrEqual(stages.appended);
    expect(stages.appended).toBeLessThanOrEqual(stages.consumed);
    expect(stages.consumed).toBeLessThanOrEqual(stages.stored);
    expect(stages.stored).toBeLessThanOrEqual(stages.written!);
    expect(h.store.inbox.get('acme', notification!.id)).toMatchObject({
      eventId: notification!.eventId,
      rule: 'note',
    });
  });

  it('shows a redelivered event once: one inbox row, one frame', async () => {
    await using h = await startPush();
    const client = await h.connect('acme', 'rep-7');
    const event = crmEvent({ data: { to: 'rep-7', n: 1 } });
    await h.publish('acme', [event, event]);
    await h.publish('acme', [{ data: { to: 'rep-7', n: 2 } }]);
    await client.until(() => client.notifications().some((n) => n.title === 'Note 2'));
    await sleep(50);
    expect(client.notifications().map((n) => n.title)).toEqual(['Note 1', 'Note 2']);
    expect(h.store.inbox.list('acme', 'rep-7').items).toHaveLength(2);
  });

  it('sends a reconnecting client exactly what it missed', async () => {
    await using h = await startPush();
    const first = await h.connect('acme', 'rep-7');
    await h.publish('acme', [{ data: { to: 'rep-7', n: 1 } }, { data: { to: 'rep-7', n: 2 } }]);
    await first.until(() => first.notifications().length === 2);
    const lastSeq = Math.max(...first.seqs());
    await first[Symbol.asyncDispose]();
    await h.publish(
      'acme',
      [3, 4, 5].map((n) => ({ data: { to: 'rep-7', n } })),
    );
    await waitForInbox(h.store, 'acme', 'rep-7', 5);
    const second = await h.connect('acme', 'rep-7', lastSeq);
    await h.publish('acme', [{ data: { to: 'rep-7', n: 6 } }]);
    await second.until(() => second.notifications().length === 4);
    await sleep(50);
    expect(second.notifications().map((n) => n.title)).toEqual(['Note 3', 'Note 4', 'Note 5', 'Note 6']);
    expect(second.seqs()).toEqual([3, 4, 5, 6]);
  });

  it('replaces an item through its collapse key, on screen and in the inbox', async () => {
    await using h = await startPush();
    const client = await h.connect('acme', 'rep-7');
    await h.publish('acme', [{ type: 'thread.updated', data: { to: 'rep-7', thread: 't1', n: 1 } }]);
    await client.until(() => client.notifications().length === 1);
    const older = client.notifications()[0]!;
    await h.publish('acme', [{ type: 'thread.updated', data: { to: 'rep-7', thread: 't1', n: 2 } }]);
    await client.until((frames) => frames.some((frame) => frame.type === 'replace'));
    const replace = client.frames.find((frame) => frame.type === 'replace');
    expect(replace).toMatchObject({ replaces: [older.id], notification: { title: 'Thread t1 v2' } });
    expect(h.store.inbox.list('acme', 'rep-7').items.map((n) => n.title)).toEqual(['Thread t1 v2']);
  });

  it('tells the unread count with each live item, after marks made elsewhere too', async () => {
    await using h = await startPush();
    const client = await h.connect('acme', 'rep-7');
    const counts = () =>
      client.frames.flatMap((frame) =>
        frame.type === 'notification' || frame.type === 'replace'
          ? [[frame.notification.title, frame.unreadCount]]
          : [],
      );
    await h.publish('acme', [{ data: { to: 'rep-7', n: 1 } }, { data: { to: 'rep-7', n: 2 } }]);
    await client.until(() => client.notifications().length === 2);
    const [first] = client.notifications();
    expect(h.store.inbox.markRead('acme', 'rep-7', first!.id)).toBe(true);
    await h.publish('acme', [
      { data: { to: 'rep-7', n: 3 } },
      { type: 'thread.updated', data: { to: 'rep-7', thread: 't1', n: 1 } },
      { type: 'thread.updated', data: { to: 'rep-7', thread: 't1', n: 2 } },
    ]);
    await client.until(() => client.frames.some((frame) => frame.type === 'replace'));
    // The replaced thread item leaves the count as its replacement enters it.
    expect(counts()).toEqual([
      ['Note 1', 1],
      ['Note 2', 2],
      ['Note 3', 2],
      ['Thread t1 v1', 3],
      ['Thread t1 v2', 3],
    ]);
    expect(h.store.inbox.unreadCount('acme', 'rep-7')).toBe(3);
  });

  it('drops what a recipient opted out of, unless it is critical', async () => {
    await using h = await startPush();
    h.store.preferences.set({ tenantId: 'acme', recipientId: 'rep-7', optOuts: [{ category: 'notes' }] });
    const client = await h.connect('acme', 'rep-7');
    await h.publish('acme', [
      { data: { to: 'rep-7', n: 1 } },
      { data: { to: 'rep-7', n: 2 }, priority: 'critical' },
    ]);
    await client.until(() => client.notifications().length === 1);
    await sleep(50);
    expect(client.notifications().map((n) => [n.title, n.priority])).toEqual([['Note 2', 'critical']]);
    expect(h.store.inbox.list('acme', 'rep-7').items).toHaveLength(1);
  });

  it('holds live delivery during quiet hours until they end, and stores the item at once', async () => {
    const realStart = Date.now();
    // A clock 600 ms before the end of a quiet window, running at real speed.
    const quietEnd = Math.ceil((realStart + 120_000) / 60_000) * 60_000;
    const offset = quietEnd - 600 - realStart;
    const now = () => Date.now() + offset;
    const clock = (at: number) => new Date(at).toISOString().slice(11, 16);
    await using h = await startPush({ now });
    h.store.preferences.set({
      tenantId: 'acme',
      recipientId: 'rep-7',
      quietHours: { start: clock(quietEnd - 30 * 60_000), end: clock(quietEnd), timezone: 'UTC' },
    });
    const client = await h.connect('acme', 'rep-7');
    await h.publish('acme', [
      { data: { to: 'rep-7', n: 1 } },
      { data: { to: 'rep-7', n: 2 }, priority: 'critical' },
    ]);
    await client.until(() => client.notifications().length === 1);
    expect(client.notifications()[0]!.title).toBe('Note 2');
    expect(h.store.inbox.list('acme', 'rep-7').items).toHaveLength(2);
    expect(now()).toBeLessThan(quietEnd);
    // Read meanwhile on another device: the held item tells the count of when it is shown.
    h.store.inbox.markRead('acme', 'rep-7', client.notifications()[0]!.id);
    await client.until(() => client.notifications().length === 2, 5_000);
    expect(now()).toBeGreaterThanOrEqual(quietEnd);
    expect(client.notifications()[1]!.title).toBe('Note 1');
    // The critical item was stored first (count 1), Note 1 next (2, as the insert saw it), then
    // the critical one was read: Note 1 comes with 1, not the 2 of its insert.
    const held = client.frames.filter((frame) => frame.type === 'notification');
    expect(held.map((frame) => frame.unreadCount)).toEqual([1, 1]);
  });

  it('throttles live delivery per recipient and category, keeping every item in the inbox', async () => {
    await using h = await startPush({ throttle: { limit: 2, windowMs: 60_000 } });
    const client = await h.connect('acme', 'rep-7');
    const other = await h.connect('acme', 'rep-8');
    await h.publish('acme', [
      ...[1, 2, 3, 4].map((n) => ({ data: { to: 'rep-7', n } })),
      { data: { to: 'rep-7', n: 5 }, priority: 'critical' as const },
      { data: { to: 'rep-8', n: 6 } },
    ]);
    await waitForInbox(h.store, 'acme', 'rep-7', 5);
    await other.until(() => other.notifications().length === 1);
    await sleep(50);
    // The critical one bypasses the throttle (and, being critical, goes first).
    expect(client.notifications().map((n) => n.title)).toEqual(['Note 5', 'Note 1', 'Note 2']);
  });

  it("reads a batch's customer profiles once per customer, all at the same time", async () => {
    // One partition, so that the events of both customers come in one batch.
    await using h = await startPush({ start: false, log: await createEventLog('memory:?partitions=1') });
    onTestFinished(() => h.log.close());
    h.store.customers.upsert({
      tenantId: 'acme',
      id: 'cust-2',
      name: 'Grace Hopper',
      version: 1,
      attributes: {},
    });
    // The real cache, its reads counted and slowed down to a remote cache's round trip.
    const reads: string[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const hgetall = h.cache.hgetall.bind(h.cache);
    h.cache.hgetall = async (key: string) => {
      reads.push(key);
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      await sleep(20);
      inFlight -= 1;
      return hgetall(key);
    };
    const events = ['cust-1', 'cust-2', 'cust-1', 'cust-1', 'cust-2', 'cust-1'].map((customerId, n) => ({
      customerId,
      data: { to: 'rep-7', n },
    }));
    await h.publish('acme', events);
    await h.push.start();
    await waitForInbox(h.store, 'acme', 'rep-7', 6);
    expect(reads.toSorted()).toEqual(['customer:acme:cust-1', 'customer:acme:cust-2']);
    expect(mostInFlight).toBe(2);
    // Planned in log order, each with its own customer's profile.
    const items = h.store.inbox.list('acme', 'rep-7').items.toReversed();
    expect(items.map((item) => `${item.title} ${item.body}`)).toEqual([
      'Note 0 from Ada Lovelace',
      'Note 1 from Grace Hopper',
      'Note 2 from Ada Lovelace',
      'Note 3 from Ada Lovelace',
      'Note 4 from Grace Hopper',
      'Note 5 from Ada Lovelace',
    ]);
  });

  it("keeps one tenant's backlog from delaying another tenant's critical event", async () => {
    await using h = await startPush({ start: false });
    const order: string[] = [];
    const insert = h.store.inbox.insert.bind(h.store.inbox);
    h.store.inbox.insert = (input: NewNotification) => {
      order.push(input.tenantId);
      return insert(input);
    };
    const flood = Array.from({ length: 3000 }, (_, i) => ({
      customerId: `c${i}`,
      data: { to: 'rep-7', n: i },
    }));
    await h.publish('acme', flood);
    await h.publish('globex', [{ customerId: 'c1', data: { to: 'rep-9', n: 0 }, priority: 'critical' }]);
    await h.push.start();
    await waitForInbox(h.store, 'acme', 'rep-7', 3000, 30_000);
    const position = order.indexOf('globex');
    console.log(
      `fairness: the critical event of the quiet tenant was stored at position ${position} of ${order.length}`,
    );
    // Without the fair heap and read-ahead it would come after the whole flood (position 3000).
    expect(position).toBeGreaterThanOrEqual(0);
    expect(position).toBeLessThan(300);
  });

  it('retries a batch whose inbox write failed, and stores and shows each notification once', async () => {
    await using h = await startPush();
    let failures = 1;
    const insert = h.store.inbox.insert.bind(h.store.inbox);
    h.store.inbox.insert = (input: NewNotification) => {
      if (failures-- > 0) throw new StoreError('BUSY', 'database is locked');
      return insert(input);
    };
    const client = await h.connect('acme', 'rep-7');
    await h.publish('acme', [{ data: { to: 'rep-7', n: 1 } }, { data: { to: 'rep-7', n: 2 } }]);
    await client.until(() => client.notifications().length === 2, 10_000);
    await sleep(100);
    expect(
      client
        .notifications()
        .map((n) => n.title)
        .sort(),
    ).toEqual(['Note 1', 'Note 2']);
    expect(h.store.inbox.lastSequence('acme', 'rep-7')).toBe(2);
  });

  it('sends a record that does not decode to the dead-letter topic and carries on', async () => {
    await using h = await startPush();
    const dead: string[] = [];
    await h.log.subscribe({
      topic: `${topic}.dlq`,
      group: 'dlq-reader',
      handler: (batch) => void dead.push(...batch.records.map((r) => r.headers['herald-error'] ?? '')),
    });
    const client = await h.connect('acme', 'rep-7');
    await h.log.publish(topic, [{ key: 'acme:cust-1', value: '{"v":1,"type":"nope"}' }]);
    const good = createLoggedEvent(crmEvent({ data: { to: 'rep-7', n: 7 } }), { tenant: 'acme' });
    await h.log.publish(topic, [{ key: 'acme:cust-1', value: encodeLoggedEvent(good) }]);
    await client.until(() => client.notifications().length === 1);
    await waitFor(() => dead.length === 1);
    expect(dead[0]).toMatch(/logged event/);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

async function waitForInbox(
  store: Store,
  tenant: string,
  recipient: string,
  count: number,
  timeoutMs = 5_000,
): Promise<void> {
  await waitFor(
    () => store.inbox.list(tenant, recipient, { limit: 1000 }).items.length >= Math.min(count, 1000),
    timeoutMs,
  );
  if (count > 1000) {
    await waitFor(() => store.inbox.lastSequence(tenant, recipient) >= count, timeoutMs);
  }
}
