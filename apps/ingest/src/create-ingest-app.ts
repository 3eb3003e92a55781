import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Cache } from '@herald/cache';
import { epochClock } from '@herald/core';
import {
  answerErrorsAsJson,
  apiKeyAuth,
  createAppHousekeeper,
  ErrorResponse,
  limitBody,
  failingChecks,
  probeDependencies,
  readJsonBody,
  requestHeader,
  RequestGate,
  type ApiKeyEnv,
  type HousekeepingSettings,
} from '@herald/http';
import type { CustomerProfile, CustomerProfiles, ProfileUpdate } from '@herald/profiles';
import {
  apiError,
  apiErrorFromZod,
  crmEventSchema,
  customerUpdateSchema,
  encodeNewLoggedEvent,
  generateEventId,
  maxBatchEvents as protocolMaxBatchEvents,
  openApiDocument,
  parseEventBatch,
  subjectIdSchema,
  type BatchItemResult,
  type CrmEvent,
  type CustomerUpdate,
} from '@herald/protocol';
import type { ApiKey, Store } from '@herald/store';
import type { EventLog } from '@herald/transport';
import { Hono, type Context } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from 'pino';
import type { Counter, Histogram } from 'prom-client';
import { Deduplicator, type ClaimResult, type DeduplicatorOptions } from './deduplicator.js';
import { createIngestMetrics, type IngestMetrics } from './ingest-metrics.js';
import { mapFailure } from './map-failure.js';

/** Limits on what one client may send. */
export interface IngestLimits {
  /** Largest request body, in bytes (413 above). @defaultValue 1_048_576 */
  maxBodyBytes?: number;
  /** Most events in one batch (413 above), at most 1000. @defaultValue 1000 */
  maxBatchEvents?: number;
  /** Requests per second per API key (429 above); 0 turns the limit off. @defaultValue 100 */
  requestsPerSecond?: number;
  /** Deepest nesting of arrays and objects in a body (400 above). @defaultValue 32 */
  maxDepth?: number;
  /** The `Retry-After` of a 503, in seconds. @defaultValue 5 */
  retryAfterSeconds?: number;
}

/** What the ingest app is built from; it closes none of them. */
export interface IngestDeps {
  log: EventLog;
  store: Store;
  profiles: CustomerProfiles;
  cache: Cache;
  logger: Logger;
  limits?: IngestLimits;
  /** The log topic events are appended to. @defaultValue 'herald.events' */
  topic?: string;
  /** Dedup window and Bloom filter sizing. @defaultValue see {@link DeduplicatorOptions} */
  dedup?: Omit<DeduplicatorOptions, 'now' | 'onCommitError' | 'onExactCheck' | 'onOverfull'>;
  /** Metrics to record into. @defaultValue a new registry */
  metrics?: IngestMetrics;
  /**
   * How often dedup records past their window are purged from the store, and how many at a time;
   * `false` leaves that to another process. @defaultValue every minute, 500 rows a transaction
   */
  housekeeping?: HousekeepingSettings;
  /**
   * The clock (epoch ms). @defaultValue `Date.now`, and `epochClock` of `@herald/core` (with
   * fractions of a millisecond) for the stage times written with each event
   */
  now?: () => number;
}

/** A built ingest app: its routes and its lifecycle. */
export interface IngestApp extends AsyncDisposable {
  readonly app: Hono<Env>;
  readonly metrics: IngestMetrics;
  /** Creates the topic and loads the dedup filter from the store. Idempotent. */
  start(): Promise<void>;
  /** Refuses new API requests (503) and waits for those in progress. Idempotent. */
  close(): Promise<void>;
}

type Env = ApiKeyEnv;

interface Prepared {
  /** As validated: copying it to add the id made encoding it several times slower. */
  event: CrmEvent;
  id: string;
  keys: string[];
  idempotencyKey: string | undefined;
}

function idempotencyId(tenant: string, key: string): string {
  return `idk-${createHash('sha256').update(`${tenant}\u0000${key}`).digest('base64url').slice(0, 32)}`;
}

