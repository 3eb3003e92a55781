import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Store } from './create-store.js';
import { openStore } from './open-store.js';
import { StoreHousekeeper, type HousekeepingTask, type PurgeCounts } from './store-housekeeper.js';
import {
  manualClock,
  openWithTenant,
  queryPlan,
  storeTargets,
  tempDatabasePath,
} from '../test/store-targets.js';

const day = 86_400_000;

function addProcessed(store: Store, count: number, expiresAt: number, prefix = 'evt'): void {
  store.processedEvents.markProcessedMany(
    Array.from({ length: count }, (_, index) => ({ tenantId: 'acme', eventId: `${prefix}-${index}` })),
    expiresAt,
  );
}

function addExpiredNotification(store: Store, now: number): void {
  store.inbox.insert({ tenantId: 'acme', id: 'gone', recipientId: 'rep-7', title: 'x', expiresAt: now - 1 });
}

function rows(store: Store, table: string): number {
  return store.db.$client.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
}

describe.each(storeTargets)('store housekeeping on $name', (target) => {
  it('purges a backlog in bounded transactions, giving the event loop turns between them', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    addProcessed(store, 1_200, clock.now() - 1);
    addProcessed(store, 10, clock.now() + day, 'live');
    const housekeeper = new StoreHousekeeper(store, {
      tasks: ['processedEvents'],
      batchSize: 500,
      now: clock.now,
    });
    // Other work on the event loop, one step a turn, noting how many rows were left at each.
    const seen: number[] = [];
    const tick = () => {
      seen.push(rows(store, 'processed_events'));
      next = setImmediate(tick);
    };
    let next = setImmediate(tick);
    const counts = await housekeeper.runOnce();
    clearImmediate(next);
    expect(counts).toEqual({ processedEvents: 1_200 });
    expect(rows(store, 'processed_events')).toBe(10);
    // 500 + 500 + 200 in three transactions, with other work seeing the store between them.
    expect(seen).toContain(710);
    expect(seen).toContain(210);
    await housekeeper.close();
  });

  it('runs only its own tasks, each with its retention', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    addProcessed(store, 3, clock.now() - 1);
    addExpiredNotification(store, clock.now());
    store.inbox.insert({
      tenantId: 'acme',
      id: 'v1',
      recipientId: 'rep-7',
      title: 'x',
      collapseKey: 'k',
      createdAt: 1,
    });
    store.inbox.insert({
      tenantId: 'acme',
      id: 'v2',
      recipientId: 'rep-7',
      title: 'x',
      collapseKey: 'k',
      createdAt: 2,
    });
    store.reminders.create({ tenantId: 'acme', id: 'r1', dueAt: 0 });
    store.reminders.cancel('acme', 'r1');

    const counts: PurgeCounts[] = [];
    const run = (tasks: HousekeepingTask[]) =>
      new StoreHousekeeper(store, {
        tasks,
        now: clock.now,
        replacedRetentionMs: 60_000,
        finishedReminderRetentionMs: 7 * day,
        onPurged: (purged) => counts.push(purged),
      }).runOnce();

    expect(await run(['expiredNotifications'])).toEqual({ expiredNotifications: 1 });
    expect(rows(store, 'processed_events')).toBe(3);
    expect(await run(['replacedNotifications', 'finishedReminders'])).toEqual({
      replacedNotifications: 0,
      finishedReminders: 0,
    });
    clock.advance(60_000);
    expect(await run(['replacedNotifications', 'finishedReminders'])).toEqual({
      replacedNotifications: 1,
      finishedReminders: 0,
    });
    expect(store.inbox.get('acme', 'v1')).toBeUndefined();
    expect(store.inbox.get('acme', 'v2')).toBeDefined();
    clock.advance(7 * day);
    expect(await run(['finishedReminders', 'processedEvents'])).toEqual({
      finishedReminders: 1,
      processedEvents: 3,
    });
    // Told only of the passes that deleted something.
    expect(counts).toEqual([
      { expiredNotifications: 1 },
      { replacedNotifications: 1, finishedReminders: 0 },
      { finishedReminders: 1, processedEvents: 3 },
    ]);
  });

  it('runs on its interval once started, and not after close', async () => {
    await using store = openWithTenant(target);
    const housekeeper = new StoreHousekeeper(store, { tasks: ['processedEvents'], intervalMs: 10 });
    addProcessed(store, 5, Date.now() - 1, 'first');
    housekeeper.start();
    housekeeper.start();
    await expect.poll(() => rows(store, 'processed_events'), { timeout: 2000, interval: 5 }).toBe(0);
    await housekeeper.close();
    addProcessed(store, 5, Date.now() - 1, 'second');
    await sleep(50);
    expect(rows(store, 'processed_events')).toBe(5);
    expect(await housekeeper.runOnce()).toEqual({ processedEvents: 0 });
  });

  it('tells a failed purge to onError and goes on with the other tasks', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    addExpiredNotification(store, clock.now());
    store.db.$client.exec('DROP TABLE processed_events');
    const errors: [string, HousekeepingTask][] = [];
    const housekeeper = new StoreHousekeeper(store, {
      tasks: ['processedEvents', 'expiredNotifications'],
      now: clock.now,
      onError: (error, task) => errors.push([String(error), task]),
    });
    expect(await housekeeper.runOnce()).toEqual({ processedEvents: 0, expiredNotifications: 1 });
    expect(errors).toEqual([
      [expect.stringMatching(/processedEvents\.purgeExpired.*no such table/), 'processedEvents'],
    ]);
  });

  it('stops between two transactions when closed during a pass', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    addProcessed(store, 1_000, clock.now() - 1);
    const housekeeper = new StoreHousekeeper(store, {
      tasks: ['processedEvents'],
      batchSize: 100,
      now: clock.now,
    });
    const pass = housekeeper.runOnce();
    expect(housekeeper.runOnce()).toBe(pass);
    await housekeeper.close();
    const { processedEvents = 0 } = await pass;
    expect(processedEvents).toBeGreaterThanOrEqual(100);
    expect(processedEvents).toBeLessThan(1_000);
    expect(rows(store, 'processed_events')).toBe(1_000 - processedEvents);
  });
});

