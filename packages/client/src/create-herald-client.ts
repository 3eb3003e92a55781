import {
  closeCodeInfo,
  closeCodes,
  decodeServerFrame,
  encodeFrame,
  type ClientFrame,
  type InboxPage,
  type MarkAction,
  type Notification,
  type Preferences,
  type PreferencesUpdateInput,
  type ServerFrame,
} from '@herald/protocol';
import { backoffDelay, type BackoffOptions } from './backoff-delay.js';
import { HeraldClientError, type HeraldClientErrorCode } from './herald-client-error.js';
import {
  createInboxApi,
  type InboxListQuery,
  type MarkResult,
  type MarkTarget,
  type RequestOptions,
} from './inbox-api.js';
import { SeenIds } from './seen-ids.js';
import { TokenSource } from './token-source.js';
import { tokenSubject } from './token-subject.js';
import { TypedEmitter, type Listener, type Unsubscribe } from './typed-emitter.js';

/** What the client needs of a WebSocket: the browser's, Node 22's global one, or `ws`'s. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
}

/** A WebSocket class, such as `globalThis.WebSocket` or the default export of `ws`. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** Where the client keeps the last seq it saw, so a new page or process resumes from it (`localStorage` fits). */
export interface HeraldStorage {
  getItem(key: string): string | null | undefined | Promise<string | null | undefined>;
  setItem(key: string, value: string): void | Promise<void>;
}

/** How the client reconnects after a drop. */
export interface ReconnectOptions extends BackoffOptions {
  /**
   * Failed attempts in a row after which it stops (with an `error` event).
   *
   * @defaultValue `Infinity`
   */
  maxAttempts?: number;
  /**
   * The random source of the jitter, from [0, 1).
   *
   * @defaultValue `Math.random`
   */
  random?: () => number;
}

/** Options of {@link createHeraldClient}. */
export interface HeraldClientOptions {
  /** The push server's base URL (`https://push.example.com`); `ws:`/`wss:` work too. */
  url: string | URL;
  /** A subscriber token. Give this or `getToken`. */
  token?: string;
  /**
   * Gives a subscriber token; called before each connection attempt, and again when the server
   * refuses a token as invalid or expired (once per refusal in a row). Give this or `token`.
   */
  getToken?: () => string | Promise<string>;
  /**
   * The WebSocket class. Node 20 has none built in: pass `ws`'s.
   *
   * @defaultValue `globalThis.WebSocket`
   */
  WebSocket?: WebSocketConstructor;
  /**
   * The fetch of the inbox calls.
   *
   * @defaultValue `globalThis.fetch`
   */
  fetch?: typeof globalThis.fetch;
  /**
   * Backoff between reconnects, or `false` to stop at the first drop.
   *
   * @defaultValue `{ initialDelayMs: 500, maxDelayMs: 30_000, jitter: 1 }`
   */
  reconnect?: ReconnectOptions | false;
  /**
   * Resume after this seq on the first connection: what came after it is sent first.
   *
   * @defaultValue the stored one, else none: only what arrives from now on
   */
  lastSeq?: number;
  /**
   * Keeps the last seq across page loads or restarts.
   *
   * @defaultValue none
   */
  storage?: HeraldStorage;
  /**
   * The storage key of the last seq.
   *
   * @defaultValue `herald:last-seq:{tenant}/{subscriber}` from the token
   */
  storageKey?: string;
  /**
   * How many notification ids are remembered to drop repeats.
   *
   * @defaultValue 2048
   */
  dedupeWindow?: number;
}

/** A change of read/seen/archived state, made on another connection or through the inbox API. */
export type StateChange = Omit<Extract<ServerFrame, { type: 'state' }>, 'type'>;

