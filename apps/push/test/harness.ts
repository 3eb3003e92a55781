import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createCache, type Cache } from '@herald/cache';
import { mintSubscriberToken } from '@herald/gateway';
import { CustomerProfiles } from '@herald/profiles';
import { createLoggedEvent, encodeLoggedEvent, type CrmEvent } from '@herald/protocol';
import { parseRuleSet } from '@herald/rules';
import { openStore, type Store } from '@herald/store';
import { TestClient } from '@herald/testkit';
import { createEventLog, type EventLog } from '@herald/transport';
import { pino } from 'pino';
import { createPushApp, type PushApp, type PushDeps } from '../src/index.js';

export const secret = 'push-test-secret-push-test-secret-0123456';
export const topic = 'herald.events';

/** Rules the tests drive: `note.posted` to `data.to`, `thread.updated` collapsing per thread. */
export const testRules = `
version: 1
defaults: { locale: en, timezone: UTC, priority: normal, category: general, channels: [in_app] }
rules:
  - id: note
    match: { type: note.posted }
    recipients: [{ field: data.to }]
    category: notes
    channels: [in_app, webhook]
    template:
      en: { title: 'Note {{data.n}}', body: 'from {{customer.name}}' }
      zh-CN: { title: '留言 {{data.n}}', body: '来自 {{customer.name}}' }
  - id: thread
    match: { type: thread.updated }
    recipients: [{ field: data.to }]
    category: threads
    collapseKey: 'thread:{{data.thread}}'
    template:
      en: { title: 'Thread {{data.thread}} v{{data.n}}' }
`;

export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** One push app on a real HTTP server on port 0, with its own store, log and cache. */
export interface PushHarness extends AsyncDisposable {
  push: PushApp;
  store: Store;
  log: EventLog;
  cache: Cache;
  port: number;
  url: string;
  /** Appends CRM events to the log, as ingest would. */
  publish(tenant: string, events: Partial<CrmEvent>[]): Promise<void>;
  token(tenant: string, subscriber: string, ttlSeconds?: number): Promise<string>;
  /** A WebSocket client that said hello and got its missed items. */
  connect(tenant: string, subscriber: string, lastSeq?: number): Promise<TestClient>;
  apiKey(tenant: string): string;
}

export interface HarnessOptions extends Partial<
  Omit<PushDeps, 'log' | 'store' | 'cache' | 'profiles' | 'logger' | 'secret'>
> {
  log?: EventLog;
  store?: Store;
  cache?: Cache;
  rules?: string;
  /** Start consuming the log. @defaultValue true */
  start?: boolean;
  /** Create the test tenants, keys and customer (off for a second instance on the same database). @defaultValue true */
  seed?: boolean;
}

let eventCounter = 0;

export function crmEvent(fields: Partial<CrmEvent>): CrmEvent {
  eventCounter += 1;
  return {
    id: `evt-${randomUUID()}`,
    type: 'note.posted',
    customerId: 'cust-1',
    occurredAt: new Date().toISOString(),
    data: { n: eventCounter },
    ...fields,
  };
}

export async function startPush(options: HarnessOptions = {}): Promise<PushHarness> {
  const store = options.store ?? openStore({ path: ':memory:' });
  const ownsStore = options.store === undefined;
  const log = options.log ?? (await createEventLog('memory:'));
  const ownsLog = options.log === undefined;
  const cache = options.cache ?? (await createCache('memory:'));
  const ownsCache = options.cache === undefined;
  const keys = new Map<string, string>();
  for (const tenant of options.seed === false ? [] : ['acme', 'globex']) {
    store.tenants.create({ id: tenant, name: tenant });
    keys.set(tenant, store.tenants.createApiKey(tenant, { name: 'test' }).key);
    store.customers.upsert({
      tenantId: tenant,
      id: 'cust-1',
      name: 'Ada Lovelace',
      version: 1,
      attributes: {},
    });
  }
  const profiles = new CustomerProfiles({ customers: store.customers, cache });
  const ruleSet = parseRuleSet(options.rules ?? testRules, { source: 'test-rules.yaml' });
  const {
    rules: _rules,
    start: _start,
    seed: _seed,
    log: _log,
    store: _store,
    cache: _cache,
    ...rest
  } = options;
  const push = createPushApp({
    ruleSets: () => ruleSet,
    ...rest,
    log,
    store,
    cache,
    profiles,
    secret,
    logger: pino({ level: 'silent' }),
  });
  const server = serve({ fetch: push.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  push.attach(server);
  if (options.start !== false) await push.start();
  const port = (server.address() as AddressInfo).port;
  const clients: TestClient[] = [];

  const harness: PushHarness = {
    push,
    store,
    log,
    cache,
    port,
    url: `http://127.0.0.1:${port}`,
    async publish(tenant, events) {
      const now = Date.now();
      await log.publish(
        topic,
        events.map((fields) => {
          const event = crmEvent(fields);
          const logged = createLoggedEvent(event, { tenant, receivedAt: now, appendedAt: now });
          return { key: `${tenant}:${event.customerId}`, value: encodeLoggedEvent(logged) };
        }),
      );
    },
    async token(tenant, subscriber, ttlSeconds = 600) {
      return (await mintSubscriberToken({ tenant, subscriber, ttlSeconds }, secret)).token;
    },
    async connect(tenant, subscriber, lastSeq) {
      const client = await TestClient.connect(port);
      clients.push(client);
      await client.hello(await harness.token(tenant, subscriber), lastSeq);
      return client;
    },
    apiKey(tenant) {
      return keys.get(tenant)!;
    },
    async [Symbol.asyncDispose]() {
      for (const client of clients) await client[Symbol.asyncDispose]();
      await push.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await profiles.close();
      if (ownsLog) await log.close();
      if (ownsCache) await cache.close();
      if (ownsStore) await store.close();
    },
  };
  return harness;
}
