import WebSocket from 'ws';
import { summarizeLatencies, type LatencySummary } from './latency-summary.js';

/** One side of a pipeline comparison: how to send event `i`, and where its frames arrive. */
export interface PipelineTarget {
  /** Sends event `i` (whose frame will carry `marker`; warm-up events have `i` < 0); resolves true when accepted. */
  send(i: number, marker: string): Promise<boolean>;
  /** A WebSocket client already subscribed; `marker(frame)` reads the marker out of a frame. */
  socket: WebSocket;
  marker(frame: unknown): string | undefined;
  /** The stage times a frame carries (epoch ms), where the server sends them. */
  stages?(frame: unknown): Record<string, number> | undefined;
}

/** One of a run's slowest events: when it was sent and received (epoch ms) and its frame's stage times. */
export interface SlowEvent {
  latencyMs: number;
  sentAt: number;
  receivedAt: number;
  stages?: Record<string, number>;
}

/** What one paced run measured. */
export interface PacedResult extends LatencySummary {
  accepted: number;
  lost: number;
  acceptedPerSecond: number;
  /** Every measured latency (ms), in arrival order: runs of one target are pooled from these. */
  samples: number[];
  /** The run's `keepSlowest` slowest events, slowest first. */
  slowest: SlowEvent[];
}

/**
 * The load generator both sides of the pipeline benchmark share: `events` sends at `rate` per
 * second (0: as fast as `concurrency` allows), each timed from just before its request to its
 * frame on the socket. Waits up to `drainMs` after the last send for the rest.
 *
 * The first `warmUpEvents` sends go out at the same pace but are neither timed nor counted: the
 * client process is new, and in its first second or two its own compiling and collecting showed
 * up as latency on either server (a floor's p99 of 3.3 ms over 10 s was 2.1 ms without the
 * first second, 1.2 ms without the first two).
 */
export async function pacedLoad(
  target: PipelineTarget,
  options: {
    events: number;
    rate: number;
    concurrency: number;
    warmUpEvents?: number | undefined;
    drainMs?: number;
    prefix: string;
    /** How many of the slowest events to return with their times. @defaultValue 0 */
    keepSlowest?: number | undefined;
  },
): Promise<PacedResult> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const events: SlowEvent[] = [];
  const keepSlowest = options.keepSlowest ?? 0;
  let accepted = 0;
  let allIn: (() => void) | undefined;
  let done = false;
  const onMessage = (data: WebSocket.RawData) => {
    const frame: unknown = JSON.parse(frameText(data));
    const marker = target.marker(frame);
    const started = marker === undefined ? undefined : sentAt.get(marker);
    if (started === undefined) return;
    sentAt.delete(marker!);
    const received = performance.now();
    latencies.push(received - started);
    if (keepSlowest > 0) {
      // Epoch times, to set beside the server's stage stamps (same machine, same clock).
      const event: SlowEvent = {
        latencyMs: received - started,
        sentAt: performance.timeOrigin + started,
        receivedAt: performance.timeOrigin + received,
      };
      const stages = target.stages?.(frame);
      if (stages !== undefined) event.stages = stages;
      events.push(event);
    }
    if (done && latencies.length >= accepted) allIn?.();
  };
  target.socket.on('message', onMessage);
  const warmUp = options.warmUpEvents ?? 0;
  const paceFrom = performance.now();
  let begin = paceFrom;
  const interval = options.rate > 0 ? 1000 / options.rate : 0;
  const inFlight = new Set<Promise<void>>();
  for (let i = -warmUp; i < options.events; i++) {
    if (interval > 0) {
      const wait = paceFrom + (i + warmUp) * interval - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    // Warm-up sends (i < 0) carry markers nobody waits for, and count for nothing.
    const measured = i >= 0;
    if (i === 0) begin = performance.now();
    const marker = measured ? `${options.prefix}-${i}` : `${options.prefix}-warm-up${i}`;
    if (measured) sentAt.set(marker, performance.now());
    const request: Promise<void> = target
      .send(i, marker)
      .then((ok) => {
        if (!measured) return;
        if (ok) accepted += 1;
        else sentAt.delete(marker);
      })
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  }
  await Promise.all(inFlight);
  const elapsed = performance.now() - begin;
  done = true;
  if (latencies.length < accepted) {
    await new Promise<void>((resolve) => {
      allIn = resolve;
      setTimeout(resolve, options.drainMs ?? 10_000).unref();
    });
  }
  target.socket.off('message', onMessage);
  return {
    ...summarizeLatencies(latencies),
    accepted,
    lost: accepted - latencies.length,
    acceptedPerSecond: (accepted / elapsed) * 1000,
    samples: latencies,
    slowest: events.sort((a, b) => b.latencyMs - a.latencyMs).slice(0, keepSlowest),
  };
}

/** Requests as fast as `concurrency` allows for `count` sends; returns completed sends per second. */
export async function saturate(
  count: number,
  concurrency: number,
  send: (i: number) => Promise<boolean>,
): Promise<number> {
  let next = 0;
  let ok = 0;
  const begin = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        if (await send(i)) ok += 1;
      }
    }),
  );
  return (ok / (performance.now() - begin)) * 1000;
}

/** The text of a `ws` message, whichever form it arrived in. */
export function frameText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/** Opens a `ws` client and resolves once it is open. */
export function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}
