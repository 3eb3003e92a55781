import { serve } from '@hono/node-server';
import { closeServer, housekeepingSettings, stopOnSignals } from '@herald/http';
import { watchRuleFile } from '@herald/rules';
import { openStore } from '@herald/store';
import { createEventLog } from '@herald/transport';
import { Hono } from 'hono';
import { pino } from 'pino';
import { createSchedulerApp } from './create-scheduler-app.js';
import { parseSchedulerEnv } from './parse-scheduler-env.js';

async function main(): Promise<void> {
  const parsed = parseSchedulerEnv(process.env);
  if (!parsed.ok) {
    console.error(`herald-scheduler: ${parsed.message}`);
    process.exit(1);
  }
  const config = parsed.config;
  const logger = pino({ level: config.LOG_LEVEL, name: 'herald-scheduler' });

  const store = openStore({ path: config.HERALD_DB });
  const log = await createEventLog(config.HERALD_LOG_URL);
  const rules = await watchRuleFile(config.HERALD_RULES, logger);
  const scheduler = createSchedulerApp({
    log,
    store,
    logger,
    rules: () => rules.current(),
    topic: config.HERALD_TOPIC,
    ...(config.HERALD_SCHEDULER_INSTANCE_ID === undefined
      ? {}
      : { instanceId: config.HERALD_SCHEDULER_INSTANCE_ID }),
    horizonMs: config.HERALD_SCHEDULER_HORIZON_MS,
    leaseMs: config.HERALD_SCHEDULER_LEASE_MS,
    batchSize: config.HERALD_SCHEDULER_BATCH_SIZE,
    sweepIntervalMs: config.HERALD_SCHEDULER_SWEEP_INTERVAL_MS,
    missedAfterMs: config.HERALD_SCHEDULER_MISSED_AFTER_MS,
    maxHeld: config.HERALD_SCHEDULER_MAX_HELD,
    claimAheadMs: config.HERALD_SCHEDULER_CLAIM_AHEAD_MS,
    housekeeping: housekeepingSettings(config.HERALD_PURGE_INTERVAL_MS, {
      finishedReminderRetentionMs: config.HERALD_REMINDER_HISTORY_MS,
    }),
  });
  await scheduler.start();

  let stopping = false;
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const readiness = await scheduler.readiness();
    if (readiness.ready && !stopping) {
      return c.json({ status: 'ready', instanceId: scheduler.instanceId, checks: readiness.checks });
    }
    const message = stopping ? 'shutting down' : (readiness.message ?? 'not ready');
    return c.json({ error: { code: 'unavailable', message } }, 503);
  });
  app.get('/stats', (c) => c.json(scheduler.stats()));
  app.route('/', scheduler.app);

  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    logger.info({ port: info.port, host: config.HOST }, 'herald scheduler listening');
  });

  stopOnSignals({
    logger,
    timeoutMs: config.HERALD_SHUTDOWN_TIMEOUT_MS,
    close: async () => {
      stopping = true;
      const serverClosed = closeServer(server);
      await scheduler.close();
      await serverClosed;
      rules.close();
      await log.close();
      await store.close();
    },
  });
}

main().catch((error: unknown) => {
  console.error('herald-scheduler: failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
