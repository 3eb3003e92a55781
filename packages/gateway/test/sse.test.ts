import { describe, expect, it } from 'vitest';
import { mintSubscriberToken } from '../src/index.js';
import { sseRetryMs } from '../src/sse-transport.js';
import {
  eventually,
  hasResumeComplete,
  notification,
  secret,
  SseReader,
  startGateway,
  unique,
} from './helpers.js';

const token = async (tenant: string, subscriber: string): Promise<string> =>
  (await mintSubscriberToken({ tenant, subscriber }, secret)).token;

describe('SSE stream', () => {
  it('answers 401 with a JSON error for a missing, bad or expired token, 403 without the stream scope', async () => {
    await using server = await startGateway();
    const missing = await fetch(`${server.base}/v1/stream`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: { code: 'unauthorized' } });

    const bad = await fetch(`${server.base}/v1/stream?token=nope`);
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: { code: 'unauthorized', message: 'invalid token' } });

    const old = (
      await mintSubscriberToken({ tenant: 'acme', subscriber: 'a', ttlSeconds: 60, now: () => 0 }, secret)
    ).token;
    const expired = await fetch(`${server.base}/v1/stream`, { headers: { authorization: `Bearer ${old}` } });
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({ error: { code: 'unauthorized', message: 'token expired' } });

    const scoped = (
      await mintSubscriberToken({ tenant: 'acme', subscriber: 'a', scopes: ['inbox:read'] }, secret)
    ).token;
    const forbidden = await fetch(`${server.base}/v1/stream?token=${scoped}`);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ error: { code: 'forbidden' } });

    const badId = await fetch(`${server.base}/v1/stream?token=${await token('acme', 'a')}`, {
      headers: { 'last-event-id': 'abc' },
    });
    expect(badId.status).toBe(400);
    expect(await badId.json()).toMatchObject({ error: { code: 'invalid_field', field: 'Last-Event-ID' } });
  });

  it('resumes from Last-Event-ID, then streams live deliveries with ids, to the recipient only', async () => {
    await using server = await startGateway({ resumePageSize: 2 });
    const tenant = unique('t');
    for (let seq = 1; seq <= 5; seq += 1) server.inbox.store(notification(tenant, 'alice', seq));
    const alice = await SseReader.open(`${server.base}/v1/stream`, {
      authorization: `Bearer ${await token(tenant, 'alice')}`,
      'last-event-id': '2',
    });
    const bob = await SseReader.open(`${server.base}/v1/stream?token=${await token(tenant, 'bob')}`);
    try {
      expect(alice.response.status).toBe(200);
      expect(alice.response.headers.get('content-type')).toContain('text/event-stream');
      await alice.until(hasResumeComplete);
      await bob.until(hasResumeComplete);
      expect(alice.frames[0]?.frame).toMatchObject({
        type: 'welcome',
        subscriber: 'alice',
        resumeFrom: 2,
        lastSeq: 5,
      });
      expect(alice.seqs()).toEqual([3, 4, 5]);
      expect(alice.frames.filter((f) => f.event === 'notification').map((f) => f.id)).toEqual([
        '3',
        '4',
        '5',
      ]);
      await server.gateway.deliver(server.inbox.store(notification(tenant, 'alice', 6)), { unreadCount: 4 });
      await server.gateway.deliver(notification(tenant, 'bob', 1));
      await alice.until(() => alice.seqs().includes(6));
      await bob.until(() => bob.seqs().includes(1));
      expect(alice.seqs()).toEqual([3, 4, 5, 6]);
      expect(alice.frames.at(-1)?.frame).toMatchObject({ type: 'notification', unreadCount: 4 });
      expect(alice.frames.find((f) => f.id === '5')?.frame).not.toHaveProperty('unreadCount');
      expect(bob.seqs()).toEqual([1]);
      expect(server.gateway.stats()).toMatchObject({ sseStreams: 2, connections: 2 });
    } finally {
      alice.abort();
      bob.abort();
    }
    await eventually(() => server.gateway.stats().connections === 0);
  });

  it('drops a stream whose reader stops reading, while another keeps receiving', async () => {
    await using server = await startGateway({ maxQueuedFrames: 50, maxBufferedBytes: 64 * 1024 });
    const tenant = unique('t');
    const jwt = await token(tenant, 'alice');
    const fast = await SseReader.open(`${server.base}/v1/stream?token=${jwt}`);
    const controller = new AbortController();
    const stalled = await fetch(`${server.base}/v1/stream?token=${jwt}`, { signal: controller.signal });
    try {
      await fast.until(hasResumeComplete);
      await eventually(() => server.gateway.stats().connections === 2);
      const body = 'x'.repeat(16 * 1024);
      let seq = 0;
      while (server.gateway.stats().droppedSlowConsumers === 0) {
        if (seq > 20_000) throw new Error('the stalled stream was never dropped');
        for (let i = 0; i < 10; i += 1)
          await server.gateway.deliver(notification(tenant, 'alice', ++seq, { body }));
        await fast.until(() => fast.seqs().length === seq, 10_000);
      }
      expect(server.gateway.stats()).toMatchObject({ droppedSlowConsumers: 1, connections: 1 });
      await server.gateway.deliver(notification(tenant, 'alice', ++seq));
      await fast.until(() => fast.seqs().length === seq);
      expect(stalled.status).toBe(200);
    } finally {
      fast.abort();
      controller.abort();
    }
  });

  it('sends keep-alive comments', async () => {
    await using server = await startGateway({ heartbeatIntervalMs: 20 });
    const reader = await SseReader.open(
      `${server.base}/v1/stream?token=${await token(unique('t'), 'alice')}`,
    );
    try {
      await eventually(() => reader.comments.some((line) => line.includes('keep-alive')));
    } finally {
      reader.abort();
    }
  });

  it('opens with a reconnection delay of 1–3 s, spread at random', async () => {
    await using server = await startGateway();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const reader = await SseReader.open(`${server.base}/v1/stream?token=${await token(unique('t'), 'a')}`);
      await reader.until(hasResumeComplete);
      reader.abort();
      expect(reader.retries).toHaveLength(1);
      delays.push(reader.retries[0]!);
    }
    for (const delay of delays) expect(delay >= 1000 && delay < 3000, String(delay)).toBe(true);
    expect(new Set(delays).size).toBeGreaterThan(1);
    expect([sseRetryMs(() => 0), sseRetryMs(() => 0.9999)]).toEqual([1000, 2999]);
  });

  it('while shutting down, answers a stream that says when to come back instead of a 503', async () => {
    const server = await startGateway();
    const alice = await token(unique('t'), 'alice');
    await server.gateway.close();
    // EventSource gives up for good on any status but 200; this it reconnects from, after the delay.
    const reader = await SseReader.open(`${server.base}/v1/stream?token=${alice}`);
    await reader.done;
    expect(reader.response.status).toBe(200);
    expect(reader.response.headers.get('content-type')).toContain('text/event-stream');
    // Not kept alive: the browser's retries would otherwise hold the closing server open.
    expect(reader.response.headers.get('connection')).toBe('close');
    expect(reader.retries).toHaveLength(1);
    expect(reader.retries[0]! >= 1000 && reader.retries[0]! < 3000).toBe(true);
    expect(reader.comments.some((line) => line.includes('4010'))).toBe(true);
    expect(reader.frames).toEqual([]);
    await server[Symbol.asyncDispose]();
    // That short answer leaves later streams whole (a shared headers object once got its length).
    await using next = await startGateway();
    const stream = await SseReader.open(`${next.base}/v1/stream?token=${alice}`);
    await stream.until(hasResumeComplete);
    stream.abort();
  });

  it('ends the stream when the gateway closes', async () => {
    const server = await startGateway();
    const reader = await SseReader.open(
      `${server.base}/v1/stream?token=${await token(unique('t'), 'alice')}`,
    );
    await reader.until(hasResumeComplete);
    await server.gateway.close();
    await reader.done;
    expect(reader.comments.some((line) => line.includes('4010'))).toBe(true);
    await server[Symbol.asyncDispose]();
  });
});
