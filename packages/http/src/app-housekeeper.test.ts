import { openStore } from '@herald/store';
import { describe, expect, it } from 'vitest';
import { createAppHousekeeper, housekeepingSettings } from './app-housekeeper.js';

function recordingLogger() {
  const lines: { level: string; details: Record<string, unknown>; message: string }[] = [];
  return {
    lines,
    info: (details: Record<string, unknown>, message: string) =>
      lines.push({ level: 'info', details, message }),
    warn: (details: Record<string, unknown>, message: string) =>
      lines.push({ level: 'warn', details, message }),
  };
}

describe('housekeepingSettings', () => {
  it('turns housekeeping off for an interval of 0, and keeps the other settings otherwise', () => {
    expect(housekeepingSettings(0, { replacedRetentionMs: 5 })).toBe(false);
    expect(housekeepingSettings(60_000, { replacedRetentionMs: 5 })).toEqual({
      intervalMs: 60_000,
      replacedRetentionMs: 5,
    });
    expect(housekeepingSettings(1000)).toEqual({ intervalMs: 1000 });
  });
});

describe('createAppHousekeeper', () => {
  it('is off with settings false', async () => {
    await using store = openStore({ path: ':memory:' });
    const logger = recordingLogger();
    expect(
      createAppHousekeeper({ store, tasks: ['processedEvents'], settings: false, logger, now: Date.now }),
    ).toBeUndefined();
  });

  it("purges on the app's clock, logs what it deleted and hands the counts on", async () => {
    await using store = openStore({ path: ':memory:' });
    store.tenants.create({ id: 'acme', name: 'Acme' });
    store.processedEvents.markProcessed('acme', 'evt-1', 5_000);
    store.processedEvents.markProcessed('acme', 'evt-2', 50_000);
    const logger = recordingLogger();
    const counted: unknown[] = [];
    const housekeeper = createAppHousekeeper({
      store,
      tasks: ['processedEvents'],
      settings: undefined,
      logger,
      now: () => 10_000,
      onPurged: (counts) => counted.push(counts),
    });
    expect(await housekeeper?.runOnce()).toEqual({ processedEvents: 1 });
    expect(counted).toEqual([{ processedEvents: 1 }]);
    expect(logger.lines).toEqual([
      {
        level: 'info',
        details: { purged: { processedEvents: 1 } },
        message: 'store housekeeping purged old rows',
      },
    ]);
    // A clock in the settings wins over the app's.
    const later = createAppHousekeeper({
      store,
      tasks: ['processedEvents'],
      settings: { now: () => 60_000 },
      logger,
      now: () => 10_000,
    });
    expect(await later?.runOnce()).toEqual({ processedEvents: 1 });
  });

  it('logs a failed purge as a warning naming the task', async () => {
    await using store = openStore({ path: ':memory:' });
    const logger = recordingLogger();
    const housekeeper = createAppHousekeeper({
      store,
      tasks: ['finishedReminders'],
      settings: {},
      logger,
      now: Date.now,
    });
    store.db.$client.exec('DROP TABLE reminders');
    await housekeeper?.runOnce();
    expect(logger.lines).toEqual([
      {
        level: 'warn',
        details: {
          err: expect.objectContaining({ code: 'QUERY_FAILED' }) as unknown,
          task: 'finishedReminders',
        },
        message: 'store housekeeping failed',
      },
    ]);
  });
});
