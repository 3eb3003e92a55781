import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { encodeFrame, type Notification, type ServerFrame } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { pause, testClient } from './helpers.js';

/** A bare `ws` server that records client frames and answers as each test scripts it. */
class ScriptedServer implements AsyncDisposable {
  readonly frames: Record<string, unknown>[][] = [];
  readonly sockets: WebSocket[] = [];
  readonly #wss: WebSocketServer;

  private constructor(wss: WebSocketServer, onHello: (ws: WebSocket, index: number) => void) {
    this.#wss = wss;
    wss.on('connection', (ws) => {
      const index = this.sockets.length;
      this.sockets.push(ws);
      this.frames.push([]);
      ws.on('message', (data) => {
        const frame = JSON.parse((data as Buffer).toString('utf8')) as Record<string, unknown>;
        this.frames[index]!.push(frame);
        if (frame['type'] === 'hello') onHello(ws, index);
      });
    });
  }

  static async start(onHello: (ws: WebSocket, index: number) => void): Promise<ScriptedServer> {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', path: '/v1/ws' });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    return new ScriptedServer(wss, onHello);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#wss.address() as AddressInfo).port}`;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const ws of this.#wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}

const send = (ws: WebSocket, frame: ServerFrame): void => ws.send(encodeFrame(frame));

function item(seq: number): Notification {
  return {
    id: `n-${seq}`,
    tenant: 'acme',
    recipient: 'alice',
    seq,
    eventId: `evt-${seq}`,
    rule: 'order-created',
    category: 'orders',
    priority: 'normal',
    title: `item ${seq}`,
    body: null,
    data: {},
    collapseKey: null,
    channels: ['in_app'],
    createdAt: 1_700_000_000_000 + seq,
    seenAt: null,
    readAt: null,
    archivedAt: null,
  };
}

function welcome(ws: WebSocket, heartbeatMs = 60_000, resumeFrom = 0): void {
  send(ws, {
    type: 'welcome',
    subscriber: 'alice',
    resumeFrom,
    lastSeq: resumeFrom,
    unreadCount: 0,
    heartbeatMs,
  });
}

describe('the client side of the socket protocol', () => {
  it('says hello with its token and last seq, and acks what it got in one coalesced frame', async () => {
    await using server = await ScriptedServer.start((ws) => {
      welcome(ws, 60_000, 10);
      for (const seq of [11, 12, 13]) send(ws, { type: 'notification', notification: item(seq) });
      send(ws, { type: 'resume-complete', count: 3, lastSeq: 13 });
    });
    const { client, recorder } = testClient(server.url, { token: 'tok', lastSeq: 10 });
    await using _client = client;
    await client.connect();
    expect(recorder.seqs()).toEqual([11, 12, 13]);
    await pause(150);
    expect(server.frames[0]).toEqual([
      { type: 'hello', token: 'tok', lastSeq: 10 },
      { type: 'ack', seq: 13 },
    ]);
  });

  it('drops repeats by id, skips unknown frame types, and reports frames it cannot read', async () => {
    await using server = await ScriptedServer.start((ws) => {
      welcome(ws);
      send(ws, { type: 'resume-complete', count: 0, lastSeq: 0 });
      for (const seq of [1, 2, 1, 2, 3]) send(ws, { type: 'notification', notification: item(seq) });
      ws.send('{"type":"notification","notification":{"id":"broken"}}');
      ws.send('{"type":"from-a-newer-server","x":1}');
      send(ws, { type: 'error', code: 'invalid_field', message: 'ids: required', field: 'ids' });
    });
    const { client, recorder } = testClient(server.url, { token: 'tok', dedupeWindow: 10 });
    await using _client = client;
    await client.connect();
    await recorder.until(() => recorder.events.error.length === 2);
    expect(recorder.seqs()).toEqual([1, 2, 3]);
    expect(recorder.events.error.map((e) => [e.code, e.field])).toEqual([
      ['invalid_response', expect.stringMatching(/^notification\./)],
      ['invalid_field', 'ids'],
    ]);
    expect(client.status).toBe('live');
  });

  it('pings at the welcome heartbeat and reconnects when nothing comes back', async () => {
    await using server = await ScriptedServer.start((ws, index) => {
      welcome(ws, 150);
      send(ws, { type: 'resume-complete', count: 0, lastSeq: 0 });
      // The first connection goes silent: no pong, no close.
      if (index > 0) ws.on('message', () => send(ws, { type: 'pong' }));
    });
    const { client, recorder } = testClient(server.url, { token: 'tok' });
    await using _client = client;
    await client.connect();
    await recorder.until(() => recorder.events.connected.length === 2);
    expect(recorder.events.disconnected[0]).toMatchObject({ code: 1006, reason: 'heartbeat timeout' });
    expect(server.frames[0]).toContainEqual({ type: 'ping' });
    await pause(400);
    // The answered connection stays up.
    expect(recorder.events.connected).toHaveLength(2);
    expect(client.status).toBe('live');
  });

  it('stops on a close code that rules out reconnecting', async () => {
    await using server = await ScriptedServer.start((ws) => ws.close(4009, 'replaced by a newer connection'));
    const { client, recorder } = testClient(server.url, { token: 'tok' });
    await using _client = client;
    await expect(client.connect()).rejects.toMatchObject({ code: 'replaced', closeCode: 4009 });
    expect(recorder.events.reconnecting).toEqual([]);
  });
});

describe('browser safety', () => {
  it('imports nothing Node-only in the shipped source', () => {
    const dir = new URL('../src/', import.meta.url);
    const files = readdirSync(dir).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const name of files) {
      const text = readFileSync(new URL(name, dir), 'utf8');
      const imports = [...text.matchAll(/from '([^']+)'/g)].map((match) => match[1]!);
      for (const source of imports) expect(source, name).toMatch(/^(\.\/|@herald\/protocol$)/);
      expect(text, name).not.toMatch(/\b(Buffer|process)\./);
    }
  });
});
