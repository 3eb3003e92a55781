export { closeOf, TestClient, type Closed } from '@herald/testkit';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { serve } from '@hono/node-server';
import { decodeServerFrame, type Notification, type ServerFrame } from '@herald/protocol';
import { Hono } from 'hono';
import { createGateway, type Gateway, type GatewayOptions, type InboxSource } from '../src/index.js';

export const secret = 'test-secret-test-secret-test-secret-0123';

/** A unique id per test, so tenants and channels never collide across runs. */
export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function notification(
  tenant: string,
  recipient: string,
  seq: number,
  extra: Partial<Notification> = {},
): Notification {
  return {
    id: `n-${tenant}-${recipient}-${seq}`,
    tenant,
    recipient,
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
    ...extra,
  };
}

/** An in-memory inbox: `store` then `deliver`, as push does. */
export class FakeInbox implements InboxSource {
  readonly items = new Map<string, Notification[]>();
  calls = 0;
  /** Runs inside each `listAfter` before it answers: lets a test race deliveries against the resume. */
  beforeAnswer: ((call: number) => Promise<void> | void) | undefined;
  /** Set by a test to have the gateway count unread items here for deliveries from other instances. */
  unreadCount?: (tenant: string, subscriber: string) => number;

  store(item: Notification): Notification {
    const key = `${item.tenant}/${item.recipient}`;
    const list = this.items.get(key) ?? [];
    list.push(item);
    this.items.set(key, list);
    return item;
  }

  async listAfter(
    tenant: string,
    subscriber: string,
    afterSeq: number,
    limit: number,
  ): Promise<Notification[]> {
    this.calls += 1;
    const page = (this.items.get(`${tenant}/${subscriber}`) ?? [])
      .filter((item) => item.seq > afterSeq)
      .sort((a, b) => a.seq - b.seq)
      .slice(0, limit);
    await this.beforeAnswer?.(this.calls);
    return page;
  }

  summary(tenant: string, subscriber: string): { lastSeq: number; unreadCount: number } {
    const list = this.items.get(`${tenant}/${subscriber}`) ?? [];
    return {
      lastSeq: list.reduce((max, item) => Math.max(max, item.seq), 0),
      unreadCount: list.filter((item) => item.readAt === null).length,
    };
  }
}

export interface TestServer extends AsyncDisposable {
  gateway: Gateway;
  port: number;
  base: string;
  inbox: FakeInbox;
}

/** A real HTTP server on port 0 with the gateway's routes and WebSocket upgrades. */
export async function startGateway(
  options: Partial<GatewayOptions> & { inbox?: FakeInbox } = {},
): Promise<TestServer> {
  const inbox = options.inbox ?? new FakeInbox();
  const gateway = createGateway({ secret, ...options, inbox });
  const app = new Hono().route('/', gateway.app);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  gateway.attach(server);
  const { port } = server.address() as AddressInfo;
  return {
    gateway,
    port,
    base: `http://127.0.0.1:${port}`,
    inbox,
    async [Symbol.asyncDispose]() {
      await gateway.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
    },
  };
}

/** Polls until `check` holds (for server-side state). */
export async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Reads an SSE response into frames as they arrive. */
export class SseReader {
  readonly frames: { event: string; id: string | undefined; frame: ServerFrame }[] = [];
  readonly comments: string[] = [];
  /** The `retry:` delays the stream sent, in ms. */
  readonly retries: number[] = [];
  readonly done: Promise<void>;
  readonly #controller = new AbortController();
  #waiters: (() => void)[] = [];
  #ended = false;

  constructor(readonly response: Response) {
    this.done = this.#read();
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const controller = new AbortController();
    const response = await fetch(url, { headers, signal: controller.signal });
    const reader = new SseReader(response);
    reader.abort = () => controller.abort();
    return reader;
  }

  abort: () => void = () => this.#controller.abort();

  async #read(): Promise<void> {
    const body = this.response.body;
    if (body === null) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          this.#parse(block);
        }
        this.#wake();
      }
    } catch {
      // aborted or cut
    } finally {
      this.#ended = true;
      this.#wake();
    }
  }

  #parse(block: string): void {
    let event = 'message';
    let id: string | undefined;
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line);
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('data: ')) data += line.slice(6);
      else if (line.startsWith('retry: ')) this.retries.push(Number(line.slice(7)));
    }
    if (data === '') return;
    const decoded = decodeServerFrame(data);
    if (!decoded.success) throw new Error(`bad SSE frame: ${data}`);
    this.frames.push({ event, id, frame: decoded.frame });
  }

  seqs(): number[] {
    return this.frames.flatMap(({ frame }) =>
      frame.type === 'notification' ? [frame.notification.seq] : [],
    );
  }

  async until(predicate: (frames: ServerFrame[]) => boolean, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.frames.map((f) => f.frame))) {
      const left = deadline - Date.now();
      if (left <= 0 || this.#ended)
        throw new Error(`SSE: condition not met; frames: ${JSON.stringify(this.frames.map((f) => f.event))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

export const hasResumeComplete = (frames: ServerFrame[]): boolean =>
  frames.some((f) => f.type === 'resume-complete');
