import { Redis, type RedisOptions } from 'ioredis';
import { incrementArgument, prefixArgument, ttlArgument, versionArguments } from '../arguments.js';
import type {
  Cache,
  CacheErrorHandler,
  HsetIfNewerOptions,
  MessageHandler,
  TtlOptions,
  Unsubscribe,
} from '../cache.js';
import { CacheError } from '../cache-error.js';
import { deliverMessage, logCacheError } from '../deliver-message.js';
import { redactUrl } from '../redact-url.js';
import { escapeGlob } from './escape-glob.js';
import { redisLocation } from './redis-location.js';
import { RedisScript } from './redis-script.js';

/** Options of {@link RedisCache.connect}. */
export interface RedisCacheOptions {
  /**
   * Where Redis is: `redis://[[user]:password@]host[:port][/db]`, or `rediss://` for TLS.
   * Ignored when `client` is given.
   *
   * @defaultValue `'redis://127.0.0.1:6379'`
   */
  url?: string;
  /**
   * An ioredis client to use instead of connecting to `url`. The cache never closes it and
   * does not change its settings (so `commandTimeoutMs` and `redisOptions` do not apply to it,
   * nor does failing fast while it reconnects); `connect` waits up to `connectTimeoutMs` for
   * it to be ready. Its pub/sub connection is a `duplicate()` of it, which the cache owns and
   * closes. Its `keyPrefix`, if any, applies before `prefix`.
   *
   * @defaultValue none: the cache connects to `url` and closes that connection itself
   */
  client?: Redis;
  /**
   * Namespace prepended to every key and channel, so tests and tenants sharing a Redis
   * cannot see each other's keys or messages.
   *
   * @defaultValue `''`
   */
  prefix?: string;
  /**
   * How long `connect` waits for Redis to answer before failing with `UNAVAILABLE`
   * (retrying with backoff meanwhile); also the TCP connect timeout of each attempt.
   *
   * @defaultValue 5_000
   */
  connectTimeoutMs?: number;
  /**
   * Longest a command waits for its reply, including time queued while reconnecting;
   * it then rejects with `UNAVAILABLE`. Sooner in practice: a queued command fails when a
   * reconnection fails (`maxRetriesPerRequest: 1`), and once one has failed, new commands
   * fail at once until Redis is back. This bound is what catches a silent network.
   *
   * @defaultValue 2_000
   */
  commandTimeoutMs?: number;
  /**
   * ioredis options for the connections the cache creates, applied over the cache's own
   * (auto-pipelining, timeouts, exponential reconnect backoff up to 2 s, auto-resubscribe,
   * no blind resend of in-flight commands).
   *
   * @defaultValue `{}`
   */
  redisOptions?: RedisOptions;
  /**
   * Receives the failures nobody awaits: pub/sub handlers that throw or reject
   * (`HANDLER_FAILED`), and a lost connection (`UNAVAILABLE`, once per outage).
   *
   * @defaultValue logs them with `console.error`
   */
  onError?: CacheErrorHandler;
}

interface Topic {
  readonly subscriptions: Set<{ readonly handler: MessageHandler }>;
  readonly ready: Promise<unknown>;
}

const incrementScript = new RedisScript(`
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value`);

const hsetScript = new RedisScript(`
local added = 0
for i = 2, #ARGV, 2 do added = added + redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return added`);