describe('store housekeeping settings and plans', () => {
  it('refuses unknown tasks and bad numbers', async () => {
    await using store = openStore({ path: ':memory:' });
    const make = (options: Partial<ConstructorParameters<typeof StoreHousekeeper>[1]>) => () =>
      new StoreHousekeeper(store, { tasks: ['processedEvents'], ...options });
    for (const options of [
      { tasks: ['inbox' as HousekeepingTask] },
      { intervalMs: 0 },
      { batchSize: 1.5 },
      { replacedRetentionMs: -1 },
      { finishedReminderRetentionMs: Number.NaN },
    ]) {
      expect(make(options)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });

  it('finds what to purge through an index, without sorting', async () => {
    await using store = openStore({ path: ':memory:' });
    const plan = (query: string) => queryPlan(store, query, 1, 2);
    const picks = (table: string, column: string) =>
      `SELECT rowid FROM ${table} WHERE ${column} <= ? ORDER BY ${column} LIMIT CAST(? AS INTEGER)`;
    expect(plan(picks('processed_events', 'expires_at'))).toMatch(
      /USING (COVERING )?INDEX processed_events_expires_idx(?!.*TEMP B-TREE)/,
    );
    expect(plan(picks('notifications', 'expires_at'))).toMatch(
      /USING (COVERING )?INDEX notifications_expires_idx(?!.*TEMP B-TREE)/,
    );
    expect(plan(picks('notifications', 'replaced_at'))).toMatch(
      /USING (COVERING )?INDEX notifications_replaced_idx(?!.*TEMP B-TREE)/,
    );
  });

  it('lets two stores on one file purge at once, each row deleted once', async () => {
    const path = tempDatabasePath();
    const clock = manualClock();
    await using first = openStore({ path, now: clock.now });
    first.tenants.create({ id: 'acme', name: 'Acme Corp' });
    addProcessed(first, 3_000, clock.now() - 1);
    await using second = openStore({ path, now: clock.now });
    const options = { tasks: ['processedEvents'] as const, batchSize: 200, now: clock.now };
    const totals = await Promise.all([
      new StoreHousekeeper(first, options).runOnce(),
      new StoreHousekeeper(second, options).runOnce(),
    ]);
    expect(totals.reduce((sum, counts) => sum + (counts.processedEvents ?? 0), 0)).toBe(3_000);
    expect(rows(first, 'processed_events')).toBe(0);
  });
});
