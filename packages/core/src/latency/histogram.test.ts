import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CoreError, type CoreErrorCode } from '../core-error.js';
import { Histogram, type HistogramSnapshot } from './histogram.js';

function expectCode(run: () => unknown, code: CoreErrorCode): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(CoreError.isInstance(thrown) ? thrown.code : thrown).toBe(code);
}

// Percentiles as rationals num/den so the nearest rank is computed exactly, independently
// of the histogram's own floating-point rank.
const QUANTILES: readonly (readonly [number, number])[] = [
  [0, 1],
  [1, 100],
  [10, 100],
  [25, 100],
  [50, 100],
  [75, 100],
  [90, 100],
  [99, 100],
  [999, 1000],
  [9999, 10000],
  [1, 1],
];

function exactPercentile(sorted: readonly number[], num: number, den: number): number {
  const rank = Math.max(1, Math.ceil((num * sorted.length) / den));
  return sorted[rank - 1]!;
}

function checkAgainstSorted(values: readonly number[], relativeError: number, maxValue?: number): void {
  const histogram = new Histogram(maxValue === undefined ? { relativeError } : { relativeError, maxValue });
  for (const v of values) histogram.record(v);
  const sorted = [...values].sort((a, b) => a - b);
  for (const [num, den] of QUANTILES) {
    const exact = exactPercentile(sorted, num, den);
    const estimate = histogram.percentile((num / den) * 100)!;
    expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(relativeError * exact);
  }
}

const ONE_HOUR = 3_600_000_000;
// Latencies spread log-uniformly from 1 µs to an hour, as real ones are.
const logUniformMicros = fc
  .double({ min: 0, max: Math.log(ONE_HOUR), noNaN: true })
  .map((x) => Math.min(ONE_HOUR, Math.floor(Math.exp(x))));

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('Histogram percentiles', () => {
  it('are within 1 % of the exact nearest-rank percentile for any values (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(logUniformMicros, fc.integer({ min: 0, max: 5000 })), { minLength: 1 }),
        (values) => checkAgainstSorted(values, 0.01),
      ),
      { numRuns: 300 },
    );
  });

  it('keep the bound for other precisions (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0.5, 0.2, 0.05, 0.001),
        fc.array(logUniformMicros, { minLength: 1, maxLength: 300 }),
        (relativeError, values) => checkAgainstSorted(values, relativeError),
      ),
      { numRuns: 200 },
    );
  });

  it('keep the bound above 2^32 µs when maxValue allows it (property)', () => {
    const max = 2 ** 45;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 2 ** 31, max }), { minLength: 1, maxLength: 200 }), (values) =>
        checkAgainstSorted(values, 0.01, max),
      ),
      { numRuns: 200 },
    );
  });

  it('are within 1 % over 200 000 values from 1 µs to one hour', () => {
    const random = seeded(42);
    const values = Array.from(
      { length: 200_000 },
      () => Math.floor(Math.exp(random() * Math.log(ONE_HOUR))) + 1,
    );
    checkAgainstSorted(values, 0.01);
  });

  it('never decrease as q grows (property)', () => {
    fc.assert(
      fc.property(
        fc.array(logUniformMicros, { minLength: 1, maxLength: 200 }),
        fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 2, maxLength: 20 }),
        (values, qs) => {
          const histogram = new Histogram();
          for (const v of values) histogram.record(v);
          const results = [...qs].sort((a, b) => a - b).map((q) => histogram.percentile(q)!);
          for (let i = 1; i < results.length; i++) expect(results[i]).toBeGreaterThanOrEqual(results[i - 1]!);
        },
      ),
    );
  });

  it('are exact below 2^k µs, where buckets are one microsecond wide', () => {
    const histogram = new Histogram();
    for (let v = 0; v < 64; v++) histogram.record(v);
    expect(histogram.percentile(50)).toBe(31);
    expect(histogram.percentile(25)).toBe(15);
  });

  it('take the exact nearest rank despite floating-point noise in q·n/100', () => {
    // 16.1 × 1000 / 100 computes as 161.00000000000003: a naive ceil would answer rank 162.
    const histogram = new Histogram();
    histogram.record(1000, 161);
    histogram.record(2000, 839);
    expect(histogram.percentile(16.1)).toBeLessThan(1100);
    expect(histogram.percentile(16.2)).toBe(2000);
  });

  it('return the exact min and max at the extreme ranks', () => {
    const histogram = new Histogram();
    for (const v of [1_234_567, 987, 45_678]) histogram.record(v);
    expect(histogram.percentile(0)).toBe(987);
    expect(histogram.percentile(100)).toBe(1_234_567);
  });

  it('reject q outside [0, 100] and return undefined when empty', () => {
    const histogram = new Histogram();
    expect(histogram.percentile(50)).toBeUndefined();
    histogram.record(10);
    for (const q of [-0.1, 100.1, Number.NaN]) expectCode(() => histogram.percentile(q), 'INVALID_ARGUMENT');
  });
});

