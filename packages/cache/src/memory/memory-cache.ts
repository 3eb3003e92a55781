import {
  incrementArgument,
  parseStoredVersion,
  prefixArgument,
  ttlArgument,
  versionArguments,
} from '../arguments.js';
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
import { globPattern } from './glob-pattern.js';
import { MemoryStore, type MemoryEntry } from './memory-store.js';

/** Options of a {@link MemoryCache}. */
export interface MemoryCacheOptions {
  /**
   * Namespace prepended to every key and channel, so tests and tenants sharing a store
   * cannot see each other's keys or messages.
   *
   * @defaultValue `''`
   */
  prefix?: string;
  /**
   * Most keys in the cache's own store; see {@link MemoryStoreOptions.maxEntries}. Not allowed
   * together with `store`, whose bound applies.
   *
   * @defaultValue 10_000
   */
  maxEntries?: number;
  /**
   * A store shared with other memory caches, which then see the same keys and messages
   * (like several connections to one Redis). `close()` leaves a shared store untouched.
   *
   * @defaultValue a new store of the cache's own, emptied by `close()`
   */
  store?: MemoryStore;
  /**
   * Receives the failures nobody awaits: pub/sub handlers that throw or reject
   * (code `HANDLER_FAILED`).
   *
   * @defaultValue logs them with `console.error`
   */
  onError?: CacheErrorHandler;
}

const integer = /^-?(?:0|[1-9]\d*)$/;

/**
 * The in-process {@link Cache}: the default driver, for one machine and for tests.
 * Bounded by an LRU, TTLs expire lazily, pub/sub is delivered asynchronously in-process.
 *
 * @example
 * await using cache = new MemoryCache({ maxEntries: 1_000 });
 * await cache.hset('customer:42', { name: 'Ada' });
 */
export class MemoryCache implements Cache {
  readonly prefix: string;
  /** The keys and channels this cache reads and writes. */
  readonly store: MemoryStore;
  readonly #ownsStore: boolean;
  readonly #onError: CacheErrorHandler;
  readonly #unsubscribes = new Set<() => void>();
  #closed = false;

  constructor(options: MemoryCacheOptions = {}) {
    if (options.store !== undefined && options.maxEntries !== undefined) {
      throw new CacheError(
        'INVALID_ARGUMENT',
        'maxEntries cannot be set together with store (the store has its own)',
      );
    }
    this.prefix = prefixArgument(options.prefix);
    this.#ownsStore = options.store === undefined;
    this.store =
      options.store ??
      new MemoryStore(options.maxEntries === undefined ? {} : { maxEntries: options.maxEntries });
    this.#onError = options.onError ?? logCacheError;
  }

  get(key: string): Promise<string | undefined> {
    return this.#run(() => this.#read(key, 'string')?.value);
  }