// ARGV: version field, version, TTL in ms (0 for none), replace (1 or 0), then field/value pairs.
// The stored version must read as a safe integer, as the memory driver requires; the error
// text says "not an integer" so that it maps to WRONG_TYPE. Stale fields are removed with
// HDEL, not DEL, so that a write without a TTL keeps the hash's TTL.
const hsetIfNewerScript = new RedisScript(`
local key = KEYS[1]
local stored = redis.call('HGET', key, ARGV[1])
if stored then
  local version = string.match(stored, '^%-?0$') or string.match(stored, '^%-?[1-9]%d*$')
  local n = version and tonumber(stored)
  if not n or n > 9007199254740991 or n < -9007199254740991 then
    return redis.error_reply('ERR the stored version "' .. stored .. '" is not an integer')
  end
  if n >= tonumber(ARGV[2]) then return 0 end
end
local args = {ARGV[1], ARGV[2]}
for i = 5, #ARGV do args[#args + 1] = ARGV[i] end
if ARGV[4] == '1' then
  local keep = {}
  for i = 1, #args, 2 do keep[args[i]] = true end
  local stale = {}
  for _, field in ipairs(redis.call('HKEYS', key)) do
    if not keep[field] then stale[#stale + 1] = field end
  end
  if #stale > 0 then redis.call('HDEL', key, unpack(stale)) end
end
redis.call('HSET', key, unpack(args))
if ARGV[3] ~= '0' then redis.call('PEXPIRE', key, ARGV[3]) end
return 1`);

const closeGraceMs = 1_000;

/**
 * The Redis {@link Cache} (ioredis): shared by every instance of every app, so keys, counters
 * and pub/sub work across machines. Commands are auto-pipelined; pub/sub uses a second
 * connection, opened on the first subscription and resubscribed after a reconnect.
 *
 * @example
 * await using cache = await RedisCache.connect({ url: 'redis://127.0.0.1:6379', prefix: 'herald:' });
 * await cache.increment('rate:tenant-1', 1, { ttlMs: 60_000 });
 */