function toProfileUpdate(
  tenantId: string,
  id: string,
  update: CustomerUpdate,
  version: number,
): ProfileUpdate {
  const result: ProfileUpdate = { tenantId, id, version: update.version ?? version };
  for (const field of ['name', 'email', 'phone', 'locale', 'timezone', 'ownerId'] as const) {
    const value = update[field];
    if (value !== undefined) result[field] = value;
  }
  if (update.attributes !== undefined) result.attributes = update.attributes;
  return result;
}

function publicProfile(profile: CustomerProfile): Omit<CustomerProfile, 'tenantId'> {
  const { tenantId: _tenantId, ...rest } = profile;
  return rest;
}

function validate<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ErrorResponse) throw error;
    // A body nested deeply enough to exhaust the validator's stack is the client's fault.
    throw ErrorResponse.of(400, 'invalid_request', 'the body is too deeply nested or too complex');
  }
}

/**
 * The CRM-facing ingest app: authenticates the API key, validates and deduplicates events,
 * writes customer profiles through, appends events to the log and answers 202 once the append
 * is durable. Also serves customer profiles, health, readiness, metrics and the OpenAPI document.
 *
 * @example
 * const ingest = createIngestApp({ log, store, profiles, cache, logger });
 * await ingest.start();
 * serve({ fetch: ingest.app.fetch, port: 8080 });
 */
