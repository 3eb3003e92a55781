import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '@herald/store';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Deduplicator, type FilterFill } from './deduplicator.js';

const directory = mkdtempSync(join(tmpdir(), 'herald-dedup-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Claims a key that must be new, and commits it as a request whose append succeeded would. */
function acceptFresh(dedup: Deduplicator, id: string): void {
  const claim = dedup.tryClaim('acme', [id]);
  if (claim === undefined || claim.duplicate) throw new Error(`expected a fresh claim for ${id}`);
  claim.commit();
  claim.release();
}

function setUp() {
  const store = openStore({ path: ':memory:' });
  store.tenants.create({ id: 'acme', name: 'Acme' });
  const errors: unknown[] = [];
  const dedup = new Deduplicator(store, { onCommitError: (error) => errors.push(error) });
  return { store, dedup, errors };
}

describe('Deduplicator', () => {
  it('writes the commits of one turn together, counting them as processed from the commit on', async () => {
    const { store, dedup } = setUp();
    const claims = ['evt-1', 'evt-2', 'evt-3'].map((id) => dedup.tryClaim('acme', [id]));
    for (const claim of claims) {
      if (claim === undefined || claim.duplicate) throw new Error('expected fresh claims');
      claim.commit();
      claim.release();
    }
    // Not written yet, and still a duplicate for whoever comes next.
    expect(store.processedEvents.isProcessed('acme', 'evt-1')).toBe(false);
    expect(dedup.tryClaim('acme', ['evt-2'])).toEqual({ duplicate: true });
    await nextTurn();
    expect(['evt-1', 'evt-2', 'evt-3'].map((id) => store.processedEvents.isProcessed('acme', id))).toEqual([
      true,
      true,
      true,
    ]);
    expect(dedup.tryClaim('acme', ['evt-3'])).toEqual({ duplicate: true });
    expect(dedup.tryClaim('acme', ['evt-4'])).toMatchObject({ duplicate: false });
    await store.close();
  });

  it('flushes on demand, and reports a failed write without counting its keys', async () => {
    const { store, dedup, errors } = setUp();
    const fresh = dedup.tryClaim('acme', ['evt-1']);
    if (fresh === undefined || fresh.duplicate) throw new Error('expected a fresh claim');
    fresh.commit();
    fresh.release();
    dedup.flush();
    expect(store.processedEvents.isProcessed('acme', 'evt-1')).toBe(true);
    // A tenant the store does not know breaks the write.
    const orphan = dedup.tryClaim('nobody', ['evt-9']);
    if (orphan === undefined || orphan.duplicate) throw new Error('expected a fresh claim');
    orphan.commit();
    orphan.release();
    await nextTurn();
    expect(errors).toHaveLength(1);
    expect(dedup.tryClaim('nobody', ['evt-9'])).toMatchObject({ duplicate: false });
    await store.close();
  });

  it('claims no keys (an id Herald generated) without looking up or recording anything', async () => {
    const { store, dedup } = setUp();
    const count = () =>
      (store.db.$client.prepare('SELECT count(*) AS n FROM processed_events').get() as { n: number }).n;
    for (let i = 0; i < 3; i++) {
      const claim = dedup.tryClaim('acme', []);
      if (claim === undefined || claim.duplicate) throw new Error('expected a fresh claim');
      claim.commit();
      claim.release();
    }
    dedup.commitMany([{ tenantId: 'acme', keys: [] }]);
    await nextTurn();
    expect(count()).toBe(0);
    const named = dedup.tryClaim('acme', ['evt-1']);
    if (named === undefined || named.duplicate) throw new Error('expected a fresh claim');
    named.commit();
    named.release();
    await nextTurn();
    expect(count()).toBe(1);
    await store.close();
  });

  it('looks up only keys the filter may have seen, and shows an undersized filter in its estimate', async () => {
    const store = openStore({ path: ':memory:' });
    store.tenants.create({ id: 'acme', name: 'Acme' });
    let exactChecks = 0;
    // Sized for 30 keys a window; 3,000 arrive.
    const dedup = new Deduplicator(store, {
      expectedItems: 30,
      falsePositiveRate: 0.001,
      onExactCheck: () => (exactChecks += 1),
    });
    const claimAndCommit = (id: string) => acceptFresh(dedup, id);
    for (let i = 0; i < 20; i++) claimAndCommit(`evt-${i}`);
    await nextTurn();
    // Within its size, new keys are "definitely new": no lookups.
    expect(exactChecks).toBeLessThanOrEqual(1);
    expect(dedup.estimatedFalsePositiveRate()).toBeLessThan(0.01);
    // A repeat is looked up, and found.
    expect(dedup.tryClaim('acme', ['evt-3'])).toEqual({ duplicate: true });
    const afterRepeat = exactChecks;
    expect(afterRepeat).toBeGreaterThanOrEqual(1);
    // Written (and added to the filter) a turn at a time, as requests would be.
    for (let i = 20; i < 3000; i++) {
      claimAndCommit(`evt-${i}`);
      if (i % 50 === 0) await nextTurn();
    }
    await nextTurn();
    // Past its size, most new keys are "probably seen" and cost a lookup.
    expect(exactChecks - afterRepeat).toBeGreaterThan(1500);
    expect(dedup.estimatedFalsePositiveRate()).toBeGreaterThan(0.5);
    await store.close();
  });

  it('sizes the filter at warm for twice the ids the store holds, when they are more than it was sized for', async () => {
    const store = openStore({ path: ':memory:' });
    store.tenants.create({ id: 'acme', name: 'Acme' });
    const recorded = Array.from({ length: 3000 }, (_, i) => ({ tenantId: 'acme', eventId: `old-${i}` }));
    store.processedEvents.markProcessedMany(recorded, Date.now() + 86_400_000);
    let exactChecks = 0;
    const dedup = new Deduplicator(store, {
      expectedItems: 30,
      falsePositiveRate: 0.001,
      onExactCheck: () => (exactChecks += 1),
    });
    expect(dedup.warm()).toBe(3000);
    expect(dedup.expectedItems).toBe(6000);
    expect(dedup.estimatedFalsePositiveRate()).toBeLessThan(0.01);
    // New ids are "definitely new" for the filter: hardly any store lookups.
    for (let i = 0; i < 1000; i++) acceptFresh(dedup, `new-${i}`);
    expect(exactChecks).toBeLessThan(20);
    expect(dedup.tryClaim('acme', ['old-7'])).toEqual({ duplicate: true });
    // Within its size, the store's ids leave the filter as it was configured.
    const roomy = new Deduplicator(store, { expectedItems: 10_000 });
    roomy.warm();
    expect(roomy.expectedItems).toBe(10_000);
    await store.close();
  });

  it('loads stored ids at start into the generations of their time, as they were before the restart', async () => {
    const store = openStore({ path: ':memory:' });
    store.tenants.create({ id: 'acme', name: 'Acme' });
    const now = Date.now();
    const day = 86_400_000;
    // A window's worth, recorded evenly over the last day: they expire over the next one.
    for (let i = 0; i < 3000; i++)
      store.processedEvents.markProcessedMany(
        [{ tenantId: 'acme', eventId: `old-${i}` }],
        now + (i * day) / 3000 + 1,
      );
    let exactChecks = 0;
    const dedup = new Deduplicator(store, {
      expectedItems: 3000,
      falsePositiveRate: 0.001,
      now: () => now,
      onExactCheck: () => (exactChecks += 1),
    });
    expect(dedup.warm()).toBe(3000);
    expect(dedup.expectedItems).toBe(3000);
    // Spread over the generations the filter is at its designed load; piled into the newest it
    // held three times what that one is sized for.
    expect(dedup.estimatedFalsePositiveRate()).toBeLessThan(0.005);
    for (let i = 0; i < 1000; i++) acceptFresh(dedup, `new-${i}`);
    expect(exactChecks).toBeLessThan(20);
    for (const i of [0, 1500, 2999])
      expect(dedup.tryClaim('acme', [`old-${i}`])).toEqual({ duplicate: true });
    await store.close();
  });

  it('tells when the filter is overfull, at most every ten minutes, and never while it is within its size', async () => {
    const store = openStore({ path: ':memory:' });
    store.tenants.create({ id: 'acme', name: 'Acme' });
    let now = Date.UTC(2030, 0, 1);
    const told: FilterFill[] = [];
    const dedup = new Deduplicator(store, {
      expectedItems: 30,
      falsePositiveRate: 0.001,
      now: () => now,
      onOverfull: (fill) => told.push(fill),
    });
    const claimAndCommit = (id: string) => acceptFresh(dedup, id);
    for (let i = 0; i < 20; i++) claimAndCommit(`evt-${i}`);
    await nextTurn();
    // A repeat is a lookup, but the filter is within its size: nothing to tell.
    expect(dedup.tryClaim('acme', ['evt-3'])).toEqual({ duplicate: true });
    expect(told).toEqual([]);
    now += 60_000;
    for (let i = 20; i < 3000; i++) {
      claimAndCommit(`evt-${i}`);
      if (i % 50 === 0) await nextTurn();
    }
    await nextTurn();
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ falsePositiveRate: 0.001, expectedItems: 30 });
    expect(told[0]!.estimatedFalsePositiveRate).toBeGreaterThan(0.01);
    // Still overfull a minute later: not told again before ten minutes have passed.
    const later = (minutes: number, from: number) => {
      now += minutes * 60_000;
      for (let i = from; i < from + 20; i++) claimAndCommit(`evt-${i}`);
    };
    later(1, 3000);
    expect(told).toHaveLength(1);
    later(10, 3100);
    expect(told).toHaveLength(2);
    await store.close();
  });

  describe("with exactCheck 'always', beside another instance on the same store file", () => {
    /** Two stores on one file, each with its deduplicator warmed as an ingest app's is. */
    function twoInstances(name: string, mine: 'always' | 'on-bloom-hit' = 'always') {
      const path = join(directory, `${name}.db`);
      const stores: Store[] = [openStore({ path })];
      stores[0]!.tenants.create({ id: 'acme', name: 'Acme' });
      stores.push(openStore({ path }));
      const [store, otherStore] = stores as [Store, Store];
      const dedup = new Deduplicator(store, { exactCheck: mine });
      const other = new Deduplicator(otherStore, { exactCheck: 'always' });
      dedup.warm();
      other.warm();
      const read = vi.spyOn(store.processedEvents, 'recordedSince');
      const recordsRead = () =>
        read.mock.results.reduce((sum, result) => sum + (result.value as unknown[]).length, 0);
      const close = async () => {
        await store.close();
        await otherStore.close();
      };
      return { store, dedup, other, read, recordsRead, close };
    }

    it('answers duplicate for the ids the other committed, which its filter never saw', async () => {
      const { dedup, other, close } = twoInstances('sees-others');
      for (const id of ['evt-1', 'evt-2']) acceptFresh(other, id);
      other.flush();
      expect(dedup.tryClaim('acme', ['evt-1'])).toEqual({ duplicate: true });
      expect(dedup.tryClaim('acme', ['evt-2'])).toEqual({ duplicate: true });
      expect(dedup.tryClaim('acme', ['evt-3'])).toMatchObject({ duplicate: false });
      await close();
    });

    it("misses them with 'on-bloom-hit', which trusts its own filter", async () => {
      const { dedup, other, close } = twoInstances('trusts-itself', 'on-bloom-hit');
      acceptFresh(other, 'evt-1');
      other.flush();
      expect(dedup.tryClaim('acme', ['evt-1'])).toMatchObject({ duplicate: false });
      await close();
    });

    it('reads the store once for a batch of claims, and never its own records back', async () => {
      const { dedup, other, read, recordsRead, close } = twoInstances('reads-once');
      for (let i = 0; i < 3; i++) acceptFresh(other, `theirs-${i}`);
      other.flush();
      // One synchronous run of claims, as a batch checks its events: one catch-up.
      for (let i = 0; i < 500; i++) acceptFresh(dedup, `mine-${i}`);
      expect(read).toHaveBeenCalledTimes(1);
      expect(recordsRead()).toBe(3);
      await nextTurn();
      // Its own 500 records are written; the next catch-up reads none of them.
      expect(dedup.tryClaim('acme', ['mine-7'])).toEqual({ duplicate: true });
      expect(read.mock.calls.length).toBeGreaterThan(1);
      expect(recordsRead()).toBe(3);
      acceptFresh(other, 'theirs-late');
      other.flush();
      // A later request: the run of claims that read the store before has ended.
      await Promise.resolve();
      expect(dedup.tryClaim('acme', ['theirs-late'])).toEqual({ duplicate: true });
      expect(recordsRead()).toBe(4);
      await close();
    });
  });
});
