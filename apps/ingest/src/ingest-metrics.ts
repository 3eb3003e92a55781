import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus metrics of one ingest app, on a registry of its own. */
export interface IngestMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  readonly events: Counter<'outcome'>;
  readonly appendDuration: Histogram;
  /** Store lookups behind a "probably seen" of the dedup filter. */
  readonly dedupExactChecks: Counter;
  /** Rows store housekeeping deleted, by task (`processedEvents`). */
  readonly purgedRows: Counter<'task'>;
  /**
   * Makes the dedup filter's estimated false-positive rate a gauge, read at each scrape (the
   * estimate counts the filter's bits, too much work for every request).
   */
  measureDedupFilter(falsePositiveRate: () => number): void;
}

/**
 * A fresh registry with ingest's counters and histograms, so several apps in one process
 * (tests, `herald start`) never collide.
 *
 * @example
 * const metrics = createIngestMetrics();
 * metrics.events.inc({ outcome: 'accepted' });
 * const text = await metrics.registry.metrics();
 */
export function createIngestMetrics(options: { defaultMetrics?: boolean } = {}): IngestMetrics {
  const registry = new Registry();
  if (options.defaultMetrics === true) collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  let filterFalsePositiveRate: (() => number) | undefined;
  new Gauge({
    name: 'herald_ingest_dedup_filter_false_positive_rate',
    help: 'Estimated false-positive rate of the dedup Bloom filter; far above its design rate, the filter is undersized (HERALD_INGEST_DEDUP_EXPECTED_ITEMS) and most keys go to the store.',
    registers: [registry],
    collect() {
      if (filterFalsePositiveRate !== undefined) this.set(filterFalsePositiveRate());
    },
  });
  return {
    registry,
    requests: new Counter({
      name: 'herald_ingest_http_requests_total',
      help: 'HTTP requests by method, route and status.',
      labelNames,
      registers: [registry],
    }),
    requestDuration: new Histogram({
      name: 'herald_ingest_http_request_duration_seconds',
      help: 'HTTP request latency (T_response) by method, route and status.',
      labelNames,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    events: new Counter({
      name: 'herald_ingest_events_total',
      help: 'Events by outcome: accepted, duplicate or rejected.',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    appendDuration: new Histogram({
      name: 'herald_ingest_append_duration_seconds',
      help: 'Time for the log to make an append durable.',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    dedupExactChecks: new Counter({
      name: 'herald_ingest_dedup_exact_checks_total',
      help: 'Dedup keys looked up in the store because the Bloom filter may have seen them.',
      registers: [registry],
    }),
    purgedRows: new Counter({
      name: 'herald_ingest_purged_rows_total',
      help: 'Rows store housekeeping deleted, by task: processedEvents (dedup records past their window).',
      labelNames: ['task'],
      registers: [registry],
    }),
    measureDedupFilter(falsePositiveRate) {
      filterFalsePositiveRate = falsePositiveRate;
    },
  };
}
