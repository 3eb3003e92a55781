import type { PacedResult, SlowEvent } from './pipeline-load.js';
import type { GcPause } from './pipeline-turns.js';

/** The stretches between a frame's stage stamps, in the order an event passes them. */
const stretches = [
  ['to ingest', 'sent', 'ingested'],
  ['append', 'ingested', 'appended'],
  ['to consumer', 'appended', 'consumed'],
  ['to inbox', 'consumed', 'stored'],
  ['to sockets', 'stored', 'written'],
  ['to client', 'written', 'received'],
] as const;

/**
 * Where the slowest 1 % of a target's events (its runs pooled) spent their time: the mean of
 * each stretch between the client's send, the stage stamps of the frame (whole milliseconds on
 * the server's clock) and the client's receipt, and how many overlapped one of the server's
 * garbage-collection pauses. One line for the printout; undefined when the frames carry no
 * stage times (the floors).
 *
 * "to ingest" is the request's way in, from the client's send until the handler stamped it:
 * time spent waiting for the server's busy event loop shows up there.
 */
export function describeSlowest(
  runs: readonly PacedResult[],
  pauses: readonly GcPause[],
): string | undefined {
  const pooledCount = runs.reduce((sum, run) => sum + run.samples.length, 0);
  const slowest = runs
    .flatMap((run) => run.slowest)
    .sort((a, b) => b.latencyMs - a.latencyMs)
    .slice(0, Math.ceil(pooledCount / 100));
  if (slowest.length === 0 || slowest.some((event) => event.stages === undefined)) return undefined;
  const at = (event: SlowEvent, point: string) =>
    point === 'sent' ? event.sentAt : point === 'received' ? event.receivedAt : event.stages![point];
  const means = stretches.map(([label, from, to]) => {
    const sum = slowest.reduce(
      (total, event) => total + (at(event, to) ?? Number.NaN) - (at(event, from) ?? Number.NaN),
      0,
    );
    return `${label} ${(sum / slowest.length).toFixed(1)}`;
  });
  const overlapping = slowest.filter((event) =>
    pauses.some((pause) => pause.startedAt < event.receivedAt && pause.startedAt + pause.ms > event.sentAt),
  ).length;
  const fastest = slowest[slowest.length - 1]!.latencyMs;
  return `slowest 1 % (${slowest.length} events, ${fastest.toFixed(1)}–${slowest[0]!.latencyMs.toFixed(1)} ms), mean ms: ${means.join(' · ')}; ${overlapping} of ${slowest.length} overlapped a GC pause of the server`;
}
