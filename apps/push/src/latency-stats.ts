import { MmcQueue, RateMeter, SlidingWindowHistogram } from '@herald/core';

/** The pipeline stages a notification's latency is split into. */
export const latencyStages = ['ingest', 'log', 'process', 'deliver', 'total'] as const;

/** One stage: `ingest` received → appended, `log` appended → consumed, `process` consumed → stored, `deliver` stored → written, `total` received → written. */
export type LatencyStage = (typeof latencyStages)[number];

/** Stage times of one notification, epoch ms. */
export interface StageTimes {
  ingested: number;
  appended: number;
  consumed: number;
  stored: number;
  written: number;
}

/** One stage's figures over the window, in ms. */
export interface StageSummary {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

/** The M/M/1 prediction of push's response time at the current arrival rate. */
export type LatencyPrediction =
  | {
      model: 'M/M/c';
      servers: number;
      arrivalRatePerSecond: number;
      serviceTimeMs: number;
      utilisation: number;
      p50Ms: number;
      p99Ms: number;
    }
  | { model: 'M/M/c'; unstable: true; arrivalRatePerSecond: number; serviceTimeMs: number }
  | null;

/** What `GET /v1/stats/latency` answers for one tenant. */
export interface LatencyReport {
  tenant: string;
  windowMs: number;
  arrivalRatePerSecond: number;
  stages: Record<LatencyStage, StageSummary>;
  prediction: LatencyPrediction;
}

interface TenantStats {
  stages: Record<LatencyStage, SlidingWindowHistogram>;
  arrivals: RateMeter;
}

const microseconds = 1000;

/**
 * Per-tenant latency histograms (core's sliding windows, values in µs) of each pipeline stage,
 * the arrival rate, and the M/M/c prediction of the processing stage's response time from the
 * measured service time: the "how late will we be at this load" figure.
 *
 * @example
 * stats.record('acme', times, serviceMs);
 * stats.report('acme'); // { stages: { total: { p50, p90, p99 } … }, prediction: { p99Ms } }
 */
export class LatencyStats {
  readonly windowMs: number;
  readonly #servers: number;
  readonly #tenants = new Map<string, TenantStats>();
  readonly #service: SlidingWindowHistogram;
  readonly #arrivals: RateMeter;

  constructor(options: { windowMs?: number; servers?: number } = {}) {
    this.windowMs = options.windowMs ?? 60_000;
    this.#servers = options.servers ?? 1;
    this.#service = new SlidingWindowHistogram({ window: this.windowMs });
    this.#arrivals = new RateMeter({ window: this.windowMs });
  }

  /** Records one notification's stages and how long push worked on it (ms). */
  record(tenant: string, times: StageTimes, serviceMs: number): void {
    const stats = this.#tenant(tenant);
    const spans: Record<LatencyStage, number> = {
      ingest: times.appended - times.ingested,
      log: times.consumed - times.appended,
      process: times.stored - times.consumed,
      deliver: times.written - times.stored,
      total: times.written - times.ingested,
    };
    for (const stage of latencyStages) {
      stats.stages[stage].record(Math.max(0, spans[stage]) * microseconds);
    }
    stats.arrivals.mark();
    this.#arrivals.mark();
    this.#service.record(Math.max(1, serviceMs * microseconds));
  }

  /** Tenants with figures. */
  tenants(): string[] {
    return [...this.#tenants.keys()];
  }

  /** One tenant's figures and the instance's prediction. */
  report(tenant: string): LatencyReport {
    const stats = this.#tenants.get(tenant);
    const stages = {} as Record<LatencyStage, StageSummary>;
    for (const stage of latencyStages) {
      const histogram = stats?.stages[stage].snapshot();
      const ms = (q: number): number | null => {
        const value = histogram?.percentile(q);
        return value === undefined ? null : Math.round(value) / microseconds;
      };
      stages[stage] = { count: histogram?.count ?? 0, p50: ms(50), p90: ms(90), p99: ms(99) };
    }
    return {
      tenant,
      windowMs: this.windowMs,
      arrivalRatePerSecond: round(stats?.arrivals.rate() ?? 0),
      stages,
      prediction: this.prediction(),
    };
  }

  /** The M/M/c response time at the instance's current arrival rate, or `null` without data. */
  prediction(): LatencyPrediction {
    const service = this.#service.snapshot();
    const meanUs = service.mean;
    const arrivalRatePerSecond = this.#arrivals.rate();
    if (meanUs === undefined || arrivalRatePerSecond <= 0) return null;
    const serviceTimeMs = meanUs / microseconds;
    const serviceRate = 1000 / serviceTimeMs;
    if (arrivalRatePerSecond >= serviceRate * this.#servers) {
      return {
        model: 'M/M/c',
        unstable: true,
        arrivalRatePerSecond: round(arrivalRatePerSecond),
        serviceTimeMs: round(serviceTimeMs),
      };
    }
    const queue = new MmcQueue({ arrivalRate: arrivalRatePerSecond, serviceRate, servers: this.#servers });
    return {
      model: 'M/M/c',
      servers: this.#servers,
      arrivalRatePerSecond: round(arrivalRatePerSecond),
      serviceTimeMs: round(serviceTimeMs),
      utilisation: round(queue.utilisation),
      p50Ms: round(queue.responsePercentile(50) * 1000),
      p99Ms: round(queue.responsePercentile(99) * 1000),
    };
  }

  #tenant(tenant: string): TenantStats {
    let stats = this.#tenants.get(tenant);
    if (stats === undefined) {
      const window = { window: this.windowMs };
      stats = {
        stages: {
          ingest: new SlidingWindowHistogram(window),
          log: new SlidingWindowHistogram(window),
          process: new SlidingWindowHistogram(window),
          deliver: new SlidingWindowHistogram(window),
          total: new SlidingWindowHistogram(window),
        },
        arrivals: new RateMeter(window),
      };
      this.#tenants.set(tenant, stats);
    }
    return stats;
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