  mget(keys: readonly string[]): Promise<(string | undefined)[]> {
    return this.#run(() =>
      keys.map((key) => {
        const entry = this.store.read(this.prefix + key);
        return entry?.kind === 'string' ? entry.value : undefined;
      }),
    );
  }

  set(key: string, value: string, options: TtlOptions = {}): Promise<void> {
    return this.#run(() => {
      this.store.write(this.prefix + key, { kind: 'string', value, expiresAt: expiresAt(options.ttlMs) });
    });
  }

  setIfAbsent(key: string, value: string, options: TtlOptions = {}): Promise<boolean> {
    return this.#run(() => {
      const expiry = expiresAt(options.ttlMs);
      if (this.store.read(this.prefix + key) !== undefined) return false;
      this.store.write(this.prefix + key, { kind: 'string', value, expiresAt: expiry });
      return true;
    });
  }

  delete(key: string): Promise<boolean> {
    return this.#run(() => this.store.remove(this.prefix + key));
  }

  expire(key: string, ttlMs: number): Promise<boolean> {
    return this.#run(() => {
      const expiry = expiresAt(ttlMs);
      const entry = this.store.read(this.prefix + key);
      if (entry === undefined) return false;
      entry.expiresAt = expiry;
      return true;
    });
  }

  ttl(key: string): Promise<number | undefined> {
    return this.#run(() => {
      const entry = this.store.read(this.prefix + key);
      if (entry === undefined) return undefined;
      return entry.expiresAt === Infinity
        ? Infinity
        : Math.max(0, Math.round(entry.expiresAt - performance.now()));
    });
  }

  hget(key: string, field: string): Promise<string | undefined> {
    return this.#run(() => this.#read(key, 'hash')?.value.get(field));
  }

  hset(key: string, fields: Readonly<Record<string, string>>, options: TtlOptions = {}): Promise<number> {
    return this.#run(() => {
      const expiry = options.ttlMs === undefined ? undefined : expiresAt(options.ttlMs);
      const names = Object.keys(fields);
      if (names.length === 0) return 0;
      let entry = this.#read(key, 'hash');
      if (entry === undefined) {
        entry = { kind: 'hash', value: new Map(), expiresAt: Infinity };
        this.store.write(this.prefix + key, entry);
      }
      let added = 0;
      for (const name of names) {
        if (!entry.value.has(name)) added++;
        entry.value.set(name, fields[name]!);
      }
      if (expiry !== undefined) entry.expiresAt = expiry;
      return added;
    });
  }

  hsetIfNewer(
    key: string,
    fields: Readonly<Record<string, string>>,
    options: HsetIfNewerOptions,
  ): Promise<boolean> {
    // Check and write in one synchronous step: nothing can interleave, on this cache or on
    // another sharing the store.
    return this.#run(() => {
      const { versionField, version } = versionArguments(fields, options);
      const expiry = options.ttlMs === undefined ? undefined : expiresAt(options.ttlMs);
      let entry = this.#read(key, 'hash');
      if (entry === undefined) {
        entry = { kind: 'hash', value: new Map(), expiresAt: Infinity };
        this.store.write(this.prefix + key, entry);
      } else {
        const stored = entry.value.get(versionField);
        if (stored !== undefined) {
          const storedVersion = parseStoredVersion(stored);
          if (storedVersion === undefined) {
            throw new CacheError(
              'WRONG_TYPE',
              `hsetIfNewer "${key}": the stored version "${stored}" is not an integer`,
            );
          }
          if (storedVersion >= Number(version)) return false;
        }
        if (options.replace === true) {
          for (const name of entry.value.keys()) {
            if (name !== versionField && !Object.hasOwn(fields, name)) entry.value.delete(name);
          }
        }
      }
      for (const [name, value] of Object.entries(fields)) entry.value.set(name, value);
      entry.value.set(versionField, version);
      if (expiry !== undefined) entry.expiresAt = expiry;
      return true;
    });
  }

  hgetall(key: string): Promise<Record<string, string> | undefined> {
    return this.#run(() => {
      const entry = this.#read(key, 'hash');
      return entry === undefined ? undefined : Object.fromEntries(entry.value);
    });
  }

  hdel(key: string, ...fields: string[]): Promise<number> {
    return this.#run(() => {
      if (fields.length === 0) return 0;
      const entry = this.#read(key, 'hash');
      if (entry === undefined) return 0;
      let deleted = 0;
      for (const field of fields) if (entry.value.delete(field)) deleted++;
      if (entry.value.size === 0) this.store.remove(this.prefix + key);
      return deleted;
    });
  }

  increment(key: string, by = 1, options: TtlOptions = {}): Promise<number> {
    return this.#run(() => {
      incrementArgument(by);
      const ttlMs = ttlArgument(options.ttlMs);
      const entry = this.#read(key, 'string');
      if (entry === undefined) {
        this.store.write(this.prefix + key, {
          kind: 'string',
          value: String(by),
          expiresAt: expiresAt(ttlMs),
        });
        return by;
      }
      const current = integer.test(entry.value) ? Number(entry.value) : NaN;
      if (!Number.isSafeInteger(current)) {
        throw new CacheError('WRONG_TYPE', `increment "${key}": the value is not an integer`);
      }
      const next = current + by;
      if (!Number.isSafeInteger(next)) {
        throw new CacheError('INVALID_ARGUMENT', `increment "${key}": the result would overflow`);
      }
      entry.value = String(next);
      if (entry.expiresAt === Infinity) entry.expiresAt = expiresAt(ttlMs);
      return next;
    });
  }

  publish(channel: string, message: string): Promise<void> {
    return this.#run(() => {
      this.store.bus.publish(this.prefix + channel, message);
    });
  }

  subscribe(channel: string, handler: MessageHandler): Promise<Unsubscribe> {
    return this.#run(() =>
      this.#track(
        this.store.bus.subscribe(this.prefix + channel, {
          matches: () => true,
          deliver: (message) => deliverMessage(handler, message, channel, this.#onError),
        }),
      ),
    );
  }

  psubscribe(pattern: string, handler: MessageHandler): Promise<Unsubscribe> {
    return this.#run(() => {
      const matcher = globPattern(pattern);
      const { prefix } = this;
      return this.#track(
        this.store.bus.psubscribe({
          matches: (channel) => channel.startsWith(prefix) && matcher.test(channel.slice(prefix.length)),
          deliver: (message, channel) =>
            deliverMessage(handler, message, channel.slice(prefix.length), this.#onError),
        }),
      );
    });
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      for (const unsubscribe of this.#unsubscribes) unsubscribe();
      this.#unsubscribes.clear();
      if (this.#ownsStore) this.store.clear();
    }
    return Promise.resolve();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #track(unsubscribe: () => void): Unsubscribe {
    this.#unsubscribes.add(unsubscribe);
    return () => {
      unsubscribe();
      this.#unsubscribes.delete(unsubscribe);
      return Promise.resolve();
    };
  }

  /** Runs a synchronous operation as the interface's promise, a throw becoming a rejection. */
  #run<T>(operation: () => T): Promise<T> {
    return new Promise((resolve) => {
      this.#assertOpen();
      resolve(operation());
    });
  }

  #read<Kind extends MemoryEntry['kind']>(
    key: string,
    kind: Kind,
  ): Extract<MemoryEntry, { kind: Kind }> | undefined {
    const entry = this.store.read(this.prefix + key);
    if (entry === undefined) return undefined;
    if (entry.kind !== kind) {
      throw new CacheError('WRONG_TYPE', `"${key}" holds a ${entry.kind}, not a ${kind}`);
    }
    return entry as Extract<MemoryEntry, { kind: Kind }>;
  }

  #assertOpen(): void {
    if (this.#closed) throw new CacheError('CLOSED', 'The cache is closed');
  }
}

function expiresAt(ttlMs: number | undefined): number {
  const ttl = ttlArgument(ttlMs);
  return ttl === undefined ? Infinity : performance.now() + ttl;
}