describe('Histogram recording', () => {
  it('keeps min, max and mean exact', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: ONE_HOUR, noNaN: true }), { minLength: 1 }), (values) => {
        const histogram = new Histogram();
        for (const v of values) histogram.record(v);
        expect(histogram.count).toBe(values.length);
        expect(histogram.min).toBe(Math.min(...values));
        expect(histogram.max).toBe(Math.max(...values));
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        expect(histogram.mean).toBeCloseTo(mean, 6);
      }),
    );
  });

  it('reports no min, max or mean when empty', () => {
    const histogram = new Histogram();
    expect([histogram.count, histogram.min, histogram.max, histogram.mean]).toEqual([
      0,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('records a count as that many single records', () => {
    const once = new Histogram();
    const many = new Histogram();
    once.record(777, 5);
    for (let i = 0; i < 5; i++) many.record(777);
    expect(once.toJSON()).toEqual(many.toJSON());
    once.record(1, 0);
    expect(once.count).toBe(5);
  });

  it('clamps values above maxValue and counts them', () => {
    const histogram = new Histogram({ maxValue: 1_000_000 });
    histogram.record(500);
    histogram.record(5_000_000);
    histogram.record(Infinity);
    expect(histogram.clampedCount).toBe(2);
    expect(histogram.max).toBe(1_000_000);
    expect(histogram.percentile(100)).toBe(1_000_000);
    expect(histogram.mean).toBeCloseTo((500 + 2_000_000) / 3, 6);
  });

  it('rejects negative, NaN and bad counts', () => {
    const histogram = new Histogram();
    expectCode(() => histogram.record(-1), 'INVALID_ARGUMENT');
    expectCode(() => histogram.record(Number.NaN), 'INVALID_ARGUMENT');
    expectCode(() => histogram.record(1, -1), 'INVALID_ARGUMENT');
    expectCode(() => histogram.record(1, 1.5), 'INVALID_ARGUMENT');
    expect(histogram.count).toBe(0);
  });

  it('rejects bad configurations', () => {
    expectCode(() => new Histogram({ relativeError: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => new Histogram({ relativeError: 0.6 }), 'INVALID_ARGUMENT');
    expectCode(() => new Histogram({ maxValue: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => new Histogram({ maxValue: 1.5 }), 'INVALID_ARGUMENT');
  });

  it('uses constant, small memory: under 2 000 buckets for 1 % up to an hour', () => {
    const histogram = new Histogram();
    const before = histogram.bucketCount;
    expect(before).toBeLessThan(2000);
    for (let v = 1; v < ONE_HOUR; v *= 3) histogram.record(v);
    expect(histogram.bucketCount).toBe(before);
    expect(new Histogram({ relativeError: 0.001 }).bucketCount).toBeGreaterThan(before * 4);
  });
});

describe('Histogram merge, reset and JSON', () => {
  it('merging equals recording everything into one, bucket for bucket (property)', () => {
    fc.assert(
      fc.property(fc.array(logUniformMicros), fc.array(logUniformMicros), (left, right) => {
        const a = new Histogram();
        const b = new Histogram();
        const all = new Histogram();
        for (const v of left) a.record(v);
        for (const v of right) b.record(v);
        for (const v of [...left, ...right]) all.record(v);
        expect(a.merge(b).toJSON()).toEqual(all.toJSON());
      }),
    );
  });

  it('refuses to merge histograms with different buckets or range', () => {
    const base = new Histogram();
    expectCode(() => base.merge(new Histogram({ relativeError: 0.001 })), 'INCOMPATIBLE');
    expectCode(() => base.merge(new Histogram({ maxValue: 1000 })), 'INCOMPATIBLE');
    // 0.01 and 0.009 both round to 64 sub-buckets: same layout, so they merge.
    expect(() => base.merge(new Histogram({ relativeError: 0.009 }))).not.toThrow();
  });

  it('reset empties it, and it then records like a new one', () => {
    const histogram = new Histogram();
    for (const v of [5, 50_000, 5_000_000_000]) histogram.record(v);
    histogram.reset();
    expect(histogram.toJSON()).toEqual(new Histogram().toJSON());
    histogram.record(1234);
    const fresh = new Histogram();
    fresh.record(1234);
    expect(histogram.toJSON()).toEqual(fresh.toJSON());
  });

  it('snapshots count, min, max, mean and percentiles', () => {
    const histogram = new Histogram();
    for (let v = 1; v <= 1000; v++) histogram.record(v * 1000);
    const json = histogram.toJSON();
    expect(json).toMatchObject({ count: 1000, min: 1000, max: 1_000_000, mean: 500_500, clampedCount: 0 });
    expect(json.p50! / 500_000).toBeCloseTo(1, 1);
    expect(json.p99! / 990_000).toBeCloseTo(1, 1);
    expect(json.p999! / 999_000).toBeCloseTo(1, 1);
    expect(new Histogram().toJSON()).toMatchObject({ count: 0, min: null, p99: null, buckets: [] });
  });

  it('round-trips through JSON text (property)', () => {
    fc.assert(
      fc.property(fc.array(logUniformMicros), (values) => {
        const histogram = new Histogram({ relativeError: 0.02 });
        for (const v of values) histogram.record(v);
        const copy = Histogram.fromJSON(JSON.parse(JSON.stringify(histogram)));
        expect(copy.toJSON()).toEqual(histogram.toJSON());
        expect(copy.percentile(42)).toBe(histogram.percentile(42));
      }),
    );
  });

  it('refuses snapshots that are not its own', () => {
    const histogram = new Histogram();
    histogram.record(100);
    histogram.record(200);
    const good = histogram.toJSON();
    const bad: unknown[] = [
      null,
      'histogram',
      { ...good, version: 2 },
      { ...good, relativeError: 7 },
      { ...good, count: 3 },
      { ...good, buckets: [...good.buckets, 5] },
      { ...good, buckets: [good.buckets[2], good.buckets[3], good.buckets[0], good.buckets[1]] },
      { ...good, buckets: [100_000, 2] },
      { ...good, min: 150 },
      { ...good, max: 10 },
    ];
    for (const json of bad) expectCode(() => Histogram.fromJSON(json), 'INVALID_SERIALIZATION');
    expect(Histogram.fromJSON(good satisfies HistogramSnapshot).count).toBe(2);
  });
});
