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

/**
 * Sends `order.created` events for a customer owned by the watched subscriber, at a steady rate,
 * and times each from just before its `POST /v1/events` to its notification on the
 * subscriber's socket — the latency a person sees. Used by `herald bench` and `pnpm bench`.
 *
 * @example
 * const result = await runLoad(target, { events: 5000, rate: 1000 });
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

  const sentAt = new Map<string, number>();
  const latency = new Histogram();
  let sent = 0;
  let accepted = 0;
  let failed = 0;
  let received = 0;
  const progress = () => options.onProgress?.({ sent, received, failed });

  await using client = createHeraldClient({
    url: target.url,
    token: target.token,
    WebSocket,
    reconnect: false,
  });
  let allReceived: (() => void) | undefined;
  client.on('notification', (notification) => {
    const orderId = notification.data['orderId'];
    const started = typeof orderId === 'string' ? sentAt.get(orderId) : undefined;
    if (started === undefined) return;
    sentAt.delete(orderId as string);
    latency.record(Math.max(1, Math.round((performance.now() - started) * 1000)));
    received += 1;
    if (received === accepted && sent === options.events) allReceived?.();
    progress();
  });
  await client.connect();

  const concurrency = options.concurrency ?? 64;
  const interval = options.rate > 0 ? 1000 / options.rate : 0;
  const begin = performance.now();
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < options.events; i++) {
    if (interval > 0) {
      const due = begin + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    const orderId = `${customer}-${i}`;
    const body = JSON.stringify({
      type: 'order.created',
      customerId: customer,
      occurredAt: new Date().toISOString(),
      data: { orderId, total: 10 + (i % 90), currency: 'EUR' },
    });
    sentAt.set(orderId, performance.now());
    sent += 1;
    const request = fetch(`${target.url}/v1/events`, { method: 'POST', headers, body })
      .then(async (response) => {
        await response.body?.cancel();
        if (response.status === 202) accepted += 1;
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
