import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Cache, Unsubscribe } from '@herald/cache';
import {
  apiError,
  closeCodeInfo,
  closeCodes,
  decodeClientFrame,
  encodeFrame,
  type ApiErrorBody,
  type ApiErrorCode,
  type ClientFrame,
  type CloseCode,
  type MarkAction,
  type Notification,
  type ServerFrame,
  type SubscriberTokenClaims,
} from '@herald/protocol';
import { Hono } from 'hono';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { notificationFrameText, type NotificationFrame } from './notification-frame-text.js';
import { Connection, presetEncoding, type ConnectionHooks, type FrameTransport } from './connection.js';
import {
  decodeFanOutMessage,
  encodeFanOutMessage,
  encodeNotificationFanOut,
  fanOutOriginPrefix,
  type FanOutMessage,
} from './fan-out-message.js';
import { GatewayError } from './gateway-error.js';
import { createSseStream, reconnectLaterResponse, sseHeaders } from './sse-transport.js';
import { tokenSecret, type TokenSecret } from './token-secret.js';
import { verifySubscriberToken } from './verify-subscriber-token.js';
import { createWsTransport } from './ws-transport.js';

/** The newest seq of an inbox and how many of its items are unread, for the `welcome` frame. */
export interface InboxSummary {
  lastSeq: number;
  unreadCount: number;
}

/** Where the gateway reads what a reconnecting client missed (the push app adapts the store to it). */
export interface InboxSource {
  /** Up to `limit` items of the subscriber's inbox with a seq above `afterSeq`, oldest first. */
  listAfter(
    tenant: string,
    subscriber: string,
    afterSeq: number,
    limit: number,
  ): Promise<readonly Notification[]> | readonly Notification[];
  /** The inbox's newest seq and unread count; without it `welcome` carries the resume point and 0. */
  summary?(tenant: string, subscriber: string): Promise<InboxSummary> | InboxSummary;
  /**
   * The subscriber's unread count now, read when a delivery made on another instance reaches a
   * connection here: a mark made here after that delivery (whose `state` frame may have come
   * first) is counted. Without it, the count made with the delivery is sent.
   */
  unreadCount?(tenant: string, subscriber: string): number;
}

/** A subscriber: whose connection a callback is about. */
export interface SubscriberRef {
  tenant: string;
  subscriber: string;
}

/** A `mark` frame a client sent. */
export type MarkFrame = Extract<ClientFrame, { type: 'mark' }>;

/** Options of {@link createGateway}. */
export interface GatewayOptions {
  /** The HS256 key of subscriber tokens (at least 32 bytes; a string is taken as UTF-8). */
  secret: TokenSecret;
  /** Where missed notifications are read on resume. */
  inbox: InboxSource;
  /**
   * Shared with the other gateway instances: each delivery is published on a channel per tenant
   * and every instance writes it to its own connections.
   *
   * @defaultValue none: deliveries reach this instance's connections only
   */
  cache?: Cache;
  /**
   * The fan-out channel of a tenant is this followed by the tenant id (inside the cache's prefix).
   *
   * @defaultValue `'herald:deliver:'`
   */
  channelPrefix?: string;
  /**
   * This instance's id on fan-out messages, so it ignores its own.
   *
   * @defaultValue a random UUID
   */
  instanceId?: string;
  /**
   * Frames a connection may hold back before it is closed as too slow (4008).
   *
   * @defaultValue 1000
   */
  maxQueuedFrames?: number;
  /**
   * Bytes the network may hold for one connection; past this, frames wait in its queue.
   *
   * @defaultValue 1_048_576
   */
  maxBufferedBytes?: number;
  /**
   * How often sockets are pinged (and SSE streams get a keep-alive comment); a socket that did
   * not answer the previous ping is terminated.
   *
   * @defaultValue 30_000
   */
  heartbeatIntervalMs?: number;
  /**
   * How long a WebSocket may take to send `hello` before it is closed (4004).
   *
   * @defaultValue 10_000
   */
  helloTimeoutMs?: number;
  /**
   * Items read from the inbox per page on resume (at most half of `maxQueuedFrames`).
   *
   * @defaultValue 200
   */
  resumePageSize?: number;
  /**
   * Largest client frame, in bytes.
   *
   * @defaultValue 65_536
   */
  maxClientFrameBytes?: number;
  /**
   * How long a closed socket whose peer does not answer the close is kept before it is terminated.
   *
   * @defaultValue 2_000
   */
  closeGraceMs?: number;
  /**
   * Called with each `mark` frame; the app applies it to the inbox and then calls
   * `deliverState` so every connection of the subscriber learns of it.
   *
   * @defaultValue none: `mark` frames are answered with an `unavailable` error frame
   */
  onMark?: (subscriber: SubscriberRef, mark: MarkFrame) => void | Promise<void>;
  /**
   * Receives failures nobody awaits (a resume whose inbox read failed, a fan-out that failed).
   *
   * @defaultValue logs them with `console.error`
   */
  onError?: (error: unknown) => void;
  /**
   * The clock, in epoch milliseconds.
   *
   * @defaultValue `Date.now`
   */
  now?: () => number;
}

