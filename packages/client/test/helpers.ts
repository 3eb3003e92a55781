import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createGateway, mintSubscriberToken, type Gateway, type GatewayOptions } from '@herald/gateway';
import type { Notification } from '@herald/protocol';
import { openStore, type NewNotification, type Store } from '@herald/store';
import { Hono } from 'hono';
import WebSocket from 'ws';
import {
  createHeraldClient,
  type HeraldClient,
  type HeraldClientEvents,
  type HeraldClientOptions,
} from '../src/index.js';
import { inboxRoutes, toNotification } from './inbox-routes.js';

export const secret = 'client-test-secret-client-test-secret-01';

/** A unique id per test, so tenants never collide. */
export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

type HttpServer = ReturnType<typeof serve>;

/**
 * A real server on port 0: the gateway (`/v1/ws`) and the inbox routes over a real SQLite store,
 * with one tenant. `restart()` closes the gateway (4010) and listens again on the same port;
 * notifications published while it is down are stored only, as push would.
 */
export class HeraldTestServer implements AsyncDisposable {
  readonly store: Store;
  readonly tenant = unique('t');
  port = 0;
  #gateway: Gateway | undefined;
  #server: HttpServer | undefined;
  #eventSeq = 0;
  readonly #gatewayOptions: Partial<GatewayOptions>;

  private constructor(gatewayOptions: Partial<GatewayOptions>) {
    this.#gatewayOptions = gatewayOptions;
    this.store = openStore({ path: ':memory:' });
    this.store.tenants.create({ id: this.tenant, name: this.tenant });
  }

  static async start(gatewayOptions: Partial<GatewayOptions> = {}): Promise<HeraldTestServer> {
    const server = new HeraldTestServer(gatewayOptions);
    await server.listen();
    return server;
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get gateway(): Gateway {
    if (this.#gateway === undefined) throw new Error('the server is down');
    return this.#gateway;
  }

  async listen(): Promise<void> {
    const store = this.store;
    const gateway = createGateway({
      secret,
      inbox: {
        listAfter: (tenant, subscriber, afterSeq, limit) =>
          store.inbox.listAfterSequence(tenant, subscriber, afterSeq, limit).map(toNotification),
        summary: (tenant, subscriber) => ({
          lastSeq: store.inbox.listAfterSequence(tenant, subscriber, 0, 1000).at(-1)?.seq ?? 0,
          unreadCount: store.inbox.unreadCount(tenant, subscriber),
        }),
      },
      onError: () => {},
      ...this.#gatewayOptions,
    });
    const app = new Hono().route('/', gateway.app).route(
      '/',
      inboxRoutes(store, secret, (state) => this.#gateway?.deliverState(state) ?? Promise.resolve(0)),
    );
    const server = await new Promise<HttpServer>((resolve) => {
      const started = serve({ fetch: app.fetch, port: this.port, hostname: '127.0.0.1' }, () =>
        resolve(started),
      );
    });
    gateway.attach(server);
    this.port = (server.address() as AddressInfo).port;
    this.#gateway = gateway;
    this.#server = server;
  }

  /** Closes every socket with 4010 and stops listening. */
  async shutDown(): Promise<void> {
    const gateway = this.#gateway;
    const server = this.#server;
    this.#gateway = undefined;
    this.#server = undefined;
    await gateway?.close();
    if (server !== undefined) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
    }
  }

  async restart(): Promise<void> {
    await this.shutDown();
    await this.listen();
  }

  async token(
    subscriber: string,
    options: { ttlSeconds?: number; now?: () => number } = {},
  ): Promise<string> {
    return (await mintSubscriberToken({ tenant: this.tenant, subscriber, ...options }, secret)).token;
  }

  /** Stores a notification in `recipient`'s inbox, then delivers it live if the server is up. */
  async publish(recipient: string, extra: Partial<NewNotification> = {}): Promise<Notification> {
    this.#eventSeq += 1;
    const { inserted, notification, replaced, unreadCount } = this.store.inbox.insert({
      tenantId: this.tenant,
      id: `n-${recipient}-${this.#eventSeq}`,
      recipientId: recipient,
      eventId: `evt-${this.#eventSeq}`,
      rule: 'order-created',
      category: 'orders',
      title: `item ${this.#eventSeq}`,
      ...extra,
    });
    const item = toNotification(notification);
    if (inserted && notification.replacedAt === null && this.#gateway !== undefined) {
      await this.#gateway.deliver(item, { replaces: replaced, unreadCount });
    }
    return item;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutDown();
    await this.store.close();
  }
}

/** What a client emitted, in order, with waits on it. */
export class Recorder {
  readonly events: { [K in keyof HeraldClientEvents]: HeraldClientEvents[K][] } = {
    notification: [],
    replace: [],
    state: [],
    'unread-count': [],
    connected: [],
    disconnected: [],
    reconnecting: [],
    error: [],
  };
  #waiters: (() => void)[] = [];

  constructor(client: HeraldClient) {
    for (const name of Object.keys(this.events) as (keyof HeraldClientEvents)[]) {
      client.on(name, (payload: unknown) => {
        (this.events[name] as unknown[]).push(payload);
        const waiters = this.#waiters;
        this.#waiters = [];
        for (const wake of waiters) wake();
      });
    }
  }

  titles(): string[] {
    return [
      ...this.events.notification.map((n) => n.title),
      ...this.events.replace.map((r) => r.notification.title),
    ];
  }

  seqs(): number[] {
    return this.events.notification.map((n) => n.seq);
  }

  /** Resolves once `check` holds; rejects after `timeoutMs` with what was recorded. */
  async until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      const left = deadline - Date.now();
      if (left <= 0) {
        const counts = Object.entries(this.events).map(([name, list]) => `${name}=${list.length}`);
        throw new Error(`timed out: ${counts.join(' ')}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/** A client on `server` with `ws` and fast, bounded reconnects. */
export function testClient(
  url: string,
  options: Omit<HeraldClientOptions, 'url'>,
): { client: HeraldClient; recorder: Recorder } {
  const client = createHeraldClient({
    url,
    WebSocket,
    reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    ...options,
  });
  return { client, recorder: new Recorder(client) };
}

export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
