import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Histogram } from '@herald/core';
import { createHeraldClient } from '@herald/client';
import WebSocket from 'ws';

/** A load run's target: a Herald URL, a tenant API key, and whose notifications to watch. */
export interface LoadTarget {
  url: string;
  apiKey: string;
  /** A subscriber token of {@link LoadTarget.subscriber}. */
  token: string;
  subscriber: string;
}

/** How much load, how fast. */
export interface LoadOptions {
  /** Events to send. */
  events: number;
  /** Events per second; 0 sends as fast as `concurrency` allows. */
  rate: number;
  /** Requests in flight at once. @defaultValue 64 */
  concurrency?: number;
  /**
   * Events sent first, at the same rate, and not measured: a fresh process compiles its code
   * and fills its caches on the first requests. @defaultValue 0
   */
  warmUp?: number;
  /** How long to wait for the last notifications after the last send, in ms. @defaultValue 10_000 */
  drainMs?: number;
  /** Called as events are sent and notifications arrive. */
  onProgress?: (progress: { sent: number; received: number; failed: number }) => void;
}

/** What a load run measured: event → socket latency in ms, and losses. */
export interface LoadResult {
  sent: number;
  accepted: number;
  failed: number;
  received: number;
  lost: number;
  durationMs: number;
  acceptedPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

/** Posts with a keep-alive agent: `fetch` cost more per request than a small Herald request. */
function poster(url: string, headers: Record<string, string>) {
  const secure = url.startsWith('https:');
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const send = secure ? httpsRequest : httpRequest;
  const post = (body: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = send(
        url,
        { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return { post, close: () => agent.destroy() };
}

/**
 * Sends `order.created` events for a customer owned by the watched subscriber, at a steady rate,
 * and times each from just before its `POST /v1/events` to its notification on the
 * subscriber's socket — the latency a person sees. Used by `herald bench`, which runs it in a
 * process of its own so that the load does not share the measured server's event loop.
 *
 * @example
 * const result = await runLoad(target, { events: 5000, rate: 1000, warmUp: 1000 });
 * console.log(result.latencyMs.p99, result.lost);
 */
export async function runLoad(target: LoadTarget, options: LoadOptions): Promise<LoadResult> {
  const customer = `bench-${Date.now().toString(36)}`;
  const headers = { authorization: `Bearer ${target.apiKey}`, 'content-type': 'application/json' };
  const owner = await fetch(`${target.url}/v1/customers/${customer}`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ name: 'Bench Customer', ownerId: target.subscriber, locale: 'en' }),
  });
  if (!owner.ok)
    throw new Error(`could not create the bench customer: HTTP ${owner.status} ${await owner.text()}`);

  await using client = createHeraldClient({
    url: target.url,
    token: target.token,
    WebSocket,
    reconnect: false,
  });
  const { post, close } = poster(`${target.url}/v1/events`, headers);
  try {
    let onNotification: ((orderId: string) => void) | undefined;
    client.on('notification', (notification) => {
      const orderId = notification.data['orderId'];
      if (typeof orderId === 'string') onNotification?.(orderId);
    });
    await client.connect();
    const run = (phase: string, events: number, onProgress: LoadOptions['onProgress']) =>
      sendAndTime({ customer, phase, events, options, post, onProgress }, (handler) => {
        onNotification = handler;
      });
    if ((options.warmUp ?? 0) > 0) await run('warm', options.warmUp ?? 0, undefined);
    return await run('measured', options.events, options.onProgress);
  } finally {
    close();
  }
}

/** One paced phase of a load run: sends `events` and times each to its notification. */
async function sendAndTime(
  phase: {
    customer: string;
    /** Part of every order id, so a late notification of another phase never counts. */
    phase: string;
    events: number;
    options: LoadOptions;
    post: (body: string) => Promise<number>;
    onProgress: LoadOptions['onProgress'];
  },
  listen: (handler: (orderId: string) => void) => void,
): Promise<LoadResult> {
  const { customer, events, options, post } = phase;
  const sentAt = new Map<string, number>();
  const latency = new Histogram();
  let sent = 0;
  let accepted = 0;
  let failed = 0;
  let received = 0;
  const progress = () => phase.onProgress?.({ sent, received, failed });
  let allReceived: (() => void) | undefined;
  listen((orderId) => {
    const started = sentAt.get(orderId);
    if (started === undefined) return;
    sentAt.delete(orderId);
    latency.record(Math.max(1, Math.round((performance.now() - started) * 1000)));
    received += 1;
    if (received === accepted && sent === events) allReceived?.();
    progress();
  });

  const concurrency = options.concurrency ?? 64;
  const interval = options.rate > 0 ? 1000 / options.rate : 0;
  const begin = performance.now();
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < events; i++) {
    if (interval > 0) {
      const due = begin + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    const orderId = `${customer}-${phase.phase}-${i}`;
    const body = JSON.stringify({
      type: 'order.created',
      customerId: customer,
      occurredAt: new Date().toISOString(),
      data: { orderId, total: 10 + (i % 90), currency: 'EUR' },
    });
    sentAt.set(orderId, performance.now());
    sent += 1;
    const request = post(body)
      .then((status) => {
        if (status === 202) accepted += 1;
        else {
          failed += 1;
          sentAt.delete(orderId);
        }
      })
      .catch(() => {
        failed += 1;
        sentAt.delete(orderId);
      })
      .finally(() => {
        inFlight.delete(request);
        progress();
      });
    inFlight.add(request);
  }
  await Promise.all(inFlight);
  const durationMs = performance.now() - begin;
  if (received < accepted) {
    await new Promise<void>((resolve) => {
      allReceived = resolve;
      setTimeout(resolve, options.drainMs ?? 10_000).unref();
    });
  }
  const ms = (q: number) => Math.round((latency.percentile(q) ?? 0) / 10) / 100;
  return {
    sent,
    accepted,
    failed,
    received,
    lost: accepted - received,
    durationMs: Math.round(durationMs),
    acceptedPerSecond: Math.round((accepted / durationMs) * 1000),
    latencyMs: { p50: ms(50), p90: ms(90), p99: ms(99), max: Math.round((latency.max ?? 0) / 10) / 100 },
  };
}
