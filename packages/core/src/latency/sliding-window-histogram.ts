import { CoreError } from '../core-error.js';
import { Histogram, type HistogramOptions } from './histogram.js';

/** The window of a {@link SlidingWindowHistogram}, and the buckets of its slices. */
export interface SlidingWindowHistogramOptions extends HistogramOptions {
  /**
   * The span covered, in milliseconds.
   * @defaultValue 60_000
   */
  window?: number;
  /**
   * How many slices the window is cut into: more slices expire data more smoothly and
   * cost `bucketCount × 8` bytes each.
   * @defaultValue 6
   */
  slices?: number;
  /**
   * The clock, in milliseconds; it should not go backwards.
   * @defaultValue `performance.now`
   */
  now?: () => number;
}

interface Slice {
  epoch: number;
  histogram: Histogram;
}

/**
 * Latencies over the recent past ("p99 over the last minute"): a ring of histograms, one
 * per time slice, each reset when its slot is reused. Queries merge the live slices, so
 * they cover the last `window` ms to within one slice: between window − window/slices
 * and window.
 *
 * @example
 * const lastMinute = new SlidingWindowHistogram({ window: 60_000, slices: 6 });
 * lastMinute.record(elapsedMicros);
 * lastMinute.percentile(99); // p99 over the last 50–60 s, in µs
 */
export class SlidingWindowHistogram {
  /** The span covered, in milliseconds. */
  readonly window: number;
  readonly #sliceLength: number;
  readonly #ring: Slice[];
  readonly #now: () => number;
  readonly #options: HistogramOptions;
  // Merging on every query would cost slices × buckets; the merge is kept until a record
  // or a slice boundary changes it.
  readonly #merged: Histogram;
  #mergedEpoch = Number.NaN;

  constructor(options: SlidingWindowHistogramOptions = {}) {
    const { window = 60_000, slices = 6, now = () => performance.now(), ...histogramOptions } = options;
    if (!(window > 0 && Number.isFinite(window))) {
      throw new CoreError('INVALID_ARGUMENT', `window must be a finite number of ms > 0, got ${window}`);
    }
    if (!(Number.isSafeInteger(slices) && slices >= 1 && slices <= 1000)) {
      throw new CoreError('INVALID_ARGUMENT', `slices must be an integer in [1, 1000], got ${slices}`);
    }
    this.window = window;
    this.#sliceLength = window / slices;
    this.#now = now;
    this.#options = histogramOptions;
    this.#merged = new Histogram(histogramOptions);
    this.#ring = Array.from({ length: slices }, () => ({
      epoch: -Infinity,
      histogram: new Histogram(histogramOptions),
    }));
  }

  /**
   * Records `count` occurrences of a latency in microseconds, in the current slice.
   *
   * @example
   * window.record(performance.now() * 1000 - startedMicros);
   */
  record(value: number, count = 1): void {
    const epoch = Math.floor(this.#now() / this.#sliceLength);
    const slice = this.#slice(epoch);
    if (slice.epoch !== epoch) {
      slice.histogram.reset();
      slice.epoch = epoch;
    }
    slice.histogram.record(value, count);
    this.#mergedEpoch = Number.NaN;
  }

  /**
   * A new histogram holding every value of the live slices.
   *
   * @example
   * const { p50, p99, count } = window.snapshot().toJSON();
   */
  snapshot(): Histogram {
    return new Histogram(this.#options).merge(this.#current());
  }

  /**
   * The `q`-th percentile (0–100) over the window, in µs; `undefined` when nothing is live.
   *
   * @example
   * window.percentile(99);
   */
  percentile(q: number): number | undefined {
    return this.#current().percentile(q);
  }

  /**
   * Forgets every slice.
   *
   * @example
   * window.reset();
   */
  reset(): void {
    for (const slice of this.#ring) {
      slice.histogram.reset();
      slice.epoch = -Infinity;
    }
    this.#mergedEpoch = Number.NaN;
  }

  #current(): Histogram {
    const epoch = Math.floor(this.#now() / this.#sliceLength);
    if (epoch !== this.#mergedEpoch) {
      const merged = this.#merged;
      merged.reset();
      const oldest = epoch - this.#ring.length;
      for (const slice of this.#ring) {
        if (slice.epoch > oldest && slice.epoch <= epoch) merged.merge(slice.histogram);
      }
      this.#mergedEpoch = epoch;
    }
    return this.#merged;
  }

  #slice(epoch: number): Slice {
    const length = this.#ring.length;
    return this.#ring[((epoch % length) + length) % length]!;
  }
}
