import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeLoggedEvent, type LoggedEvent } from '@herald/protocol';
import { openStore, type NewReminder } from '@herald/store';
import { runAppMain } from '@herald/testkit';
import { createEventLog } from '@herald/transport';
import { parseSchedulerEnv } from '../src/parse-scheduler-env.js';
import { waitFor } from './harness.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'herald-scheduler-main-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const runMain = (env: Record<string, string>) => runAppMain(appDir, env);

async function readAll(logPath: string): Promise<LoggedEvent[]> {
  await using log = await createEventLog(`sqlite:${logPath}`);
  const seen: LoggedEvent[] = [];
  const subscription = await log.subscribe({
    topic: 'herald.events',
    group: `reader-${Date.now()}`,
    handler: (batch) => {
      for (const record of batch.records) seen.push(decodeLoggedEvent(record.value));
    },
  });
  let count = -1;
  while (count !== seen.length) {
    count = seen.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await subscription.close();
  return seen;
}

describe('parseSchedulerEnv', () => {
  it('fills in the defaults and names a bad variable', () => {
    expect(parseSchedulerEnv({})).toMatchObject({
      ok: true,
      config: {
        PORT: 8082,
        HERALD_LOG_URL: 'sqlite:./data/herald-log.db',
        HERALD_SCHEDULER_LEASE_MS: 30_000,
        HERALD_PURGE_INTERVAL_MS: 60_000,
        HERALD_REMINDER_HISTORY_MS: 30 * 86_400_000,
      },
    });
    expect(parseSchedulerEnv({ HERALD_PURGE_INTERVAL_MS: '-1' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('HERALD_PURGE_INTERVAL_MS=-1') as string,
    });
    expect(parseSchedulerEnv({ HERALD_SCHEDULER_BATCH_SIZE: '5000' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('HERALD_SCHEDULER_BATCH_SIZE=5000') as string,
    });
  });
});

describe('main', () => {
  it('exits 1 with a clear message on a bad environment', async () => {
    const run = runMain({ PORT: 'nope' });
    expect(await run.exited).toBe(1);
    expect(run.output().stderr).toContain('Invalid environment variable PORT=nope');
  }, 20_000);

  it('after kill -9 with reminders pending, a restart fires every due reminder exactly once, by policy', async () => {
    const storePath = join(dir, 'store.db');
    const logPath = join(dir, 'log.db');
    const env = {
      PORT: '0',
      HOST: '127.0.0.1',
      HERALD_DB: storePath,
      HERALD_LOG_URL: `sqlite:${logPath}`,
      HERALD_SCHEDULER_LEASE_MS: '1500',
      HERALD_SCHEDULER_SWEEP_INTERVAL_MS: '100',
      HERALD_SCHEDULER_MISSED_AFTER_MS: '500',
      HERALD_SCHEDULER_BATCH_SIZE: '20',
    };
    const notify = { recipients: ['rep'], title: 'x' };
    const streamed = 300;
    let key: string;
    {
      await using store = openStore({ path: storePath });
      store.tenants.create({ id: 'acme', name: 'Acme' });
      key = store.tenants.createApiKey('acme').key;
    }
    const first = runMain(env);
    const port = await first.port();
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    // The HTTP API works through the standalone wrapper, beside /healthz.
    const created = await fetch(`http://127.0.0.1:${port}/v1/reminders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'http-1', customerId: 'c', in: '200ms', notify }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    {
      await using store = openStore({ path: storePath });
      const t0 = Date.now() + 300;
      store.transaction(() => {
        // A steady stream, 10 per 25 ms, the scheduler is killed in the middle of.
        for (let i = 0; i < streamed; i++) {
          store.reminders.create({
            tenantId: 'acme',
            id: `s${i}`,
            customerId: 'c',
            dueAt: t0 + Math.floor(i / 10) * 25,
            notify,
          });
        }
      });
      await waitFor(
        () =>
          store.reminders.list('acme', { status: 'fired', limit: 1000 }).items.length >= 60
            ? true
            : undefined,
        20_000,
      );
    }
    first.child.kill('SIGKILL');
    await first.exited;

    const down = Date.now();
    {
      await using store = openStore({ path: storePath });
      const add = (id: string, dueAt: number, extra: Partial<NewReminder> = {}) =>
        store.reminders.create({ tenantId: 'acme', id, customerId: 'c', dueAt, notify, ...extra });
      // Due while nothing runs:
      add('missed-fire-now', down + 100);
      add('missed-skip', down + 100, { missedFirePolicy: 'skip' });
      add('missed-within-long', down + 100, {
        missedFirePolicy: 'fire_if_late_within',
        lateWithinMs: 60_000,
      });
      add('missed-within-short', down + 100, { missedFirePolicy: 'fire_if_late_within', lateWithinMs: 200 });
      add('future', down + 4000);
    }
    await new Promise((resolve) => setTimeout(resolve, 1200));

    const second = runMain(env);
    await second.port();
    {
      await using store = openStore({ path: storePath });
      await waitFor(() => store.reminders.get('acme', 'future')?.status === 'fired', 20_000);
      await waitFor(() => store.reminders.list('acme', { status: 'claimed' }).items.length === 0, 10_000);
      const statuses = store.db.$client
        .prepare("SELECT id, status FROM reminders WHERE status != 'fired' ORDER BY id")
        .all();
      expect(statuses).toEqual([
        { id: 'missed-skip', status: 'failed' },
        { id: 'missed-within-short', status: 'failed' },
      ]);
    }
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.output().stdout, second.output().stdout.slice(-600)).toContain('stopped');

    const events = (await readAll(logPath)).filter((event) => event.type === 'reminder.due');
    const byReminder = new Map<string, Set<string>>();
    for (const event of events) {
      const id = event.data.reminderId as string;
      byReminder.set(id, (byReminder.get(id) ?? new Set()).add(event.id));
    }
    const expected = [
      ...Array.from({ length: streamed }, (_, i) => `s${i}`),
      'http-1',
      'missed-fire-now',
      'missed-within-long',
      'future',
    ].sort();
    expect([...byReminder.keys()].sort()).toEqual(expected);
    // One occurrence each: a record appended twice (killed between append and mark) carries the same id.
    expect([...byReminder.values()].every((ids) => ids.size === 1)).toBe(true);
    expect(events.length - expected.length).toBeLessThanOrEqual(20);
  }, 60_000);
});
