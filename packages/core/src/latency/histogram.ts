import { CoreError } from '../core-error.js';

/** How a {@link Histogram} trades memory for precision. */
export interface HistogramOptions {
  /**
   * Largest relative error of a reported percentile, between 0.0001 and 0.5. The histogram
   * keeps 2^k linear sub-buckets per power of two, with the smallest k whose error bound
   * 2^-(k+1) stays within this (0.01 gives k = 6: 64 sub-buckets, error ≤ 0.79 %).
   * @defaultValue 0.01
   */
  relativeError?: number;
  /**
   * Largest value tracked, in microseconds (a safe integer ≥ 1). Larger values are
   * recorded as `maxValue` and counted in {@link Histogram.clampedCount}.
   * @defaultValue 3_600_000_000 (one hour)
   */
  maxValue?: number;
}

/**
 * A histogram as plain JSON: summary figures for humans, sparse buckets for
 * {@link Histogram.fromJSON}. Figures of an empty histogram are `null`.
 */
export interface HistogramSnapshot {
  version: 1;
  relativeError: number;
  maxValue: number;
  count: number;
  clampedCount: number;
  sum: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  /** Non-empty buckets as flat pairs: `[index, count, index, count, …]`, indexes ascending. */
  buckets: number[];
}

const DEFAULT_RELATIVE_ERROR = 0.01;
const DEFAULT_MAX_VALUE = 3_600_000_000;
const TWO_POW_32 = 4_294_967_296;

/**
 * A log-linear (HDR-style) histogram of latencies in microseconds: constant memory,
 * O(1) recording, percentiles within a relative error (1 % by default).
 *
 * Values are whole microseconds when bucketed (fractions are truncated), must be
 * non-negative (a negative or NaN value throws `INVALID_ARGUMENT`: it is a clock bug, not a
 * latency) and are clamped to `maxValue`. `min`, `max` and `mean` are exact over the
 * (clamped) values as given. Percentiles use the nearest-rank definition with `q` in
 * [0, 100] and are within `relativeError` of the exact one for whole-µs values (fractions
 * may add up to 1 µs); the lowest and highest ranks return the exact min and max.
 * An empty histogram has no percentile, min, max or mean: they are `undefined`.
 *
 * @example
 * const h = new Histogram();
 * for (const micros of [120, 340, 95, 2_000, 410]) h.record(micros);
 * h.percentile(50); // ≈ 340 (within 1 %)
 * h.percentile(99); // 2000: the top rank is the exact max
 * h.mean; // 593
 */
export class Histogram {
  /** The relative error this histogram was configured with. */
  readonly relativeError: number;
  /** The largest value tracked, in microseconds; larger ones are clamped to it. */
  readonly maxValue: number;
  readonly #subBits: number;
  readonly #subCount: number;
  readonly #counts: Float64Array;
  #count = 0;
  #clamped = 0;
  #sum = 0;
  #min = Infinity;
  #max = -Infinity;

  constructor(options: HistogramOptions = {}) {
    const { relativeError = DEFAULT_RELATIVE_ERROR, maxValue = DEFAULT_MAX_VALUE } = options;
    if (!(relativeError >= 0.0001 && relativeError <= 0.5)) {
      throw new CoreError('INVALID_ARGUMENT', `relativeError must be in [0.0001, 0.5], got ${relativeError}`);
    }
    if (!(Number.isSafeInteger(maxValue) && maxValue >= 1)) {
      throw new CoreError('INVALID_ARGUMENT', `maxValue must be a safe integer ≥ 1, got ${maxValue}`);
    }
    this.relativeError = relativeError;
    this.maxValue = maxValue;
    // The epsilon keeps exact powers of two (0.5, 0.25, …) from costing a doubling of memory.
    this.#subBits = Math.max(0, Math.ceil(Math.log2(1 / relativeError) - 1 - 1e-9));
    this.#subCount = 2 ** this.#subBits;
    this.#counts = new Float64Array(this.#indexOf(maxValue) + 1);
  }