/** The events of a {@link HeraldClient}. */
export interface HeraldClientEvents {
  /** A new inbox item, missed while away or live; each id at most once. */
  notification: Notification;
  /** A new item that replaces `replaces` (same collapse key): drop those from view. */
  replace: { notification: Notification; replaces: string[] };
  /** Items changed state elsewhere (or through `mark`). */
  state: StateChange;
  /** The unread count, whenever the server tells a new one: with each live item, marks, `welcome`. */
  'unread-count': number;
  /** The connection is live: `missed` items came first (already emitted). */
  connected: { missed: number; lastSeq: number };
  /** A live connection ended. */
  disconnected: { code: number; reason: string; willReconnect: boolean };
  /** Another connection attempt follows in `delayMs`; `attempt` counts the failed ones in a row. */
  reconnecting: { attempt: number; delayMs: number };
  /** Something failed; when the client stops because of it, `disconnected` or `connect()` says so too. */
  error: HeraldClientError;
}

/** Where the connection stands. */
export type HeraldClientStatus = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'stopped' | 'closed';

/** A Herald subscriber's live notifications and inbox; see {@link createHeraldClient}. */
export interface HeraldClient extends AsyncDisposable {
  readonly status: HeraldClientStatus;
  /** The newest seq seen, or `undefined` before any. */
  readonly lastSeq: number | undefined;
  /**
   * Opens the live connection (once; later calls share it). Resolves when it is live, after what
   * was missed has been emitted; rejects if the client stops first (a refused token, `close()`).
   */
  connect(): Promise<void>;
  on<K extends keyof HeraldClientEvents>(event: K, listener: Listener<HeraldClientEvents, K>): Unsubscribe;
  once<K extends keyof HeraldClientEvents>(event: K, listener: Listener<HeraldClientEvents, K>): Unsubscribe;
  off<K extends keyof HeraldClientEvents>(event: K, listener: Listener<HeraldClientEvents, K>): void;
  /** A page of the inbox, newest first (`GET /v1/inbox`). */
  list(query?: InboxListQuery, options?: RequestOptions): Promise<InboxPage>;
  /** Unread, unarchived items (`GET /v1/inbox/unread-count`). */
  unreadCount(options?: RequestOptions): Promise<number>;
  /** Marks items, or all of them, seen/read/unread/archived/unarchived (`POST /v1/inbox/mark`). */
  mark(action: MarkAction, target: MarkTarget, options?: RequestOptions): Promise<MarkResult>;
  /** The person's opt-outs and quiet hours (`GET /v1/preferences`). */
  preferences(options?: RequestOptions): Promise<Preferences>;
  /**
   * Replaces the person's opt-outs and quiet hours (`PUT /v1/preferences`; a member left out is
   * reset: no opt-outs, no quiet hours). A bad field rejects with `invalid_field` naming it.
   */
  setPreferences(update: PreferencesUpdateInput, options?: RequestOptions): Promise<Preferences>;
  /** Closes the connection and stops reconnecting. Safe to call twice. */
  close(): Promise<void>;
}

const knownFrames = new Set<string>([
  'welcome',
  'notification',
  'replace',
  'state',
  'resume-complete',
  'pong',
  'error',
]);

/** Whether `text` is a frame of a type this version does not know (a newer server's): skipped quietly. */
function isUnknownFrame(text: string): boolean {
  try {
    const frame: unknown = JSON.parse(text);
    if (typeof frame !== 'object' || frame === null) return false;
    const { type } = frame as { type?: unknown };
    return typeof type === 'string' && !knownFrames.has(type);
  } catch {
    return false;
  }
}

const open = 1;
const closedState = 3;
const ackDelayMs = 50;
const closeWaitMs = 1_000;

const stopCodes: Partial<Record<number, HeraldClientErrorCode>> = {
  [closeCodes.normal]: 'closed',
  [closeCodes.invalidFrame]: 'invalid_request',
  [closeCodes.unauthorized]: 'unauthorized',
  [closeCodes.tokenExpired]: 'token_expired',
  [closeCodes.forbidden]: 'forbidden',
  [closeCodes.replaced]: 'replaced',
};

function trimBase(url: string | URL): string {
  return String(url).replace(/\/+$/, '');
}

