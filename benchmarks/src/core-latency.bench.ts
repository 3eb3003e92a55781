import { Histogram, MmcQueue } from '@herald/core/latency';
import { build, type Histogram as HdrHistogram } from 'hdr-histogram-js';
import { compare, report, type Contestant } from './harness.js';

const SUITE = 'core-latency';
const ONE_HOUR_MICROS = 3_600_000_000;
const BATCH = 1000;

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

// Request latencies are roughly log-normal: median 20 ms, a long tail into seconds.
function logNormalMicros(random: () => number, count: number): number[] {
  return Array.from({ length: count }, () => {
    const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return Math.min(ONE_HOUR_MICROS, Math.max(1, Math.round(20_000 * Math.exp(1.5 * gaussian))));
  });
}

// Every value from 1 µs to an hour equally likely per decade: the worst case for a scan.
function logUniformMicros(random: () => number, count: number): number[] {
  return Array.from({ length: count }, () => Math.floor(Math.exp(random() * Math.log(ONE_HOUR_MICROS))) + 1);
}

// A configuration comparable with ours at 1 %: two significant digits resolve 1/128 of a
// power of two (≤ 0.78 % error, as our 64 midpoint-reported sub-buckets do), fixed range.
function hdr(bitBucketSize: 32 | 64 | 'packed'): HdrHistogram {
  return build({
    bitBucketSize,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: ONE_HOUR_MICROS,
    numberOfSignificantValueDigits: 2,
  });
}

// hdr-histogram-js 3.0.1 defaults to bitBucketSize 32 (Uint32Array counts); 'packed' and 64
// (Float64Array) are its other JS variants, all timed so the fastest is the reference.
const HDR_VARIANTS = [
  { name: 'hdr-histogram-js (Int32, default)', size: 32 },
  { name: 'hdr-histogram-js (Float64)', size: 64 },
  { name: 'hdr-histogram-js (packed)', size: 'packed' },
] as const;

let sink = 0;

async function recordBenchmark(): Promise<void> {
  const values = logNormalMicros(seeded(1), BATCH);
  const ours = new Histogram();
  const peers: Contestant[] = HDR_VARIANTS.map(({ name, size }) => {
    const theirs = hdr(size);
    return {
      name,
      fn: () => {
        for (let i = 0; i < BATCH; i++) theirs.recordValue(values[i]!);
      },
    };
  });
  await compare({
    suite: SUITE,
    operation: `record (${BATCH} log-normal latencies per call)`,
    opsPerCall: BATCH,
    ours: {
      name: '@herald/core Histogram',
      fn: () => {
        for (let i = 0; i < BATCH; i++) ours.record(values[i]!);
      },
    },
    peers,
    target: { peer: HDR_VARIANTS[0].name, minRatio: 5 },
  });
}

const QUANTILES = [50, 90, 99, 99.9];

async function percentileBenchmark(label: string, values: readonly number[]): Promise<void> {
  const ours = new Histogram();
  for (const v of values) ours.record(v);
  const peers: Contestant[] = HDR_VARIANTS.map(({ name, size }) => {
    const theirs = hdr(size);
    for (const v of values) theirs.recordValue(v);
    return {
      name,
      fn: () => {
        for (const q of QUANTILES) sink += theirs.getValueAtPercentile(q);
      },
    };
  });
  const result = await compare({
    suite: SUITE,
    operation: `percentile (p50, p90, p99, p99.9 per call; ${values.length} ${label} values)`,
    opsPerCall: QUANTILES.length,
    ours: {
      name: '@herald/core Histogram',
      fn: () => {
        for (const q of QUANTILES) sink += ours.percentile(q) ?? 0;
      },
    },
    peers,
  });
  for (const row of result.results) {
    report(SUITE, `${row.name}: µs per percentile (${label})`, 1e6 / row.opsPerSecond, 'µs');
  }
}

async function mergeBenchmark(): Promise<void> {
  const values = logNormalMicros(seeded(3), 10_000);
  const part = new Histogram();
  for (const v of values) part.record(v);
  const total = new Histogram();
  const theirPart = hdr(32);
  for (const v of values) theirPart.recordValue(v);
  const theirTotal = hdr(32);
  await compare({
    suite: SUITE,
    operation: 'merge (a 10 000-value histogram into an accumulator)',
    ours: { name: '@herald/core Histogram', fn: () => total.merge(part) },
    peers: [{ name: HDR_VARIANTS[0].name, fn: () => theirTotal.add(theirPart) }],
  });
}

function memoryFigures(): void {
  const values = logNormalMicros(seeded(4), 100_000);
  const ours = new Histogram();
  for (const v of values) ours.record(v);
  console.log('\ncore-latency · memory after 100 000 values (counts arrays; hdr: its own estimate)');
  report(SUITE, '@herald/core Histogram: bucketCount × 8', ours.bucketCount * 8, 'bytes');
  for (const { name, size } of HDR_VARIANTS) {
    const theirs = hdr(size);
    for (const v of values) theirs.recordValue(v);
    report(SUITE, `${name}: estimatedFootprintInBytes`, theirs.estimatedFootprintInBytes, 'bytes');
  }
}

function queueFigures(): void {
  const runs = 20_000;
  const started = performance.now();
  for (let i = 0; i < runs; i++) {
    const queue = new MmcQueue({ arrivalRate: 180 + (i % 10), serviceRate: 1, servers: 200 });
    sink += queue.responsePercentile(99);
  }
  const micros = ((performance.now() - started) * 1000) / runs;
  console.log('\ncore-latency · M/M/c model');
  report(SUITE, 'MmcQueue c = 200: construct + responsePercentile(99)', micros, 'µs');
}

/** Histogram record, percentile and merge against hdr-histogram-js; memory; M/M/c cost. */
export default async function (): Promise<void> {
  await recordBenchmark();
  await percentileBenchmark('log-normal', logNormalMicros(seeded(2), 100_000));
  await percentileBenchmark('log-uniform 1 µs–1 h', logUniformMicros(seeded(5), 100_000));
  await mergeBenchmark();
  memoryFigures();
  queueFigures();
  if (sink === 42) console.log('');
}