  /**
   * Rebuilds a histogram from {@link Histogram.toJSON}; throws `INVALID_SERIALIZATION` on anything else.
   *
   * @example
   * const copy = Histogram.fromJSON(JSON.parse(JSON.stringify(h)));
   */
  static fromJSON(json: unknown): Histogram {
    const fail = (why: string): never => {
      throw new CoreError('INVALID_SERIALIZATION', `not a histogram snapshot: ${why}`);
    };
    if (typeof json !== 'object' || json === null) return fail('expected an object');
    const s = json as Partial<Record<keyof HistogramSnapshot, unknown>>;
    if (s.version !== 1) return fail(`unknown version ${String(s.version)}`);
    if (typeof s.relativeError !== 'number' || typeof s.maxValue !== 'number') {
      return fail('relativeError and maxValue must be numbers');
    }
    let histogram: Histogram;
    try {
      histogram = new Histogram({ relativeError: s.relativeError, maxValue: s.maxValue });
    } catch (cause) {
      throw new CoreError('INVALID_SERIALIZATION', 'not a histogram snapshot: bad configuration', { cause });
    }
    const { count, clampedCount, sum, min, max, buckets } = s;
    if (!Array.isArray(buckets) || buckets.length % 2 !== 0)
      return fail('buckets must be [index, count] pairs');
    const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
    if (!isCount(count) || !isCount(clampedCount) || clampedCount > count) return fail('bad counts');
    if (typeof sum !== 'number' || !(sum >= 0)) return fail('bad sum');
    const counts = histogram.#counts;
    let total = 0;
    let previous = -1;
    for (let i = 0; i < buckets.length; i += 2) {
      const index: unknown = buckets[i];
      const n: unknown = buckets[i + 1];
      if (
        !Number.isSafeInteger(index) ||
        (index as number) <= previous ||
        (index as number) >= counts.length
      ) {
        return fail(`bucket index ${String(index)} out of order or range`);
      }
      if (!isCount(n) || n === 0) return fail(`bucket count ${String(n)} must be a positive integer`);
      counts[index as number] = n;
      previous = index as number;
      total += n;
    }
    if (total !== count) return fail(`buckets hold ${total} values, count says ${count}`);
    if (count > 0) {
      if (
        typeof min !== 'number' ||
        typeof max !== 'number' ||
        !(min >= 0 && min <= max && max <= s.maxValue)
      ) {
        return fail('bad min or max');
      }
      const first = buckets[0] as number;
      if (histogram.#indexOf(min) !== first || histogram.#indexOf(max) !== previous) {
        return fail('min and max disagree with the buckets');
      }
      histogram.#min = min;
      histogram.#max = max;
    }
    histogram.#count = count;
    histogram.#clamped = clampedCount;
    histogram.#sum = sum;
    return histogram;
  }

  /** How many values were recorded. */
  get count(): number {
    return this.#count;
  }

  /** How many recorded values exceeded `maxValue` and were clamped to it. */
  get clampedCount(): number {
    return this.#clamped;
  }

  /** The smallest value recorded, or `undefined` when empty. */
  get min(): number | undefined {
    return this.#count === 0 ? undefined : this.#min;
  }

  /** The largest value recorded (after clamping), or `undefined` when empty. */
  get max(): number | undefined {
    return this.#count === 0 ? undefined : this.#max;
  }

  /** The exact arithmetic mean of the recorded values, or `undefined` when empty. */
  get mean(): number | undefined {
    return this.#count === 0 ? undefined : this.#sum / this.#count;
  }

  /** The number of buckets: memory is `bucketCount × 8` bytes, whatever is recorded. */
  get bucketCount(): number {
    return this.#counts.length;
  }

