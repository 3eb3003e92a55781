import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '@herald/store';
import { createEventLog } from '@herald/transport';
import { createHarness } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'herald-scheduler-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('two instances on one database', () => {
  it('never fire the same reminder twice', async () => {
    const path = join(dir, 'shared.db');
    const total = 600;
    // Far enough ahead that both instances have started (and loaded them) before the first is
    // due, even on a busy machine.
    const base = Date.now() + 2_500;
    {
      await using setup = openStore({ path });
      setup.tenants.create({ id: 'acme', name: 'Acme' });
      setup.transaction(() => {
        for (let i = 0; i < total; i++) {
          setup.reminders.create({
            tenantId: 'acme',
            id: `r${i}`,
            customerId: `c${i % 7}`,
            // Many share a due time, so both instances wake for the same reminders.
            dueAt: base + (i % 60) * 20,
            notify: { recipients: ['rep'], title: 'x' },
          });
        }
      });
    }
    await using log = await createEventLog(`sqlite:${join(dir, 'log.db')}`);
    await using storeA = openStore({ path });
    await using storeB = openStore({ path });
    const options = {
      log,
      tenant: 'acme',
      topic: 'events',
      consume: false,
      batchSize: 50,
      sweepIntervalMs: 100,
    } as const;
    await using a = await createHarness({ ...options, store: storeA, instanceId: 'a' });
    await using b = await createHarness({ ...options, store: storeB, instanceId: 'b' });
    // Both hold every reminder, so both will try to fire each: what exactly-once is about.
    expect(Date.now()).toBeLessThan(base);
    expect(a.scheduler.stats().held).toBe(total);
    expect(b.scheduler.stats().held).toBe(total);
    await expect
      .poll(() => a.scheduler.stats().fired + b.scheduler.stats().fired, { timeout: 10_000, interval: 50 })
      .toBe(total);
    const events = await a.dueEvents();
    const ids = events.map((event) => event.data.reminderId as string);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    // Which of the two fires a given reminder is a race (in one process, usually the one whose
    // timer was set first), so each one's share is not asserted.
    const rows = storeA.db.$client
      .prepare('SELECT status, count(*) AS n, max(attempts) AS attempts FROM reminders GROUP BY status')
      .all();
    expect(rows).toEqual([{ status: 'fired', n: total, attempts: 1 }]);
  }, 20_000);
});
