import type { Gateway } from '@herald/gateway';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { latencyStages, type LatencyStats } from './latency-stats.js';

/** The Prometheus metrics of one push app, on a registry of its own. */
export interface PushMetrics {
  readonly registry: Registry;
  readonly events: Counter<'outcome'>;
  readonly notifications: Counter<'outcome'>;
  readonly webhooks: Counter<'status'>;
  /** Rows store housekeeping deleted, by task (`expiredNotifications`, `replacedNotifications`). */
  readonly purgedRows: Counter<'task'>;
}

/**
 * A fresh registry with push's counters, plus gauges read at scrape time: the per-tenant stage
 * latencies from the core histograms (`herald_push_latency_ms{tenant,stage,quantile}`), the
 * predicted p99 and the gateway's connections.
 *
 * @example
 * const metrics = createPushMetrics(latency, () => gateway);
 * metrics.notifications.inc({ outcome: 'delivered' });
 */
export function createPushMetrics(
  latency: LatencyStats,
  gateway: () => Gateway | undefined,
  options: { defaultMetrics?: boolean } = {},
): PushMetrics {
  const registry = new Registry();
  if (options.defaultMetrics === true) collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'herald_push_latency_ms',
    help: 'Notification latency per tenant and stage over the last window (core histograms), in ms.',
    labelNames: ['tenant', 'stage', 'quantile'],
    registers: [registry],
    collect() {
      this.reset();
      for (const tenant of latency.tenants()) {
        const { stages } = latency.report(tenant);
        for (const stage of latencyStages) {
          for (const quantile of ['p50', 'p90', 'p99'] as const) {
            const value = stages[stage][quantile];
            if (value !== null) this.set({ tenant, stage, quantile }, value);
          }
        }
      }
    },
  });
  new Gauge({
    name: 'herald_push_predicted_p99_ms',
    help: 'M/M/c prediction of the processing p99 at the current arrival rate, in ms (+Inf when overloaded).',
    registers: [registry],
    collect() {
      const prediction = latency.prediction();
      if (prediction === null) this.reset();
      else this.set('unstable' in prediction ? Infinity : prediction.p99Ms);
    },
  });
  new Gauge({
    name: 'herald_push_connections',
    help: 'Open WebSocket and SSE connections on this instance.',
    registers: [registry],
    collect() {
      this.set(gateway()?.stats().connections ?? 0);
    },
  });
  return {
    registry,
    events: new Counter({
      name: 'herald_push_events_total',
      help: 'Events consumed from the log, by outcome: evaluated or malformed.',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    notifications: new Counter({
      name: 'herald_push_notifications_total',
      help: 'Notifications by outcome: delivered, deferred (quiet hours), throttled, opted_out, replayed.',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    webhooks: new Counter({
      name: 'herald_push_webhooks_total',
      help: 'Webhook deliveries by final status: delivered or failed.',
      labelNames: ['status'],
      registers: [registry],
    }),
    purgedRows: new Counter({
      name: 'herald_push_purged_rows_total',
      help: 'Inbox rows store housekeeping deleted, by task: expiredNotifications or replacedNotifications.',
      labelNames: ['task'],
      registers: [registry],
    }),
  };
}
