// The embedded SQLite log against its floor (raw better-sqlite3 inserts, one transaction)
// and against Redis Streams, the single-machine log a user would otherwise pick.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { createSqliteLog } from '@herald/transport/sqlite';
import type { LogRecord } from '@herald/transport';
import { compare, report } from './harness.js';
import { summarizeLatencies } from './latency-summary.js';
import type { PublisherJob } from './transport-publisher.js';

const batchSize = 1000;
const payload = JSON.stringify({
  type: 'order.created',
  tenant: 'acme',
  customerId: 'c-000042',
  data: { orderId: 'o-123456', total: 129.9, currency: 'EUR', items: 3, dueAt: '2026-12-01T10:00:00Z' },
}).padEnd(300, ' ');
const records: LogRecord[] = Array.from({ length: batchSize }, (_, i) => ({
  key: `acme:c-${i % 97}`,
  value: payload,
}));

async function appendThroughput(dir: string, redis: Redis): Promise<void> {
  const log = createSqliteLog({ path: join(dir, 'herald.db'), defaultPartitions: 4, synchronous: 'full' });
  await log.ensureTopic('bench', { partitions: 4 });

  const floor = new Database(join(dir, 'floor.db'));
  floor.pragma('journal_mode = WAL');
  floor.pragma('synchronous = FULL');
  floor.exec(`CREATE TABLE records (topic TEXT, partition INTEGER, offset INTEGER, key TEXT, value BLOB, headers TEXT,
    timestamp INTEGER, PRIMARY KEY (topic, partition, offset)) WITHOUT ROWID`);
  const insert = floor.prepare('INSERT INTO records VALUES (?, ?, ?, ?, ?, NULL, ?)');
  const valueBytes = Buffer.from(payload);
  let floorOffset = 0;
  const insertBatch = floor.transaction(() => {
    const now = Date.now();
    for (const record of records)
      insert.run('bench', floorOffset % 4, floorOffset++, record.key, valueBytes, now);
  });

  const streamKey = `bench:stream:${Date.now()}`;
  await compare({
    suite: 'transport',
    operation: `append, batches of ${batchSize} records of ${payload.length} bytes (fsync per batch)`,
    opsPerCall: batchSize,
    time: 1000,
    ours: { name: 'herald sqlite log publish', fn: () => log.publish('bench', records) },
    peers: [
      { name: 'raw better-sqlite3 transaction', fn: () => insertBatch() },
      {
        name: 'redis streams XADD (pipelined)',
        fn: async () => {
          const pipeline = redis.pipeline();
          for (const record of records)
            pipeline.xadd(streamKey, 'MAXLEN', '~', '100000', '*', 'k', record.key ?? '', 'v', payload);
          await pipeline.exec();
        },
      },
    ],
    target: { peer: 'raw better-sqlite3 transaction', minRatio: 0.7 },
  });
  await redis.del(streamKey);
  await log.close();
  floor.close();
}

/** Publishes one record per call at `rate` records/s for `seconds`, as ingest does per request. */
async function paced(
  rate: number,
  seconds: number,
  send: (sentAt: number) => Promise<unknown>,
): Promise<void> {
  const tickMs = 5;
  const perTick = (rate * tickMs) / 1000;
  const ticks = (seconds * 1000) / tickMs;
  const start = performance.now();
  const sends: Promise<unknown>[] = [];
  for (let tick = 0; tick < ticks; tick++) {
    const due = start + tick * tickMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    for (let i = 0; i < perTick; i++) sends.push(send(performance.now()));
  }
  await Promise.all(sends);
}