export function createIngestApp(deps: IngestDeps): IngestApp {
  const { log, store, profiles, cache, logger } = deps;
  const now = deps.now ?? Date.now;
  // Stage times (received, appended) keep their fraction of a millisecond: most stages take less.
  const stamp = deps.now ?? epochClock;
  const topic = deps.topic ?? 'herald.events';
  const maxBodyBytes = deps.limits?.maxBodyBytes ?? 1_048_576;
  const maxBatch = Math.min(deps.limits?.maxBatchEvents ?? protocolMaxBatchEvents, protocolMaxBatchEvents);
  const requestsPerSecond = deps.limits?.requestsPerSecond ?? 100;
  const retryAfterSeconds = deps.limits?.retryAfterSeconds ?? 5;
  const maxDepth = deps.limits?.maxDepth ?? 32;
  const metrics = deps.metrics ?? createIngestMetrics();
  const dedup = new Deduplicator(store, {
    ...deps.dedup,
    now,
    // The events are durable already: a retry may append them again, which consumers absorb by id.
    onCommitError: (error) => logger.warn({ err: error }, 'could not record processed events'),
    onExactCheck: () => metrics.dedupExactChecks.inc(),
    onOverfull: (fill) =>
      logger.warn(
        fill,
        'the dedup filter holds far more event ids than it was sized for, so most events with an id are looked up in the store: raise dedup.expectedItems (HERALD_INGEST_DEDUP_EXPECTED_ITEMS) to the ids of one window',
      ),
  });
  metrics.measureDedupFilter(() => dedup.estimatedFalsePositiveRate());
  // Loaded now, not in start(): a "definitely new" from the filter must hold from the first request.
  const configuredExpectedItems = dedup.expectedItems;
  const warmed = dedup.warm();
  if (dedup.expectedItems > configuredExpectedItems) {
    logger.info(
      {
        recorded: warmed,
        expectedItems: dedup.expectedItems,
        configuredExpectedItems,
        filterBytes: dedup.filterBytes,
      },
      'the store holds more event ids than the dedup filter was sized for: sized it for twice as many (raise dedup.expectedItems, HERALD_INGEST_DEDUP_EXPECTED_ITEMS, to size it from the start)',
    );
  }
  const housekeeper = createAppHousekeeper({
    store,
    tasks: ['processedEvents'],
    settings: deps.housekeeping,
    logger,
    now,
    onPurged: (counts) => metrics.purgedRows.inc({ task: 'processedEvents' }, counts.processedEvents ?? 0),
  });

  let topicReady: Promise<void> | undefined;
  let started: Promise<void> | undefined;
  const gate = new RequestGate(retryAfterSeconds);

  const ensureTopic = (): Promise<void> => {
    const ready =
      topicReady ??
      log.ensureTopic(topic).catch((error: unknown) => {
        topicReady = undefined;
        throw error;
      });
    topicReady = ready;
    return ready;
  };

  const fail = (error: unknown, profilePrefix?: string): never => {
    const response = mapFailure(error, retryAfterSeconds, profilePrefix);
    if (response === undefined) throw error;
    if (response.status === 503) logger.warn({ err: error }, 'dependency unavailable');
    throw response;
  };

  const readIdempotencyKey = (c: Context): string | undefined => {
    const key = requestHeader(c, 'idempotency-key');
    if (key === undefined) return undefined;
    if (key.length < 1 || key.length > 256) {
      throw ErrorResponse.of(
        400,
        'invalid_field',
        'Idempotency-Key must be 1–256 characters',
        'Idempotency-Key',
      );
    }
    return key;
  };

  const prepare = (
    tenant: string,
    event: CrmEvent,
    idempotencyKey: string | undefined,
    receivedAt: number,
  ): Prepared => {
    const derived = idempotencyKey === undefined ? undefined : idempotencyId(tenant, idempotencyKey);
    const named = event.id ?? derived;
    const id = named ?? generateEventId(receivedAt);
    // An id generated here is new by construction: no retry can carry it, so there is nothing
    // to look up and nothing to record (no claim, no processed_events row).
    const keys = named === undefined ? [] : derived === undefined || derived === id ? [id] : [id, derived];
    return { event, id, keys, idempotencyKey };
  };

  const writeProfile = async (
    tenant: string,
    event: CrmEvent,
    receivedAt: number,
    prefix: string,
  ): Promise<void> => {
    if (event.customer === undefined) return;
    try {
      // The version is the whole millisecond of its receipt (the store keeps versions as integers).
      const version = Math.floor(receivedAt);
      await profiles.update(toProfileUpdate(tenant, event.customerId, event.customer, version));
    } catch (error) {
      fail(error, prefix);
    }
  };

  const append = async (tenant: string, items: readonly Prepared[], receivedAt: number): Promise<void> => {
    if (items.length === 0) return;
    const started = performance.now();
    try {
      await ensureTopic();
      const appendedAt = stamp();
      await log.publish(
        topic,
        items.map(({ event, id, idempotencyKey }) => {
          const value = encodeNewLoggedEvent(event, {
            tenant,
            id,
            receivedAt,
            appendedAt,
            ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
          });
          return { key: `${tenant}:${event.customerId}`, value };
        }),
      );
    } catch (error) {
      fail(error);
    }
    metrics.appendDuration.observe((performance.now() - started) / 1000);
  };

  const app = new Hono<Env>();

  // prom-client hashes a labels object on every call; the children of a label set it has seen
  // are kept instead (a handful: routes × methods × statuses).
  const requestMetrics = new Map<string, { count: Counter.Internal; duration: Histogram.Internal<string> }>();
  const requestMetricsOf = (method: string, route: string, status: number) => {
    const key = `${method} ${route} ${status}`;
    let children = requestMetrics.get(key);
    if (children === undefined) {
      const labels = { method, route, status: String(status) };
      children = { count: metrics.requests.labels(labels), duration: metrics.requestDuration.labels(labels) };
      requestMetrics.set(key, children);
    }
    return children;
  };

  app.use('*', async (c, next) => {
    const startedAt = performance.now();
    await next();
    const matched = routePath(c as Context, -1);
    const route = c.res.status === 404 && (matched === '*' || matched === '/*') ? 'unmatched' : matched;
    const seconds = (performance.now() - startedAt) / 1000;
    const children = requestMetricsOf(c.req.method, route, c.res.status);
    children.count.inc();
    children.duration.observe(seconds);
    if (!logger.isLevelEnabled('info')) return;
    const apiKey = c.get('apiKey') as ApiKey | undefined;
    logger.info(
      {
        method: c.req.method,
        path: c.req.path,
        route,
        status: c.res.status,
        ms: Math.round(seconds * 1e4) / 10,
        ...(apiKey === undefined ? {} : { tenant: apiKey.tenantId, keyId: apiKey.id }),
      },
      'request',
    );
  });

  answerErrorsAsJson(app, logger);

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', async (c) => {
    // Not the memoised ensureTopic(): readiness must probe the log every time.
    const checks = await probeDependencies({ log, topic, store, logger });
    if (checks.log && checks.store && !gate.closing) return c.json({ status: 'ready', checks });
    const down = failingChecks(checks);
    const message = gate.closing ? 'shutting down' : `unreachable: ${down.join(', ')}`;
    return c.json(apiError('unavailable', message), 503, { 'Retry-After': String(retryAfterSeconds) });
  });

  app.get('/metrics', async (c) => {
    return c.text(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType });
  });

  const document = openApiDocument({ title: 'Herald ingest API', version: '0.0.0' });
  app.get('/openapi.json', (c) => c.json(document));

  app.use('/v1/*', gate.middleware);
  app.use('/v1/*', limitBody(maxBodyBytes));

  app.use('/v1/*', apiKeyAuth(store, { retryAfterSeconds }));

  app.use('/v1/*', async (c, next) => {
    const apiKey = c.get('apiKey');
    if (requestsPerSecond > 0) {
      const second = Math.floor(now() / 1000);
      let count = 0;
      try {
        count = await cache.increment(`ingest:rate:${apiKey.id}:${second}`, 1, { ttlMs: 2000 });
      } catch (error) {
        // Fail open: a cache outage must not stop ingestion.
        logger.warn({ err: error }, 'rate limit counter unavailable');
      }
      if (count > requestsPerSecond) {
        throw ErrorResponse.of(
          429,
          'rate_limited',
          `more than ${requestsPerSecond} requests per second`,
          undefined,
          {
            'Retry-After': '1',
          },
        );
      }
    }
    await next();
  });

  app.post('/v1/events', async (c) => {
    const receivedAt = stamp();
    const tenant = c.get('apiKey').tenantId;
    const idempotencyKey = readIdempotencyKey(c);
    const body = await readJsonBody(c, maxDepth);
    const parsed = validate(() => crmEventSchema.safeParse(body));
    if (!parsed.success) {
      metrics.events.inc({ outcome: 'rejected' });
      throw new ErrorResponse(400, apiErrorFromZod(parsed.error));
    }
    const item = prepare(tenant, parsed.data, idempotencyKey, receivedAt);
    const claim = await dedup.claim(tenant, item.keys);
    if (claim.duplicate) {
      metrics.events.inc({ outcome: 'duplicate' });
      return c.json({ id: item.id, status: 'duplicate', duplicate: true }, 202);
    }
    try {
      await writeProfile(tenant, item.event, receivedAt, 'customer');
      await append(tenant, [item], receivedAt);
      // Written with the turn's other records; a failed write goes to onCommitError above.
      claim.commit();
    } finally {
      claim.release();
    }
    metrics.events.inc({ outcome: 'accepted' });
    return c.json({ id: item.id, status: 'accepted', duplicate: false }, 202);
  });

  app.post('/v1/events/batch', async (c) => {
    const receivedAt = stamp();
    const tenant = c.get('apiKey').tenantId;
    const idempotencyKey = readIdempotencyKey(c);
    const body = await readJsonBody(c, maxDepth);
    const events =
      typeof body === 'object' && body !== null ? (body as { events?: unknown }).events : undefined;
    if (Array.isArray(events) && events.length > maxBatch) {
      throw ErrorResponse.of(
        413,
        'payload_too_large',
        `events: at most ${maxBatch} events per batch`,
        'events',
      );
    }
    const parsed = validate(() => parseEventBatch(body));
    if (!parsed.success) throw new ErrorResponse(400, parsed.error);

    const results: BatchItemResult[] = [];
    const fresh: { index: number; item: Prepared; claim: ClaimResult & { duplicate: false } }[] = [];
    const seen = new Set<string>();
    try {
      for (const entry of parsed.items) {
        if ('error' in entry) {
          results[entry.index] = { index: entry.index, status: 'rejected', error: entry.error };
          continue;
        }
        const key = idempotencyKey === undefined ? undefined : `${idempotencyKey}#${entry.index}`;
        const item = prepare(tenant, entry.event, key, receivedAt);
        if (item.keys.some((k) => seen.has(k))) {
          results[entry.index] = { index: entry.index, status: 'duplicate', id: item.id };
          continue;
        }
        for (const k of item.keys) seen.add(k);
        const claim = dedup.tryClaim(tenant, item.keys) ?? (await dedup.claim(tenant, item.keys));
        if (claim.duplicate) {
          results[entry.index] = { index: entry.index, status: 'duplicate', id: item.id };
          continue;
        }
        fresh.push({ index: entry.index, item, claim });
      }
      const toAppend: typeof fresh = [];
      for (const entry of fresh) {
        try {
          // Most events carry no profile change: no promise to wait for then.
          if (entry.item.event.customer !== undefined) {
            await writeProfile(tenant, entry.item.event, receivedAt, `events[${entry.index}].customer`);
          }
          toAppend.push(entry);
        } catch (error) {
          if (!(error instanceof ErrorResponse) || error.status !== 400) throw error;
          results[entry.index] = { index: entry.index, status: 'rejected', error: error.body.error };
        }
      }
      await append(
        tenant,
        toAppend.map((entry) => entry.item),
        receivedAt,
      );
      try {
        dedup.commitMany(toAppend.map((entry) => entry.claim));
      } catch (error) {
        // The events are durable already: a retry may append them again, which consumers absorb by id.
        logger.warn({ err: error }, 'could not record a batch as processed');
      }
      for (const entry of toAppend) {
        results[entry.index] = { index: entry.index, status: 'accepted', id: entry.item.id };
      }
    } finally {
      for (const entry of fresh) entry.claim.release();
    }
    const totals = { accepted: 0, duplicates: 0, rejected: 0 };
    for (const result of results) {
      if (result.status === 'accepted') totals.accepted += 1;
      else if (result.status === 'duplicate') totals.duplicates += 1;
      else totals.rejected += 1;
    }
    metrics.events.inc({ outcome: 'accepted' }, totals.accepted);
    metrics.events.inc({ outcome: 'duplicate' }, totals.duplicates);
    metrics.events.inc({ outcome: 'rejected' }, totals.rejected);
    const firstRejected = results.find((result) => result.status === 'rejected');
    if (totals.rejected === results.length && firstRejected !== undefined) {
      // Nothing was taken: a client error, answered 4xx, with the per-item results beside it.
      return c.json({ error: firstRejected.error, results, ...totals }, 400);
    }
    return c.json({ results, ...totals }, 202);
  });

  const customerId = (c: Context): string => {
    const result = subjectIdSchema.safeParse(c.req.param('id'));
    if (!result.success) throw new ErrorResponse(400, apiErrorFromZod(result.error, ['id']));
    return result.data;
  };

  app.get('/v1/customers/:id', async (c) => {
    const id = customerId(c);
    let profile: CustomerProfile | undefined;
    try {
      profile = await profiles.get(c.get('apiKey').tenantId, id);
    } catch (error) {
      fail(error);
    }
    if (profile === undefined) throw ErrorResponse.of(404, 'not_found', `no customer ${id}`);
    return c.json(publicProfile(profile));
  });

  app.put('/v1/customers/:id', async (c) => {
    const id = customerId(c);
    const body = await readJsonBody(c, maxDepth);
    const parsed = validate(() => customerUpdateSchema.safeParse(body));
    if (!parsed.success) throw new ErrorResponse(400, apiErrorFromZod(parsed.error));
    let result: Awaited<ReturnType<CustomerProfiles['update']>> | undefined;
    try {
      result = await profiles.update(toProfileUpdate(c.get('apiKey').tenantId, id, parsed.data, now()));
    } catch (error) {
      fail(error);
    }
    if (result?.profile === undefined) throw ErrorResponse.of(404, 'not_found', `no customer ${id}`);
    return c.json({ ...publicProfile(result.profile), applied: result.applied });
  });

  const start = (): Promise<void> => {
    started ??= (async () => {
      await ensureTopic();
      housekeeper?.start();
      logger.info({ topic, warmed }, 'ingest started');
    })();
    return started;
  };

  const close = async (): Promise<void> => {
    await gate.close();
    dedup.flush();
    await housekeeper?.close();
  };

  return { app, metrics, start, close, [Symbol.asyncDispose]: close };
}
