import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { createCache, type Cache } from '@herald/cache';
import { mintSubscriberToken } from '@herald/gateway';
import { answerErrorsAsJson, closeServer, failingChecks } from '@herald/http';
import { createIngestApp, type IngestApp } from '@herald/ingest';
import { CustomerProfiles } from '@herald/profiles';
import { apiError, openApiDocument } from '@herald/protocol';
import { assertCorsOrigins, createPushApp, type PushApp } from '@herald/push';
import { watchRuleFile } from '@herald/rules';
import { createSchedulerApp, type SchedulerApp } from '@herald/scheduler';
import { openStore, type Store } from '@herald/store';
import { createEventLog, type EventLog } from '@herald/transport';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { ensureDevCredentials, type DevCredentials } from './dev-credentials.js';

/** How `herald start` runs. */
export interface StartOptions {
  /** Where the SQLite files and the credentials live. @defaultValue `./data` */
  dataDir?: string;
  /** @defaultValue 8080 (0 picks a free port) */
  port?: number;
  /** @defaultValue `127.0.0.1` */
  host?: string;
  /** @defaultValue `sqlite:<dataDir>/herald-log.db` */
  logUrl?: string;
  /** @defaultValue `memory:` */
  cacheUrl?: string;
  /** A rule file, reloaded on change. @defaultValue the default rule set */
  rulesPath?: string;
  /** Per-key requests per second at ingest; 0 is unlimited. @defaultValue 0 (development) */
  ingestRateLimit?: number;
  /** Per recipient and category per minute; 0 is unlimited. @defaultValue 0 (development) */
  throttleLimit?: number;
  /** Where every tenant's webhook channel posts, signed with `secret`. @defaultValue none */
  webhook?: { url: string; secret: string };
  /** Browser origins allowed to call the inbox, preferences and SSE stream; `*` for any. @defaultValue none */
  corsOrigins?: readonly string[];
  logger: Logger;
}

/** A running Herald: one server with ingest, push and scheduler. */
export interface RunningHerald extends AsyncDisposable {
  url: string;
  port: number;
  credentials: DevCredentials;
  /** True when this start created the development tenant and key. */
  createdCredentials: boolean;
  /** A subscriber token for the sample subscriber, valid for a day. */
  sampleToken: string;
  ingest: IngestApp;
  push: PushApp;
  scheduler: SchedulerApp;
  store: Store;
  log: EventLog;
  cache: Cache;
  /** Stops taking requests, finishes the work in hand and closes everything. Idempotent. */
  close(): Promise<void>;
}

/** The adapter's `env` (the node request and response) is passed on: the apps read bodies from it. */
type Fetch = (request: Request, env?: unknown) => Response | Promise<Response>;

/** The path of an absolute URL, without building a `URL` per request. */
function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start === -1) return '/';
  const query = url.indexOf('?', start);
  return query === -1 ? url.slice(start) : url.slice(start, query);
}

/** Which app serves a path: ingest and scheduler own their prefixes, push the rest of `/v1`. */
function route(path: string, apps: { ingest: Fetch; scheduler: Fetch; push: Fetch; ops: Fetch }): Fetch {
  if (path.startsWith('/v1/events') || path.startsWith('/v1/customers')) return apps.ingest;
  if (path.startsWith('/v1/reminders')) return apps.scheduler;
  if (path.startsWith('/v1/')) return apps.push;
  return apps.ops;
}

/**
 * Runs the whole of Herald in this process on one port, on the embedded defaults (SQLite log and
 * store under `dataDir`, in-memory cache), with a development tenant, API key and sample
 * subscriber created on first start.
 *
 * @example
 * const herald = await startHerald({ port: 8080, logger });
 * console.log(herald.url, herald.credentials.apiKey);
 */
