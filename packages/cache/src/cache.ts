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

/** Options of {@link Cache.hsetIfNewer}: which field holds the version, and the version written. */
export interface HsetIfNewerOptions extends TtlOptions {
  /** The hash field that holds the version (written as a decimal integer string). */
  versionField: string;
  /**
   * The version of this write, a safe integer. The write lands only when the hash has no
   * `versionField` or a smaller one there.
   */
  version: number;
  /**
   * Also delete the fields of the hash that are not in `fields` (nor `versionField`), in the
   * same atomic step, so the hash holds exactly this version. Without it the write merges,
   * like `hset`.
   *
   * @defaultValue false
   */
  replace?: boolean;
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
   * Version-guarded {@link Cache.hset}: atomically writes `fields` and `versionField = version`
   * only when the hash has no `versionField` yet or holds a smaller version there; true when it
   * wrote. So concurrent writers, on any number of instances and in any order, leave the
   * newest version, and a late or repeated write never lands over a newer one. A refused write
   * changes nothing, not even the TTL. On a written hash, `ttlMs` sets the TTL as `hset` does;
   * without it the TTL is kept.
   *
   * Rejects with `WRONG_TYPE` when the key holds a string, or the stored version is not a safe
   * integer; with `INVALID_ARGUMENT` for a version that is not a safe integer, an empty
   * `versionField`, or `fields` holding `versionField` with another value.
   *
   * @example
   * const written = await cache.hsetIfNewer(
   *   'customer:acme:42',
   *   { name: 'Ada', email: 'ada@example.com' },
   *   { versionField: 'version', version: 7, ttlMs: 3_600_000, replace: true },
   * );
   * // false: the cache already holds version 7 or newer
   */
  hsetIfNewer(
    key: string,
    fields: Readonly<Record<string, string>>,
    options: HsetIfNewerOptions,
  ): Promise<boolean>;

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
