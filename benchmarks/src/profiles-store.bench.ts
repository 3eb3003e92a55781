// Customer-profile reads through CustomerProfiles.get against their floor, a raw ioredis
// HGETALL of the same keys on the same connection; and the store's inbox against raw
// better-sqlite3 prepared statements on the same schema (the store's own migration) with the
// same file settings (WAL, synchronous=NORMAL).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { RedisCache } from '@herald/cache/redis';
import { CustomerProfiles, profileKey } from '@herald/profiles';
import { migrationsFolder, openStore } from '@herald/store';
import { compare, report } from './harness.js';
import { summarizeLatencies } from './latency-summary.js';

const customers = 1_000;
const inFlight = 64;

/** Runs `total` operations with `concurrency` of them in flight at any time (a closed loop). */
async function closedLoop(
  concurrency: number,
  total: number,
  op: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total) await op(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Per-operation latencies (ms) of `total` operations at `concurrency`, and the ops/s it reached. */
async function sampleLatencies(
  concurrency: number,
  total: number,
  op: (i: number) => Promise<unknown>,
): Promise<{ samples: number[]; opsPerSecond: number }> {
  const samples: number[] = [];
  const started = performance.now();
  await closedLoop(concurrency, total, async (i) => {
    const t0 = performance.now();
    await op(i);
    samples.push(performance.now() - t0);
  });
  return { samples, opsPerSecond: total / ((performance.now() - started) / 1000) };
}

async function profileReads(dir: string): Promise<void> {
  await using store = openStore({ path: join(dir, 'profiles.db') });
  store.tenants.create({ id: 'acme', name: 'Acme Corp' });
  await using cache = await RedisCache.connect({
    url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    prefix: `bench:profiles:${randomUUID()}:`,
  });
  await using profiles = new CustomerProfiles({ customers: store.customers, cache });
  const ids = Array.from({ length: customers }, (_, i) => `c-${String(i).padStart(6, '0')}`);
  await profiles.updateMany(
    ids.map((id, i) => ({
      tenantId: 'acme',
      id,
      name: `Customer ${i}`,
      email: `customer${i}@example.com`,
      phone: '+33 1 23 45 67 89',
      locale: 'fr-FR',
      timezone: 'Europe/Paris',
      ownerId: `rep-${i % 20}`,
      attributes: { tier: i % 3 === 0 ? 'gold' : 'silver', tags: ['crm', 'import'], spend: i * 12.5 },
      version: 1,
    })),
    { concurrency: 64 },
  );
  // The floor: the same hashes, on the very connection CustomerProfiles uses (same settings,
  // auto-pipelining included), without the cache interface, decoding and latency recording.
  const raw = cache.client;
  const keys = ids.map((id) => cache.prefix + profileKey('acme', id));
  const ours = (i: number) => profiles.get('acme', ids[i % customers]!);
  const floor = (i: number) => raw.hgetall(keys[i % customers]!);
  if ((await ours(0))?.version !== 1 || (await floor(0)).version !== '1') {
    throw new Error('profile reads: the cache is not populated as expected');
  }

  let a = 0;
  let b = 0;
  const sequential = await compare({
    suite: 'profiles',
    operation: `profile read from the Redis cache, one at a time (${customers} customers, all hits)`,
    ours: { name: 'CustomerProfiles.get', fn: () => ours(a++) },
    peers: [{ name: 'ioredis HGETALL (floor)', fn: () => floor(b++) }],
  });
  const batch = inFlight * 4;
  const parallel = await compare({
    suite: 'profiles',
    operation: `profile read from the Redis cache, ${inFlight} in flight`,
    opsPerCall: batch,
    ours: {
      name: 'CustomerProfiles.get',
      fn: () => closedLoop(inFlight, batch, (i) => ours(a + i)).then(() => (a += batch)),
    },
    peers: [
      {
        name: 'ioredis HGETALL (floor)',
        fn: () => closedLoop(inFlight, batch, (i) => floor(b + i)).then(() => (b += batch)),
      },
    ],
  });
  for (const [label, result] of [
    ['one at a time', sequential],
    [`${inFlight} in flight`, parallel],
  ] as const) {
    const ratio = result.results[1]?.ratio ?? 0;
    console.log(
      `  overhead ${label}: floor ÷ ours = ${(1 / ratio).toFixed(2)}× (ours reaches ${(ratio * 100).toFixed(0)} % of the floor)`,
    );
  }

  for (const concurrency of [1, inFlight]) {
    const total = concurrency === 1 ? 5_000 : 40_000;
    const oursSamples: number[] = [];
    const floorSamples: number[] = [];
    profiles.latencyModel.responses.reset();
    // Interleaved halves, so that machine noise hits both alike.
    for (let round = 0; round < 2; round++) {
      oursSamples.push(...(await sampleLatencies(concurrency, total / 2, (i) => ours(i * 7))).samples);
      floorSamples.push(...(await sampleLatencies(concurrency, total / 2, (i) => floor(i * 7))).samples);
    }
    const o = summarizeLatencies(oursSamples);
    const f = summarizeLatencies(floorSamples);
    console.log(`\nprofiles · read latency at ${concurrency} in flight (${o.count} reads each)`);
    report('profiles', `CustomerProfiles.get p50 @${concurrency}`, o.p50 * 1000, 'µs');
    report('profiles', `CustomerProfiles.get p99 @${concurrency}`, o.p99 * 1000, 'µs');
    report('profiles', `ioredis HGETALL p50 @${concurrency}`, f.p50 * 1000, 'µs');
    report('profiles', `ioredis HGETALL p99 @${concurrency}`, f.p99 * 1000, 'µs');
    console.log(
      `  p50 ratio ours ÷ floor = ${(o.p50 / f.p50).toFixed(2)}× · p99 ratio = ${(o.p99 / f.p99).toFixed(2)}×`,
    );
    const { tResponse } = profiles.latency();
    report(
      'profiles',
      `T_response as CustomerProfiles measured it, mean @${concurrency}`,
      tResponse.mean ?? NaN,
      'µs',
    );
    report(
      'profiles',
      `T_response p99 (its own histogram, N=${tResponse.count}) @${concurrency}`,
      tResponse.p99 ?? NaN,
      'µs',
    );
  }
  await raw.unlink(...keys);
}

/** A better-sqlite3 database with the store's file settings and schema, its statements written by hand. */
function rawInbox(path: string) {
  const db = new Database(path);
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  for (const file of readdirSync(migrationsFolder)
    .filter((name) => name.endsWith('.sql'))
    .sort()) {
    for (const statement of readFileSync(join(migrationsFolder, file), 'utf8').split(
      '--> statement-breakpoint',
    )) {
      if (statement.trim() !== '') db.exec(statement);
    }
  }
  db.prepare('INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)').run(
    'acme',
    'Acme Corp',
    Date.now(),
  );
  const existing = db.prepare('SELECT * FROM notifications WHERE tenant_id = ? AND id = ?');
  const nextSeq = db.prepare(
    `INSERT INTO inbox_sequences (tenant_id, recipient_id, last_seq) VALUES (?, ?, 1)
     ON CONFLICT (tenant_id, recipient_id) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq`,
  );
  const insertRow = db.prepare(
    `INSERT INTO notifications (tenant_id, id, recipient_id, seq, title, body, data, priority, category,
       collapse_key, created_at, replaced_at, replaced_by, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL, NULL, NULL) RETURNING *`,
  );
  // What store.inbox.insert does for a notification without a collapse key, in one immediate transaction.
  const insertTransaction = db.transaction(
    (id: string, recipientId: string, title: string, body: string, data: Record<string, unknown>) => {
      const found = existing.get('acme', id);
      if (found !== undefined) return found;
      const { last_seq: seq } = nextSeq.get('acme', recipientId) as { last_seq: number };
      return insertRow.get(
        'acme',
        id,
        recipientId,
        seq,
        title,
        body,
        JSON.stringify(data),
        0,
        'orders',
        Date.now(),
      );
    },
  );
  const insert = (
    id: string,
    recipientId: string,
    title: string,
    body: string,
    data: Record<string, unknown>,
  ) => insertTransaction.immediate(id, recipientId, title, body, data);
  const list = db.prepare(
    `SELECT * FROM notifications
     WHERE tenant_id = ? AND recipient_id = ? AND replaced_at IS NULL AND (expires_at IS NULL OR expires_at > ?)
       AND seq < ? AND archived_at IS NULL
     ORDER BY seq DESC LIMIT ?`,
  );
  return { db, insert, list };
}

async function inboxThroughput(dir: string): Promise<void> {
  {
    await using store = openStore({ path: join(dir, 'inbox.db') });
    store.tenants.create({ id: 'acme', name: 'Acme Corp' });
    const raw = rawInbox(join(dir, 'raw-inbox.db'));
    try {
      const data = { orderId: 'o-123456', total: 129.9, currency: 'EUR', items: 3 };
      const title = 'Order #123456 paid';
      const body = 'Ada Lovelace paid 129.90 EUR for 3 items.';
      const perCall = 100;
      let ourId = 0;
      let rawId = 0;
      await compare({
        suite: 'store',
        operation: `inbox insert, one transaction per notification (${perCall} per call, WAL, synchronous=NORMAL)`,
        opsPerCall: perCall,
        ours: {
          name: 'store.inbox.insert',
          fn: () => {
            for (let i = 0; i < perCall; i++, ourId++) {
              store.inbox.insert({
                tenantId: 'acme',
                id: `n-${ourId}`,
                recipientId: `rep-${ourId % 100}`,
                title,
                body,
                data,
                category: 'orders',
              });
            }
          },
        },
        peers: [
          {
            name: 'raw better-sqlite3, same statements',
            fn: () => {
              for (let i = 0; i < perCall; i++, rawId++)
                raw.insert(`n-${rawId}`, `rep-${rawId % 100}`, title, body, data);
            },
          },
        ],
      });

      const recipients = 100;
      const perRecipient = 200;
      store.transaction(() => {
        for (let r = 0; r < recipients; r++) {
          for (let i = 0; i < perRecipient; i++) {
            store.inbox.insert({
              tenantId: 'acme',
              id: `read-${r}-${i}`,
              recipientId: `reader-${r}`,
              title,
              body,
              data,
            });
          }
        }
      });
      raw.db.transaction(() => {
        for (let r = 0; r < recipients; r++) {
          for (let i = 0; i < perRecipient; i++)
            raw.insert(`read-${r}-${i}`, `reader-${r}`, title, body, data);
        }
      })();
      const limit = 50;
      let ourReader = 0;
      let rawReader = 0;
      const check = store.inbox.list('acme', 'reader-0', { limit }).items.length;
      if (check !== limit) throw new Error(`inbox read: expected ${limit} items, got ${check}`);
      await compare({
        suite: 'store',
        operation: `inbox read, newest page of ${limit} of ${perRecipient} (${recipients} recipients)`,
        opsPerCall: 1,
        ours: {
          name: 'store.inbox.list',
          fn: () => store.inbox.list('acme', `reader-${ourReader++ % recipients}`, { limit }),
        },
        peers: [
          {
            name: 'raw better-sqlite3 SELECT + JSON.parse',
            fn: () => {
              const rows = raw.list.all(
                'acme',
                `reader-${rawReader++ % recipients}`,
                Date.now(),
                Number.MAX_SAFE_INTEGER,
                limit + 1,
              ) as {
                data: string;
              }[];
              for (const row of rows) JSON.parse(row.data);
              return rows;
            },
          },
        ],
      });
    } finally {
      raw.db.close();
    }
  }
}

export default async function profilesStore(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-profiles-'));
  try {
    await profileReads(dir);
    await inboxThroughput(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
