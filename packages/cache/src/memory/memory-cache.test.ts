import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { describeCacheContract } from '../../test/cache-contract.js';
import type { Cache } from '../cache.js';
import { CacheError } from '../cache-error.js';
import { MemoryCache } from './memory-cache.js';
import { MemoryStore } from './memory-store.js';

describeCacheContract('memory', () => {
  const store = new MemoryStore();
  const base = `test:${randomUUID()}:`;
  const opened: Cache[] = [];
  return {
    open: ({ prefix = '', onError } = {}) => {
      const cache = new MemoryCache({ store, prefix: base + prefix, ...(onError ? { onError } : {}) });
      opened.push(cache);
      return Promise.resolve(cache);
    },
    cleanup: async () => {
      await Promise.all(opened.map((cache) => cache.close()));
      store.clear();
    },
  };
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('MemoryCache', () => {
  it('never holds more than maxEntries keys, evicting the least recently used', async () => {
    await using cache = new MemoryCache({ maxEntries: 3 });
    await cache.set('a', '1');
    await cache.hset('b', { f: '2' });
    await cache.increment('c');
    expect(await cache.get('a')).toBe('1'); // a is now the most recently used
    await cache.set('d', '4');
    expect(cache.store.size).toBe(3);
    expect(await cache.hgetall('b')).toBeUndefined();
    expect(await cache.mget(['a', 'c', 'd'])).toEqual(['1', '1', '4']);
    for (let i = 0; i < 100; i++) await cache.set(`k${i}`, 'v');
    expect(cache.store.size).toBe(3);
    expect(await cache.mget(['k97', 'k98', 'k99', 'a'])).toEqual(['v', 'v', 'v', undefined]);
  });

  it('counts a hash or counter update as a use', async () => {
    await using cache = new MemoryCache({ maxEntries: 2 });
    await cache.hset('h', { f: '1' });
    await cache.increment('n');
    await cache.hset('h', { g: '2' });
    await cache.set('new', 'v');
    expect(await cache.hgetall('h')).toEqual({ f: '1', g: '2' });
    expect(await cache.get('n')).toBeUndefined();
  });

  it('reclaims an expired entry when it is next touched', async () => {
    await using cache = new MemoryCache();
    await cache.set('k', 'v', { ttlMs: 20 });
    expect(cache.store.size).toBe(1);
    await sleep(60);
    expect(cache.store.size).toBe(1);
    expect(await cache.get('k')).toBeUndefined();
    expect(cache.store.size).toBe(0);
  });

  it('defaults to 10 000 entries and validates the bound', () => {
    expect(new MemoryStore().maxEntries).toBe(10_000);
    for (const maxEntries of [0, -1, 1.5, Number.NaN]) {
      expect(() => new MemoryStore({ maxEntries })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error,
      );
    }
    const store = new MemoryStore();
    expect(() => new MemoryCache({ store, maxEntries: 5 })).toThrow(CacheError);
  });

  it('shares keys and messages only between caches on the same store', async () => {
    const store = new MemoryStore();
    await using a = new MemoryCache({ store });
    await using b = new MemoryCache({ store });
    await using apart = new MemoryCache();
    await a.set('k', 'v');
    expect(await b.get('k')).toBe('v');
    expect(await apart.get('k')).toBeUndefined();
    const received: string[] = [];
    await apart.subscribe('ch', (message) => {
      received.push(`apart:${message}`);
    });
    await b.subscribe('ch', (message) => {
      received.push(`b:${message}`);
    });
    await a.publish('ch', 'x');
    await sleep(20);
    expect(received).toEqual(['b:x']);
  });

  it('empties its own store on close but leaves a shared one alone', async () => {
    const own = new MemoryCache();
    await own.set('k', 'v');
    await own.close();
    expect(own.store.size).toBe(0);
    const store = new MemoryStore();
    const shared = new MemoryCache({ store });
    await shared.set('k', 'v');
    await shared.close();
    expect(store.size).toBe(1);
  });

  it('yields to the event loop between rounds of handlers that publish', async () => {
    await using cache = new MemoryCache();
    let rounds = 0;
    await cache.subscribe('ping', async () => {
      if (++rounds < 1_000) await cache.publish('ping', 'again');
    });
    await cache.publish('ping', 'start');
    // Delivered by microtasks, all 1 000 rounds would run before this callback (and any I/O).
    const seenByTheEventLoop = await new Promise<number>((resolve) => setImmediate(() => resolve(rounds)));
    expect(seenByTheEventLoop).toBeLessThan(1_000);
    await vi.waitFor(() => expect(rounds).toBe(1_000));
  });
});