export async function startHerald(options: StartOptions): Promise<RunningHerald> {
  const { logger } = options;
  // Checked before anything is opened.
  assertCorsOrigins(options.corsOrigins ?? []);
  const dataDir = options.dataDir ?? './data';
  // The store creates the data directory (the credentials file below goes there too), and
  // names the path in its error when it cannot.
  const store = openStore({ path: join(dataDir, 'herald-store.db') });
  const log = await createEventLog(options.logUrl ?? `sqlite:${join(dataDir, 'herald-log.db')}`);
  const cache = await createCache(options.cacheUrl ?? 'memory:', { prefix: 'herald:' });
  const profiles = new CustomerProfiles({
    customers: store.customers,
    cache,
    onError: (error) => logger.warn({ err: error }, 'profile cache'),
  });
  const { credentials, created } = ensureDevCredentials(store, dataDir);

  const rules = await watchRuleFile(options.rulesPath, logger);

  const ingest = createIngestApp({
    log,
    store,
    profiles,
    cache,
    logger: logger.child({ app: 'ingest' }),
    limits: { requestsPerSecond: options.ingestRateLimit ?? 0 },
  });
  const push = createPushApp({
    log,
    store,
    cache,
    profiles,
    logger: logger.child({ app: 'push' }),
    secret: credentials.tokenSecret,
    ruleSets: () => rules.current(),
    throttle: { limit: options.throttleLimit ?? 0 },
    webhookEndpoint: () => options.webhook,
    ...(options.corsOrigins === undefined ? {} : { corsOrigins: options.corsOrigins }),
  });
  const scheduler = createSchedulerApp({
    log,
    store,
    logger: logger.child({ app: 'scheduler' }),
    rules: () => rules.current(),
  });

  const metrics = Registry.merge([ingest.metrics.registry, push.metrics.registry]);
  const document = openApiDocument({ title: 'Herald API', version: '0.0.0' });
  const ops = new Hono();
  answerErrorsAsJson(ops, logger);
  ops.get('/healthz', (c) => c.json({ status: 'ok' }));
  ops.get('/readyz', async (c) => {
    const answersReady = async (app: { request(path: string): Response | Promise<Response> }) =>
      (await app.request('/readyz')).status === 200;
    const [ingestReady, pushReady, schedulerReadiness] = await Promise.all([
      answersReady(ingest.app),
      answersReady(push.app),
      scheduler.readiness(),
    ]);
    const apps = { ingest: ingestReady, push: pushReady, scheduler: schedulerReadiness.ready };
    if (Object.values(apps).every(Boolean)) return c.json({ status: 'ready', apps });
    const down = failingChecks(apps);
    return c.json(apiError('unavailable', `not ready: ${down.join(', ')}`), 503);
  });
  ops.get('/metrics', async (c) =>
    c.text(await metrics.metrics(), 200, { 'Content-Type': metrics.contentType }),
  );
  ops.get('/openapi.json', (c) => c.json(document));

  const apps = {
    ingest: ingest.app.fetch,
    push: push.app.fetch,
    scheduler: scheduler.app.fetch,
    ops: ops.fetch,
  };
  const server: ServerType = serve({
    fetch: (request, env) => route(pathOf(request.url), apps)(request, env),
    port: options.port ?? 8080,
    hostname: options.host ?? '127.0.0.1',
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  push.attach(server);
  await ingest.start();
  await push.start();
  await scheduler.start();

  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  const sampleToken = (
    await mintSubscriberToken(
      { tenant: credentials.tenant, subscriber: credentials.subscriber, ttlSeconds: 86_400 },
      credentials.tokenSecret,
    )
  ).token;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      const serverClosed = closeServer(server);
      await ingest.close();
      await scheduler.close();
      await push.close();
      await serverClosed;
      rules.close();
      await profiles.close();
      await log.close();
      await cache.close();
      await store.close();
    })();
    return closed;
  };

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    credentials,
    createdCredentials: created,
    sampleToken,
    ingest,
    push,
    scheduler,
    store,
    log,
    cache,
    close,
    [Symbol.asyncDispose]: close,
  };
}
