import type { CacheError } from './cache-error.js';

/** Options of a write that may give the key a time to live. */
export interface TtlOptions {
  /**
   * Time to live in milliseconds; the key disappears after it. A positive finite number,
   * rounded up to a whole millisecond.
   *
   * @defaultValue no expiry
   */
  ttlMs?: number;
}

/**
 * Called with each message on a subscribed channel. `channel` is the channel name without
 * the cache's prefix. A thrown error or a rejected promise goes to the cache's `onError`.
 */
export type MessageHandler = (message: string, channel: string) => void | Promise<void>;

/** Ends a subscription; the handler is never called after it resolves. Safe to call twice. */
export type Unsubscribe = () => Promise<void>;

/** Receives failures nobody awaits: handler errors and lost connections. */
export type CacheErrorHandler = (error: CacheError) => void;

/**
 * Key/value with TTL, hashes, counters and pub/sub, the same on every driver.
 *
 * Keys and channels are namespaced by the cache's `prefix`. Values are strings; a miss is
 * `undefined`. Every method rejects with a {@link CacheError}.
 *
 * @example
 * await using cache = await createCache('memory:');
 * await cache.set('session:1', 'alice', { ttlMs: 60_000 });
 * await cache.get('session:1'); // 'alice'
 */
export interface Cache extends AsyncDisposable {
  /** The namespace prepended to every key and channel. */
  readonly prefix: string;

  /**
   * The string at `key`, or `undefined` when there is none.
   *
   * @example
   * const name = (await cache.get('user:1:name')) ?? 'anonymous';
   */
  get(key: string): Promise<string | undefined>;

  /**
   * The strings at several keys, in order; `undefined` for a missing key or one that holds
   * a hash (like Redis `MGET`).
   *
   * @example
   * const [a, b] = await cache.mget(['a', 'b']);
   */
  mget(keys: readonly string[]): Promise<(string | undefined)[]>;

  /**
   * Stores a string, replacing whatever the key held, including its TTL.
   *
   * @example
   * await cache.set('token:abc', 'user:1', { ttlMs: 15 * 60_000 });
   */
  set(key: string, value: string, options?: TtlOptions): Promise<void>;

  /**
   * Stores a string only when the key does not exist (Redis `SET NX`); true when it was stored.
   * The building block of locks and idempotency keys.
   *
   * @example
   * if (await cache.setIfAbsent(`lock:reminder:${id}`, instanceId, { ttlMs: 30_000 })) fire();
   */
  setIfAbsent(key: string, value: string, options?: TtlOptions): Promise<boolean>;

  /**
   * Removes a key of any kind; true when it existed.
   *
   * @example
   * await cache.delete('customer:42');
   */
  delete(key: string): Promise<boolean>;

  /**
   * Gives an existing key of any kind a new time to live; false when the key does not exist.
   *
   * @example
   * await cache.expire('customer:42', 3_600_000);
   */
  expire(key: string, ttlMs: number): Promise<boolean>;

  /**
   * Milliseconds the key has left: `undefined` when it does not exist, `Infinity` when it
   * never expires.
   *
   * @example
   * const retryAfterMs = await cache.ttl(`rate:${tenant}`);
   */
  ttl(key: string): Promise<number | undefined>;

  /**
   * One field of the hash at `key`, or `undefined`.
   *
   * @example
   * const email = await cache.hget('customer:42', 'email');
   */
  hget(key: string, field: string): Promise<string | undefined>;

  /**
   * Sets several fields of the hash at `key` at once (creating it); returns how many fields
   * are new. With `ttlMs`, the whole hash gets that TTL in the same atomic step. An empty
   * `fields` changes nothing and returns 0.
   *
   * @example
   * await cache.hset('customer:42', { name: 'Ada', tier: 'gold' }, { ttlMs: 3_600_000 });
   */
  hset(key: string, fields: Readonly<Record<string, string>>, options?: TtlOptions): Promise<number>;

  /**
   * Every field of the hash at `key`, or `undefined` when there is no such hash (a hash
   * whose last field is deleted no longer exists).
   *
   * @example
   * const profile = await cache.hgetall('customer:42');
   */
  hgetall(key: string): Promise<Record<string, string> | undefined>;

  /**
   * Deletes fields of the hash at `key`; returns how many existed.
   *
   * @example
   * await cache.hdel('customer:42', 'phone', 'fax');
   */
  hdel(key: string, ...fields: string[]): Promise<number>;

  /**
   * Adds `by` to the integer at `key` (missing counts as 0) and returns the new value,
   * atomically. With `ttlMs`, the counter gets that TTL when it has none (on its first
   * increment); later increments never extend it, so a fixed window restarts at 1 after it.
   *
   * @example
   * const hits = await cache.increment(`rate:${tenant}:${minute}`, 1, { ttlMs: 60_000 });
   * if (hits > 100) throw new Error('rate limited');
   */
  increment(key: string, by?: number, options?: TtlOptions): Promise<number>;

  /**
   * Sends a message to the channel's current subscribers on every instance sharing the
   * backend. Fire-and-forget: at most once, nothing is kept for later subscribers.
   * Handlers never run inside this call.
   *
   * @example
   * await cache.publish(`inbox:${userId}`, JSON.stringify(notification));
   */
  publish(channel: string, message: string): Promise<void>;

  /**
   * Calls `handler` for every message on `channel` until the returned function is called.
   * Messages published after this resolves are delivered.
   *
   * @example
   * const unsubscribe = await cache.subscribe(`inbox:${userId}`, (message) => socket.send(message));
   * await unsubscribe();
   */
  subscribe(channel: string, handler: MessageHandler): Promise<Unsubscribe>;

  /**
   * Like {@link Cache.subscribe} for every channel matching a Redis glob pattern
   * (`*`, `?`, `[a-z]`, `[^a]`, `\` escapes), within the cache's prefix.
   *
   * @example
   * await cache.psubscribe('inbox:*', (message, channel) => route(channel, message));
   */
  psubscribe(pattern: string, handler: MessageHandler): Promise<Unsubscribe>;

  /**
   * Ends the subscriptions and releases what the cache owns. Safe to call twice;
   * afterwards every method rejects with `CLOSED`.
   *
   * @example
   * await cache.close();
   */
  close(): Promise<void>;
}
