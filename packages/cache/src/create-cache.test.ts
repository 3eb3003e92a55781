import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { deleteKeys, redisUrl } from '../test/redis-test-keys.js';
import type { Cache } from './cache.js';
import { CacheError } from './cache-error.js';
import { createCache } from './create-cache.js';
import { MemoryCache } from './memory/memory-cache.js';
import { MemoryStore } from './memory/memory-store.js';
import { RedisCache } from './redis/redis-cache.js';

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    if (CacheError.isInstance(error)) return error.code;
    throw error;
  }
  return undefined;
}

describe('createCache', () => {
  const base = `test:${randomUUID()}:`;
  const caches: Cache[] = [];
  afterEach(async () => {
    await Promise.all(caches.splice(0).map((cache) => cache.close()));
    await deleteKeys(base);
  });

  it('opens a memory cache by default and for memory:', async () => {
    for (const url of [undefined, 'memory:', 'memory://']) {
      await using cache = await createCache(url, { prefix: 'p:' });
      expect(cache).toBeInstanceOf(MemoryCache);
      expect(cache.prefix).toBe('p:');
      await cache.set('k', 'v');
      expect(await cache.get('k')).toBe('v');
    }
  });

  it('reads maxEntries from the memory URL', async () => {
    await using cache = await createCache('memory:?maxEntries=2');
    expect((cache as MemoryCache).store.maxEntries).toBe(2);
    await cache.set('a', '1');
    await cache.set('b', '2');
    await cache.set('c', '3');
    expect(await cache.mget(['a', 'b', 'c'])).toEqual([undefined, '2', '3']);
  });

  it('shares a memory store given in the options', async () => {
    const memoryStore = new MemoryStore();
    await using a = await createCache('memory:', { memoryStore });
    await using b = await createCache('memory:', { memoryStore });
    await a.set('k', 'v');
    expect(await b.get('k')).toBe('v');
    expect(await codeOf(createCache('memory:?maxEntries=5', { memoryStore }))).toBe('INVALID_ARGUMENT');
  });

  it('opens a Redis cache for redis://', async () => {
    const cache = await createCache(redisUrl, { prefix: base, redis: { commandTimeoutMs: 1_000 } });
    caches.push(cache);
    expect(cache).toBeInstanceOf(RedisCache);
    await cache.set('k', 'v');
    expect(await cache.get('k')).toBe('v');
    expect(await (cache as RedisCache).client.get(`${base}k`)).toBe('v');
  });

  it('rejects unknown schemes and malformed URLs with INVALID_URL', async () => {
    for (const url of [
      'ftp://example.com',
      'not a url',
      '',
      'memory:somewhere',
      'memory:?maxEntries=0',
      'memory:?maxEntries=1e3',
      'memory:?maxEntries=abc',
      'memory:?size=10',
    ]) {
      expect(await codeOf(createCache(url)), url).toBe('INVALID_URL');
    }
  });

  it('keeps credentials out of its error messages', async () => {
    const error: unknown = await createCache('redis://user:s3cret@exa mple:6379').catch(
      (caught: unknown) => caught,
    );
    expect(CacheError.isInstance(error) && error.code).toBe('INVALID_URL');
    expect((error as CacheError).message).toContain('redis://***@exa mple:6379');
    expect((error as CacheError).message).not.toContain('s3cret');
  });

  it('rejects with UNAVAILABLE when the Redis it names is unreachable', async () => {
    expect(await codeOf(createCache('redis://127.0.0.1:1', { redis: { connectTimeoutMs: 200 } }))).toBe(
      'UNAVAILABLE',
    );
  });
});
