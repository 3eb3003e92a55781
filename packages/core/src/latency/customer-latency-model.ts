import { CoreError } from '../core-error.js';
import { Histogram, type HistogramOptions, type HistogramSnapshot } from './histogram.js';
import { MmcQueue } from './mmc-queue.js';

/** The load under which {@link CustomerLatencyModel.predict} forecasts latencies. */
export interface LatencyLoad {
  /** Requests per second. */
  arrivalRate: number;
  /** Workers serving them in parallel (a positive integer). */
  servers: number;
  /**
   * Mean service time in µs, overriding the measured T_update.
   * @defaultValue {@link CustomerLatencyModel.tUpdate}
   */
  serviceTime?: number;
}

/** {@link CustomerLatencyModel} as JSON. */
export interface CustomerLatencySnapshot {
  tUpdate: number | null;
  tResponse: number | null;
  updates: HistogramSnapshot;
  responses: HistogramSnapshot;
}

/**
 * The latency model of the second seed, measured and predicted, in microseconds.
 *
 * - T_update = (1/N)·Σ update time over N customer updates: {@link tUpdate}
 * - T_response = (1/M)·Σ response time over M requests: {@link tResponse}
 *
 * Each mean is backed by a {@link Histogram}, so the same data also gives percentiles.
 * {@link predict} treats a customer update as the work of one request: with service rate
 * μ = 1/T_update it models the service as an M/M/c queue and forecasts T_response (and
 * its percentiles) under a load that has not happened yet.
 *
 * @example
 * const model = new CustomerLatencyModel();
 * model.recordUpdate(4_000); // one customer updated in 4 ms
 * model.recordResponse(6_500); // one request answered in 6.5 ms
 * const queue = model.predict({ arrivalRate: 600, servers: 4 }); // 600 req/s on 4 workers
 * queue.meanResponse; // the predicted T_response in µs
 * queue.responsePercentile(99); // the predicted p99 in µs
 */
export class CustomerLatencyModel {
  /** Customer-update times in µs; its count is N. */
  readonly updates: Histogram;
  /** Request response times in µs; its count is M. */
  readonly responses: Histogram;

  constructor(options: HistogramOptions = {}) {
    this.updates = new Histogram(options);
    this.responses = new Histogram(options);
  }

  /**
   * Records how long updating one customer took, in µs.
   *
   * @example
   * model.recordUpdate((performance.now() - started) * 1000);
   */
  recordUpdate(micros: number, count = 1): void {
    this.updates.record(micros, count);
  }

  /**
   * Records how long answering one request took, in µs.
   *
   * @example
   * model.recordResponse((performance.now() - received) * 1000);
   */
  recordResponse(micros: number, count = 1): void {
    this.responses.record(micros, count);
  }

  /**
   * T_update: the mean customer-update time in µs, or `undefined` before any update.
   *
   * @example
   * model.tUpdate();
   */
  tUpdate(): number | undefined {
    return this.updates.mean;
  }

  /**
   * T_response: the mean request response time in µs, or `undefined` before any request.
   *
   * @example
   * model.tResponse();
   */
  tResponse(): number | undefined {
    return this.responses.mean;
  }

  /**
   * The `q`-th percentile (0–100) of customer-update times, in µs.
   *
   * @example
   * model.updatePercentile(99);
   */
  updatePercentile(q: number): number | undefined {
    return this.updates.percentile(q);
  }

  /**
   * The `q`-th percentile (0–100) of response times, in µs.
   *
   * @example
   * model.responsePercentile(99);
   */
  responsePercentile(q: number): number | undefined {
    return this.responses.percentile(q);
  }

  /**
   * Forecasts latencies at `arrivalRate` requests per second on `servers` workers, with
   * service rate μ = 1/T_update. The queue's rates are per µs, so its times are µs and
   * compare directly with {@link tResponse}. Throws `EMPTY` with no update recorded (and
   * no `serviceTime`), `UNSTABLE_SYSTEM` when the load exceeds the capacity.
   *
   * @example
   * model.predict({ arrivalRate: 600, servers: 4 }).meanResponse; // µs
   */
  predict(load: LatencyLoad): MmcQueue {
    const serviceTime = load.serviceTime ?? this.tUpdate();
    if (serviceTime === undefined) {
      throw new CoreError('EMPTY', 'no customer update recorded: T_update, the service time, is unknown');
    }
    if (!(serviceTime > 0 && Number.isFinite(serviceTime))) {
      throw new CoreError(
        'INVALID_ARGUMENT',
        `the service time must be a finite number of µs > 0, got ${serviceTime}`,
      );
    }
    if (!(load.arrivalRate >= 0 && Number.isFinite(load.arrivalRate))) {
      throw new CoreError(
        'INVALID_ARGUMENT',
        `arrivalRate must be a finite number ≥ 0, got ${load.arrivalRate}`,
      );
    }
    return new MmcQueue({
      arrivalRate: load.arrivalRate / 1_000_000,
      serviceRate: 1 / serviceTime,
      servers: load.servers,
    });
  }

  /**
   * Both means and both histograms as JSON.
   *
   * @example
   * JSON.stringify(model);
   */
  toJSON(): CustomerLatencySnapshot {
    return {
      tUpdate: this.tUpdate() ?? null,
      tResponse: this.tResponse() ?? null,
      updates: this.updates.toJSON(),
      responses: this.responses.toJSON(),
    };
  }
}