/** Items changed state: sent as a `state` frame to every connection of the subscriber. */
export interface StateDelivery {
  tenant: string;
  subscriber: string;
  action: MarkAction;
  ids?: string[];
  all?: true;
  upTo?: number;
  /** When, in epoch ms. */
  at: number;
  unreadCount: number;
}

/** Options of {@link Gateway.deliver}. */
export interface DeliverOptions {
  /** Ids the notification replaces through its collapse key: sent as a `replace` frame. */
  replaces?: readonly string[] | undefined;
  /** The recipient's unread count once the notification arrived, for the frame (badges). @defaultValue left out */
  unreadCount?: number | undefined;
}

/** What a gateway is doing. */
export interface GatewayStats {
  connections: number;
  webSockets: number;
  sseStreams: number;
  subscribers: number;
  framesSent: number;
  droppedSlowConsumers: number;
}

/** The server `attach` listens on: anything emitting Node's `upgrade` event. */
export interface UpgradeSource {
  on(event: 'upgrade', listener: (request: IncomingMessage, socket: Duplex, head: Buffer) => void): unknown;
  off(event: 'upgrade', listener: (request: IncomingMessage, socket: Duplex, head: Buffer) => void): unknown;
  listenerCount(event: 'upgrade'): number;
}

/** Live delivery over WebSocket and SSE; see {@link createGateway}. */
export interface Gateway extends AsyncDisposable {
  /** The hono routes: `GET /v1/stream` (SSE). Mount it with `app.route('/', gateway.app)`. */
  readonly app: Hono;
  readonly instanceId: string;
  /** Handles WebSocket upgrades on `/v1/ws` of a Node HTTP server (as `serve()` returns). */
  attach(server: UpgradeSource): void;
  /** Writes a stored notification to its recipient's connections, on every instance; resolves to how many here. */
  deliver(notification: Notification, options?: DeliverOptions): Promise<number>;
  /** Tells every connection of a subscriber, on every instance, that items changed state. */
  deliverState(state: StateDelivery): Promise<number>;
  stats(): GatewayStats;
  /** Closes every connection (4010, resume elsewhere) and stops listening. Safe to call twice. */
  close(): Promise<void>;
}

const wsPath = '/v1/ws';

interface TenantSubscription {
  count: number;
  ready: Promise<Unsubscribe | undefined>;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const result = value ?? fallback;
  if (!Number.isSafeInteger(result) || result <= 0) {
    throw new GatewayError('INVALID_ARGUMENT', `${name}: a positive integer required, got ${result}`);
  }
  return result;
}

function tokenErrorCode(error: unknown): CloseCode {
  if (GatewayError.isInstance(error)) {
    if (error.code === 'TOKEN_EXPIRED') return closeCodes.tokenExpired;
    if (error.code === 'FORBIDDEN') return closeCodes.forbidden;
  }
  return closeCodes.unauthorized;
}

