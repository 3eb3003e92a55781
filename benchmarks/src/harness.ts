import { Bench } from 'tinybench';

/** One contestant: a name and the operation to time. */
export interface Contestant {
  name: string;
  fn: () => unknown;
  /** Runs before each timed round, outside the timing (e.g. to refill a structure). */
  beforeEach?: () => void;
}

/** A target the benchmark reports on: ours must reach `minRatio` × the named peer. */
export interface Target {
  peer: string;
  minRatio: number;
}

/** What a comparison measured. */
export interface ComparisonResult {
  suite: string;
  operation: string;
  /** How many logical operations one call of `fn` performs (ops/s is scaled by it). */
  opsPerCall: number;
  results: { name: string; opsPerSecond: number; ratio: number }[];
  target?: Target & { ratio: number; met: boolean };
}

export interface CompareOptions {
  suite: string;
  operation: string;
  ours: Contestant;
  peers: Contestant[];
  target?: Target;
  opsPerCall?: number;
  /** Milliseconds per contestant per round. @defaultValue 400 */
  time?: number;
  /** Rounds, interleaving contestants so machine noise hits all of them alike. @defaultValue 3 */
  rounds?: number;
  /**
   * Fewest calls per contestant per round, whatever `time` says; lower it for operations
   * that take a large fraction of a second per call. @defaultValue 64
   */
  iterations?: number;
}

const collected: ComparisonResult[] = [];

/** Every comparison run so far, for the JSON report. */
export function collectedResults(): readonly ComparisonResult[] {
  return collected;
}

/** Adds a comparison measured elsewhere (in a child process) to this run's report. */
export function recordResult(result: ComparisonResult): void {
  collected.push(result);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * Times ours against each peer in the same process, interleaved over several rounds,
 * and prints ops/s and the ratio ours ÷ peer (above 1 means ours is faster).
 */
export async function compare(options: CompareOptions): Promise<ComparisonResult> {
  const {
    suite,
    operation,
    ours,
    peers,
    target,
    opsPerCall = 1,
    time = 400,
    rounds = 3,
    iterations = 64,
  } = options;
  const contestants = [ours, ...peers];
  const samples = new Map<string, number[]>(contestants.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const contestant of contestants) {
      const bench = new Bench({
        time,
        iterations,
        warmup: round === 0,
        warmupTime: 100,
        warmupIterations: Math.min(16, iterations),
      });
      bench.add(
        contestant.name,
        contestant.fn,
        contestant.beforeEach ? { beforeEach: contestant.beforeEach } : {},
      );
      await bench.run();
      const hz = bench.tasks[0]?.result?.throughput?.mean ?? 0;
      samples.get(contestant.name)?.push(hz * opsPerCall);
    }
  }
  const oursOps = median(samples.get(ours.name) ?? []);
  const results = contestants.map((c) => {
    const opsPerSecond = median(samples.get(c.name) ?? []);
    return { name: c.name, opsPerSecond, ratio: opsPerSecond === 0 ? 0 : oursOps / opsPerSecond };
  });
  const result: ComparisonResult = { suite, operation, opsPerCall, results };
  if (target) {
    const peer = results.find((r) => r.name === target.peer);
    const ratio = peer?.ratio ?? 0;
    result.target = { ...target, ratio, met: ratio >= target.minRatio };
  }
  collected.push(result);
  printComparison(result, ours.name);
  return result;
}

function formatOps(ops: number): string {
  if (ops >= 1e6) return `${(ops / 1e6).toFixed(2)}M`;
  if (ops >= 1e3) return `${(ops / 1e3).toFixed(1)}k`;
  return ops.toFixed(1);
}

function printComparison(result: ComparisonResult, oursName: string): void {
  console.log(`\n${result.suite} · ${result.operation}`);
  for (const row of result.results) {
    const ratio = row.name === oursName ? '' : `  ours ÷ this = ${row.ratio.toFixed(2)}×`;
    console.log(`  ${row.name.padEnd(34)} ${formatOps(row.opsPerSecond).padStart(9)} ops/s${ratio}`);
  }
  if (result.target) {
    const { peer, minRatio, ratio, met } = result.target;
    console.log(`  target: ≥ ${minRatio}× ${peer} → ${ratio.toFixed(2)}× ${met ? 'met' : 'NOT met'}`);
  }
}

/** Prints a figure that is not a ratio (a latency, a memory size) and records it. */
export function report(suite: string, label: string, value: number, unit: string): void {
  figures.push({ suite, label, value, unit });
  console.log(`  ${label.padEnd(48)} ${value.toFixed(value < 10 ? 3 : 1)} ${unit}`);
}

const figures: { suite: string; label: string; value: number; unit: string }[] = [];

/** Every standalone figure reported so far. */
export function collectedFigures(): readonly { suite: string; label: string; value: number; unit: string }[] {
  return figures;
}
