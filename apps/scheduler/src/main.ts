import { serve } from '@hono/node-server';
import { RuleSetWatcher } from '@herald/rules';
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
  let watcher: RuleSetWatcher | undefined;
  if (config.HERALD_RULES !== undefined) {
    watcher = new RuleSetWatcher(config.HERALD_RULES, {
      onError: (error) => logger.warn({ err: error }, 'rule set reload failed; keeping the last good one'),
    });
    await watcher.start();
  }
  const rules = watcher;
  const scheduler = createSchedulerApp({
    log,
    store,
    logger,
    ...(rules === undefined ? {} : { rules: () => rules.current }),
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
  });
  await scheduler.start();

  let stopping = false;
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) =>
    stopping || store.closed
      ? c.json({ error: { code: 'unavailable', message: 'shutting down' } }, 503)
      : c.json({ status: 'ready', instanceId: scheduler.instanceId }),
  );
  app.get('/stats', (c) => c.json(scheduler.stats()));
  app.route('/', scheduler.app);

  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    logger.info({ port: info.port, host: config.HOST }, 'herald scheduler listening');
  });

  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown timed out');
      process.exit(1);
    }, config.HERALD_SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    if ('closeIdleConnections' in server) server.closeIdleConnections();
    await scheduler.close();
    await serverClosed;
    watcher?.close();
    await log.close();
    await store.close();
    clearTimeout(timer);
    logger.info('stopped');
    logger.flush(() => process.exit(0));
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void shutdown(signal));
  }
}

main().catch((error: unknown) => {
  console.error('herald-scheduler: failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