/**
 * A client of one subscriber's notifications: a WebSocket to `/v1/ws` that resumes from the last
 * seq it saw after any drop (backoff with jitter, a fresh token when the old one is refused),
 * emits each notification once, and the inbox calls over HTTP.
 *
 * @example
 * const client = createHeraldClient({ url: 'https://push.example.com', getToken: fetchHeraldToken });
 * client.on('notification', (n) => toast(n.title));
 * client.on('unread-count', (count) => setBadge(count));
 * await client.connect();
 * const { items } = await client.list({ unread: true });
 * await client.mark('read', [items[0].id]);
 */
export function createHeraldClient(options: HeraldClientOptions): HeraldClient {
  const base = trimBase(options.url);
  const wsUrl = `${base.replace(/^http/i, 'ws')}/v1/ws`;
  const httpBase = base.replace(/^ws/i, 'http');
  const tokens = new TokenSource(options.token, options.getToken);
  const inbox = createInboxApi({ baseUrl: httpBase, fetch: options.fetch, tokens });
  const reconnect = options.reconnect ?? {};
  const maxAttempts = reconnect === false ? 0 : (reconnect.maxAttempts ?? Infinity);
  const random = (reconnect === false ? undefined : reconnect.random) ?? Math.random;
  const dedupeWindow = options.dedupeWindow ?? 2048;
  const events = new TypedEmitter<HeraldClientEvents>();
  const { storage } = options;

  let status: HeraldClientStatus = 'idle';
  let socket: WebSocketLike | undefined;
  let welcomed = false;
  let generation = 0;
  let attempt = 0;
  let authRetried = false;
  let lastSeq = options.lastSeq;
  let lastAcked: number | undefined;
  let unreadCount: number | undefined;
  let seen = new SeenIds(dedupeWindow);
  let subject: string | undefined;
  let storageKey: string | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let alive = true;
  let ackTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let waiters: { resolve: () => void; reject: (error: HeraldClientError) => void }[] = [];
  let closing: Promise<void> | undefined;

  const emitError = (error: HeraldClientError): void => events.emit('error', error);

  function setUnread(count: number): void {
    if (count === unreadCount) return;
    unreadCount = count;
    events.emit('unread-count', count);
  }

  function setLastSeq(seq: number): void {
    if (lastSeq !== undefined && seq <= lastSeq) return;
    lastSeq = seq;
    if (storage === undefined || storageKey === undefined) return;
    try {
      const stored = storage.setItem(storageKey, String(seq));
      if (stored instanceof Promise) stored.catch(() => {});
    } catch {
      // A full or blocked storage only costs a longer resume after a reload.
    }
  }

  /** Switches to the inbox a token is for: a different subscriber starts from its own last seq. */
  async function useSubject(token: string): Promise<void> {
    const next = tokenSubject(token);
    const key = options.storageKey ?? `herald:last-seq:${next ?? 'default'}`;
    if (subject !== undefined && next !== subject) {
      lastSeq = undefined;
      lastAcked = undefined;
      seen = new SeenIds(dedupeWindow);
    }
    subject = next;
    if (storage === undefined || key === storageKey) return;
    storageKey = key;
    if (lastSeq !== undefined) return;
    try {
      const stored = Number(await storage.getItem(key));
      if (Number.isSafeInteger(stored) && stored > 0) lastSeq = stored;
    } catch {
      // Unreadable storage: start from the newest item, as without storage.
    }
  }

  function send(frame: ClientFrame): void {
    if (socket === undefined || socket.readyState !== open) return;
    try {
      socket.send(encodeFrame(frame));
    } catch {
      // The socket is closing; its close event decides what happens next.
    }
  }

  function scheduleAck(): void {
    if (ackTimer !== undefined) return;
    ackTimer = setTimeout(() => {
      ackTimer = undefined;
      if (lastSeq === undefined || lastSeq === lastAcked || !welcomed) return;
      lastAcked = lastSeq;
      send({ type: 'ack', seq: lastSeq });
    }, ackDelayMs);
  }

  function clearTimers(): void {
    clearInterval(heartbeat);
    heartbeat = undefined;
    clearTimeout(ackTimer);
    ackTimer = undefined;
    clearTimeout(retryTimer);
    retryTimer = undefined;
  }

  function settle(error?: HeraldClientError): void {
    const pending = waiters;
    waiters = [];
    for (const waiter of pending) {
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
    }
  }

  /** Whether an item is new: seqs only move forward, ids are emitted once. */
  function accept(notification: Notification): boolean {
    setLastSeq(notification.seq);
    scheduleAck();
    return seen.add(notification.id);
  }

  function onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'welcome':
        welcomed = true;
        authRetried = false;
        if (lastSeq === undefined) setLastSeq(frame.resumeFrom);
        startHeartbeat(frame.heartbeatMs);
        setUnread(frame.unreadCount);
        return;
      case 'notification':
        if (!accept(frame.notification)) return;
        events.emit('notification', frame.notification);
        // Live items carry the count once they arrived; resent ones do not (welcome did).
        if (frame.unreadCount !== undefined) setUnread(frame.unreadCount);
        return;
      case 'replace':
        if (!accept(frame.notification)) return;
        events.emit('replace', { notification: frame.notification, replaces: frame.replaces });
        if (frame.unreadCount !== undefined) setUnread(frame.unreadCount);
        return;
      case 'state': {
        const { type: _type, ...change } = frame;
        events.emit('state', change);
        setUnread(frame.unreadCount);
        return;
      }
      case 'resume-complete':
        setLastSeq(frame.lastSeq);
        status = 'live';
        attempt = 0;
        events.emit('connected', { missed: frame.count, lastSeq: lastSeq ?? frame.lastSeq });
        settle();
        return;
      case 'error': {
        const detail = frame.field === undefined ? {} : { field: frame.field };
        emitError(new HeraldClientError(HeraldClientError.apiCode(frame.code), frame.message, detail));
        return;
      }
      case 'pong':
        return;
    }
  }

  function onMessage(data: unknown): void {
    alive = true;
    if (typeof data !== 'string') {
      emitError(new HeraldClientError('invalid_response', 'the server sent a binary frame'));
      return;
    }
    const decoded = decodeServerFrame(data);
    if (!decoded.success) {
      if (isUnknownFrame(data)) return;
      emitError(
        new HeraldClientError('invalid_response', `unexpected frame: ${decoded.error.message}`, {
          ...(decoded.error.field === undefined ? {} : { field: decoded.error.field }),
        }),
      );
      return;
    }
    onFrame(decoded.frame);
  }

  function startHeartbeat(intervalMs: number): void {
    clearInterval(heartbeat);
    alive = true;
    heartbeat = setInterval(() => {
      if (!alive) {
        // Nothing came back for a whole interval: the link is dead even if no close arrived.
        const dead = socket;
        detach();
        dead?.close(1000, 'heartbeat timeout');
        onClosed(1006, 'heartbeat timeout');
        return;
      }
      alive = false;
      send({ type: 'ping' });
    }, intervalMs);
  }

  function detach(): void {
    socket = undefined;
    clearInterval(heartbeat);
    heartbeat = undefined;
    clearTimeout(ackTimer);
    ackTimer = undefined;
  }

  function stop(error: HeraldClientError): void {
    generation += 1;
    const current = socket;
    detach();
    clearTimers();
    current?.close(1000, 'stopped');
    status = 'stopped';
    emitError(error);
    settle(error);
  }

  function onClosed(code: number, reason: string): void {
    const wasWelcomed = welcomed;
    welcomed = false;
    if (status === 'closed' || status === 'stopped') return;
    const info = closeCodeInfo(code);
    const text = reason !== '' ? reason : (info?.reason ?? 'connection lost');
    const refused = code === closeCodes.unauthorized || code === closeCodes.tokenExpired;
    let willReconnect = info?.reconnect ?? true;
    if (refused) willReconnect = tokens.renewable && !authRetried;
    if (willReconnect && attempt >= maxAttempts) willReconnect = false;
    if (wasWelcomed) events.emit('disconnected', { code, reason: text, willReconnect });
    if (!willReconnect) {
      const errorCode = stopCodes[code] ?? 'network';
      stop(new HeraldClientError(errorCode, `connection closed (${code}): ${text}`, { closeCode: code }));
      return;
    }
    // A refused token is retried at once with a fresh one; a second refusal in a row stops.
    const delayMs = refused ? 0 : backoffDelay(attempt, reconnect === false ? {} : reconnect, random);
    if (refused) authRetried = true;
    else attempt += 1;
    status = 'reconnecting';
    events.emit('reconnecting', { attempt, delayMs });
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void openSocket();
    }, delayMs);
  }

  async function openSocket(): Promise<void> {
    const current = ++generation;
    let token: string;
    try {
      token = await tokens.refresh();
      await useSubject(token);
    } catch (error) {
      if (current !== generation) return;
      emitError(
        HeraldClientError.isInstance(error)
          ? error
          : new HeraldClientError('unauthorized', 'no token', { cause: error }),
      );
      onClosed(1006, 'no token');
      return;
    }
    if (current !== generation) return;
    const Ctor =
      options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor | undefined }).WebSocket;
    if (Ctor === undefined) {
      stop(
        new HeraldClientError('invalid_argument', 'no WebSocket: pass one in the WebSocket option', {
          field: 'WebSocket',
        }),
      );
      return;
    }
    let ws: WebSocketLike;
    try {
      ws = new Ctor(wsUrl);
    } catch (error) {
      stop(new HeraldClientError('invalid_argument', `cannot open ${wsUrl}`, { field: 'url', cause: error }));
      return;
    }
    socket = ws;
    welcomed = false;
    ws.addEventListener('open', () => {
      if (socket !== ws) return;
      const hello: ClientFrame = { type: 'hello', token };
      if (lastSeq !== undefined) hello.lastSeq = lastSeq;
      send(hello);
    });
    ws.addEventListener('message', (event) => {
      if (socket === ws) onMessage(event.data);
    });
    ws.addEventListener('error', () => {
      // A close event always follows; it decides.
    });
    ws.addEventListener('close', (event) => {
      if (socket !== ws) return;
      detach();
      onClosed(event.code, event.reason);
    });
  }

  function waitClosed(ws: WebSocketLike): Promise<void> {
    if (ws.readyState === closedState) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, closeWaitMs);
      ws.addEventListener('close', () => {
        clearTimeout(timer);
        resolve();
      });
      ws.close(1000, 'client closed');
    });
  }

  const client: HeraldClient = {
    get status() {
      return status;
    },
    get lastSeq() {
      return lastSeq;
    },
    connect() {
      if (status === 'closed') {
        return Promise.reject(new HeraldClientError('closed', 'the client is closed'));
      }
      if (status === 'live') return Promise.resolve();
      const ready = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
      if (status === 'idle' || status === 'stopped') {
        status = 'connecting';
        attempt = 0;
        authRetried = false;
        void openSocket();
      }
      return ready;
    },
    on: (event, listener) => events.on(event, listener),
    once: (event, listener) => events.once(event, listener),
    off: (event, listener) => events.off(event, listener),
    list(query, requestOptions) {
      return inbox.list(query, requestOptions);
    },
    async unreadCount(requestOptions) {
      const count = await inbox.unreadCount(requestOptions);
      setUnread(count);
      return count;
    },
    async mark(action, target, requestOptions) {
      const result = await inbox.mark(action, target, requestOptions);
      setUnread(result.unreadCount);
      return result;
    },
    preferences(requestOptions) {
      return inbox.preferences(requestOptions);
    },
    setPreferences(update, requestOptions) {
      return inbox.setPreferences(update, requestOptions);
    },
    close() {
      closing ??= (async () => {
        const wasWelcomed = welcomed;
        const current = socket;
        status = 'closed';
        generation += 1;
        detach();
        clearTimers();
        welcomed = false;
        settle(new HeraldClientError('closed', 'the client was closed'));
        if (wasWelcomed) {
          events.emit('disconnected', { code: 1000, reason: 'closed by the client', willReconnect: false });
        }
        if (current !== undefined) await waitClosed(current);
      })();
      return closing;
    },
    [Symbol.asyncDispose]() {
      return client.close();
    },
  };
  return client;
}
