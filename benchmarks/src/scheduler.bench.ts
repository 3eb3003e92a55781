// The scheduler against BullMQ delayed jobs on the local Redis, the tool a user would otherwise
// pick: lateness (fire time − due time) with reminders coming due at a steady rate over a large
// backlog, catch-up throughput, and time from a restart until it is ready to fire.
// Scale with HERALD_BENCH_SCHEDULER_PENDING (default 1,000,000 pending reminders) and
// HERALD_BENCH_BULLMQ_PENDING (default 100,000 delayed jobs: Redis holds them all in memory).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, Worker, type Job } from 'bullmq';
import { openStore, type Store } from '@herald/store';
import { createSchedulerApp, type SchedulerApp } from '@herald/scheduler';
import { createEventLog, type EventLog } from '@herald/transport';
import { pino } from 'pino';
import { report } from './harness.js';
import { summarizeLatencies } from './latency-summary.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const pending = env('HERALD_BENCH_SCHEDULER_PENDING', 1_000_000);
const bullPending = env('HERALD_BENCH_BULLMQ_PENDING', 100_000);
const rates = (process.env.HERALD_BENCH_SCHEDULER_RATES ?? '2000,10000').split(',').map(Number);
const seconds = env('HERALD_BENCH_SCHEDULER_SECONDS', 5);
const burst = env('HERALD_BENCH_SCHEDULER_BURST', 50_000);
const horizonMs = 10_000;
const logger = pino({ level: 'silent' });
const day = 86_400_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function insertReminders(store: Store, prefix: string, count: number, dueAt: (i: number) => number): void {
  const insert = store.db.$client.prepare(
    `INSERT INTO reminders (tenant_id, id, customer_id, due_at, timezone, missed_fire_policy, payload, status, attempts, created_at, updated_at)
     VALUES ('acme', ?, ?, ?, 'UTC', 'fire_now', '{"title":"Payment due"}', 'pending', 0, ?, ?)`,
  );
  const chunk = 50_000;
  for (let from = 0; from < count; from += chunk) {
    store.transaction(() => {
      const now = Date.now();
      for (let i = from; i < Math.min(count, from + chunk); i++) {
        insert.run(`${prefix}${i}`, `c-${i % 997}`, dueAt(i), now, now);
      }
    });
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(5);
  }
  return true;
}

interface Lateness {
  rate: number;
  count: number;
  p50: number;
  p99: number;
  max: number;
}

interface Measured {
  lateness: Lateness[];
  readyMs: number;
  /** Ready after a restart with a full horizon to load. */
  readyLoadedMs: number;
  burstPerSecond: number;
}

async function herald(dir: string): Promise<Measured> {
  const store = openStore({ path: join(dir, 'store.db') });
  store.tenants.create({ id: 'acme', name: 'Acme' });
  let started = Date.now();
  const now = Date.now();
  insertReminders(store, 'bg', pending, (i) => now + day + Math.floor((i * day) / pending));
  console.log(`  herald: ${pending} pending reminders written in ${Date.now() - started} ms`);
  const log: EventLog = await createEventLog(`sqlite:${join(dir, 'log.db')}`);
  const build = (): SchedulerApp =>
    createSchedulerApp({ log, store, logger, consume: false, horizonMs, batchSize: 1000 });

  const lateness: Lateness[] = [];
  for (const rate of rates) {
    const count = rate * seconds;
    const t0 = Date.now() + 3000;
    insertReminders(store, `due${rate}-`, count, (i) => t0 + Math.floor((i * 1000) / rate));
    const scheduler = build();
    await scheduler.start();
    const ok = await waitUntil(
      () => scheduler.stats().fired >= count,
      t0 - Date.now() + seconds * 1000 + 60_000,
    );
    const stats = scheduler.stats();
    if (!ok) console.log(`  herald: only ${stats.fired} of ${count} fired`);
    await scheduler.close();
    lateness.push({
      rate,
      count: stats.fired,
      p50: stats.lateness.p50 ?? Number.NaN,
      p99: stats.lateness.p99 ?? Number.NaN,
      max: stats.lateness.max ?? Number.NaN,
    });
  }

  let scheduler = build();
  started = performance.now();
  await scheduler.start();
  const readyMs = performance.now() - started;
  await scheduler.close();

  // A restart with a full horizon ahead: what it loads before it is ready.
  // Due far enough out that writing them finishes first, within a horizon that holds them all.
  const loaded = 100_000;
  const from = Date.now() + 30_000;
  insertReminders(store, 'horizon', loaded, (i) => from + Math.floor((i * 5000) / loaded));
  scheduler = createSchedulerApp({ log, store, logger, consume: false, horizonMs: 60_000, batchSize: 1000 });
  started = performance.now();
  await scheduler.start();
  const readyLoadedMs = performance.now() - started;
  await scheduler.close();
  store.db.$client.prepare("UPDATE reminders SET status = 'cancelled' WHERE id LIKE 'horizon%'").run();

  // A backlog that came due while nothing ran: how fast a restart works it off.
  insertReminders(store, 'burst', burst, (i) => Date.now() - 1000 + (i % 1000));
  scheduler = build();
  started = performance.now();
  await scheduler.start();
  await waitUntil(() => scheduler.stats().fired >= burst, 120_000);
  const burstPerSecond = (scheduler.stats().fired / (performance.now() - started)) * 1000;
  await scheduler.close();
  await log.close();
  await store.close();
  return { lateness, readyMs, readyLoadedMs, burstPerSecond };
}

