import type { Cache } from '@herald/cache';
import { epochClock } from '@herald/core';
import {
  createGateway,
  type Gateway,
  type GatewayOptions,
  type TokenSecret,
  type UpgradeSource,
} from '@herald/gateway';
import {
  answerErrorsAsJson,
  createAppHousekeeper,
  failingChecks,
  limitBody,
  probeDependencies,
  type HousekeepingSettings,
} from '@herald/http';
import type { CustomerProfiles } from '@herald/profiles';
import { apiError } from '@herald/protocol';
import { defaultRuleSet, type RuleSet } from '@herald/rules';
import type { Store } from '@herald/store';
import type { EventLog, Subscription } from '@herald/transport';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { applyMark } from './apply-mark.js';
import { inboxRoutes } from './inbox-routes.js';
import { LatencyStats } from './latency-stats.js';
import { latencyRoutes } from './latency-routes.js';
import { NotificationPipeline } from './notification-pipeline.js';
import { preferenceRoutes } from './preference-routes.js';
import { subscriberRoutes } from './subscriber-routes.js';
import { teamRoutes } from './team-routes.js';
import { createPushMetrics, type PushMetrics } from './push-metrics.js';
import { subscriberCors, subscriberRoutePaths } from './subscriber-cors.js';
import { subscriberTokenRoutes } from './subscriber-token-routes.js';
import { Throttle, type ThrottleOptions } from './throttle.js';
import { toNotification } from './to-notification.js';
import { WebhookSender, type WebhookEndpoint, type WebhookOptions } from './webhook-sender.js';

/** The gateway settings push passes through (the rest it wires itself). */
export type PushGatewayOptions = Omit<
  GatewayOptions,
  'secret' | 'inbox' | 'cache' | 'onMark' | 'onError' | 'now'
>;

/** What the push app is built from; it closes none of them. */
export interface PushDeps {
  log: EventLog;
  store: Store;
  /** Fan-out between push instances, throttle counters and profiles. */
  cache: Cache;
  profiles: CustomerProfiles;
  logger: Logger;
  /** The HS256 key of subscriber tokens (at least 32 bytes). */
  secret: TokenSecret;
  /** Each tenant's rules. @defaultValue the default rule set for every tenant */
  ruleSets?: (tenant: string) => RuleSet;
  /** A team's members, for `team` recipients. @defaultValue the store's (`/v1/teams/:id`) */
  teamMembers?: (tenant: string, team: string) => readonly string[] | undefined;
  /** Where a tenant's webhooks go. @defaultValue nowhere: the webhook channel is skipped */
  webhookEndpoint?: (tenant: string) => WebhookEndpoint | undefined;
  /** @defaultValue see {@link WebhookOptions} */
  webhooks?: WebhookOptions;
  /** Per recipient and category. @defaultValue 30 per minute */
  throttle?: ThrottleOptions;
  /** @defaultValue see the gateway's options */
  gateway?: PushGatewayOptions;
  /**
   * Browser origins allowed to call the subscriber routes (inbox, own preferences, SSE stream)
   * across origins, such as `https://crm.example.com`; `*` allows any. The WebSocket needs no
   * entry: browsers open it to any origin. @defaultValue none: same origin only
   */
  corsOrigins?: readonly string[];
  /** The log topic events are read from. @defaultValue 'herald.events' */
  topic?: string;
  /** The consumer group. @defaultValue 'push' */
  group?: string;
  /** Records per batch from the log. @defaultValue 100 */
  maxBatchSize?: number;
  /**
   * Batches per partition read ahead of the one being finished, so a backlog reaches the fair
   * queue rather than waiting in the log. @defaultValue 8
   */
  maxInFlightBatches?: number;
  /** Notifications handled per event-loop turn before waiting batches join the fair queue. @defaultValue 64 */
  sliceSize?: number;
  /** The window of the latency histograms. @defaultValue 60_000 */
  latencyWindowMs?: number;
  /** @defaultValue a new registry */
  metrics?: PushMetrics;
  /**
   * How often inbox items past their `expiresAt`, and those replaced through a collapse key longer
   * ago than `replacedRetentionMs`, are purged from the store (with their deliveries); `false`
   * leaves that to another process. @defaultValue every minute, replaced items kept a day
   */
  housekeeping?: HousekeepingSettings;
  /**
   * The clock (epoch ms). @defaultValue `Date.now`, and `epochClock` of `@herald/core` (with
   * fractions of a millisecond) for the stage times of the latency figures
   */
  now?: () => number;
}

/** A built push app: routes, live gateway and lifecycle. */
export interface PushApp extends AsyncDisposable {
  /** `/v1/subscribers/:id` and `…/token`, `/v1/teams…`, `/v1/inbox…`, `/v1/stream` (SSE), `/v1/stats/latency`, `/healthz`, `/readyz`, `/metrics`. */
  readonly app: Hono;
  readonly gateway: Gateway;
  readonly metrics: PushMetrics;
  readonly latency: LatencyStats;
  /** Serves WebSocket upgrades on `/v1/ws` of a Node HTTP server. */
  attach(server: UpgradeSource): void;
  /** Joins the consumer group. Idempotent. */
  start(): Promise<void>;
  /** Leaves the group after the batch in hand, stops webhooks and closes every connection. Idempotent. */
  close(): Promise<void>;
}

/**
 * The push app: consumes the log as group `push`, makes notifications through the rules, stores
 * them in inboxes and delivers them live (WebSocket, SSE, across instances through the cache) and
 * to webhooks; serves the inbox API and subscriber tokens.
 *
 * @example
 * const push = createPushApp({ log, store, cache, profiles, logger, secret });
 * const server = serve({ fetch: push.app.fetch, port: 8081 });
 * push.attach(server);
 * await push.start();
 */
