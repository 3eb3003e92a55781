import { serve } from '@hono/node-server';
import { createCache } from '@herald/cache';
import { closeServer, housekeepingSettings, stopOnSignals } from '@herald/http';
import { CustomerProfiles } from '@herald/profiles';
import { openStore } from '@herald/store';
import { createEventLog } from '@herald/transport';
import { pino } from 'pino';
import { createIngestApp } from './create-ingest-app.js';
import { parseIngestEnv } from './parse-ingest-env.js';

async function main(): Promise<void> {
  const parsed = parseIngestEnv(process.env);
  if (!parsed.ok) {
    console.error(`herald-ingest: ${parsed.message}`);
    process.exit(1);
  }
  const config = parsed.config;
  const logger = pino({ level: config.LOG_LEVEL, name: 'herald-ingest' });

  const store = openStore({ path: config.HERALD_DB });
  const log = await createEventLog(config.HERALD_LOG_URL);
  const cache = await createCache(config.HERALD_CACHE_URL, { prefix: 'herald:' });
  const profiles = new CustomerProfiles({
    customers: store.customers,
    cache,
    onError: (error) => logger.warn({ err: error }, 'profile cache'),
  });
  const ingest = createIngestApp({
    log,
    store,
    profiles,
    cache,
    logger,
    topic: config.HERALD_TOPIC,
    limits: {
      maxBodyBytes: config.HERALD_INGEST_MAX_BODY_BYTES,
      maxBatchEvents: config.HERALD_INGEST_MAX_BATCH_EVENTS,
      requestsPerSecond: config.HERALD_INGEST_RATE_LIMIT,
      retryAfterSeconds: config.HERALD_INGEST_RETRY_AFTER_SECONDS,
    },
    dedup: {
      windowMs: config.HERALD_INGEST_DEDUP_WINDOW_MS,
      expectedItems: config.HERALD_INGEST_DEDUP_EXPECTED_ITEMS,
      exactCheck: config.HERALD_INGEST_EXACT_CHECK,
    },
    housekeeping: housekeepingSettings(config.HERALD_PURGE_INTERVAL_MS),
  });
  await ingest.start();

  const server = serve({ fetch: ingest.app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    logger.info({ port: info.port, host: config.HOST }, 'herald ingest listening');
  });

  stopOnSignals({
    logger,
    timeoutMs: config.HERALD_SHUTDOWN_TIMEOUT_MS,
    close: async () => {
      const serverClosed = closeServer(server);
      await ingest.close();
      await serverClosed;
      await profiles.close();
      await log.close();
      await cache.close();
      await store.close();
    },
  });
}

main().catch((error: unknown) => {
  console.error('herald-ingest: failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
