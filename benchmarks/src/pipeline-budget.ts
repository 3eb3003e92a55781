// The `budget` part of the pipeline benchmark: how much per-event work the latency target
// (p99 ≤ 2× the bare floor at 1,000/s) leaves a server on this machine. Floors that spend a
// fixed time per event take turns with the bare floor under the same load; where their p99
// crosses twice the bare floor's is the budget a server's own work has to fit in.
import { report } from './harness.js';
import { startFloor } from './pipeline-floor.js';
import { pooled, serverThreadCpu, takeTurns } from './pipeline-turns.js';

/** The ratio of p99s the issue's latency target allows. */
const targetRatio = 2;

/**
 * Runs the bare floor (at `floorUrl`) beside floors spending each of `workUs` µs per event, a
 * third before the 202 and two thirds between the 202 and the frame: Herald's split, where
 * ingest's share of an event's CPU is about a third and push's the rest.
 */
export async function workBudget(
  floorUrl: string,
  options: { workUs: readonly number[]; rate: number; perRound: number; rounds: number },
): Promise<void> {
  const { workUs, rate, perRound, rounds } = options;
  const worked = await Promise.all(
    workUs.map((us) => startFloor({ work: { beforeAnswerUs: us / 3, afterAnswerUs: (us * 2) / 3 } })),
  );
  try {
    const headers = { 'content-type': 'application/json' };
    const targets = [
      { name: 'floor', target: { url: floorUrl, headers } },
      ...worked.map((server, i) => ({ name: `+${workUs[i]} µs`, target: { url: server.url, headers } })),
    ];
    console.log(
      `\npipeline · work budget: the bare floor beside floors spending ${workUs.join(', ')} µs per event (a third before the 202, the rest before the frame), at ${rate}/s, ${perRound * rounds} events each in ${rounds} rounds taking turns`,
    );
    const turns = await takeTurns(targets, { rate, perRound, rounds });
    const floor = pooled(turns.get('floor')!.runs);
    report('pipeline', `budget: floor p99 at ${rate}/s`, floor.p99, 'ms');
    const within: number[] = [];
    for (const [i, us] of workUs.entries()) {
      const turn = turns.get(targets[i + 1]!.name)!;
      const ours = pooled(turn.runs);
      const ratio = ours.p99 / floor.p99;
      if (ratio <= targetRatio) within.push(us);
      report('pipeline', `budget: floor + ${us} µs/event p99 at ${rate}/s`, ours.p99, 'ms');
      console.log(
        `  ÷ floor = ${ratio.toFixed(2)}× (p50 ${ours.p50.toFixed(2)} ms, ${serverThreadCpu.label} ${turn.cpuUsPerEvent.toFixed(0)} µs per event) · ${ratio <= targetRatio ? 'within' : 'over'} ${targetRatio}×`,
      );
    }
    console.log(
      `  floor: ${serverThreadCpu.label} ${turns.get('floor')!.cpuUsPerEvent.toFixed(0)} µs per event · work within ${targetRatio}× the floor's p99: ${within.length === 0 ? 'none of these' : `${within.join(', ')} µs`}`,
    );
  } finally {
    for (const server of worked) await server.close();
  }
}
