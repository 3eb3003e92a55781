import { describe, expect, it } from 'vitest';
import type { Store } from './index.js';
import { manualClock, openWithTenant, storeTargets } from '../test/store-targets.js';

const minute = 60_000;

const bucketsOf = (store: Store) =>
  store.db.$client.prepare('SELECT count(DISTINCT bucket) FROM processed_events').pluck().get();

describe.each(storeTargets)('processed events on $name', (target) => {
  it('says an event is new exactly once, whatever expiry the repeat brings and whichever bucket it would go to', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock, { processedEventBucketRows: 1 });
    const now = clock.now();
    expect(store.processedEvents.isProcessed('acme', 'evt-1')).toBe(false);
    expect(store.processedEvents.markProcessed('acme', 'evt-1', now + minute)).toBe(true);
    expect(store.processedEvents.markProcessed('acme', 'evt-1', now + 2 * minute)).toBe(false);
    // Each write goes to a bucket of its own here: still a repeat.
    expect(store.processedEvents.markProcessed('acme', 'evt-1', now + 86_400_000)).toBe(false);
    expect(store.processedEvents.isProcessed('acme', 'evt-1')).toBe(true);
  });

  it('records a batch in one go, counting only the new ones, and all or nothing', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    const expiresAt = clock.now() + minute;
    store.processedEvents.markProcessed('acme', 'evt-2', expiresAt);
    const keys = ['evt-1', 'evt-2', 'evt-3'].map((eventId) => ({ tenantId: 'acme', eventId }));
    expect(store.processedEvents.markProcessedMany(keys, expiresAt)).toBe(2);
    expect(store.processedEvents.markProcessedMany(keys, expiresAt)).toBe(0);
    expect(['evt-1', 'evt-3'].map((id) => store.processedEvents.isProcessed('acme', id))).toEqual([
      true,
      true,
    ]);
    // An unknown tenant breaks the foreign key: nothing of that batch is kept.
    const broken = [
      { tenantId: 'acme', eventId: 'evt-4' },
      { tenantId: 'nobody', eventId: 'evt-5' },
    ];
    expect(() => store.processedEvents.markProcessedMany(broken, expiresAt)).toThrow();
    expect(store.processedEvents.isProcessed('acme', 'evt-4')).toBe(false);
  });

  it('counts a batch key new unless recorded in the bucket being written (callers look up first)', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock, { processedEventBucketRows: 2 });
    const keys = [{ tenantId: 'acme', eventId: 'evt-1' }];
    const expiresAt = clock.now() + minute;
    expect(store.processedEvents.markProcessedMany(keys, expiresAt)).toBe(1);
    expect(store.processedEvents.markProcessedMany(keys, expiresAt)).toBe(0);
    // Two more records fill the bucket: the next write goes into another one.
    store.processedEvents.markProcessedMany(
      ['evt-2', 'evt-3'].map((eventId) => ({ tenantId: 'acme', eventId })),
      expiresAt,
    );
    expect(store.processedEvents.markProcessedMany(keys, expiresAt)).toBe(1);
    expect(store.processedEvents.markProcessed('acme', 'evt-1', expiresAt)).toBe(false);
  });

  it('keeps tenants apart', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    store.tenants.create({ id: 'globex', name: 'Globex' });
    expect(store.processedEvents.markProcessed('acme', 'evt-1', clock.now() + minute)).toBe(true);
    expect(store.processedEvents.markProcessed('globex', 'evt-1', clock.now() + minute)).toBe(true);
    expect(store.processedEvents.forget('globex', 'evt-1')).toBe(true);
    expect(store.processedEvents.isProcessed('acme', 'evt-1')).toBe(true);
  });

  it('counts a record until it is purged, also past its expiry', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    store.processedEvents.markProcessed('acme', 'evt-1', clock.now() + minute);
    clock.advance(2 * minute);
    expect(store.processedEvents.isProcessed('acme', 'evt-1')).toBe(true);
    expect(store.processedEvents.purgeExpired(clock.now())).toBe(1);
    expect(store.processedEvents.isProcessed('acme', 'evt-1')).toBe(false);
  });

  it('finds a record in any bucket, the newest or the oldest, and misses what is not there', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock, { processedEventBucketRows: 20 });
    // 145 buckets of 20 records, a write of 20 each.
    for (let index = 0; index < 145; index++) {
      store.processedEvents.markProcessedMany(
        Array.from({ length: 20 }, (_, n) => ({ tenantId: 'acme', eventId: `evt-${index}-${n}` })),
        clock.now() + minute,
      );
    }
    expect(bucketsOf(store)).toBe(145);
    for (const index of [0, 1, 17, 72, 143, 144])
      expect(store.processedEvents.isProcessed('acme', `evt-${index}-7`), `bucket ${index}`).toBe(true);
    expect(store.processedEvents.isProcessed('acme', 'evt-145-0')).toBe(false);
    expect(store.processedEvents.isProcessed('acme', 'evt-0-20')).toBe(false);
  });

  it('walks more buckets than one statement lists, and the gaps purges leave', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock, { processedEventBucketRows: 1 });
    // A record a bucket: 1,200 buckets, those from 300 to 899 expiring early.
    for (let index = 0; index < 1200; index++) {
      const expiresEarly = index >= 300 && index < 900;
      store.processedEvents.markProcessed(
        'acme',
        `evt-${index}`,
        clock.now() + (expiresEarly ? 1 : 2) * minute,
      );
    }
    const found = (indexes: number[]) =>
      indexes.map((index) => store.processedEvents.isProcessed('acme', `evt-${index}`));
    expect(found([0, 1, 255, 256, 257, 600, 1199])).toEqual(Array(7).fill(true));
    expect(store.processedEvents.isProcessed('acme', 'evt-1200')).toBe(false);
    // Purged, they leave a gap of 600 buckets between the oldest and the newest.
    clock.advance(minute);
    expect(store.processedEvents.purgeExpired(clock.now())).toBe(600);
    expect(found([0, 299, 300, 899, 900, 1199])).toEqual([true, true, false, false, true, true]);
    for (const index of [0, 299, 1199])
      expect(store.processedEvents.forget('acme', `evt-${index}`)).toBe(true);
    expect(found([0, 1, 299, 298, 1199, 1198])).toEqual([false, true, false, true, false, true]);
  });

  it('forgets an event, in whichever bucket it is, so a retry counts as new', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock, { processedEventBucketRows: 2 });
    const expiresAt = clock.now() + minute;
    const record = (...ids: string[]) =>
      store.processedEvents.markProcessedMany(
        ids.map((eventId) => ({ tenantId: 'acme', eventId })),
        expiresAt,
      );
    record('evt-1', 'evt-2');
    record('evt-3', 'evt-2'); // unchecked, as the batch call allows: evt-2 now in two buckets
    record('evt-newest');
    expect(bucketsOf(store)).toBe(3);
    expect(store.processedEvents.forget('acme', 'evt-1')).toBe(true);
    expect(store.processedEvents.forget('acme', 'evt-1')).toBe(false);
    expect(store.processedEvents.markProcessed('acme', 'evt-1', expiresAt)).toBe(true);
    expect(store.processedEvents.forget('acme', 'evt-2')).toBe(true);
    expect(store.processedEvents.isProcessed('acme', 'evt-2')).toBe(false);
    expect(store.processedEvents.forget('acme', 'evt-newest')).toBe(true);
    expect(store.processedEvents.isProcessed('acme', 'evt-newest')).toBe(false);
    expect(store.processedEvents.forget('acme', 'evt-unknown')).toBe(false);
  });

  it('refuses a bucket size that is not a positive integer', () => {
    for (const processedEventBucketRows of [0, -1, 1.5])
      expect(() => target.open({ processedEventBucketRows })).toThrow(/processedEventBucketRows/);
  });

  it('reads what was recorded after a seq, in order, and never hands a seq out twice', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    const expiresAt = clock.now() + minute;
    expect(store.processedEvents.newestSeq()).toBe(0);
    expect(store.processedEvents.recordedSince(0, 10)).toEqual([]);
    store.processedEvents.markProcessedMany(
      ['evt-1', 'evt-2', 'evt-3'].map((eventId) => ({ tenantId: 'acme', eventId })),
      expiresAt,
    );
    const first = store.processedEvents.newestSeq();
    expect(store.processedEvents.recordedSince(0, 10).map((record) => record.eventId)).toEqual([
      'evt-1',
      'evt-2',
      'evt-3',
    ]);
    expect(store.processedEvents.recordedSince(0, 2)).toHaveLength(2);
    expect(store.processedEvents.recordedSince(first, 10)).toEqual([]);
    // The newest record forgotten: the next one still gets a seq after it.
    store.processedEvents.forget('acme', 'evt-3');
    store.processedEvents.markProcessed('acme', 'evt-4', expiresAt);
    const [fourth] = store.processedEvents.recordedSince(first, 10);
    expect(fourth).toMatchObject({ tenantId: 'acme', eventId: 'evt-4' });
    expect(fourth!.seq).toBeGreaterThan(first);
    expect(store.processedEvents.newestSeq()).toBe(fourth!.seq);
    for (const limit of [0, 1001, 1.5]) {
      expect(() => store.processedEvents.recordedSince(0, limit)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
  });

  it('counts and visits the records that expire after now, and only those', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    const now = clock.now();
    for (let i = 0; i < 6; i++) store.processedEvents.markProcessed('acme', `evt-${i}`, now + 1000 * (i - 2));
    expect(store.processedEvents.countUnexpired(now)).toBe(3);
    const visited: string[] = [];
    expect(
      store.processedEvents.forEachUnexpired(now, (tenantId, eventId) =>
        visited.push(`${tenantId}/${eventId}`),
      ),
    ).toBe(3);
    expect(visited.sort()).toEqual(['acme/evt-3', 'acme/evt-4', 'acme/evt-5']);
  });

  it('purges what expired at or before now, and only that', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    const now = clock.now();
    for (let i = 0; i < 10; i++) store.processedEvents.markProcessed('acme', `evt-${i}`, now + 1000 * i);
    expect(store.processedEvents.purgeExpired(now + 4000)).toBe(5);
    expect(store.processedEvents.recordedSince(0, 100).map((record) => record.eventId)).toEqual([
      'evt-5',
      'evt-6',
      'evt-7',
      'evt-8',
      'evt-9',
    ]);
    expect(store.processedEvents.isProcessed('acme', 'evt-4')).toBe(false);
    expect(store.processedEvents.isProcessed('acme', 'evt-5')).toBe(true);
    expect(store.processedEvents.markProcessed('acme', 'evt-0', now + 99_000)).toBe(true);
    expect(store.processedEvents.purgeExpired(now + 4000)).toBe(0);
  });

  it('purges at most `limit` records a call, the longest expired first, across buckets', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    const now = clock.now();
    for (const [index, expiresAt] of [3, 1, 4, 2, 9].entries()) {
      store.processedEvents.markProcessed('acme', `evt-${index}`, now + expiresAt * minute);
    }
    const remaining = () => store.processedEvents.recordedSince(0, 100).map((record) => record.eventId);
    expect(store.processedEvents.purgeExpired(now + 5 * minute, { limit: 2 })).toBe(2);
    expect(remaining()).toEqual(['evt-0', 'evt-2', 'evt-4']);
    expect(store.processedEvents.purgeExpired(now + 5 * minute, { limit: 2 })).toBe(2);
    expect(store.processedEvents.purgeExpired(now + 5 * minute, { limit: 2 })).toBe(0);
    expect(remaining()).toEqual(['evt-4']);
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      expect(() => store.processedEvents.purgeExpired(now, { limit })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
  });
});
