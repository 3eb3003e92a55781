import { openStore } from '@herald/store';
import { describe, expect, it } from 'vitest';
import { Deduplicator } from './deduplicator.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

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
});