async function publishToHandlerLatency(
  dir: string,
  redis: Redis,
  rate: number,
  seconds: number,
): Promise<void> {
  const expected = rate * seconds;
  console.log(
    `\ntransport · publish → handler latency at ${rate} records/s for ${seconds} s (one publish per record; synchronous=normal, the default)`,
  );

  const log = createSqliteLog({ path: join(dir, `latency-${rate}.db`), defaultPartitions: 4 });
  await log.ensureTopic('latency', { partitions: 4 });
  const ours: number[] = [];
  const subscription = await log.subscribe({
    topic: 'latency',
    group: 'bench',
    handler: (batch) => {
      const now = performance.now();
      for (const record of batch.records) ours.push(now - Number(record.headers.sent));
    },
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  let n = 0;
  await paced(rate, seconds, (sentAt) =>
    log.publish('latency', [
      { key: `acme:c-${n++ % 97}`, value: payload, headers: { sent: String(sentAt) } },
    ]),
  );
  while (ours.length < expected) await new Promise((resolve) => setTimeout(resolve, 10));
  await subscription.close();
  await log.close();

  const streamKey = `bench:latency:${Date.now()}`;
  await redis.xgroup('CREATE', streamKey, 'bench', '$', 'MKSTREAM');
  const reader = redis.duplicate();
  const theirs: number[] = [];
  let reading = true;
  const readLoop = (async () => {
    while (reading) {
      const reply = (await reader.xreadgroup(
        'GROUP',
        'bench',
        'c1',
        'COUNT',
        500,
        'BLOCK',
        100,
        'STREAMS',
        streamKey,
        '>',
      )) as [string, [string, string[]][]][] | null;
      const now = performance.now();
      if (!reply) continue;
      const ids: string[] = [];
      for (const [, entries] of reply) {
        for (const [id, fields] of entries) {
          theirs.push(now - Number(fields[1]));
          ids.push(id);
        }
      }
      if (ids.length > 0) await reader.xack(streamKey, 'bench', ...ids);
    }
  })();
  await paced(rate, seconds, (sentAt) => redis.xadd(streamKey, '*', 'sent', String(sentAt), 'v', payload));
  while (theirs.length < expected) await new Promise((resolve) => setTimeout(resolve, 10));
  reading = false;
  await readLoop;
  reader.disconnect();
  await redis.del(streamKey);

  const a = summarizeLatencies(ours);
  const b = summarizeLatencies(theirs);
  report('transport', `herald sqlite log p50 (${a.count} records)`, a.p50, 'ms');
  report('transport', `herald sqlite log p99`, a.p99, 'ms');
  report('transport', `redis streams XADD/XREADGROUP p50 (${b.count} records)`, b.p50, 'ms');
  report('transport', `redis streams XADD/XREADGROUP p99`, b.p99, 'ms');
  console.log(
    `  p99 ratio herald ÷ redis streams = ${(a.p99 / b.p99).toFixed(2)}× · target: herald p99 < 2 ms at 5000/s → ${rate === 5000 ? (a.p99 < 2 ? 'met' : 'NOT met') : 'n/a'}`,
  );
}

/** Publishes from `job` in a child process (the way ingest, run on its own, publishes to push). */
function publishFromAnotherProcess(job: PublisherJob): Promise<void> {
  const child = fork(new URL('./transport-publisher.ts', import.meta.url), [], {
    execArgv: ['--conditions=@herald/source', '--import', 'tsx'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the publisher process exited with ${code}`));
    });
    child.send(job);
  });
}

/**
 * Publish → handler with the publisher in another process, at two settings of how often the
 * consumer's process checks the file for other processes' commits (`pollIntervalMs`).
 */
async function crossProcessLatency(dir: string, rate: number, seconds: number): Promise<void> {
  console.log(
    `\ntransport · publish → handler latency at ${rate} records/s for ${seconds} s, publisher in another process`,
  );
  for (const pollIntervalMs of [2, 20]) {
    const path = join(dir, `cross-${pollIntervalMs}.db`);
    const log = createSqliteLog({ path, pollIntervalMs });
    await log.ensureTopic('latency', { partitions: 4 });
    const latencies: number[] = [];
    const subscription = await log.subscribe({
      topic: 'latency',
      group: 'bench',
      handler: (batch) => {
        const now = performance.timeOrigin + performance.now();
        for (const record of batch.records) latencies.push(now - Number(record.headers.sent));
      },
    });
    await publishFromAnotherProcess({ path, rate, seconds, payload });
    const expected = rate * seconds;
    const deadline = Date.now() + 10_000;
    while (latencies.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await subscription.close();
    await log.close();
    // The child's first second includes its own start-up (compiling): not measured.
    const measured = summarizeLatencies(latencies.slice(rate));
    const label =
      pollIntervalMs === 2 ? 'checking every 2 ms (default)' : `checking every ${pollIntervalMs} ms`;
    report('transport', `herald sqlite log, ${label}, p50 (${measured.count} records)`, measured.p50, 'ms');
    report('transport', `herald sqlite log, ${label}, p99`, measured.p99, 'ms');
  }
}

export default async function transportLog(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-log-'));
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  try {
    await redis.connect();
    await appendThroughput(dir, redis);
    await publishToHandlerLatency(dir, redis, 1000, 3);
    await publishToHandlerLatency(dir, redis, 5000, 3);
    await crossProcessLatency(dir, 1000, 4);
  } finally {
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}
