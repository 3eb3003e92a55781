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
    const base = Date.now() + 400;
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
    await expect
      .poll(() => a.scheduler.stats().fired + b.scheduler.stats().fired, { timeout: 10_000, interval: 50 })
      .toBe(total);
    const events = await a.dueEvents();
    const ids = events.map((event) => event.data.reminderId as string);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    expect(a.scheduler.stats().fired).toBeGreaterThan(0);
    expect(b.scheduler.stats().fired).toBeGreaterThan(0);
    const rows = storeA.db.$client
      .prepare('SELECT status, count(*) AS n, max(attempts) AS attempts FROM reminders GROUP BY status')
      .all();
    expect(rows).toEqual([{ status: 'fired', n: total, attempts: 1 }]);
  }, 20_000);
});
