import { serve } from '@hono/node-server';
import { createCache } from '@herald/cache';
import { closeServer, housekeepingSettings, stopOnSignals } from '@herald/http';
import { CustomerProfiles } from '@herald/profiles';
import { watchRuleFile } from '@herald/rules';
import { openStore } from '@herald/store';
import { createEventLog } from '@herald/transport';
import { pino } from 'pino';
import { createPushApp } from './create-push-app.js';
import { parsePushEnv } from './parse-push-env.js';

async function main(): Promise<void> {
  const parsed = parsePushEnv(process.env);
  if (!parsed.ok) {
    console.error(`herald-push: ${parsed.message}`);
    process.exit(1);
  }
  const config = parsed.config;
  const logger = pino({ level: config.LOG_LEVEL, name: 'herald-push' });

  const rules = await watchRuleFile(config.HERALD_RULES, logger);

  const store = openStore({ path: config.HERALD_DB });
  const log = await createEventLog(config.HERALD_LOG_URL);
  const cache = await createCache(config.HERALD_CACHE_URL, { prefix: 'herald:' });
  const profiles = new CustomerProfiles({
    customers: store.customers,
    cache,
    onError: (error) => logger.warn({ err: error }, 'profile cache'),
  });
  const webhook =
    config.HERALD_WEBHOOK_URL === undefined || config.HERALD_WEBHOOK_SECRET === undefined
      ? undefined
      : { url: config.HERALD_WEBHOOK_URL, secret: config.HERALD_WEBHOOK_SECRET };
  const push = createPushApp({
    log,
    store,
    cache,
    profiles,
    logger,
    secret: config.HERALD_TOKEN_SECRET,
    ruleSets: () => rules.current(),
    webhookEndpoint: () => webhook,
    topic: config.HERALD_TOPIC,
    throttle: { limit: config.HERALD_PUSH_THROTTLE_LIMIT, windowMs: config.HERALD_PUSH_THROTTLE_WINDOW_MS },
    gateway: { maxQueuedFrames: config.HERALD_PUSH_MAX_QUEUED_FRAMES },
    corsOrigins: config.HERALD_CORS_ORIGINS,
    housekeeping: housekeepingSettings(config.HERALD_PURGE_INTERVAL_MS, {
      replacedRetentionMs: config.HERALD_REPLACED_RETENTION_MS,
    }),
  });

  const server = serve({ fetch: push.app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    logger.info({ port: info.port, host: config.HOST }, 'herald push listening');
  });
  push.attach(server);
  await push.start();

  stopOnSignals({
    logger,
    timeoutMs: config.HERALD_SHUTDOWN_TIMEOUT_MS,
    close: async () => {
      const serverClosed = closeServer(server);
      await push.close();
      await serverClosed;
      rules.close();
      await profiles.close();
      await log.close();
      await cache.close();
      await store.close();
    },
  });
}

main().catch((error: unknown) => {
  console.error('herald-push: failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
