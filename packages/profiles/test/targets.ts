import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cache } from '@herald/cache';
import { MemoryCache, MemoryStore } from '@herald/cache/memory';
import { RedisCache, type RedisCacheOptions } from '@herald/cache/redis';
import { openStore, type Store } from '@herald/store';
import { afterAll } from 'vitest';

/** The Redis the tests use: `REDIS_URL`, or the local default. */
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Caches on one fresh backend: caches it opens share keys, as two processes on one Redis would. */
export interface CacheBackend {
  open(options?: Omit<RedisCacheOptions, 'prefix'>): Promise<Cache>;
  /** Closes every cache it opened and deletes the test's keys. */
  cleanup(): Promise<void>;
}

export interface CacheTarget {
  name: 'memory' | 'redis';
  backend(): CacheBackend;
}

/** Deletes every Redis key starting with `prefix` (no glob characters in it). */
async function deleteKeys(prefix: string): Promise<void> {
  const admin = await RedisCache.connect({ url: redisUrl });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await admin.client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1_000);
      cursor = next;
      if (keys.length > 0) await admin.client.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    await admin.close();
  }
}

export const cacheTargets: CacheTarget[] = [
  {
    name: 'memory',
    backend: () => {
      const store = new MemoryStore();
      const prefix = `test:profiles:${randomUUID()}:`;
      const opened: Cache[] = [];
      return {
        open: () => {
          const cache = new MemoryCache({ store, prefix });
          opened.push(cache);
          return Promise.resolve(cache);
        },
        cleanup: async () => {
          await Promise.all(opened.map((cache) => cache.close()));
          store.clear();
        },
      };
    },
  },
  {
    name: 'redis',
    backend: () => {
      const prefix = `test:profiles:${randomUUID()}:`;
      const opened: Cache[] = [];
      return {
        open: async (options = {}) => {
          const cache = await RedisCache.connect({ url: redisUrl, ...options, prefix });
          opened.push(cache);
          return cache;
        },
        cleanup: async () => {
          await Promise.all(opened.map((cache) => cache.close()));
          await deleteKeys(prefix);
        },
      };
    },
  },
];

const directories: string[] = [];

afterAll(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

export interface StoreTarget {
  name: string;
  /** A new, empty store with one tenant, `acme`. */
  open(): Store;
}

function withTenant(store: Store): Store {
  store.tenants.create({ id: 'acme', name: 'Acme Corp' });
  return store;
}

export const storeTargets: StoreTarget[] = [
  { name: ':memory:', open: () => withTenant(openStore({ path: ':memory:' })) },
  {
    name: 'temp file',
    open: () => {
      const directory = mkdtempSync(join(tmpdir(), 'herald-profiles-'));
      directories.push(directory);
      return withTenant(openStore({ path: join(directory, 'herald.db') }));
    },
  },
];

/** Every cache driver with every store target. */
export const targetMatrix = cacheTargets.flatMap((cacheTarget) =>
  storeTargets.map((storeTarget) => ({
    name: `${cacheTarget.name} cache, ${storeTarget.name} store`,
    cacheTarget,
    storeTarget,
  })),
);

/** `cache` with some methods replaced, the others still running on the real cache. */
export function overrideCache(cache: Cache, overrides: Partial<Cache>): Cache {
  return new Proxy(cache, {
    get(target, property, receiver) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof Cache];
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** `cache` with every write (hset, hsetIfNewer, set, delete) waiting for `wait()` first. */
export function delayWrites(cache: Cache, wait: () => Promise<void>): Cache {
  return overrideCache(cache, {
    hset: async (...args) => (await wait(), cache.hset(...args)),
    hsetIfNewer: async (...args) => (await wait(), cache.hsetIfNewer(...args)),
    set: async (...args) => (await wait(), cache.set(...args)),
    delete: async (...args) => (await wait(), cache.delete(...args)),
  });
}

/** The numbers 1…n in a random order that never ends with n (issued last, n would win unguarded). */
export function shuffledVersions(n: number): number[] {
  const versions = Array.from({ length: n }, (_, i) => i + 1);
  for (let i = versions.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [versions[i], versions[j]] = [versions[j]!, versions[i]!];
  }
  if (versions.at(-1) === n) versions.reverse();
  return versions;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
