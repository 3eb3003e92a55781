import { describe, expect, it } from 'vitest';
import type { Store } from './create-store.js';
import type { NewNotification } from './inbox-repository.js';
import { manualClock, openWithTenant, storeTargets } from '../test/store-targets.js';

function note(id: string, overrides: Partial<NewNotification> = {}): NewNotification {
  return { tenantId: 'acme', id, recipientId: 'rep-7', title: `Notification ${id}`, ...overrides };
}

function insertMany(store: Store, count: number, overrides: Partial<NewNotification> = {}): void {
  for (let i = 0; i < count; i++) store.inbox.insert(note(`n${i}`, overrides));
}

describe.each(storeTargets)('inbox on $name', (target) => {
  it('stores every field and defaults the optional ones', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    const { inserted, notification } = store.inbox.insert(
      note('n1', {
        body: 'Order #123 was paid',
        data: { orderId: '123', amount: 42.5 },
        priority: 3,
        category: 'billing',
        collapseKey: 'order:123',
        eventId: 'evt-1',
        rule: 'order-paid',
        channels: ['in_app', 'webhook'],
        stages: { occurred: 1, ingested: 2 },
        expiresAt: clock.now() + 60_000,
      }),
    );
    expect(inserted).toBe(true);
    expect(notification).toEqual({
      tenantId: 'acme',
      id: 'n1',
      recipientId: 'rep-7',
      seq: 1,
      eventId: 'evt-1',
      rule: 'order-paid',
      channels: ['in_app', 'webhook'],
      stages: { occurred: 1, ingested: 2 },
      title: 'Notification n1',
      body: 'Order #123 was paid',
      data: { orderId: '123', amount: 42.5 },
      priority: 3,
      category: 'billing',
      collapseKey: 'order:123',
      createdAt: clock.now(),
      seenAt: null,
      readAt: null,
      archivedAt: null,
      replacedAt: null,
      replacedBy: null,
      expiresAt: clock.now() + 60_000,
    });
    expect(store.inbox.get('acme', 'n1')).toEqual(notification);
    expect(store.inbox.insert(note('n2')).notification).toMatchObject({
      body: null,
      data: {},
      priority: 0,
      category: 'general',
      collapseKey: null,
      expiresAt: null,
      eventId: '',
      rule: '',
      channels: ['in_app'],
      stages: null,
    });
  });

  it('is effectively once: the same id twice gives one row with the same sequence', async () => {
    await using store = openWithTenant(target);
    const first = store.inbox.insert(note('n1'));
    const again = store.inbox.insert(note('n1', { title: 'a replay with other content' }));
    expect(again.inserted).toBe(false);
    expect(again.notification).toEqual(first.notification);
    expect(again.replaced).toEqual([]);
    const count = store.db.$client.prepare('SELECT count(*) AS n FROM notifications').get() as { n: number };
    expect(count.n).toBe(1);
    expect(store.inbox.insert(note('n2')).notification.seq).toBe(2);
  });

  it('numbers each recipient on its own, strictly increasing, and never reuses a number', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    const seqs: Record<string, number[]> = { a: [], b: [], c: [] };
    for (let i = 0; i < 60; i++) {
      const recipientId = ['a', 'b', 'c'][(i * 7) % 3] ?? 'a';
      const { notification } = store.inbox.insert(
        note(`n${i}`, { recipientId, expiresAt: clock.now() + 1000 }),
      );
      seqs[recipientId]?.push(notification.seq);
    }
    for (const list of Object.values(seqs)) {
      expect(list).toEqual(Array.from({ length: list.length }, (_, i) => i + 1));
    }
    store.tenants.create({ id: 'globex', name: 'Globex' });
    expect(store.inbox.insert(note('g1', { tenantId: 'globex', recipientId: 'a' })).notification.seq).toBe(1);

    clock.advance(1000);
    expect(store.inbox.purgeExpired(clock.now())).toBe(60);
    expect(store.inbox.insert(note('after-purge', { recipientId: 'a' })).notification.seq).toBe(
      (seqs.a?.length ?? 0) + 1,
    );
  });

  it('rolls a failed transaction back, sequence included', async () => {
    await using store = openWithTenant(target);
    store.inbox.insert(note('n1'));
    expect(() =>
      store.transaction(() => {
        store.inbox.insert(note('n2'));
        throw new Error('rule crashed');
      }),
    ).toThrow('rule crashed');
    expect(store.inbox.get('acme', 'n2')).toBeUndefined();
    expect(store.inbox.insert(note('n3')).notification.seq).toBe(2);
  });

  it('collapses: a newer notification with the same key replaces the older one', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    store.inbox.insert(note('n1', { collapseKey: 'order:123' }));
    store.inbox.insert(note('other-key', { collapseKey: 'order:456' }));
    store.inbox.insert(note('other-recipient', { recipientId: 'rep-8', collapseKey: 'order:123' }));
    clock.advance(10);
    const newer = store.inbox.insert(note('n2', { collapseKey: 'order:123' }));
    const firstReplacement = clock.now();
    expect(newer.replaced).toEqual(['n1']);
    expect(newer.notification.seq).toBe(3);
    expect(store.inbox.get('acme', 'n1')).toMatchObject({ replacedBy: 'n2', replacedAt: clock.now() });
    expect(store.inbox.get('acme', 'other-key')?.replacedAt).toBeNull();
    expect(store.inbox.get('acme', 'other-recipient')?.replacedAt).toBeNull();
    expect(store.inbox.list('acme', 'rep-7').items.map((n) => n.id)).toEqual(['n2', 'other-key']);
    expect(store.inbox.listAfterSequence('acme', 'rep-7', 0, 10).map((n) => n.id)).toEqual([
      'other-key',
      'n2',
    ]);
    expect(store.inbox.unreadCount('acme', 'rep-7')).toBe(2);

    clock.advance(10);
    expect(store.inbox.insert(note('n3', { collapseKey: 'order:123' })).replaced).toEqual(['n2']);
    expect(store.inbox.insert(note('n2', { collapseKey: 'order:123' })).inserted).toBe(false);
    expect(store.inbox.get('acme', 'n3')?.replacedAt).toBeNull();

    expect(store.inbox.purgeReplaced(firstReplacement)).toBe(1);
    expect(store.inbox.get('acme', 'n1')).toBeUndefined();
    expect(store.inbox.get('acme', 'n2')).toBeDefined();
  });

  it('collapses by creation time: a late replay of an older event does not hide the newer item', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    store.inbox.insert(note('newer', { collapseKey: 'order:123', createdAt: 2000 }));
    const late = store.inbox.insert(note('older', { collapseKey: 'order:123', createdAt: 1000 }));
    expect(late.inserted).toBe(true);
    expect(late.replaced).toEqual([]);
    expect(late.notification).toMatchObject({ seq: 2, replacedBy: 'newer' });
    expect(store.inbox.list('acme', 'rep-7').items.map((n) => n.id)).toEqual(['newer']);
  });

  it('pages newest first with a stable cursor', async () => {
    await using store = openWithTenant(target);
    insertMany(store, 25);
    const seen: number[] = [];
    let cursor: number | undefined;
    const sizes: number[] = [];
    do {
      const page = store.inbox.list(
        'acme',
        'rep-7',
        cursor === undefined ? { limit: 10 } : { limit: 10, cursor },
      );
      sizes.push(page.items.length);
      seen.push(...page.items.map((n) => n.seq));
      cursor = page.nextCursor;
      if (sizes.length === 1) store.inbox.insert(note('arrived-meanwhile'));
    } while (cursor !== undefined);
    expect(sizes).toEqual([10, 10, 5]);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => 25 - i));
    expect(store.inbox.list('acme', 'rep-7', { limit: 26 }).nextCursor).toBeUndefined();
    expect(store.inbox.list('acme', 'rep-7', { limit: 26 }).items).toHaveLength(26);
  });

  it('filters by unread, unseen, category and archived', async () => {
    await using store = openWithTenant(target);
    store.inbox.insert(note('billing-1', { category: 'billing' }));
    store.inbox.insert(note('billing-2', { category: 'billing' }));
    store.inbox.insert(note('support-1', { category: 'support' }));
    store.inbox.insert(note('support-2', { category: 'support' }));
    store.inbox.markSeen('acme', 'rep-7', 'billing-1');
    store.inbox.markRead('acme', 'rep-7', 'support-1');
    store.inbox.markArchived('acme', 'rep-7', 'support-2');
    const ids = (options: Parameters<Store['inbox']['list']>[2]) =>
      store.inbox.list('acme', 'rep-7', options).items.map((n) => n.id);
    expect(ids({})).toEqual(['support-1', 'billing-2', 'billing-1']);
    expect(ids({ unread: true })).toEqual(['billing-2', 'billing-1']);
    expect(ids({ unseen: true })).toEqual(['billing-2']);
    expect(ids({ category: 'support' })).toEqual(['support-1']);
    expect(ids({ archived: 'only' })).toEqual(['support-2']);
    expect(ids({ archived: 'include', category: 'support' })).toEqual(['support-2', 'support-1']);
    expect(ids({ archived: 'include', unread: true })).toEqual(['support-2', 'billing-2', 'billing-1']);
  });

  it('knows the newest sequence of each inbox, 0 for an empty one', async () => {
    await using store = openWithTenant(target);
    expect(store.inbox.lastSequence('acme', 'rep-7')).toBe(0);
    store.inbox.insert(note('n1'));
    store.inbox.insert(note('n2'));
    store.inbox.insert(note('n3', { recipientId: 'rep-8' }));
    expect(store.inbox.lastSequence('acme', 'rep-7')).toBe(2);
    expect(store.inbox.lastSequence('acme', 'rep-8')).toBe(1);
  });

  it('resumes after a sequence, oldest first, in limited batches', async () => {
    await using store = openWithTenant(target);
    insertMany(store, 12);
    store.inbox.insert(note('someone-else', { recipientId: 'rep-8' }));
    expect(store.inbox.listAfterSequence('acme', 'rep-7', 4, 5).map((n) => n.seq)).toEqual([5, 6, 7, 8, 9]);
    expect(store.inbox.listAfterSequence('acme', 'rep-7', 9, 5).map((n) => n.seq)).toEqual([10, 11, 12]);
    expect(store.inbox.listAfterSequence('acme', 'rep-7', 12, 5)).toEqual([]);
  });

  it('marks one and all seen, read and archived, for the right recipient only', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    insertMany(store, 5);
    expect(store.inbox.unreadCount('acme', 'rep-7')).toBe(5);
    expect(store.inbox.markRead('acme', 'rep-8', 'n0')).toBe(false);
    clock.advance(5);
    expect(store.inbox.markRead('acme', 'rep-7', 'n0')).toBe(true);
    expect(store.inbox.markRead('acme', 'rep-7', 'n0')).toBe(false);
    expect(store.inbox.get('acme', 'n0')).toMatchObject({ readAt: clock.now(), seenAt: clock.now() });
    expect(store.inbox.unreadCount('acme', 'rep-7')).toBe(4);
    expect(store.inbox.markUnread('acme', 'rep-7', 'n0')).toBe(true);
    expect(store.inbox.unreadCount('acme', 'rep-7')).toBe(5);
    expect(store.inbox.get('acme', 'n0')?.seenAt).toBe(clock.now());

    expect(store.inbox.markAllSeen('acme', 'rep-7', { upTo: 3 })).toBe(2);
    expect(store.inbox.list('acme', 'rep-7', { unseen: true }).items.map((n) => n.seq)).toEqual([5, 4]);
    expect(store.inbox.markAllRead('acme', 'rep-7')).toBe(5);
    expect(store.inbox.unreadCount('acme', 'rep-7')).toBe(0);
    expect(store.inbox.list('acme', 'rep-7', { unseen: true }).items).toEqual([]);

    expect(store.inbox.markArchived('acme', 'rep-7', 'n1')).toBe(true);
    expect(store.inbox.markAllArchived('acme', 'rep-7')).toBe(4);
    expect(store.inbox.list('acme', 'rep-7').items).toEqual([]);
    expect(store.inbox.markUnarchived('acme', 'rep-7', 'n1')).toBe(true);
    expect(store.inbox.list('acme', 'rep-7').items.map((n) => n.id)).toEqual(['n1']);
  });

  it('hides expired items, then purges them with their deliveries', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    store.inbox.insert(note('short', { expiresAt: clock.now() + 100 }));
    store.inbox.insert(note('long', { expiresAt: clock.now() + 10_000 }));
    store.inbox.insert(note('forever'));
    store.deliveries.createPending({ tenantId: 'acme', notificationId: 'short', channel: 'in-app' });
    clock.advance(100);
    expect(store.inbox.list('acme', 'rep-7').items.map((n) => n.id)).toEqual(['forever', 'long']);
    expect(store.inbox.unreadCount('acme', 'rep-7')).toBe(2);
    expect(store.inbox.listAfterSequence('acme', 'rep-7', 0, 10).map((n) => n.id)).toEqual([
      'long',
      'forever',
    ]);
    expect(store.inbox.purgeExpired(clock.now())).toBe(1);
    expect(store.inbox.get('acme', 'short')).toBeUndefined();
    expect(store.deliveries.listForNotification('acme', 'short')).toEqual([]);
  });

  it('purges expired and replaced items at most `limit` a call, the oldest first', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    const start = clock.now();
    for (const [index, ttl] of [300, 100, 400, 200].entries()) {
      store.inbox.insert(note(`expiring-${index}`, { expiresAt: start + ttl }));
    }
    for (let index = 0; index < 4; index++) {
      clock.advance(10);
      store.inbox.insert(note(`version-${index}`, { collapseKey: 'order:1', createdAt: clock.now() }));
    }
    clock.set(start + 1000);
    expect(store.inbox.purgeExpired(clock.now(), { limit: 3 })).toBe(3);
    expect(store.inbox.get('acme', 'expiring-2')).toBeDefined();
    expect(store.inbox.get('acme', 'expiring-0')).toBeUndefined();
    expect(store.inbox.purgeExpired(clock.now(), { limit: 3 })).toBe(1);

    // version-0 was replaced first, then version-1, then version-2; version-3 is live.
    expect(store.inbox.purgeReplaced(clock.now(), { limit: 2 })).toBe(2);
    expect(store.inbox.get('acme', 'version-1')).toBeUndefined();
    expect(store.inbox.get('acme', 'version-2')).toBeDefined();
    expect(store.inbox.purgeReplaced(clock.now(), { limit: 2 })).toBe(1);
    expect(store.inbox.list('acme', 'rep-7').items.map((n) => n.id)).toEqual(['version-3']);
    expect(() => store.inbox.purgeReplaced(clock.now(), { limit: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('refuses bad limits and unknown tenants', async () => {
    await using store = openWithTenant(target);
    expect(() => store.inbox.list('acme', 'rep-7', { limit: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => store.inbox.listAfterSequence('acme', 'rep-7', 0, 1.5)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => store.inbox.insert(note('n1', { tenantId: 'nobody' }))).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
  });
});