function reasonOf(code: CloseCode): string {
  return closeCodeInfo(code)?.reason ?? 'closed';
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/**
 * The gateway: authenticates subscribers by token, resumes them from the inbox without gap or
 * repeat, writes live deliveries to all their connections through bounded per-connection
 * queues, and fans deliveries out across instances through the cache.
 *
 * @example
 * const gateway = createGateway({ secret, inbox, cache });
 * const app = new Hono().route('/', gateway.app);
 * const server = serve({ fetch: app.fetch, port: 8080 });
 * gateway.attach(server);
 * await gateway.deliver(notification); // after storing it
 */
export function createGateway(options: GatewayOptions): Gateway {
  const secret = tokenSecret(options.secret);
  const now = options.now ?? Date.now;
  const limits = {
    maxQueuedFrames: positiveInteger('maxQueuedFrames', options.maxQueuedFrames, 1000),
    maxBufferedBytes: positiveInteger('maxBufferedBytes', options.maxBufferedBytes, 1_048_576),
  };
  const heartbeatIntervalMs = positiveInteger('heartbeatIntervalMs', options.heartbeatIntervalMs, 30_000);
  const helloTimeoutMs = positiveInteger('helloTimeoutMs', options.helloTimeoutMs, 10_000);
  // A page must fit in a connection's queue next to the frames held back meanwhile.
  const resumePageSize = Math.max(
    1,
    Math.min(
      positiveInteger('resumePageSize', options.resumePageSize, 200),
      Math.floor(limits.maxQueuedFrames / 2),
    ),
  );
  const closeGraceMs = positiveInteger('closeGraceMs', options.closeGraceMs, 2_000);
  const maxClientFrameBytes = positiveInteger('maxClientFrameBytes', options.maxClientFrameBytes, 65_536);
  const channelPrefix = options.channelPrefix ?? 'herald:deliver:';
  const instanceId = options.instanceId ?? randomUUID();
  const onError = options.onError ?? ((error: unknown) => console.error('[herald/gateway]', error));
  const { inbox, cache } = options;

  const byTenant = new Map<string, Map<string, Set<Connection>>>();
  const subscriptions = new Map<string, TenantSubscription>();
  const sockets = new Map<WebSocket, { alive: boolean }>();
  const sseStreams = new Set<{ keepAlive(): void; connection: Connection }>();
  const attached = new Set<UpgradeSource>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxClientFrameBytes });
  let framesSent = 0;
  let droppedSlowConsumers = 0;
  let connectionCount = 0;
  let closed: Promise<void> | undefined;

  const hooks: ConnectionHooks = {
    onFramesWritten(count) {
      framesSent += count;
    },
    onTooSlow(connection) {
      droppedSlowConsumers += 1;
      drop(connection, closeCodes.tooSlow);
    },
  };

  const channelOf = (tenant: string): string => `${channelPrefix}${tenant}`;

  function subscribeTenant(tenant: string): Promise<unknown> {
    if (cache === undefined) return Promise.resolve();
    const existing = subscriptions.get(tenant);
    if (existing !== undefined) {
      existing.count += 1;
      return existing.ready;
    }
    const ready = cache
      .subscribe(channelOf(tenant), (text) => onFanOut(tenant, text))
      .catch((error: unknown) => {
        onError(error);
        return undefined;
      });
    subscriptions.set(tenant, { count: 1, ready });
    return ready;
  }

  function unsubscribeTenant(tenant: string): void {
    const entry = subscriptions.get(tenant);
    if (entry === undefined) return;
    entry.count -= 1;
    if (entry.count > 0) return;
    subscriptions.delete(tenant);
    entry.ready.then((unsubscribe) => unsubscribe?.()).catch(onError);
  }

  const ownMessagePrefix = fanOutOriginPrefix(instanceId);

  function onFanOut(tenant: string, text: string): void {
    if (text.startsWith(ownMessagePrefix)) return;
    const message = decodeFanOutMessage(text);
    if (message === undefined || message.origin === instanceId) return;
    if (message.kind === 'notification') {
      const { notification } = message;
      if (notification.tenant !== tenant) return;
      if (byTenant.get(tenant)?.has(notification.recipient) !== true) return;
      const unreadCount = unreadCountHere(notification, message.unreadCount);
      const frame = notificationFrame(notification, message.replaces, unreadCount);
      fanOutLocal(tenant, notification.recipient, frame, notification.seq);
    } else {
      fanOutLocal(tenant, message.subscriber, message.frame, undefined);
    }
  }

  /** The count for a delivery made elsewhere: read here when the inbox can tell, else the one it came with. */
  function unreadCountHere(notification: Notification, sent: number | undefined): number | undefined {
    if (sent === undefined || inbox.unreadCount === undefined) return sent;
    try {
      return inbox.unreadCount(notification.tenant, notification.recipient);
    } catch (error) {
      onError(error);
      return sent;
    }
  }

  function register(connection: Connection): void {
    let subscribers = byTenant.get(connection.tenant);
    if (subscribers === undefined) {
      subscribers = new Map();
      byTenant.set(connection.tenant, subscribers);
    }
    let set = subscribers.get(connection.subscriber);
    if (set === undefined) {
      set = new Set();
      subscribers.set(connection.subscriber, set);
    }
    set.add(connection);
    connectionCount += 1;
  }

  function unregister(connection: Connection): void {
    const subscribers = byTenant.get(connection.tenant);
    const set = subscribers?.get(connection.subscriber);
    if (subscribers === undefined || set === undefined || !set.delete(connection)) return;
    connectionCount -= 1;
    if (set.size === 0) subscribers.delete(connection.subscriber);
    if (subscribers.size === 0) byTenant.delete(connection.tenant);
    unsubscribeTenant(connection.tenant);
  }

  function fanOutLocal(
    tenant: string,
    subscriber: string,
    frame: ServerFrame,
    seq: number | undefined,
  ): number {
    const set = byTenant.get(tenant)?.get(subscriber);
    if (set === undefined) return 0;
    for (const connection of [...set]) connection.pushLive(frame, seq);
    return set.size;
  }

  function notificationFrame(
    notification: Notification,
    replaces: readonly string[] | undefined,
    unreadCount: number | undefined,
  ): NotificationFrame {
    const written =
      notification.stages === undefined
        ? notification
        : { ...notification, stages: { ...notification.stages, written: now() } };
    // Keys in the order `notificationFrameText` writes them.
    const frame: NotificationFrame =
      replaces !== undefined && replaces.length > 0
        ? { type: 'replace', notification: written, replaces: [...replaces] }
        : { type: 'notification', notification: written };
    if (unreadCount !== undefined) frame.unreadCount = unreadCount;
    return frame;
  }

  async function authenticate(token: string): Promise<SubscriberTokenClaims> {
    const claims = await verifySubscriberToken(token, secret, { now });
    if (claims.scopes !== undefined && !claims.scopes.includes('stream')) {
      throw new GatewayError('FORBIDDEN', 'the token does not grant the stream scope');
    }
    return claims;
  }

  /** Registers, then reads what was missed: anything delivered meanwhile is held back by the connection. */
  async function open(
    connection: Connection,
    claims: SubscriberTokenClaims,
    lastSeq: number | undefined,
  ): Promise<void> {
    register(connection);
    const expiresInMs = Math.min(Math.max(claims.exp * 1000 - now(), 0), 2 ** 31 - 1);
    const expiry = setTimeout(() => drop(connection, closeCodes.tokenExpired), expiresInMs);
    expiry.unref();
    expiries.set(connection, () => clearTimeout(expiry));
    try {
      await subscribeTenant(connection.tenant);
      if (connection.closed) return;
      const summary = await inbox.summary?.(connection.tenant, connection.subscriber);
      if (connection.closed) return;
      const resumeFrom = lastSeq ?? summary?.lastSeq ?? 0;
      connection.lastSeq = resumeFrom;
      connection.send({
        type: 'welcome',
        subscriber: connection.subscriber,
        resumeFrom,
        lastSeq: Math.max(summary?.lastSeq ?? 0, resumeFrom),
        unreadCount: summary?.unreadCount ?? 0,
        heartbeatMs: heartbeatIntervalMs,
      });
      let count = 0;
      if (lastSeq !== undefined) {
        let cursor = lastSeq;
        for (;;) {
          const page = await inbox.listAfter(
            connection.tenant,
            connection.subscriber,
            cursor,
            resumePageSize,
          );
          if (connection.closed) return;
          let advanced = false;
          for (const notification of page) {
            if (notification.seq <= cursor) continue;
            connection.send({ type: 'notification', notification }, notification.seq);
            cursor = notification.seq;
            advanced = true;
            count += 1;
          }
          if (page.length < resumePageSize || !advanced) break;
          // One page at a time: a long backlog never sits in memory as a whole.
          await connection.whenFlushed();
          if (connection.closed) return;
        }
      }
      connection.goLive(count);
    } catch (error) {
      onError(
        new GatewayError('UNAVAILABLE', 'resume failed: the inbox could not be read', { cause: error }),
      );
      drop(connection, closeCodes.internalError);
    }
  }

  const expiries = new Map<Connection, () => void>();
  function release(connection: Connection): void {
    connection.released();
    unregister(connection);
    expiries.get(connection)?.();
    expiries.delete(connection);
  }

  function drop(connection: Connection, code: CloseCode): void {
    connection.close(code, reasonOf(code));
    release(connection);
  }

  function onSocket(ws: WebSocket, socket: Duplex, urlToken: string | undefined): void {
    const transport = createWsTransport(ws, socket, closeGraceMs);
    const heartbeat = { alive: true };
    sockets.set(ws, heartbeat);
    let state: 'hello' | 'authenticating' | 'open' | 'closed' = 'hello';
    let connection: Connection | undefined;
    const closeWith = (code: CloseCode): void => {
      if (state === 'closed') return;
      state = 'closed';
      if (connection !== undefined) {
        drop(connection, code);
      } else {
        transport.close(code, reasonOf(code));
      }
    };
    const reply = (frame: ServerFrame): void => {
      if (connection !== undefined) connection.send(frame);
      else if (ws.readyState === ws.OPEN) ws.send(encodeFrame(frame));
    };
    const replyError = (code: ApiErrorCode, message: string, field?: string): void => {
      reply({ type: 'error', ...apiError(code, message, field).error });
    };
    const helloTimer = setTimeout(() => {
      if (state === 'hello') closeWith(closeCodes.helloTimeout);
    }, helloTimeoutMs);
    helloTimer.unref();

    const urlClaims = urlToken === undefined ? undefined : authenticate(urlToken);
    urlClaims?.catch((error: unknown) => closeWith(tokenErrorCode(error)));

    async function hello(frame: Extract<ClientFrame, { type: 'hello' }>): Promise<void> {
      state = 'authenticating';
      clearTimeout(helloTimer);
      const claimsPromise = frame.token !== undefined ? authenticate(frame.token) : urlClaims;
      if (claimsPromise === undefined) return closeWith(closeCodes.unauthorized);
      let claims: SubscriberTokenClaims;
      try {
        claims = await claimsPromise;
      } catch (error) {
        return closeWith(tokenErrorCode(error));
      }
      if (state !== 'authenticating') return;
      state = 'open';
      connection = new Connection(claims.tenant, claims.sub, transport, limits, hooks);
      await open(connection, claims, frame.lastSeq);
    }

    async function onFrame(frame: ClientFrame): Promise<void> {
      if (frame.type === 'hello') {
        if (state === 'hello') return hello(frame);
        return replyError('invalid_request', 'hello was already sent', 'type');
      }
      if (frame.type === 'ping') {
        heartbeat.alive = true;
        return reply(frame.id === undefined ? { type: 'pong' } : { type: 'pong', id: frame.id });
      }
      if (state === 'hello') return closeWith(closeCodes.invalidFrame);
      if (connection === undefined)
        return replyError('unavailable', 'not authenticated yet: wait for welcome');
      if (frame.type === 'ack') return;
      if (options.onMark === undefined)
        return replyError('unavailable', 'marking is not available on this connection');
      try {
        await options.onMark({ tenant: connection.tenant, subscriber: connection.subscriber }, frame);
      } catch (error) {
        onError(error);
        replyError('internal', 'the mark could not be applied');
      }
    }

    ws.on('message', (data, isBinary) => {
      if (state === 'closed') return;
      if (isBinary) {
        replyError('invalid_request', 'frames are JSON text');
        if (state === 'hello') closeWith(closeCodes.invalidFrame);
        return;
      }
      const decoded = decodeClientFrame(rawText(data));
      if (!decoded.success) {
        reply({ type: 'error', ...decoded.error });
        if (state === 'hello') closeWith(closeCodes.invalidFrame);
        return;
      }
      onFrame(decoded.frame).catch((error: unknown) => {
        onError(error);
        closeWith(closeCodes.internalError);
      });
    });
    ws.on('pong', () => {
      heartbeat.alive = true;
    });
    ws.on('error', () => {
      // A protocol error (such as an oversized frame) is followed by 'close'.
    });
    ws.on('close', () => {
      state = 'closed';
      clearTimeout(helloTimer);
      sockets.delete(ws);
      if (connection !== undefined) release(connection);
    });
  }

  function onUpgrade(this: UpgradeSource, request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://gateway.invalid');
    if (url.pathname !== wsPath) {
      // Another listener may own this path; when there is none, answer rather than leave it hanging.
      if (this.listenerCount('upgrade') === 1) {
        refuseUpgrade(
          socket,
          404,
          apiError('not_found', `no WebSocket endpoint at ${url.pathname}; use ${wsPath}`),
        );
      }
      return;
    }
    const token = url.searchParams.get('token') ?? undefined;
    wss.handleUpgrade(request, socket, head, (ws) => onSocket(ws, socket, token));
  }

  const app = new Hono();
  app.get('/v1/stream', async (c) => {
    // Not a 503: a browser's EventSource would give up for good (see reconnectLaterResponse).
    if (closed !== undefined) {
      return reconnectLaterResponse(closeCodes.shuttingDown, reasonOf(closeCodes.shuttingDown));
    }
    const header = c.req.header('authorization');
    const bearer = header !== undefined && /^bearer /i.test(header) ? header.slice(7).trim() : undefined;
    const token = c.req.query('token') ?? bearer;
    if (token === undefined || token === '') {
      return c.json(
        apiError('unauthorized', 'a subscriber token is required (?token= or Authorization: Bearer)'),
        401,
      );
    }
    let claims: SubscriberTokenClaims;
    try {
      claims = await authenticate(token);
    } catch (error) {
      const code = tokenErrorCode(error);
      if (code === closeCodes.forbidden) return c.json(apiError('forbidden', reasonOf(code)), 403);
      return c.json(
        apiError('unauthorized', code === closeCodes.tokenExpired ? 'token expired' : 'invalid token'),
        401,
      );
    }
    const lastEventId = c.req.header('last-event-id') ?? c.req.query('lastSeq');
    let lastSeq: number | undefined;
    if (lastEventId !== undefined && lastEventId !== '') {
      if (!/^\d{1,15}$/.test(lastEventId)) {
        return c.json(
          apiError('invalid_field', 'Last-Event-ID: a sequence number is required', 'Last-Event-ID'),
          400,
        );
      }
      lastSeq = Number(lastEventId);
    }
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
    const stream = createSseStream(
      limits.maxBufferedBytes,
      () => gone(),
      outgoing === undefined ? undefined : () => outgoing.destroy(),
    );
    const transport: FrameTransport = stream.transport;
    const connection = new Connection(claims.tenant, claims.sub, transport, limits, hooks);
    const entry = { keepAlive: () => stream.transport.keepAlive(), connection };
    const gone = (): void => {
      sseStreams.delete(entry);
      release(connection);
    };
    sseStreams.add(entry);
    c.req.raw.signal.addEventListener('abort', gone);
    open(connection, claims, lastSeq).catch(onError);
    return new Response(stream.body, { headers: sseHeaders() });
  });

  const heartbeatTimer = setInterval(() => {
    for (const [ws, heartbeat] of sockets) {
      if (!heartbeat.alive) {
        ws.terminate();
        continue;
      }
      heartbeat.alive = false;
      ws.ping();
    }
    for (const entry of sseStreams) {
      if (entry.connection.closed) sseStreams.delete(entry);
      else if (entry.connection.live) entry.keepAlive();
    }
  }, heartbeatIntervalMs);
  heartbeatTimer.unref();

  async function publish(tenant: string, message: FanOutMessage): Promise<void> {
    if (cache === undefined) return;
    await cache.publish(channelOf(tenant), encodeFanOutMessage(message));
  }

  function assertOpen(): void {
    if (closed !== undefined) throw new GatewayError('CLOSED', 'the gateway is closed');
  }

  const gateway: Gateway = {
    app,
    instanceId,
    attach(server) {
      assertOpen();
      if (attached.has(server)) return;
      attached.add(server);
      server.on('upgrade', onUpgrade);
    },
    async deliver(notification, deliverOptions = {}) {
      assertOpen();
      const frame = notificationFrame(notification, deliverOptions.replaces, deliverOptions.unreadCount);
      // Encoded once: the notification's JSON goes into this instance's WebSocket frames and,
      // as it is, into the message to the other instances (each stamps its own `written`).
      const notificationJson = JSON.stringify(frame.notification);
      // Its bytes only when a connection here will send them: an instance without the
      // recipient's sockets just passes the JSON on.
      if (byTenant.get(notification.tenant)?.has(notification.recipient) === true) {
        presetEncoding(frame, 'ws', Buffer.from(notificationFrameText(frame, notificationJson)));
      }
      const reached = fanOutLocal(notification.tenant, notification.recipient, frame, notification.seq);
      if (cache !== undefined) {
        const text = encodeNotificationFanOut(instanceId, notificationJson, deliverOptions);
        await cache.publish(channelOf(notification.tenant), text);
      }
      return reached;
    },
    async deliverState(state) {
      assertOpen();
      const frame: Extract<ServerFrame, { type: 'state' }> = {
        type: 'state',
        action: state.action,
        at: state.at,
        unreadCount: state.unreadCount,
      };
      if (state.ids !== undefined) frame.ids = [...state.ids];
      if (state.all !== undefined) frame.all = state.all;
      if (state.upTo !== undefined) frame.upTo = state.upTo;
      const reached = fanOutLocal(state.tenant, state.subscriber, frame, undefined);
      await publish(state.tenant, {
        v: 1,
        origin: instanceId,
        kind: 'state',
        subscriber: state.subscriber,
        frame,
      });
      return reached;
    },
    stats() {
      let subscribers = 0;
      for (const map of byTenant.values()) subscribers += map.size;
      return {
        connections: connectionCount,
        webSockets: sockets.size,
        sseStreams: sseStreams.size,
        subscribers,
        framesSent,
        droppedSlowConsumers,
      };
    },
    close() {
      closed ??= (async () => {
        clearInterval(heartbeatTimer);
        for (const server of attached) server.off('upgrade', onUpgrade);
        attached.clear();
        for (const subscribers of [...byTenant.values()]) {
          for (const set of [...subscribers.values()]) {
            for (const connection of [...set]) drop(connection, closeCodes.shuttingDown);
          }
        }
        for (const ws of sockets.keys()) ws.close(closeCodes.shuttingDown, reasonOf(closeCodes.shuttingDown));
        const pending = [...subscriptions.values()];
        subscriptions.clear();
        await Promise.all(
          pending.map((entry) => entry.ready.then((unsubscribe) => unsubscribe?.()).catch(onError)),
        );
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      })();
      return closed;
    },
    [Symbol.asyncDispose]() {
      return gateway.close();
    },
  };
  return gateway;
}

/**
 * Answers an upgrade that will not become a WebSocket with a plain HTTP response on the raw
 * socket, its JSON body naming why, as every other refusal of the API does.
 */
function refuseUpgrade(socket: Duplex, status: 404, body: ApiErrorBody): void {
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}