export function createPushApp(deps: PushDeps): PushApp {
  const { log, store, cache, profiles, logger, secret } = deps;
  const now = deps.now ?? Date.now;
  const topic = deps.topic ?? 'herald.events';
  const group = deps.group ?? 'push';
  // Built first: a bad origin is refused before anything is opened.
  const allowOrigins = deps.corsOrigins?.length ? subscriberCors(deps.corsOrigins) : undefined;
  const latency = new LatencyStats({ windowMs: deps.latencyWindowMs ?? 60_000 });
  // Read at scrape time, after the gateway below exists.
  const metrics = deps.metrics ?? createPushMetrics(latency, () => gateway);
  const onError = (error: unknown): void => logger.warn({ err: error }, 'push');
  // Parsed (and cached by the rules package) now: parsing it on the first event made that event ~40 ms late.
  if (deps.ruleSets === undefined) defaultRuleSet();

  const gateway = createGateway({
    ...deps.gateway,
    secret,
    cache,
    now,
    onError,
    inbox: {
      listAfter: (tenant, subscriber, afterSeq, limit) =>
        store.inbox.listAfterSequence(tenant, subscriber, afterSeq, limit).map((row) => toNotification(row)),
      summary: (tenant, subscriber) => ({
        lastSeq: store.inbox.lastSequence(tenant, subscriber),
        unreadCount: store.inbox.unreadCount(tenant, subscriber),
      }),
      unreadCount: (tenant, subscriber) => store.inbox.unreadCount(tenant, subscriber),
    },
    onMark: async ({ tenant, subscriber }, mark) => {
      const { type: _type, ...request } = mark;
      await applyMark(store, gateway, tenant, subscriber, request, now());
    },
  });

  const webhookEndpoint = deps.webhookEndpoint ?? (() => undefined);
  const webhooks = new WebhookSender(store, deps.webhooks ?? {}, {
    endpointFor: webhookEndpoint,
    load: (tenant, id) => {
      const stored = store.inbox.get(tenant, id);
      return stored === undefined ? undefined : toNotification(stored);
    },
    onOutcome: (outcome) => {
      metrics.webhooks.inc({ status: outcome.status });
      if (outcome.status === 'failed') logger.warn(outcome, 'webhook delivery failed');
    },
  });
  const pipeline = new NotificationPipeline({
    log,
    store,
    profiles,
    gateway,
    throttle: new Throttle(cache, deps.throttle ?? {}, onError),
    webhooks,
    webhookEndpoint,
    ruleSets: deps.ruleSets ?? defaultRuleSet,
    teamMembers: deps.teamMembers ?? ((tenant, team) => store.teams.members(tenant, team)),
    latency,
    metrics,
    logger,
    now,
    stamp: deps.now ?? epochClock,
    sliceSize: deps.sliceSize ?? 64,
  });

  const housekeeper = createAppHousekeeper({
    store,
    tasks: ['expiredNotifications', 'replacedNotifications'],
    settings: deps.housekeeping,
    logger,
    now,
    onPurged: (counts) => {
      for (const [task, rows] of Object.entries(counts)) metrics.purgedRows.inc({ task }, rows);
    },
  });

  let subscription: Promise<Subscription> | undefined;
  let closing = false;

  const app = new Hono();
  answerErrorsAsJson(app, logger);
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const checks = {
      ...(await probeDependencies({ log, topic, store, logger })),
      consuming: subscription !== undefined && !closing,
    };
    if (Object.values(checks).every(Boolean)) return c.json({ status: 'ready', checks });
    const down = failingChecks(checks);
    return c.json(apiError('unavailable', closing ? 'shutting down' : `not ready: ${down.join(', ')}`), 503);
  });
  app.get('/metrics', async (c) =>
    c.text(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType }),
  );
  // Push's own bodies (marks, token requests) are small.
  app.use('/v1/*', limitBody(65_536));
  if (allowOrigins !== undefined) {
    for (const path of subscriberRoutePaths) app.use(path, allowOrigins);
  }
  app.route('/', gateway.app);
  app.route('/', subscriberTokenRoutes({ store, secret, now }));
  app.route('/', subscriberRoutes({ store }));
  app.route('/', teamRoutes({ store }));
  app.route('/', inboxRoutes({ store, gateway, secret, now }));
  app.route('/', latencyRoutes({ store, latency }));
  app.route('/', preferenceRoutes({ store, secret, now }));

  const start = async (): Promise<void> => {
    subscription ??= (async () => {
      await log.ensureTopic(topic);
      // Retries and deferred sends a restart left in the store.
      webhooks.start();
      housekeeper?.start();
      const joined = await log.subscribe({
        topic,
        group,
        handler: pipeline.handle,
        maxBatchSize: deps.maxBatchSize ?? 100,
        maxInFlightBatches: deps.maxInFlightBatches ?? 8,
        onError: (error, record) =>
          logger.error(
            {
              err: error,
              ...(record === undefined ? {} : { partition: record.partition, offset: record.offset }),
            },
            'push handler failed',
          ),
      });
      logger.info({ topic, group, partitions: joined.assignedPartitions() }, 'push started');
      return joined;
    })();
    await subscription;
  };

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing = true;
    closed ??= (async () => {
      const joined = await subscription?.catch(() => undefined);
      await joined?.close();
      pipeline.close();
      await housekeeper?.close();
      await webhooks.close();
      await gateway.close();
    })();
    return closed;
  };

  return {
    app,
    gateway,
    metrics,
    latency,
    attach: (server) => gateway.attach(server),
    start,
    close,
    [Symbol.asyncDispose]: close,
  };
}
