import { randomUUID } from 'node:crypto';
import { createCache, type Cache } from '@herald/cache';
import { CustomerProfiles } from '@herald/profiles';
import { decodeLoggedEvent, type LoggedEvent } from '@herald/protocol';
import { openStore, type Store } from '@herald/store';
import { createEventLog, type EventLog } from '@herald/transport';
import { pino } from 'pino';
import { createIngestApp, type IngestApp, type IngestDeps } from '../src/create-ingest-app.js';

export interface Harness extends AsyncDisposable {
  ingest: IngestApp;
  store: Store;
  log: EventLog;
  cache: Cache;
  profiles: CustomerProfiles;
  key: string;
  tenant: string;
  topic: string;
  /** `app.request` with the tenant's key and a JSON body. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  put(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Reads the topic from the start until `count` events arrived (or 2 s passed). */
  readLog(count: number): Promise<{ key: string | null; event: LoggedEvent }[]>;
  /** A new app (fresh Bloom filter) on the same store, log and cache. */
  restart(overrides?: Partial<IngestDeps>): Promise<void>;
}

export interface HarnessOptions extends Partial<IngestDeps> {
  logUrl?: string;
  store?: Store;
  tenant?: string;
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const { logUrl, tenant: tenantOption, ...overrides } = options;
  const store = options.store ?? openStore({ path: ':memory:' });
  const tenant = tenantOption ?? `t-${randomUUID().slice(0, 8)}`;
  store.tenants.create({ id: tenant, name: tenant });
  const { key } = store.tenants.createApiKey(tenant);
  const log = options.log ?? (await createEventLog(logUrl ?? 'memory:'));
  const cache = options.cache ?? (await createCache('memory:'));
  const profiles = new CustomerProfiles({ customers: store.customers, cache, onError: () => {} });
  const topic = `events-${randomUUID().slice(0, 8)}`;
  const build = (more: Partial<IngestDeps> = {}): IngestApp =>
    createIngestApp({
      log,
      store,
      profiles,
      cache,
      logger: pino({ level: 'silent' }),
      topic,
      ...overrides,
      ...more,
    });
  let ingest = build();
  await ingest.start();

  const send = async (method: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    ingest.app.request(path, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  const harness: Harness = {
    get ingest() {
      return ingest;
    },
    store,
    log,
    cache,
    profiles,
    key,
    tenant,
    topic,
    post: (path, body, headers) => send('POST', path, body, headers),
    put: (path, body, headers) => send('PUT', path, body, headers),
    get: async (path, headers = {}) =>
      ingest.app.request(path, { headers: { authorization: `Bearer ${key}`, ...headers } }),
    async readLog(count) {
      const seen: { key: string | null; event: LoggedEvent }[] = [];
      let done!: () => void;
      const enough = new Promise<void>((resolve) => (done = resolve));
      const subscription = await log.subscribe({
        topic,
        group: `reader-${randomUUID()}`,
        handler: (batch) => {
          for (const record of batch.records) {
            seen.push({ key: record.key, event: decodeLoggedEvent(record.value) });
          }
          if (seen.length >= count) done();
        },
      });
      await Promise.race([enough, new Promise((resolve) => setTimeout(resolve, count === 0 ? 300 : 1000))]);
      // Give a stray extra record the chance to show up, so "appended once" can fail.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await subscription.close();
      return seen;
    },
    async restart(more) {
      await ingest.close();
      ingest = build(more);
      await ingest.start();
    },
    async [Symbol.asyncDispose]() {
      await ingest.close();
      await profiles.close();
      await log.close();
      await cache.close();
      if (options.store === undefined) await store.close();
    },
  };
  return harness;
}

export function event(customerId = 'cust-1', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'order.created',
    customerId,
    occurredAt: '2030-01-01T09:00:00Z',
    data: { orderId: '123', total: 99.5 },
    ...extra,
  };
}
