// The pipeline end to end (issue targets in the printout): event → socket latency at 1,000 and
// 5,000 events/s, single-event and batch ingest, and fan-out to 2,000 sockets — each beside a
// floor built from node:http + ws with nothing else, driven by the same load generator. The
// latency runs add a durable floor: the same plus the two SQLite commits Herald's guarantees
// need, so the figures show what durability itself costs on the machine. The `budget` part, on
// request, shows how much per-event work the latency target leaves room for (pipeline-budget.ts).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createCache } from '@herald/cache';
import { startHerald, type RunningHerald } from '@herald/cli';
import { mintSubscriberToken } from '@herald/gateway';
import { createIngestApp } from '@herald/ingest';
import { CustomerProfiles } from '@herald/profiles';
import type { Notification } from '@herald/protocol';
import { openStore } from '@herald/store';
import { createEventLog } from '@herald/transport';
import { pino } from 'pino';
import { report } from './harness.js';
import { workBudget } from './pipeline-budget.js';
import { startFloor } from './pipeline-floor.js';
import { readPipelineSettings } from './pipeline-settings.js';
import { describeSlowest } from './pipeline-slowest.js';
import { gcPauses, pacedRun, pooled, runClient, serverThreadCpu, takeTurns, ws } from './pipeline-turns.js';

const suite = 'pipeline';
const { seconds, rounds, fanOutSockets, fanOutBurst, parts, budgetWorkUs } = readPipelineSettings();
// Batches of 500 events measured, and sent before that as a warm-up.
const batches = 200;
const batchWarmUp = 20;
const silent = pino({ level: 'silent' });

async function hello(herald: RunningHerald, subscriber: string): Promise<string> {
  const { token } = await mintSubscriberToken(
    { tenant: herald.credentials.tenant, subscriber },
    herald.credentials.tokenSecret,
  );
  return JSON.stringify({ type: 'hello', token });
}

async function latency(herald: RunningHerald, floorUrl: string, durableFloorUrl: string): Promise<void> {
  const json = { 'content-type': 'application/json' };
  const floorTarget = { url: floorUrl, headers: json };
  const durableFloorTarget = { url: durableFloorUrl, headers: json };
  const heraldTarget = {
    url: herald.url,
    headers: { ...json, authorization: `Bearer ${herald.credentials.apiKey}` },
    hello: await hello(herald, 'bench-rep'),
  };
  const targets = [
    { name: 'floor', target: floorTarget },
    { name: 'durable-floor', target: durableFloorTarget },
    { name: 'herald', target: heraldTarget },
  ];
  // Warm-up, not reported: JIT, SQLite pages and the consumers' first batches.
  for (const { name, target } of targets) {
    await pacedRun(target, { events: 1000, rate: 500, prefix: `${name}-warm` });
  }
  for (const rate of [1000, 5000]) {
    const events = rate * seconds;
    const perRound = Math.ceil(events / rounds);
    console.log(
      `\npipeline · event → socket latency at ${rate}/s for ${seconds} s (${perRound * rounds} events each, in ${rounds} rounds taking turns with the floors, each round after 1 s of the same as warm-up; client in its own process)`,
    );
    const turns = await takeTurns(targets, { rate, perRound, rounds });
    const runsOf = (name: string) => turns.get(name)!.runs;
    const floor = pooled(runsOf('floor'));
    const durableFloor = pooled(runsOf('durable-floor'));
    const ours = pooled(runsOf('herald'));
    report(suite, `herald p50 at ${rate}/s`, ours.p50, 'ms');
    report(suite, `herald p99 at ${rate}/s`, ours.p99, 'ms');
    report(suite, `herald lost at ${rate}/s (of ${ours.accepted} accepted)`, ours.lost, 'events');
    report(suite, `floor p50 at ${rate}/s`, floor.p50, 'ms');
    report(suite, `floor p99 at ${rate}/s`, floor.p99, 'ms');
    report(suite, `floor lost at ${rate}/s`, floor.lost, 'events');
    report(suite, `durable floor p50 at ${rate}/s`, durableFloor.p50, 'ms');
    report(suite, `durable floor p99 at ${rate}/s`, durableFloor.p99, 'ms');
    const roundRatios = runsOf('herald')
      .map((run, round) => (run.p99 / runsOf('floor')[round]!.p99).toFixed(2))
      .join(', ');
    const cpu = (name: string) => turns.get(name)!.cpuUsPerEvent.toFixed(0);
    console.log(
      `  server ${serverThreadCpu.label} per event (warm-up included): herald ${cpu('herald')} µs, floor ${cpu('floor')}, durable floor ${cpu('durable-floor')}`,
    );
    const gc = (name: string) => {
      const { count, ms } = turns.get(name)!.gcPer1000Events;
      return `${count.toFixed(1)} (${ms.toFixed(1)} ms)`;
    };
    console.log(
      `  GC pauses per 1,000 events (warm-up included): herald ${gc('herald')}, floor ${gc('floor')}, durable floor ${gc('durable-floor')}`,
    );
    const slowest = describeSlowest(runsOf('herald'), gcPauses.recent());
    if (slowest !== undefined) console.log(`  herald's ${slowest}`);
    console.log(`  p99 herald ÷ durable floor = ${(ours.p99 / durableFloor.p99).toFixed(2)}× (no target)`);
    const ratio = ours.p99 / floor.p99;
    const expected = perRound * rounds;
    console.log(
      rate === 1000
        ? `  p99 herald ÷ floor = ${ratio.toFixed(2)}× (rounds on their own: ${roundRatios}) · target ≤ 2× → ${ratio <= 2 ? 'met' : 'NOT met'}`
        : `  p99 herald ÷ floor = ${ratio.toFixed(2)}× · target 0 lost → ${ours.lost === 0 && ours.accepted === expected ? 'met' : 'NOT met'} (accepted ${ours.accepted}/${expected})`,
    );
  }
}