  /**
   * Records `count` occurrences of a latency in microseconds.
   *
   * @example
   * const started = performance.now();
   * await handle(request);
   * histogram.record((performance.now() - started) * 1000);
   */
  record(value: number, count = 1): void {
    if (!(value >= 0)) {
      throw new CoreError('INVALID_ARGUMENT', `a latency must be a non-negative number of µs, got ${value}`);
    }
    if (count !== 1) {
      if (!(Number.isSafeInteger(count) && count >= 0)) {
        throw new CoreError('INVALID_ARGUMENT', `count must be a non-negative integer, got ${count}`);
      }
      if (count === 0) return;
    }
    let v = value;
    if (v > this.maxValue) {
      v = this.maxValue;
      this.#clamped += count;
    }
    this.#counts[this.#indexOf(v)]! += count;
    this.#count += count;
    this.#sum += v * count;
    if (v < this.#min) this.#min = v;
    if (v > this.#max) this.#max = v;
  }

  /**
   * The value at percentile `q` (0–100, nearest rank), within the relative error; `undefined`
   * when empty. Throws `INVALID_ARGUMENT` for `q` outside [0, 100].
   *
   * @example
   * histogram.percentile(99.9); // the p999 latency in µs
   */
  percentile(q: number): number | undefined {
    if (!(q >= 0 && q <= 100)) {
      throw new CoreError('INVALID_ARGUMENT', `a percentile must be in [0, 100], got ${q}`);
    }
    const n = this.#count;
    if (n === 0) return undefined;
    const exact = (q * n) / 100;
    // Shaves floating-point noise: 16.1 % of 1000 values is rank 161, yet q·n/100 computes as
    // 161.00000000000003, which a bare ceil would make 162.
    const rank = Math.max(1, Math.ceil(exact - exact * 1e-12));
    if (rank === 1) return this.#min;
    if (rank >= n) return this.#max;
    const counts = this.#counts;
    const low = this.#indexOf(this.#min);
    const high = this.#indexOf(this.#max);
    let index: number;
    // Walk from whichever end is nearer the rank: p99 and p999 then touch a few buckets.
    if (rank <= n / 2) {
      let seen = 0;
      for (index = low; index < high; index++) {
        seen += counts[index]!;
        if (seen >= rank) break;
      }
    } else {
      const needed = n - rank + 1;
      let seen = 0;
      for (index = high; index > low; index--) {
        seen += counts[index]!;
        if (seen >= needed) break;
      }
    }
    const value = this.#representative(index);
    return value < this.#min ? this.#min : value > this.#max ? this.#max : value;
  }

  /**
   * Adds every value of `other` into this histogram; both must share `relativeError`
   * buckets and `maxValue`, else `INCOMPATIBLE`.
   *
   * @example
   * const total = new Histogram();
   * for (const worker of workers) total.merge(worker.latencies);
   */
  merge(other: Histogram): this {
    if (other.#subBits !== this.#subBits || other.maxValue !== this.maxValue) {
      throw new CoreError(
        'INCOMPATIBLE',
        `cannot merge a histogram with ${other.#subCount} sub-buckets up to ${other.maxValue} µs into one with ` +
          `${this.#subCount} sub-buckets up to ${this.maxValue} µs`,
      );
    }
    if (other.#count === 0) return this;
    const from = other.#counts;
    const to = this.#counts;
    const high = other.#indexOf(other.#max);
    for (let i = other.#indexOf(other.#min); i <= high; i++) to[i]! += from[i]!;
    this.#count += other.#count;
    this.#clamped += other.#clamped;
    this.#sum += other.#sum;
    if (other.#min < this.#min) this.#min = other.#min;
    if (other.#max > this.#max) this.#max = other.#max;
    return this;
  }

  /**
   * Empties the histogram, keeping its configuration and memory.
   *
   * @example
   * setInterval(() => { publish(h.toJSON()); h.reset(); }, 10_000);
   */
  reset(): void {
    if (this.#count > 0) this.#counts.fill(0, this.#indexOf(this.#min), this.#indexOf(this.#max) + 1);
    this.#count = 0;
    this.#clamped = 0;
    this.#sum = 0;
    this.#min = Infinity;
    this.#max = -Infinity;
  }

  /**
   * A JSON snapshot: count, min, max, mean, p50/p90/p99/p999 and the sparse buckets.
   *
   * @example
   * logger.info({ latency: h.toJSON() });
   */
  toJSON(): HistogramSnapshot {
    const buckets: number[] = [];
    if (this.#count > 0) {
      const counts = this.#counts;
      const high = this.#indexOf(this.#max);
      for (let i = this.#indexOf(this.#min); i <= high; i++) {
        const n = counts[i]!;
        if (n !== 0) buckets.push(i, n);
      }
    }
    return {
      version: 1,
      relativeError: this.relativeError,
      maxValue: this.maxValue,
      count: this.#count,
      clampedCount: this.#clamped,
      sum: this.#sum,
      min: this.min ?? null,
      max: this.max ?? null,
      mean: this.mean ?? null,
      p50: this.percentile(50) ?? null,
      p90: this.percentile(90) ?? null,
      p99: this.percentile(99) ?? null,
      p999: this.percentile(99.9) ?? null,
      buckets,
    };
  }

  // Bucket i < 2^k holds the integer i; above, each power of two [2^e, 2^(e+1)) is split
  // into 2^k buckets of width 2^(e-k), numbered so that index = (e-k)·2^k + (v >> (e-k)).
  #indexOf(value: number): number {
    if (value < TWO_POW_32) {
      const v = value >>> 0;
      if (v < this.#subCount) return v;
      const shift = 31 - Math.clz32(v) - this.#subBits;
      return (shift << this.#subBits) + (v >>> shift);
    }
    // clz32 cannot see past 2^32 µs (71 minutes): only reachable with a larger maxValue.
    const v = Math.floor(value);
    let exponent = Math.floor(Math.log2(v));
    if (2 ** exponent > v) exponent -= 1;
    else if (2 ** (exponent + 1) <= v) exponent += 1;
    const shift = exponent - this.#subBits;
    return shift * this.#subCount + Math.floor(v / 2 ** shift);
  }

  // The middle integer of the bucket, which bounds the error by half a bucket width.
  #representative(index: number): number {
    if (index < this.#subCount) return index;
    const shift = Math.floor(index / this.#subCount) - 1;
    const width = 2 ** shift;
    return (index - shift * this.#subCount) * width + (width - 1) / 2;
  }
}