export class RedisCache implements Cache {
  readonly prefix: string;
  /** The command connection, for what the interface does not cover. */
  readonly client: Redis;
  readonly #ownsClient: boolean;
  readonly #location: string;
  readonly #onError: CacheErrorHandler;
  readonly #channels = new Map<string, Topic>();
  readonly #patterns = new Map<string, Topic>();
  #subscriber: Redis | undefined;
  #outage = true;
  #lastError: Error | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  private constructor(client: Redis, ownsClient: boolean, location: string, options: RedisCacheOptions) {
    this.client = client;
    this.#ownsClient = ownsClient;
    this.#location = location;
    this.prefix = prefixArgument(options.prefix);
    this.#onError = options.onError ?? logCacheError;
    if (ownsClient) this.#watch(client, true);
  }

  /**
   * Connects to Redis (or adopts `options.client`) and resolves once it answers; rejects with
   * `UNAVAILABLE` after `connectTimeoutMs`, naming the address (without credentials) and the
   * last connection error, or with `INVALID_URL`.
   *
   * @example
   * const cache = await RedisCache.connect({ url: 'redis://cache.internal:6379/2', prefix: 'herald:' });
   */
  static async connect(options: RedisCacheOptions = {}): Promise<RedisCache> {
    const { connectTimeoutMs = 5_000, commandTimeoutMs = 2_000 } = options;
    for (const [name, value] of Object.entries({ connectTimeoutMs, commandTimeoutMs })) {
      if (!Number.isSafeInteger(value) || value <= 0) {
        throw new CacheError('INVALID_ARGUMENT', `${name} must be a positive integer, got ${String(value)}`);
      }
    }
    let cache: RedisCache;
    if (options.client === undefined) {
      const url = parseRedisUrl(options.url ?? 'redis://127.0.0.1:6379');
      const client = new Redis(url.href, {
        lazyConnect: true,
        enableAutoPipelining: true,
        connectTimeout: connectTimeoutMs,
        commandTimeout: commandTimeoutMs,
        maxRetriesPerRequest: 1,
        autoResubscribe: true,
        // A command whose connection dropped may have run: resending it could count twice.
        autoResendUnfulfilledCommands: false,
        retryStrategy: (attempt) =>
          Math.round(Math.min(2_000, 50 * 2 ** (attempt - 1)) * (0.75 + Math.random() / 4)),
        ...options.redisOptions,
      });
      cache = new RedisCache(client, true, redisLocation(url), options);
    } else {
      cache = new RedisCache(options.client, false, redisLocation(options.client), options);
    }
    try {
      await waitUntilReady(cache.client, connectTimeoutMs, cache.#location);
    } catch (error) {
      await cache.close();
      throw error;
    }
    cache.#outage = false;
    return cache;
  }

  async get(key: string): Promise<string | undefined> {
    this.#assertOpen();
    try {
      return (await this.client.get(this.prefix + key)) ?? undefined;
    } catch (error) {
      throw this.#failure('get', key, error);
    }
  }

  async mget(keys: readonly string[]): Promise<(string | undefined)[]> {
    this.#assertOpen();
    if (keys.length === 0) return [];
    try {
      const values = await this.client.mget(keys.map((key) => this.prefix + key));
      return values.map((value) => value ?? undefined);
    } catch (error) {
      throw this.#failure('mget', keys[0]!, error);
    }
  }

  async set(key: string, value: string, options: TtlOptions = {}): Promise<void> {
    this.#assertOpen();
    const ttlMs = ttlArgument(options.ttlMs);
    try {
      if (ttlMs === undefined) await this.client.set(this.prefix + key, value);
      else await this.client.set(this.prefix + key, value, 'PX', ttlMs);
    } catch (error) {
      throw this.#failure('set', key, error);
    }
  }

  async setIfAbsent(key: string, value: string, options: TtlOptions = {}): Promise<boolean> {
    this.#assertOpen();
    const ttlMs = ttlArgument(options.ttlMs);
    try {
      const reply =
        ttlMs === undefined
          ? await this.client.set(this.prefix + key, value, 'NX')
          : await this.client.set(this.prefix + key, value, 'PX', ttlMs, 'NX');
      return reply === 'OK';
    } catch (error) {
      throw this.#failure('setIfAbsent', key, error);
    }
  }

  async delete(key: string): Promise<boolean> {
    this.#assertOpen();
    try {
      return (await this.client.del(this.prefix + key)) === 1;
    } catch (error) {
      throw this.#failure('delete', key, error);
    }
  }

  async expire(key: string, ttlMs: number): Promise<boolean> {
    this.#assertOpen();
    const ttl = ttlArgument(ttlMs)!;
    try {
      return (await this.client.pexpire(this.prefix + key, ttl)) === 1;
    } catch (error) {
      throw this.#failure('expire', key, error);
    }
  }

  async ttl(key: string): Promise<number | undefined> {
    this.#assertOpen();
    try {
      const ttl = await this.client.pttl(this.prefix + key);
      return ttl === -2 ? undefined : ttl === -1 ? Infinity : ttl;
    } catch (error) {
      throw this.#failure('ttl', key, error);
    }
  }

  async hget(key: string, field: string): Promise<string | undefined> {
    this.#assertOpen();
    try {
      return (await this.client.hget(this.prefix + key, field)) ?? undefined;
    } catch (error) {
      throw this.#failure('hget', key, error);
    }
  }

  async hset(
    key: string,
    fields: Readonly<Record<string, string>>,
    options: TtlOptions = {},
  ): Promise<number> {
    this.#assertOpen();
    const ttlMs = ttlArgument(options.ttlMs);
    const entries = Object.entries(fields);
    if (entries.length === 0) return 0;
    try {
      if (ttlMs === undefined) return await this.client.hset(this.prefix + key, fields);
      return Number(await hsetScript.run(this.client, [this.prefix + key], [ttlMs, ...entries.flat()]));
    } catch (error) {
      throw this.#failure('hset', key, error);
    }
  }

  async hsetIfNewer(
    key: string,
    fields: Readonly<Record<string, string>>,
    options: HsetIfNewerOptions,
  ): Promise<boolean> {
    this.#assertOpen();
    const { versionField, version } = versionArguments(fields, options);
    const ttlMs = ttlArgument(options.ttlMs) ?? 0;
    const pairs = Object.entries(fields)
      .filter(([name]) => name !== versionField)
      .flat();
    try {
      const written = await hsetIfNewerScript.run(
        this.client,
        [this.prefix + key],
        [versionField, version, ttlMs, options.replace === true ? '1' : '0', ...pairs],
      );
      return written === 1;
    } catch (error) {
      throw this.#failure('hsetIfNewer', key, error);
    }
  }

  async hgetall(key: string): Promise<Record<string, string> | undefined> {
    this.#assertOpen();
    try {
      const fields = await this.client.hgetall(this.prefix + key);
      return Object.keys(fields).length === 0 ? undefined : fields;
    } catch (error) {
      throw this.#failure('hgetall', key, error);
    }
  }

  async hdel(key: string, ...fields: string[]): Promise<number> {
    this.#assertOpen();
    if (fields.length === 0) return 0;
    try {
      return await this.client.hdel(this.prefix + key, ...fields);
    } catch (error) {
      throw this.#failure('hdel', key, error);
    }
  }

  async increment(key: string, by = 1, options: TtlOptions = {}): Promise<number> {
    this.#assertOpen();
    incrementArgument(by);
    const ttlMs = ttlArgument(options.ttlMs);
    try {
      if (ttlMs === undefined) return await this.client.incrby(this.prefix + key, by);
      return Number(await incrementScript.run(this.client, [this.prefix + key], [by, ttlMs]));
    } catch (error) {
      throw this.#failure('increment', key, error);
    }
  }

  async publish(channel: string, message: string): Promise<void> {
    this.#assertOpen();
    try {
      await this.client.publish(this.prefix + channel, message);
    } catch (error) {
      throw this.#failure('publish', channel, error);
    }
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<Unsubscribe> {
    return this.#listen('channel', channel, handler);
  }

  async psubscribe(pattern: string, handler: MessageHandler): Promise<Unsubscribe> {
    return this.#listen('pattern', pattern, handler);
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #shutdown(): Promise<void> {
    this.#closed = true;
    this.#channels.clear();
    this.#patterns.clear();
    const connections = this.#ownsClient ? [this.client] : [];
    if (this.#subscriber !== undefined) connections.push(this.#subscriber);
    await Promise.all(connections.map(quit));
  }

  async #listen(kind: 'channel' | 'pattern', name: string, handler: MessageHandler): Promise<Unsubscribe> {
    this.#assertOpen();
    const subscriber = this.#subscriberConnection();
    const topics = kind === 'channel' ? this.#channels : this.#patterns;
    const fullName = kind === 'channel' ? this.prefix + name : escapeGlob(this.prefix) + name;
    let topic = topics.get(fullName);
    if (topic === undefined) {
      const ready = kind === 'channel' ? subscriber.subscribe(fullName) : subscriber.psubscribe(fullName);
      ready.catch(() => {});
      topic = { subscriptions: new Set(), ready };
      topics.set(fullName, topic);
    }
    const subscription = { handler };
    topic.subscriptions.add(subscription);
    try {
      await topic.ready;
    } catch (error) {
      topic.subscriptions.delete(subscription);
      if (topics.get(fullName) === topic) topics.delete(fullName);
      throw this.#failure(kind === 'channel' ? 'subscribe' : 'psubscribe', name, error);
    }
    const current = topic;
    return async () => {
      if (!current.subscriptions.delete(subscription) || current.subscriptions.size > 0) return;
      if (this.#closed || topics.get(fullName) !== current) return;
      topics.delete(fullName);
      try {
        if (kind === 'channel') await subscriber.unsubscribe(fullName);
        else await subscriber.punsubscribe(fullName);
      } catch {
        // The handler is already gone; a subscription left on the server only costs dropped messages.
      }
    };
  }

  #subscriberConnection(): Redis {
    if (this.#subscriber !== undefined) return this.#subscriber;
    const subscriber = this.client.duplicate();
    this.#watch(subscriber, false);
    subscriber.on('message', (channel: string, message: string) => {
      this.#dispatch(this.#channels.get(channel), message, channel);
    });
    subscriber.on('pmessage', (pattern: string, channel: string, message: string) => {
      this.#dispatch(this.#patterns.get(pattern), message, channel);
    });
    this.#subscriber = subscriber;
    return subscriber;
  }

  #dispatch(topic: Topic | undefined, message: string, fullChannel: string): void {
    if (topic === undefined) return;
    const channel = fullChannel.slice(this.prefix.length);
    for (const { handler } of topic.subscriptions) deliverMessage(handler, message, channel, this.#onError);
  }

  /**
   * Reports a lost connection once per outage; ioredis keeps reconnecting meanwhile. While the
   * command connection is known to be down, commands fail at once instead of queueing.
   */
  #watch(connection: Redis, commands: boolean): void {
    connection.on('ready', () => {
      this.#outage = false;
      if (commands) this.#lastError = undefined;
    });
    connection.on('error', (error: Error) => {
      if (commands) this.#lastError = error;
      if (this.#outage || this.#closed) return;
      this.#outage = true;
      this.#onError(
        new CacheError('UNAVAILABLE', `Lost the connection to Redis at ${this.#location}: ${error.message}`, {
          cause: error,
        }),
      );
    });
  }

  #failure(operation: string, key: string, error: unknown): CacheError {
    if (CacheError.isInstance(error)) return error;
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof Error && error.name === 'ReplyError') {
      const code = /WRONGTYPE|not an integer/.test(message) ? 'WRONG_TYPE' : 'COMMAND_FAILED';
      return new CacheError(code, `${operation} "${key}": ${message}`, { cause: error });
    }
    if (this.#closed) return new CacheError('CLOSED', 'The cache is closed', { cause: error });
    return new CacheError(
      'UNAVAILABLE',
      `${operation} "${key}" failed: Redis at ${this.#location} is unavailable: ${message}`,
      { cause: error },
    );
  }

  #assertOpen(): void {
    if (this.#closed) throw new CacheError('CLOSED', 'The cache is closed');
    if (this.#lastError !== undefined && this.client.status !== 'ready') {
      throw new CacheError(
        'UNAVAILABLE',
        `Redis at ${this.#location} is unreachable (reconnecting): ${this.#lastError.message}`,
        { cause: this.#lastError },
      );
    }
  }
}

function parseRedisUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new CacheError('INVALID_URL', `Not a Redis URL: "${redactUrl(url)}"`, { cause: error });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new CacheError(
      'INVALID_URL',
      `A Redis URL starts with redis:// or rediss://, got "${parsed.protocol}"`,
    );
  }
  return parsed;
}

