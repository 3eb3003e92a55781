import { describe, expect, it } from 'vitest';
import type { Store } from './create-store.js';
import { openStore } from './open-store.js';
import { manualClock, openWithTenant, queryPlan, storeTargets } from '../test/store-targets.js';

/** A small seeded generator, so a failing sequence can be replayed. */
function random(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state % below;
  };
}

/** The unread count by its definition, counted from the rows. */
function countedUnread(store: Store, recipientId: string, now: number): number {
  return store.db.$client
    .prepare(
      `SELECT count(*) FROM notifications WHERE tenant_id = 'acme' AND recipient_id = ? AND read_at IS NULL
       AND archived_at IS NULL AND replaced_at IS NULL AND (expires_at IS NULL OR expires_at > ?)`,
    )
    .pluck()
    .get(recipientId, now) as number;
}

const recipients = ['rep-1', 'rep-2', 'rep-3'];

describe.each(storeTargets)('the unread count on $name', (target) => {
  it('matches a count of the rows through every kind of change', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    const pick = random(20261206);
    const ids: { id: string; recipientId: string }[] = [];
    const any = () => ids[pick(ids.length)]!;
    for (let step = 0; step < 1_500; step++) {
      const recipientId = recipients[pick(recipients.length)]!;
      const kind = ids.length === 0 ? 0 : pick(12);
      if (kind <= 3) {
        const replay = ids.length > 0 && pick(8) === 0;
        const id = replay ? any().id : `n${step}`;
        const owner = replay ? ids.find((entry) => entry.id === id)!.recipientId : recipientId;
        const result = store.inbox.insert({
          tenantId: 'acme',
          id,
          recipientId: owner,
          title: 'x',
          collapseKey: pick(3) === 0 ? null : `key-${pick(3)}`,
          // Now and then older than what it collapses with: stored already replaced.
          createdAt: clock.now() - pick(2) * pick(5_000),
          expiresAt: pick(3) === 0 ? clock.now() + pick(3_000) : null,
        });
        if (!replay) ids.push({ id, recipientId: owner });
        expect(result.unreadCount).toBe(countedUnread(store, owner, clock.now()));
      } else if (kind <= 7) {
        const { id, recipientId: owner } = any();
        const marks = ['markRead', 'markUnread', 'markArchived', 'markUnarchived', 'markSeen'] as const;
        store.inbox[marks[pick(marks.length)]!]('acme', owner, id);
      } else if (kind === 8) {
        const upTo = pick(2) === 0 ? undefined : pick(store.inbox.lastSequence('acme', recipientId) + 1);
        const all = ['markAllRead', 'markAllArchived', 'markAllSeen'] as const;
        store.inbox[all[pick(all.length)]!]('acme', recipientId, upTo === undefined ? {} : { upTo });
      } else if (kind === 9) {
        store.inbox.purgeExpired(clock.now(), { limit: 1 + pick(3) });
        store.inbox.purgeReplaced(clock.now() - pick(2_000), { limit: 1 + pick(3) });
      } else if (kind === 10) {
        // A transaction that fails takes its counter changes back with it.
        expect(() =>
          store.transaction(() => {
            store.inbox.insert({ tenantId: 'acme', id: `rolled-back-${step}`, recipientId, title: 'x' });
            store.inbox.markAllRead('acme', recipientId);
            throw new Error('rolled back');
          }),
        ).toThrow('rolled back');
      } else {
        clock.advance(pick(1_000));
      }
      for (const recipient of recipients) {
        expect(store.inbox.unreadCount('acme', recipient), `${recipient} after step ${step}`).toBe(
          countedUnread(store, recipient, clock.now()),
        );
      }
    }
    expect(recipients.map((recipient) => store.inbox.unreadCount('acme', recipient))).not.toEqual([0, 0, 0]);
  });

  it('is 0 for a recipient with no inbox, and goes with a removed tenant', async () => {
    await using store = openWithTenant(target);
    expect(store.inbox.unreadCount('acme', 'nobody')).toBe(0);
    store.inbox.insert({ tenantId: 'acme', id: 'n1', recipientId: 'rep-7', title: 'x' });
    expect(store.tenants.remove('acme')).toBe(true);
    expect(store.inbox.unreadCount('acme', 'rep-7')).toBe(0);
    expect(store.db.$client.prepare('SELECT count(*) FROM inbox_sequences').pluck().get()).toBe(0);
  });
});

describe('the unread count query', () => {
  it('reads only the expired unread items, through their partial index', async () => {
    await using store = openStore({ path: ':memory:' });
    const plan = queryPlan(
      store,
      `SELECT count(*) FROM notifications WHERE tenant_id = ? AND recipient_id = ?
       AND read_at IS NULL AND archived_at IS NULL AND replaced_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ?`,
      'acme',
      'rep-7',
      1,
    );
    // A range of the index: only the expired items not purged yet are read.
    expect(plan).toMatch(
      /USING (COVERING )?INDEX notifications_unread_expiring_idx \(tenant_id=\? AND recipient_id=\? AND expires_at/,
    );
  });
});