/** A day's worth of event ids already recorded, for the run that shows what a full dedup table costs. */
const recordedIds = 1_000_000;

/**
 * Ingest as it is deployed on its own: its own store (files in `dir` named after `name`), SQLite
 * log and in-memory cache. With `recordedIds`, that many random event ids are recorded as
 * processed first, as a day of traffic would leave them (the app sizes its dedup filter for them
 * at start).
 */
async function startIngestAlone(dir: string, name: string, options: { recordedIds?: number } = {}) {
  const store = openStore({ path: join(dir, `${name}-store.db`) });
  store.tenants.create({ id: 'bench', name: 'Bench' });
  const key = store.tenants.createApiKey('bench').key;
  const alreadyRecorded = options.recordedIds ?? 0;
  // Spread over the last day, as traffic leaves them: the oldest expire now, the newest in a day.
  const day = 86_400_000;
  const startedAt = Date.now();
  for (let recorded = 0; recorded < alreadyRecorded; recorded += 1_000) {
    const ids = Array.from({ length: Math.min(1_000, alreadyRecorded - recorded) }, () => randomUUID());
    store.processedEvents.markProcessedMany(
      ids.map((eventId) => ({ tenantId: 'bench', eventId })),
      startedAt + Math.round((recorded / alreadyRecorded) * day),
    );
  }
  const log = await createEventLog(`sqlite:${join(dir, `${name}-log.db`)}`);
  const cache = await createCache('memory:');
  const profiles = new CustomerProfiles({ customers: store.customers, cache });
  const ingest = createIngestApp({
    log,
    store,
    profiles,
    cache,
    logger: silent,
    limits: { requestsPerSecond: 0 },
  });
  await ingest.start();
  const server = serve({ fetch: ingest.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    key,
    async close() {
      await ingest.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await profiles.close();
      await log.close();
      await cache.close();
      await store.close();
    },
  };
}

/** Batches of 500 events sent 4 at a time until `count` are answered; returns batches a second. */
function saturateBatches(
  url: string,
  headers: Record<string, string>,
  count: number,
  options: { withIds?: boolean } = {},
): Promise<number> {
  return runClient<number>({ kind: 'saturate', url, headers, count, concurrency: 4, batch: 500, ...options });
}

async function ingest(dir: string, floorUrl: string): Promise<void> {
  const alone = await startIngestAlone(dir, 'ingest');
  try {
    const headers = { authorization: `Bearer ${alone.key}`, 'content-type': 'application/json' };
    console.log(
      '\npipeline · single-event ingest (the ingest app alone, SQLite log), 10,000 requests, 64 in flight',
    );
    const floor = await runClient<number>({
      kind: 'saturate',
      url: `${floorUrl}/v1/events`,
      headers: { 'content-type': 'application/json' },
      count: 10_000,
      concurrency: 64,
      batch: 1,
    });
    const ours = await runClient<number>({
      kind: 'saturate',
      url: `${alone.url}/v1/events`,
      headers,
      count: 10_000,
      concurrency: 64,
      batch: 1,
    });
    report(suite, 'herald ingest POST /v1/events', ours, 'req/s');
    report(suite, 'raw node:http answering 202', floor, 'req/s');
    console.log(
      `  herald ÷ raw = ${(ours / floor).toFixed(2)}× · target ≥ 0.6× → ${ours / floor >= 0.6 ? 'met' : 'NOT met'}`,
    );

    console.log(
      `\npipeline · batch ingest (the ingest app alone), ${batches} batches of 500 events, 4 in flight, after a warm-up of ${batchWarmUp}`,
    );
    const floorHeaders = { 'content-type': 'application/json' };
    // Warm-up, not reported, as for the latency runs: the batch path's own code gets compiled.
    await saturateBatches(`${alone.url}/v1/events/batch`, headers, batchWarmUp);
    await saturateBatches(`${floorUrl}/v1/events/batch`, floorHeaders, batchWarmUp);
    const ourBatches = await saturateBatches(`${alone.url}/v1/events/batch`, headers, batches);
    const floorBatches = await saturateBatches(`${floorUrl}/v1/events/batch`, floorHeaders, batches);
    // With client ids every event is checked against the dedup filter and recorded in the store;
    // without, ingest names them itself and has nothing to deduplicate.
    const ourBatchesWithIds = await saturateBatches(`${alone.url}/v1/events/batch`, headers, batches, {
      withIds: true,
    });
    const ourBatchesWithIdsOnFullTable = await withIdsOnFullTable(dir);
    report(suite, 'herald ingest POST /v1/events/batch', ourBatches * 500, 'events/s');
    report(suite, 'herald ingest, same batches with client ids', ourBatchesWithIds * 500, 'events/s');
    report(
      suite,
      `herald ingest, client ids, store holds ${recordedIds / 1_000_000}M ids`,
      ourBatchesWithIdsOnFullTable * 500,
      'events/s',
    );
    report(suite, 'raw node:http, same batches', floorBatches * 500, 'events/s');
    console.log(`  target ≥ 100,000 events/s → ${ourBatches * 500 >= 100_000 ? 'met' : 'NOT met'}`);
  } finally {
    await alone.close();
  }
}

/** Batches with client ids against a store that already holds a day of ids (warmed up first). */
async function withIdsOnFullTable(dir: string): Promise<number> {
  const full = await startIngestAlone(dir, 'ingest-full', { recordedIds });
  try {
    const url = `${full.url}/v1/events/batch`;
    const headers = { authorization: `Bearer ${full.key}`, 'content-type': 'application/json' };
    await saturateBatches(url, headers, batchWarmUp, { withIds: true });
    return await saturateBatches(url, headers, batches, { withIds: true });
  } finally {
    await full.close();
  }
}

function fanOutNotification(tenant: string, seq: number): Notification {
  return {
    id: `fan-${seq}`,
    tenant,
    recipient: 'fan',
    seq,
    eventId: `evt-fan-${seq}`,
    rule: 'order-created',
    category: 'orders',
    priority: 'normal',
    title: `New order #${seq}`,
    body: 'Ada Lovelace placed an order of €10.00.',
    data: { orderId: String(seq) },
    collapseKey: null,
    channels: ['in_app'],
    createdAt: Date.now(),
    seenAt: null,
    readAt: null,
    archivedAt: null,
  };
}

/** One fan-out measurement: `notifications` sent `burst` per event-loop turn, to every socket. */
async function fanOutRun(
  herald: RunningHerald,
  floor: Awaited<ReturnType<typeof startFloor>>,
  notifications: number,
  burst: number,
): Promise<void> {
  const expected = notifications * fanOutSockets;
  console.log(
    `\npipeline · fan-out: ${notifications} notifications, ${burst} per event-loop turn, to one subscriber with ${fanOutSockets} sockets (clients in their own process, counting frames without decoding them)`,
  );
  const floorFrame = JSON.stringify({
    type: 'notification',
    notification: fanOutNotification(herald.credentials.tenant, 0),
  });
  const floorRate = await runClient<{ received: number; perSecond: number }>(
    { kind: 'sockets', wsUrl: ws(floor.url), count: fanOutSockets, expected },
    async () => {
      for (let sent = 0; sent < notifications; sent += burst) {
        for (let i = 0; i < burst; i++) for (const client of floor.wss.clients) client.send(floorFrame);
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  );
  const ourRate = await runClient<{ received: number; perSecond: number }>(
    {
      kind: 'sockets',
      wsUrl: ws(herald.url),
      hello: await hello(herald, 'fan'),
      count: fanOutSockets,
      expected,
    },
    async () => {
      for (let sent = 0; sent < notifications;) {
        for (let i = 0; i < burst; i++) {
          sent += 1;
          await herald.push.gateway.deliver(fanOutNotification(herald.credentials.tenant, fanOutSeq++));
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  );
  const label = burst === 1 ? 'one per turn' : `${burst} per turn`;
  report(
    suite,
    `herald gateway deliveries to ${fanOutSockets} sockets, ${label}`,
    ourRate.perSecond,
    'frames/s',
  );
  report(suite, `bare ws.send loop to ${fanOutSockets} sockets, ${label}`, floorRate.perSecond, 'frames/s');
  // The target is for coalesced writes: one write per frame per socket is bounded by the
  // syscalls (the floor, which writes the same way, shows the machine's ceiling).
  const target =
    burst === 1
      ? 'no target: one write per frame'
      : `target ≥ 500,000 deliveries/s → ${ourRate.perSecond >= 500_000 ? 'met' : 'NOT met'}`;
  console.log(
    `  herald ÷ floor = ${(ourRate.perSecond / floorRate.perSecond).toFixed(2)}× (received ${ourRate.received}/${expected}) · ${target}`,
  );
}

let fanOutSeq = 1;

async function fanOut(herald: RunningHerald, floor: Awaited<ReturnType<typeof startFloor>>): Promise<void> {
  // One notification per turn is one write per socket per frame; a burst (the push pipeline
  // delivers a stored slice of up to 64 in one turn) lets each socket's frames share a write.
  await fanOutRun(herald, floor, 200, 1);
  await fanOutRun(herald, floor, 1000, fanOutBurst);
}

export default async function pipelineBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-pipeline-'));
  const herald = await startHerald({ dataDir: dir, port: 0, logger: pino({ level: 'silent' }) });
  const floor = await startFloor();
  const durableFloor = await startFloor({ durable: { path: join(dir, 'durable-floor.db') } });
  try {
    const created = await fetch(`${herald.url}/v1/customers/bench-customer`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${herald.credentials.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ada Lovelace', ownerId: 'bench-rep', locale: 'en' }),
    });
    if (!created.ok) throw new Error(`could not create the bench customer: HTTP ${created.status}`);
    if (parts.has('latency')) await latency(herald, floor.url, durableFloor.url);
    if (parts.has('ingest')) await ingest(dir, floor.url);
    if (parts.has('fanout')) await fanOut(herald, floor);
    if (parts.has('budget')) {
      const rate = 1000;
      await workBudget(floor.url, {
        workUs: budgetWorkUs,
        rate,
        perRound: Math.ceil((rate * seconds) / rounds),
        rounds,
      });
    }
  } finally {
    await floor.close();
    await durableFloor.close();
    await herald.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
