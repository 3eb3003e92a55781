// The pipeline benchmark's paced latency runs: a client process per run, servers taking turns
// in rounds, latencies pooled per server, and the server thread's CPU and GC pauses per event.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { ClientJob } from './pipeline-client.js';
import type { PacedResult } from './pipeline-load.js';
import { summarizeLatencies } from './latency-summary.js';

/** Runs one job in a client process; `onReady` runs when the child says its sockets are open. */
export function runClient<T>(job: ClientJob, onReady?: () => Promise<void>): Promise<T> {
  const child = fork(fileURLToPath(new URL('./pipeline-client.ts', import.meta.url)), [], {
    execArgv: ['--conditions=@herald/source', '--import', 'tsx'],
  });
  return new Promise<T>((resolve, reject) => {
    child.on('message', (message: { ready?: true; result?: T; error?: string }) => {
      if (message.ready === true) onReady?.().catch(reject);
      else if (message.error !== undefined) reject(new Error(message.error));
      else resolve(message.result as T);
    });
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the client process exited with ${code}`));
    });
    child.send(job);
  });
}

/** A server the latency runs drive: its base URL, the headers of its `POST /v1/events`, its socket hello. */
export interface LatencyTarget {
  url: string;
  headers: Record<string, string>;
  hello?: string;
}

/** The WebSocket endpoint of a server's base URL. */
export const ws = (url: string) => `${url.replace('http', 'ws')}/v1/ws`;

/** One paced run against `target` in a client process of its own. */
export function pacedRun(
  target: LatencyTarget,
  run: { events: number; rate: number; warmUpEvents?: number; prefix: string; keepSlowest?: number },
): Promise<PacedResult> {
  return runClient<PacedResult>({
    kind: 'paced',
    url: `${target.url}/v1/events`,
    headers: target.headers,
    wsUrl: ws(target.url),
    ...(target.hello === undefined ? {} : { hello: target.hello }),
    ...run,
  });
}

/**
 * CPU time of this process's main thread so far, in µs: the thread that runs every server here
 * and that events queue for. Read from /proc (Linux); elsewhere the whole process's CPU.
 */
export const serverThreadCpu: { label: string; read(): number } = (() => {
  const schedstat = `/proc/self/task/${process.pid}/schedstat`;
  try {
    readFileSync(schedstat, 'utf8');
    return {
      label: 'main-thread CPU',
      read: () => Number(readFileSync(schedstat, 'utf8').split(' ')[0]) / 1000,
    };
  } catch {
    return {
      label: 'process CPU (all threads)',
      read: () => {
        const { user, system } = process.cpuUsage();
        return user + system;
      },
    };
  }
})();

/** One garbage-collection pause: its start (epoch ms) and length. */
export interface GcPause {
  startedAt: number;
  ms: number;
}

/**
 * Garbage-collection pauses of this process (every server here shares its heap): their total
 * count and milliseconds so far, and the latest pauses themselves. A young-generation
 * collection stops the main thread for a millisecond or two, which events arriving meanwhile
 * wait out: a share of the p99.
 */
export const gcPauses: { read(): { count: number; ms: number }; recent(): readonly GcPause[] } = (() => {
  let count = 0;
  let ms = 0;
  // Enough for the longest latency measurement (a pause every ~100 ms at worst) and bounded.
  const keep = 10_000;
  let recent: GcPause[] = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      count += 1;
      ms += entry.duration;
      recent.push({ startedAt: performance.timeOrigin + entry.startTime, ms: entry.duration });
    }
    if (recent.length > 2 * keep) recent = recent.slice(-keep);
  }).observe({ entryTypes: ['gc'] });
  return { read: () => ({ count, ms }), recent: () => recent };
})();

/** What one server measured over its turns. */
export interface TurnsResult {
  runs: PacedResult[];
  /** Server-thread CPU over its turns, divided by the events sent (warm-up included). */
  cpuUsPerEvent: number;
  /** GC pauses over its turns, per 1,000 events sent: how many, and their milliseconds. */
  gcPer1000Events: { count: number; ms: number };
}

/**
 * Paced runs at `rate`, `rounds` times over: every round runs each server once, `perRound`
 * events after one second of the same as warm-up, each round starting with the next server so
 * that none always runs first or last. A noisy host then meets every server alike.
 */
export async function takeTurns(
  targets: readonly { name: string; target: LatencyTarget }[],
  options: { rate: number; perRound: number; rounds: number },
): Promise<Map<string, TurnsResult>> {
  const { rate, perRound, rounds } = options;
  const measured = new Map(
    targets.map(({ name }) => [name, { runs: [] as PacedResult[], cpuUs: 0, gcCount: 0, gcMs: 0 }]),
  );
  for (let round = 0; round < rounds; round++) {
    for (let turn = 0; turn < targets.length; turn++) {
      const { name, target } = targets[(round + turn) % targets.length]!;
      const sum = measured.get(name)!;
      const cpuBefore = serverThreadCpu.read();
      const gcBefore = gcPauses.read();
      const run = {
        events: perRound,
        rate,
        warmUpEvents: rate,
        prefix: `${name}-${rate}-${round}`,
        // Enough for the slowest 1 % of all rounds pooled, whichever rounds they fall in.
        keepSlowest: Math.ceil((perRound * rounds) / 100),
      };
      sum.runs.push(await pacedRun(target, run));
      sum.cpuUs += serverThreadCpu.read() - cpuBefore;
      const gcAfter = gcPauses.read();
      sum.gcCount += gcAfter.count - gcBefore.count;
      sum.gcMs += gcAfter.ms - gcBefore.ms;
    }
  }
  const eventsSent = (perRound + rate) * rounds;
  return new Map(
    [...measured].map(([name, { runs, cpuUs, gcCount, gcMs }]) => [
      name,
      {
        runs,
        cpuUsPerEvent: cpuUs / eventsSent,
        gcPer1000Events: { count: (gcCount * 1000) / eventsSent, ms: (gcMs * 1000) / eventsSent },
      },
    ]),
  );
}

/** The runs of one target as one sample: their latencies pooled, their counts added. */
export function pooled(runs: readonly PacedResult[]): {
  p50: number;
  p99: number;
  accepted: number;
  lost: number;
} {
  const { p50, p99 } = summarizeLatencies(runs.flatMap((run) => run.samples));
  return {
    p50,
    p99,
    accepted: runs.reduce((sum, run) => sum + run.accepted, 0),
    lost: runs.reduce((sum, run) => sum + run.lost, 0),
  };
}
