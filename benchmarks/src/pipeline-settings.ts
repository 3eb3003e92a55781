// The pipeline suite's settings, read from the environment. `run.ts` reads them before any
// suite starts, so a mistyped variable stops the run at once with one line naming it, not
// after the earlier suites with a stack trace.

/** A setting the environment gets wrong. */
export class BenchSettingsError extends Error {
  override readonly name = 'BenchSettingsError';
}

/** The parts the suite knows: the first three run by default, `budget` when asked for. */
export const knownParts = ['latency', 'ingest', 'fanout', 'budget'] as const;

/** What the pipeline suite runs. */
export interface PipelineSettings {
  /** Length of each latency measurement, s. */
  seconds: number;
  /** Rounds each latency measurement is split into, the servers taking turns. */
  rounds: number;
  /** Sockets of the fan-out subscriber. */
  fanOutSockets: number;
  /** Notifications per event-loop turn in the second fan-out measurement. */
  fanOutBurst: number;
  parts: ReadonlySet<(typeof knownParts)[number]>;
  /** The per-event work, µs, of the floors the `budget` part runs. */
  budgetWorkUs: number[];
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  const value = Number(text ?? fallback);
  if (!Number.isInteger(value) || value < 1) {
    throw new BenchSettingsError(`${name} must be a positive integer, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** The settings from `env`; throws a {@link BenchSettingsError} naming the variable that is wrong. */
export function readPipelineSettings(env: NodeJS.ProcessEnv = process.env): PipelineSettings {
  const parts = new Set<(typeof knownParts)[number]>();
  for (const part of (env.HERALD_BENCH_PIPELINE_PARTS ?? 'latency,ingest,fanout').split(',')) {
    const known = knownParts.find((name) => name === part);
    if (known === undefined) {
      throw new BenchSettingsError(
        `HERALD_BENCH_PIPELINE_PARTS: unknown part ${JSON.stringify(part)} (known: ${knownParts.join(', ')})`,
      );
    }
    parts.add(known);
  }
  const budgetWorkUs = (env.HERALD_BENCH_PIPELINE_BUDGET_US ?? '100,200,300,400').split(',').map((item) => {
    const us = Number(item);
    if (!Number.isInteger(us) || us < 1) {
      throw new BenchSettingsError(
        `HERALD_BENCH_PIPELINE_BUDGET_US must list positive integers, got ${JSON.stringify(item)}`,
      );
    }
    return us;
  });
  return {
    seconds: positiveInteger(env, 'HERALD_BENCH_PIPELINE_SECONDS', 3),
    rounds: positiveInteger(env, 'HERALD_BENCH_PIPELINE_ROUNDS', 3),
    fanOutSockets: positiveInteger(env, 'HERALD_BENCH_FANOUT_SOCKETS', 2000),
    fanOutBurst: positiveInteger(env, 'HERALD_BENCH_FANOUT_BURST', 50),
    parts,
    budgetWorkUs,
  };
}
