import { describe, expect, it } from 'vitest';
import { openStore } from './open-store.js';
import type { NewReminder } from './reminder-repository.js';
import {
  manualClock,
  openWithTenant,
  queryPlan,
  storeTargets,
  tempDatabasePath,
} from '../test/store-targets.js';
import { raceChildren, spawnChild } from '../test/spawn-child.js';

function reminder(id: string, dueAt: number, overrides: Partial<NewReminder> = {}): NewReminder {
  return { tenantId: 'acme', id, dueAt, ...overrides };
}

describe.each(storeTargets)('reminders on $name', (target) => {
  it('creates with defaults, idempotently by id', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    const first = store.reminders.create(
      reminder('r1', 5000, {
        recordRef: 'order:123',
        cancelKey: 'order:123:payment-due',
        timezone: 'Europe/Paris',
        recurrence: { kind: 'rrule', rule: 'FREQ=DAILY;BYHOUR=9' },
        customerId: 'cust-1',
        missedFirePolicy: 'fire_if_late_within',
        lateWithinMs: 60_000,
        rule: 'order-payment-due',
        notify: { recipients: ['rep-7'], title: 'Payment due' },
        payload: { title: 'Payment due' },
      }),
    );
    expect(first.created).toBe(true);
    expect(first.reminder).toEqual({
      tenantId: 'acme',
      id: 'r1',
      customerId: 'cust-1',
      recordRef: 'order:123',
      cancelKey: 'order:123:payment-due',
      dueAt: 5000,
      timezone: 'Europe/Paris',
      recurrenceKind: 'rrule',
      recurrence: 'FREQ=DAILY;BYHOUR=9',
      missedFirePolicy: 'fire_if_late_within',
      lateWithinMs: 60_000,
      rule: 'order-payment-due',
      notify: { recipients: ['rep-7'], title: 'Payment due' },
      payload: { title: 'Payment due' },
      status: 'pending',
      attempts: 0,
      lastError: null,
      leaseOwner: null,
      leaseUntil: null,
      createdAt: clock.now(),
      updatedAt: clock.now(),
      firedAt: null,
    });
    const again = store.reminders.create(reminder('r1', 9999));
    expect(again).toEqual({ created: false, reminder: first.reminder });
    const generated = store.reminders.create({ tenantId: 'acme', dueAt: 1 });
    expect(generated.reminder).toMatchObject({
      timezone: 'UTC',
      missedFirePolicy: 'fire_now',
      lateWithinMs: null,
      customerId: '',
      rule: null,
      notify: null,
      recurrence: null,
      recurrenceKind: null,
      payload: {},
      recordRef: null,
      cancelKey: null,
    });
    expect(generated.reminder.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(store.reminders.get('acme', generated.reminder.id)).toEqual(generated.reminder);
  });

  it('refuses malformed reminders', async () => {
    await using store = openWithTenant(target);
    const bad: NewReminder[] = [
      reminder('a', 1.5),
      reminder('b', 1, { timezone: 'Nowhere/Special' }),
      reminder('c', 1, { recurrence: { kind: 'cron', rule: '  ' } }),
      reminder('d', 1, { missedFirePolicy: 'whenever' as never }),
      reminder('e', 1, { missedFirePolicy: 'fire_if_late_within' }),
      reminder('f', 1, { missedFirePolicy: 'skip', lateWithinMs: 5 }),
      reminder('g', 1, { missedFirePolicy: 'fire_if_late_within', lateWithinMs: 0 }),
      reminder('e', 1, { recurrence: { kind: 'ical' as never, rule: 'x' } }),
    ];
    for (const input of bad) {
      expect(() => store.reminders.create(input)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
    expect(() => store.reminders.create(reminder('f', 1, { tenantId: 'nobody' }))).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(store.reminders.list('acme').items).toEqual([]);
  });

  it('lists by record and status, by due time, with a cursor that survives ties', async () => {
    await using store = openWithTenant(target);
    for (let i = 0; i < 23; i++) {
      store.reminders.create(
        reminder(`r${String(i).padStart(2, '0')}`, 1000 * Math.floor(i / 4), {
          recordRef: i % 2 === 0 ? 'order:even' : 'order:odd',
        }),
      );
    }
    store.reminders.cancel('acme', 'r00');
    const collect = (options: { recordRef?: string; status?: 'pending' | 'cancelled' }) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = store.reminders.list('acme', { ...options, limit: 3, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(3);
        ids.push(...page.items.map((r) => r.id));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return ids;
    };
    const all = collect({});
    expect(all).toHaveLength(23);
    expect(all).toEqual([...all].sort());
    expect(collect({ recordRef: 'order:even' })).toEqual(all.filter((id) => Number(id.slice(1)) % 2 === 0));
    expect(collect({ recordRef: 'order:even', status: 'pending' })).toHaveLength(11);
    expect(collect({ status: 'cancelled' })).toEqual(['r00']);
    expect(() => store.reminders.list('acme', { cursor: 'garbage' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('claims due reminders in due order, leased, counting attempts', async () => {
    await using store = openWithTenant(target);
    store.reminders.create(reminder('late', 300));
    store.reminders.create(reminder('early', 100));
    store.reminders.create(reminder('middle', 200));
    store.reminders.create(reminder('future', 10_000));
    const claimed = store.reminders.claimDue(1000, 'scheduler-a', 30_000, 2);
    expect(claimed.map((r) => r.id)).toEqual(['early', 'middle']);
    expect(claimed[0]).toMatchObject({
      status: 'claimed',
      leaseOwner: 'scheduler-a',
      leaseUntil: 31_000,
      attempts: 1,
    });
    expect(store.reminders.claimDue(1000, 'scheduler-b', 30_000, 10).map((r) => r.id)).toEqual(['late']);
    expect(store.reminders.claimDue(1000, 'scheduler-b', 30_000, 10)).toEqual([]);
    expect(() => store.reminders.claimDue(1000, 'scheduler-b', 0, 10)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('returns claimed reminders whole, exactly as get reads them', async () => {
    await using store = openWithTenant(target);
    store.reminders.create({
      ...reminder('full', 100),
      customerId: 'cust-9',
      recordRef: 'order:9',
      cancelKey: 'order:9:payment-due',
      recurrence: { kind: 'rrule', rule: 'FREQ=DAILY' },
      timezone: 'Europe/Paris',
      missedFirePolicy: 'fire_if_late_within',
      lateWithinMs: 60_000,
      rule: 'payment-due',
      notify: { recipients: [{ user: 'rep-1' }], title: 'Pay' },
      payload: { title: 'Payment due', nested: { amount: 10 } },
    });
    store.reminders.create(reminder('plain', 200));
    const claimed = store.reminders.claimDue(1000, 'scheduler-a', 30_000, 10);
    expect(claimed.map((r) => r.id)).toEqual(['full', 'plain']);
    for (const one of claimed) expect(one).toStrictEqual(store.reminders.get('acme', one.id));
    expect(claimed[0]).toMatchObject({ notify: { title: 'Pay' }, payload: { nested: { amount: 10 } } });
    expect(claimed[1]!.notify).toBeNull();
  });

  it('lets another owner take over an expired lease, and only the holder finish', async () => {
    await using store = openWithTenant(target);
    store.reminders.create(reminder('r1', 0));
    expect(store.reminders.claimDue(1000, 'a', 500, 10)).toHaveLength(1);
    expect(store.reminders.claimDue(1499, 'b', 500, 10)).toEqual([]);
    const takenOver = store.reminders.claimDue(1500, 'b', 500, 10);
    expect(takenOver).toHaveLength(1);
    expect(takenOver[0]).toMatchObject({ leaseOwner: 'b', leaseUntil: 2000, attempts: 2 });
    expect(store.reminders.markFired('acme', 'r1', 'a')).toBe(false);
    expect(store.reminders.release('acme', 'r1', 'a')).toBe(false);
    expect(store.reminders.markFailed('acme', 'r1', 'a', 'too late')).toBe(false);
    expect(store.reminders.markFired('acme', 'r1', 'b')).toBe(true);
    expect(store.reminders.get('acme', 'r1')).toMatchObject({
      status: 'fired',
      leaseOwner: null,
      attempts: 2,
    });
    expect(store.reminders.claimDue(99_999, 'c', 500, 10)).toEqual([]);
  });

  it('fires a recurring reminder back to pending at its next occurrence', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    store.reminders.create(reminder('daily', 1000, { recurrence: { kind: 'cron', rule: '0 9 * * *' } }));
    store.reminders.claimDue(1000, 'a', 500, 10);
    expect(store.reminders.markFired('acme', 'daily', 'a', { nextDueAt: 87_400_000 })).toBe(true);
    expect(store.reminders.get('acme', 'daily')).toMatchObject({
      status: 'pending',
      dueAt: 87_400_000,
      attempts: 0,
      firedAt: clock.now(),
      leaseOwner: null,
    });
    expect(store.reminders.claimDue(87_399_999, 'a', 500, 10)).toEqual([]);
    expect(store.reminders.claimDue(87_400_000, 'a', 500, 10)).toHaveLength(1);
  });

  it('retries or fails, and releases with the attempt uncounted', async () => {
    await using store = openWithTenant(target);
    store.reminders.create(reminder('flaky', 0));
    store.reminders.create(reminder('broken', 0));
    store.reminders.create(reminder('interrupted', 0));
    store.reminders.claimDue(1000, 'a', 500, 10);
    expect(store.reminders.markFailed('acme', 'flaky', 'a', 'log unavailable', { retryAt: 5000 })).toBe(true);
    expect(store.reminders.get('acme', 'flaky')).toMatchObject({
      status: 'pending',
      dueAt: 5000,
      attempts: 1,
      lastError: 'log unavailable',
    });
    expect(store.reminders.markFailed('acme', 'broken', 'a', 'bad payload')).toBe(true);
    expect(store.reminders.get('acme', 'broken')).toMatchObject({
      status: 'failed',
      lastError: 'bad payload',
    });
    expect(store.reminders.release('acme', 'interrupted', 'a')).toBe(true);
    expect(store.reminders.get('acme', 'interrupted')).toMatchObject({ status: 'pending', attempts: 0 });
    expect(store.reminders.claimDue(4999, 'b', 500, 10).map((r) => r.id)).toEqual(['interrupted']);
    expect(store.reminders.claimDue(5000, 'b', 500, 10).map((r) => r.id)).toEqual(['flaky']);
  });

  it('purges reminders that ended before a time, oldest first, and keeps open and recurring ones', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    for (const id of ['fired', 'failed', 'cancelled', 'pending', 'claimed', 'daily']) {
      store.reminders.create(
        reminder(
          id,
          id === 'pending' ? 10_000 : 0,
          id === 'daily' ? { recurrence: { kind: 'cron', rule: '0 9 * * *' } } : {},
        ),
      );
    }
    store.reminders.claimDue(clock.now(), 'a', 60_000, 10);
    store.reminders.cancel('acme', 'cancelled');
    clock.advance(1000);
    store.reminders.markFired('acme', 'fired', 'a');
    store.reminders.markFired('acme', 'daily', 'a', { nextDueAt: clock.now() + 86_400_000 });
    clock.advance(1000);
    store.reminders.markFailed('acme', 'failed', 'a', 'bad payload');
    const ids = () =>
      store.reminders
        .list('acme')
        .items.map((r) => r.id)
        .sort();

    expect(store.reminders.purgeFinished(clock.now() - 2001)).toBe(0);
    expect(store.reminders.purgeFinished(clock.now(), { limit: 1 })).toBe(1);
    expect(ids()).toEqual(['claimed', 'daily', 'failed', 'fired', 'pending']);
    expect(store.reminders.purgeFinished(clock.now() - 1000)).toBe(1);
    expect(ids()).toEqual(['claimed', 'daily', 'failed', 'pending']);
    expect(store.reminders.purgeFinished(clock.now() + 86_400_000 * 365)).toBe(1);
    expect(ids()).toEqual(['claimed', 'daily', 'pending']);
  });

  it('reschedules and cancels open reminders only', async () => {
    await using store = openWithTenant(target);
    store.tenants.create({ id: 'globex', name: 'Globex' });
    store.reminders.create(reminder('moved', 100));
    store.reminders.create(reminder('held', 100));
    store.reminders.create(reminder('k1', 100, { cancelKey: 'order:1:payment-due' }));
    store.reminders.create(reminder('k2', 200, { cancelKey: 'order:1:payment-due' }));
    store.reminders.create(reminder('k3', 200, { cancelKey: 'order:2:payment-due' }));
    store.reminders.create(reminder('k1', 100, { tenantId: 'globex', cancelKey: 'order:1:payment-due' }));

    expect(store.reminders.reschedule('acme', 'moved', 5000, { timezone: 'Asia/Tokyo' })).toBe(true);
    expect(store.reminders.get('acme', 'moved')).toMatchObject({ dueAt: 5000, timezone: 'Asia/Tokyo' });
    store.reminders.claimDue(100, 'a', 10_000, 1);
    expect(store.reminders.get('acme', 'held')?.status).toBe('claimed');
    expect(store.reminders.reschedule('acme', 'held', 7000)).toBe(true);
    expect(store.reminders.get('acme', 'held')).toMatchObject({
      status: 'pending',
      leaseOwner: null,
      dueAt: 7000,
    });
    expect(store.reminders.markFired('acme', 'held', 'a')).toBe(false);

    expect(store.reminders.cancelByKey('acme', 'order:1:payment-due')).toBe(2);
    expect(store.reminders.cancelByKey('acme', 'order:1:payment-due')).toBe(0);
    expect(store.reminders.get('acme', 'k3')?.status).toBe('pending');
    expect(store.reminders.get('globex', 'k1')?.status).toBe('pending');
    expect(store.reminders.cancel('acme', 'k3')).toBe(true);
    expect(store.reminders.cancel('acme', 'k3')).toBe(false);
    expect(store.reminders.reschedule('acme', 'k3', 1)).toBe(false);
    expect(
      store.reminders
        .claimDue(1_000_000, 'b', 500, 100)
        .map((r) => `${r.tenantId}/${r.id}`)
        .sort(),
    ).toEqual(['acme/held', 'acme/moved', 'globex/k1']);
  });

  it('scans pending reminders due in a horizon, by due time', async () => {
    await using store = openWithTenant(target);
    for (const [id, dueAt] of [
      ['d', 400],
      ['a', 100],
      ['c', 300],
      ['b', 200],
      ['e', 500],
    ] as const) {
      store.reminders.create(reminder(id, dueAt));
    }
    store.reminders.claimDue(100, 'a', 1000, 1);
    store.reminders.cancel('acme', 'c');
    expect(store.reminders.dueBetween(0, 500, 10).map((r) => r.id)).toEqual(['b', 'd']);
    expect(store.reminders.dueBetween(0, 501, 2).map((r) => r.id)).toEqual(['b', 'd']);
    expect(store.reminders.dueBetween(400, 10_000, 10).map((r) => r.id)).toEqual(['d', 'e']);
  });

  it('pages pending reminders by due time through ties, after a cursor', async () => {
    await using store = openWithTenant(target);
    for (let i = 0; i < 7; i++) store.reminders.create(reminder(`t${i}`, 100));
    store.reminders.create(reminder('early', 50));
    store.reminders.create(reminder('late', 500));
    store.reminders.create(reminder('gone', 60));
    store.reminders.cancel('acme', 'gone');
    const seen: string[] = [];
    let page = store.reminders.pendingDueBefore(500, 3);
    while (page.length > 0) {
      seen.push(...page.map((r) => r.id));
      page = store.reminders.pendingDueBefore(500, 3, page.at(-1));
    }
    expect(seen).toEqual(['early', 't0', 't1', 't2', 't3', 't4', 't5', 't6']);
  });

  it('reschedules by cancellation key and returns what moved', async () => {
    await using store = openWithTenant(target);
    store.reminders.create(reminder('a', 100, { cancelKey: 'order:1:due' }));
    store.reminders.create(reminder('b', 200, { cancelKey: 'order:1:due' }));
    store.reminders.create(reminder('c', 300, { cancelKey: 'order:2:due' }));
    store.reminders.cancel('acme', 'b');
    const moved = store.reminders.rescheduleByKey('acme', 'order:1:due', 900);
    expect(moved.map((r) => [r.id, r.dueAt, r.status])).toEqual([['a', 900, 'pending']]);
    expect(store.reminders.get('acme', 'c')?.dueAt).toBe(300);
    expect(store.reminders.rescheduleByKey('other', 'order:1:due', 5)).toEqual([]);
  });

  it('updates policy and payload, and reopens a fired reminder only when asked', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    store.reminders.create(reminder('u', clock.now()));
    const changed = store.reminders.update('acme', 'u', {
      missedFirePolicy: 'fire_if_late_within',
      lateWithinMs: 5000,
      payload: { x: 1 },
    });
    expect(changed).toMatchObject({
      missedFirePolicy: 'fire_if_late_within',
      lateWithinMs: 5000,
      payload: { x: 1 },
    });
    expect(() =>
      store.reminders.update('acme', 'u', { missedFirePolicy: 'fire_if_late_within', lateWithinMs: null }),
    ).toThrow(/lateWithinMs/);
    expect(store.reminders.update('acme', 'u', { missedFirePolicy: 'skip' })).toMatchObject({
      lateWithinMs: null,
    });
    const [claimed] = store.reminders.claimDue(clock.now(), 'me', 1000, 10);
    expect(claimed?.id).toBe('u');
    expect(store.reminders.markFiredMany('me', [{ tenantId: 'acme', id: 'u' }])).toBe(1);
    expect(store.reminders.update('acme', 'u', { dueAt: clock.now() + 60_000 })).toBeUndefined();
    expect(
      store.reminders.update('acme', 'u', { dueAt: clock.now() + 60_000, reopenFired: true }),
    ).toMatchObject({
      status: 'pending',
      dueAt: clock.now() + 60_000,
      attempts: 0,
    });
    store.reminders.cancel('acme', 'u');
    expect(store.reminders.update('acme', 'u', { dueAt: 1, reopenFired: true })).toBeUndefined();
    expect(store.reminders.update('acme', 'missing', { payload: {} })).toBeUndefined();
  });

  it('claims ahead up to dueBy, but takes over leases only once they ran out by now', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    const now = clock.now();
    store.reminders.create(reminder('soon', now + 40));
    store.reminders.create(reminder('later', now + 500));
    store.reminders.create(reminder('held', now - 10));
    store.reminders.claimDue(now - 10, 'other', 30, 10);
    const claimed = store.reminders.claimDue(now, 'me', 1000, 10, { dueBy: now + 50 });
    expect(claimed.map((r) => r.id)).toEqual(['soon']);
    expect(store.reminders.claimDue(now + 20, 'me', 1000, 10, { dueBy: now + 50 }).map((r) => r.id)).toEqual([
      'held',
    ]);
    expect(() => store.reminders.claimDue(now, 'me', 1000, 10, { dueBy: now - 1 })).toThrow(/dueBy/);
  });

  it('marks many fired in one go, only for the lease holder', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    store.reminders.create(reminder('m1', clock.now()));
    store.reminders.create(reminder('m2', clock.now(), { recurrence: { kind: 'cron', rule: '0 9 * * *' } }));
    store.reminders.claimDue(clock.now(), 'me', 1000, 10);
    expect(store.reminders.markFiredMany('other', [{ tenantId: 'acme', id: 'm1' }])).toBe(0);
    expect(
      store.reminders.markFiredMany('me', [
        { tenantId: 'acme', id: 'm1' },
        { tenantId: 'acme', id: 'm2', nextDueAt: clock.now() + 86_400_000 },
      ]),
    ).toBe(2);
    expect(store.reminders.get('acme', 'm1')?.status).toBe('fired');
    expect(store.reminders.get('acme', 'm2')).toMatchObject({
      status: 'pending',
      dueAt: clock.now() + 86_400_000,
    });
  });

  it('tells which claims an owner still holds: not the cancelled, moved or taken-over ones', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    for (const id of ['kept', 'cancelled', 'moved', 'other'])
      store.reminders.create(reminder(id, clock.now()));
    store.reminders.claimDue(clock.now(), 'me', 1000, 3);
    store.reminders.claimDue(clock.now(), 'them', 1000, 10);
    store.reminders.cancel('acme', 'cancelled');
    store.reminders.update('acme', 'moved', { dueAt: clock.now() + 60_000 });
    const keys = ['kept', 'cancelled', 'moved', 'other', 'nope'].map((id) => ({ tenantId: 'acme', id }));
    expect(store.reminders.stillClaimed('me', keys)).toEqual([{ tenantId: 'acme', id: 'kept' }]);
    expect(store.reminders.stillClaimed('them', keys)).toEqual([{ tenantId: 'acme', id: 'other' }]);
    expect(store.reminders.stillClaimed('me', [])).toEqual([]);
  });
});

describe('reminder indexes', () => {
  it('serve the claim and the horizon refill from the partial due and lease indexes', async () => {
    await using store = openStore({ path: ':memory:' });
    const plan = (query: string) => queryPlan(store, query, 1, 2);
    expect(
      plan(
        "SELECT rowid FROM reminders WHERE status = 'pending' AND due_at <= ? ORDER BY due_at LIMIT CAST(? AS INTEGER)",
      ),
    ).toMatch(/USING (COVERING )?INDEX reminders_due_idx/);
    expect(
      plan(
        "SELECT rowid FROM reminders WHERE status = 'claimed' AND lease_until <= ? ORDER BY lease_until LIMIT CAST(? AS INTEGER)",
      ),
    ).toMatch(/USING (COVERING )?INDEX reminders_lease_idx/);
    expect(
      plan(
        "SELECT due_at, tenant_id, id FROM reminders WHERE status = 'pending' AND due_at < ? ORDER BY due_at, id, tenant_id LIMIT ?",
      ),
    ).toMatch(/USING COVERING INDEX reminders_due_idx(?!.*TEMP B-TREE)/);
  });

  it('find the reminders to purge in the partial index of those that ended, not by a scan', async () => {
    await using store = openStore({ path: ':memory:' });
    const plan = queryPlan(
      store,
      "SELECT rowid FROM reminders WHERE status IN ('fired', 'failed', 'cancelled') AND updated_at <= ? ORDER BY updated_at LIMIT CAST(? AS INTEGER)",
      1,
      2,
    );
    expect(plan).toMatch(/USING (COVERING )?INDEX reminders_finished_idx(?!.*TEMP B-TREE)/);
  });
});

describe('claimDue on one file shared by several stores', () => {
  it('never gives the same reminder to two store instances', async () => {
    const path = tempDatabasePath();
    await using first = openStore({ path });
    await using second = openStore({ path });
    first.tenants.create({ id: 'acme', name: 'Acme' });
    const total = 500;
    first.transaction(() => {
      for (let i = 0; i < total; i++) first.reminders.create(reminder(`r${i}`, i % 50));
    });
    const claims = new Map<string, string[]>();
    for (let round = 0; ; round++) {
      const [store, owner] = round % 2 === 0 ? [first, 'first'] : [second, 'second'];
      const batch = store.reminders.claimDue(1000, owner, 60_000, 1 + (round % 7));
      for (const r of batch) claims.set(r.id, [...(claims.get(r.id) ?? []), owner]);
      if (batch.length === 0 && round > 1) break;
    }
    expect(claims.size).toBe(total);
    expect([...claims.values()].filter((owners) => owners.length > 1)).toEqual([]);
    expect(new Set([...claims.values()].flat())).toEqual(new Set(['first', 'second']));
  });

  it('never gives the same reminder to two processes racing on the file', async () => {
    const path = tempDatabasePath();
    const total = 2000;
    {
      await using store = openStore({ path });
      store.tenants.create({ id: 'acme', name: 'Acme' });
      store.transaction(() => {
        for (let i = 0; i < total; i++) store.reminders.create(reminder(`r${i}`, i));
      });
    }
    const outputs = await raceChildren(
      ['p1', 'p2', 'p3'].map((owner) => spawnChild('claim-child.ts', { path, owner, batch: 3 })),
    );
    const results = outputs.map((lines) => JSON.parse(lines.at(-1) ?? '[]') as string[]);

    const all = results.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(total);
    expect(results.filter((ids) => ids.length > 0).length).toBeGreaterThan(1);
    await using store = openStore({ path });
    const counts = store.db.$client
      .prepare('SELECT status, max(attempts) AS maxAttempts, count(*) AS n FROM reminders GROUP BY status')
      .all();
    expect(counts).toEqual([{ status: 'fired', maxAttempts: 1, n: total }]);
  }, 60_000);
});