async function bullmq(): Promise<Measured> {
  const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };
  const name = `herald-bench-${process.pid}-${Date.now()}`;
  const queue = new Queue(name, { connection });
  const samples: number[] = [];
  let processed = 0;
  const processor = (job: Job<{ dueAt: number }>): Promise<void> => {
    samples.push(Date.now() - job.data.dueAt);
    processed += 1;
    return Promise.resolve();
  };
  const addDelayed = async (prefix: string, count: number, dueAt: (i: number) => number) => {
    for (let from = 0; from < count; from += 1000) {
      const now = Date.now();
      await queue.addBulk(
        Array.from({ length: Math.min(1000, count - from) }, (_, k) => {
          const due = dueAt(from + k);
          return {
            name: 'reminder',
            data: { dueAt: due, title: 'Payment due' },
            opts: { jobId: `${prefix}${from + k}`, delay: Math.max(0, due - now), removeOnComplete: true },
          };
        }),
      );
    }
  };
  try {
    let started = Date.now();
    await addDelayed('bg', bullPending, (i) => Date.now() + day + i * 10);
    console.log(`  bullmq: ${bullPending} delayed jobs added in ${Date.now() - started} ms`);
    const lateness: Lateness[] = [];
    for (const rate of rates) {
      const count = rate * seconds;
      // Room to add them all before the first comes due (addBulk runs at about 10,000 jobs/s here).
      const t0 = Date.now() + 2000 + count * 0.2;
      await addDelayed(`due${rate}-`, count, (i) => t0 + Math.floor((i * 1000) / rate));
      samples.length = 0;
      processed = 0;
      const worker = new Worker(name, processor, { connection, concurrency: 100 });
      await waitUntil(() => processed >= count, t0 - Date.now() + seconds * 1000 + 60_000);
      await worker.close();
      const summary = summarizeLatencies(samples);
      lateness.push({ rate, count: summary.count, p50: summary.p50, p99: summary.p99, max: summary.max });
    }

    started = performance.now();
    const idle = new Worker(name, processor, { connection, concurrency: 100 });
    await idle.waitUntilReady();
    const readyMs = performance.now() - started;
    await idle.close();

    processed = 0;
    await addDelayed('burst', burst, () => Date.now() - 1000);
    started = performance.now();
    const worker = new Worker(name, processor, { connection, concurrency: 100 });
    await waitUntil(() => processed >= burst, 120_000);
    const burstPerSecond = (processed / (performance.now() - started)) * 1000;
    await worker.close();
    return { lateness, readyMs, readyLoadedMs: readyMs, burstPerSecond };
  } finally {
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

export default async function schedulerBench(): Promise<void> {
  console.log(
    `scheduler · ${pending.toLocaleString('en')} pending reminders (BullMQ: ${bullPending.toLocaleString('en')} delayed jobs); ${rates.join(' and ')}/s coming due for ${seconds} s each; restarts; a backlog of ${burst}`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-scheduler-'));
  try {
    const ours = await herald(dir);
    const theirs = await bullmq();
    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
    for (const [index, mine] of ours.lateness.entries()) {
      const peer = theirs.lateness[index]!;
      report('scheduler', `herald lateness p50 at ${mine.rate}/s (${mine.count} fires)`, mine.p50, 'ms');
      report('scheduler', `herald lateness p99 at ${mine.rate}/s`, mine.p99, 'ms');
      report('scheduler', `herald lateness max at ${mine.rate}/s`, mine.max, 'ms');
      report('scheduler', `bullmq lateness p50 at ${peer.rate}/s (${peer.count} jobs)`, peer.p50, 'ms');
      report('scheduler', `bullmq lateness p99 at ${peer.rate}/s`, peer.p99, 'ms');
      report('scheduler', `bullmq lateness max at ${peer.rate}/s`, peer.max, 'ms');
      console.log(
        `  lateness p99 at ${mine.rate}/s herald ÷ bullmq = ${ratio(mine.p99, peer.p99)} (lower is better) · target herald p99 ≤ 5 ms → ${mine.p99 <= 5 ? 'met' : 'NOT met'}`,
      );
    }
    report('scheduler', `herald ready after restart, ${pending} pending`, ours.readyMs, 'ms');
    report(
      'scheduler',
      'herald ready after restart, 100000 due within the horizon',
      ours.readyLoadedMs,
      'ms',
    );
    report('scheduler', `bullmq worker ready, ${bullPending} delayed`, theirs.readyMs, 'ms');
    report('scheduler', `herald catch-up of ${burst} overdue`, ours.burstPerSecond, 'fired/s');
    report('scheduler', `bullmq catch-up of ${burst} overdue`, theirs.burstPerSecond, 'jobs/s');
    console.log(
      `  catch-up throughput herald ÷ bullmq = ${ratio(ours.burstPerSecond, theirs.burstPerSecond)}`,
    );
    console.log(
      `  restart: herald ready in ${ours.readyLoadedMs.toFixed(0)} ms with a full horizon · target < 5000 ms → ${ours.readyLoadedMs < 5000 ? 'met' : 'NOT met'} (a BullMQ worker has no catch-up to do: it is ready once connected)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