function waitUntilReady(client: Redis, timeoutMs: number, location: string): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  if (client.status === 'end') {
    return Promise.reject(new CacheError('UNAVAILABLE', `The Redis client for ${location} is closed`));
  }
  return new Promise((resolve, reject) => {
    let lastError: Error | undefined;
    const settle = (error?: CacheError) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('error', onError);
      client.off('end', onEnd);
      if (error === undefined) resolve();
      else reject(error);
    };
    const unreachable = (detail: string) =>
      new CacheError('UNAVAILABLE', `Redis at ${location} is unreachable: ${detail}`, { cause: lastError });
    const onReady = () => settle();
    const onError = (error: Error) => {
      lastError = error;
    };
    const onEnd = () => settle(unreachable(lastError?.message ?? 'the connection ended'));
    const timer = setTimeout(
      () => settle(unreachable(lastError?.message ?? `no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    client.on('ready', onReady);
    client.on('error', onError);
    client.on('end', onEnd);
    if (client.status === 'wait') client.connect().catch(() => {});
  });
}

async function quit(connection: Redis): Promise<void> {
  if (connection.status === 'ready') {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      connection.quit().catch(() => {}),
      new Promise((resolve) => (timer = setTimeout(resolve, closeGraceMs))),
    ]);
    clearTimeout(timer);
  }
  connection.disconnect();
}
