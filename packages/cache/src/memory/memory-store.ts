import { CacheError } from '../cache-error.js';
import { MemoryBus } from './memory-bus.js';

/** Options of a {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Most keys held (a hash or a counter is one key). Writing a new key beyond it evicts the
   * least recently used one, expired or not.
   *
   * @defaultValue 10_000
   */
  maxEntries?: number;
}

/** What a key holds; `expiresAt` is on the `performance.now()` clock, `Infinity` for never. */
export type MemoryEntry =
  | { kind: 'string'; value: string; expiresAt: number }
  | { kind: 'hash'; value: Map<string, string>; expiresAt: number };

/**
 * The keys and channels that memory caches share: one store is to memory caches what one
 * Redis server is to Redis caches. An LRU bounded by `maxEntries`, with lazy TTL expiry.
 *
 * A `Map` keeps insertion order, so deleting and re-inserting on access makes its first key
 * the least recently used: an LRU in a few lines, with no dependency and no per-entry list
 * nodes (the libraries add size-by-bytes and stale-while-revalidate we have no use for).
 *
 * @example
 * const store = new MemoryStore({ maxEntries: 50_000 });
 * const a = new MemoryCache({ store, prefix: 'tenant-a:' });
 * const b = new MemoryCache({ store, prefix: 'tenant-a:' }); // sees a's keys and messages
 */
export class MemoryStore {
  readonly maxEntries: number;
  /** The store's pub/sub. */
  readonly bus = new MemoryBus();
  readonly #entries = new Map<string, MemoryEntry>();

  constructor(options: MemoryStoreOptions = {}) {
    const { maxEntries = 10_000 } = options;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new CacheError(
        'INVALID_ARGUMENT',
        `maxEntries must be a positive integer, got ${String(maxEntries)}`,
      );
    }
    this.maxEntries = maxEntries;
  }

  /** Keys held, counting expired ones not yet reclaimed; never more than `maxEntries`. */
  get size(): number {
    return this.#entries.size;
  }

  /** The live entry at `key`, marked most recently used; an expired one is dropped. */
  read(key: string): MemoryEntry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= performance.now()) return undefined;
    this.#entries.set(key, entry);
    return entry;
  }

  /** Stores `entry` at `key` as most recently used, evicting the least recently used beyond the bound. */
  write(key: string, entry: MemoryEntry): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
  }

  /** Removes `key`; true when it held a live entry. */
  remove(key: string): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined) return false;
    this.#entries.delete(key);
    return entry.expiresAt > performance.now();
  }

  /** Drops every key. */
  clear(): void {
    this.#entries.clear();
  }
}
