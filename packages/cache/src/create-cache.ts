import type { Cache, CacheErrorHandler } from './cache.js';
import { CacheError } from './cache-error.js';
import { redactUrl } from './redact-url.js';
import type { MemoryStore } from './memory/memory-store.js';
import type { RedisCacheOptions } from './redis/redis-cache.js';

/** Options of {@link createCache}, for whichever driver the URL selects. */
export interface CreateCacheOptions {
  /**
   * Namespace prepended to every key and channel, so tests and tenants sharing a backend
   * cannot see each other's keys or messages.
   *
   * @defaultValue `''`
   */
  prefix?: string;
  /**
   * Receives the failures nobody awaits: pub/sub handlers that throw or reject
   * (`HANDLER_FAILED`), and a lost Redis connection (`UNAVAILABLE`).
   *
   * @defaultValue logs them with `console.error`
   */
  onError?: CacheErrorHandler;
  /**
   * For `memory:` URLs, a store shared with other memory caches (then `maxEntries` may not
   * be in the URL).
   *
   * @defaultValue a new store of the cache's own
   */
  memoryStore?: MemoryStore;
  /**
   * For `redis:` and `rediss:` URLs, the Redis driver's other settings: timeouts, ioredis
   * options (see {@link RedisCacheOptions}).
   *
   * @defaultValue `{}`
   */
  redis?: Omit<RedisCacheOptions, 'url' | 'client' | 'prefix' | 'onError'>;
}

/**
 * Opens a cache by URL, loading only the driver it names:
 * `memory:` (in-process, optionally `memory:?maxEntries=50000`) or
 * `redis://[[user]:password@]host[:port][/db]` / `rediss://…` (Redis over TCP or TLS).
 * Rejects with `INVALID_URL` for anything else, and with `UNAVAILABLE` when Redis cannot be reached.
 *
 * @example
 * await using cache = await createCache(config.cacheUrl ?? 'memory:', { prefix: 'herald:' });
 * await cache.publish('inbox:u1', JSON.stringify({ title: 'Order #42 paid' }));
 */
export async function createCache(url = 'memory:', options: CreateCacheOptions = {}): Promise<Cache> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new CacheError(
      'INVALID_URL',
      `Not a cache URL: "${redactUrl(url)}" (expected memory: or redis://…)`,
      {
        cause: error,
      },
    );
  }
  const common = {
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(options.onError === undefined ? {} : { onError: options.onError }),
  };
  switch (parsed.protocol) {
    case 'memory:': {
      const { MemoryCache } = await import('./memory/memory-cache.js');
      const maxEntries = memoryParameters(parsed);
      return new MemoryCache({
        ...common,
        ...(maxEntries === undefined ? {} : { maxEntries }),
        ...(options.memoryStore === undefined ? {} : { store: options.memoryStore }),
      });
    }
    case 'redis:':
    case 'rediss:': {
      const { RedisCache } = await import('./redis/redis-cache.js');
      return RedisCache.connect({ ...options.redis, ...common, url });
    }
    default:
      throw new CacheError(
        'INVALID_URL',
        `No cache driver for "${parsed.protocol}" (expected memory:, redis:// or rediss://)`,
      );
  }
}

function memoryParameters(url: URL): number | undefined {
  if (url.host !== '' || (url.pathname !== '' && url.pathname !== '/')) {
    throw new CacheError('INVALID_URL', `A memory cache URL has no host or path: "${url.href}"`);
  }
  let maxEntries: number | undefined;
  for (const [name, value] of url.searchParams) {
    if (name !== 'maxEntries') {
      throw new CacheError('INVALID_URL', `Unknown memory cache parameter "${name}" (known: maxEntries)`);
    }
    maxEntries = /^[1-9]\d*$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(maxEntries)) {
      throw new CacheError('INVALID_URL', `maxEntries must be a positive integer, got "${value}"`);
    }
  }
  return maxEntries;
}
