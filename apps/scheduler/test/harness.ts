import { randomUUID } from 'node:crypto';
import { decodeLoggedEvent, type LoggedEvent } from '@herald/protocol';
import { openStore, type Store } from '@herald/store';
import { createEventLog, type EventLog } from '@herald/transport';
import { pino } from 'pino';
import { createSchedulerApp, type SchedulerApp, type SchedulerDeps } from '../src/create-scheduler-app.js';
import type { Timers } from '../src/reminder-firer.js';

export const silent = pino({ level: 'silent' });

/** A clock and timers that move only when the test says so. */
export interface ManualClock extends Timers {
  now: () => number;
  /** Moves time forward, running each timer that comes due in order, letting async work settle after each. */
  advance: (ms: number) => Promise<void>;
  pending: () => number;
}

export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

export function manualClock(start: number): ManualClock {
  let time = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => time,
    setTimeout: (callback, ms) => {
      const id = nextId++;
      timers.set(id, { at: time + Math.max(0, ms), callback });
      return id;
    },
    clearTimeout: (handle) => {
      timers.delete(handle as number);
    },
    pending: () => timers.size,
    advance: async (ms) => {
      const target = time + ms;
      await settle();
      for (;;) {
        let first: [number, { at: number; callback: () => void }] | undefined;
        for (const entry of timers)
          if (entry[1].at <= target && (!first || entry[1].at < first[1].at)) first = entry;
        if (first === undefined) break;
        timers.delete(first[0]);
        time = Math.max(time, first[1].at);
        first[1].callback();
        await settle();
      }
      time = target;
      await settle();
    },
  };
}

export interface Harness extends AsyncDisposable {
  scheduler: SchedulerApp;
  store: Store;
  log: EventLog;
  tenant: string;
  key: string;
  topic: string;
  request(method: string, path: string, body?: unknown, key?: string): Promise<Response>;
  /** Every `reminder.due` event on the topic so far. */
  dueEvents(): Promise<LoggedEvent[]>;
  /** Appends CRM events to the topic as ingest would. */
  publish(...events: Record<string, unknown>[]): Promise<void>;
}

export interface HarnessOptions extends Partial<SchedulerDeps> {
  storePath?: string;
  logUrl?: string;
  tenant?: string;
  start?: boolean;
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const { storePath, logUrl, tenant: tenantOption, start = true, ...overrides } = options;
  const store =
    options.store ??
    openStore({ path: storePath ?? ':memory:', ...(overrides.now ? { now: overrides.now } : {}) });
  const tenant = tenantOption ?? `t-${randomUUID().slice(0, 8)}`;
  if (store.tenants.get(tenant) === undefined) store.tenants.create({ id: tenant, name: tenant });
  const { key } = store.tenants.createApiKey(tenant);
  const log = options.log ?? (await createEventLog(logUrl ?? 'memory:'));
  const topic = options.topic ?? `events-${randomUUID().slice(0, 8)}`;
  const scheduler = createSchedulerApp({ log, store, logger: silent, topic, ...overrides });
  if (start) await scheduler.start();
  const all = async (): Promise<LoggedEvent[]> => {
    const seen: LoggedEvent[] = [];
    const subscription = await log.subscribe({
      topic,
      group: `reader-${randomUUID()}`,
      handler: (batch) => {
        for (const record of batch.records) seen.push(decodeLoggedEvent(record.value));
      },
    });
    let count = -1;
    while (count !== seen.length) {
      count = seen.length;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    await subscription.close();
    return seen;
  };
  return {
    scheduler,
    store,
    log,
    tenant,
    key,
    topic,
    request: async (method, path, body, useKey = key) =>
      scheduler.app.request(path, {
        method,
        headers: {
          authorization: `Bearer ${useKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
    dueEvents: async () => (await all()).filter((event) => event.type === 'reminder.due'),
    async publish(...events) {
      await log.ensureTopic(topic);
      await log.publish(
        topic,
        events.map((event) => {
          const logged = {
            id: `evt-${randomUUID()}`,
            tenant,
            receivedAt: Date.now(),
            appendedAt: Date.now(),
            ...event,
          };
          return {
            key: `${tenant}:${String(event.customerId)}`,
            value: JSON.stringify({ v: 1, ...logged }),
          };
        }),
      );
    },
    async [Symbol.asyncDispose]() {
      await scheduler.close();
      if (options.log === undefined) await log.close();
      if (options.store === undefined) await store.close();
    },
  };
}

/** Polls until `check` returns a value (not undefined/false) or `timeoutMs` passes. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
