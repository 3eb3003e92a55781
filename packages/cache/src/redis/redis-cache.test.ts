import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeCacheContract } from '../../test/cache-contract.js';
import { deleteKeys, redisUrl } from '../../test/redis-test-keys.js';
import { TcpProxy } from '@herald/testkit';
import type { Cache } from '../cache.js';
import { CacheError } from '../cache-error.js';
import { RedisCache, type RedisCacheOptions } from './redis-cache.js';

describeCacheContract('redis', () => {
  const base = `test:${randomUUID()}:`;
  const opened: Cache[] = [];
  return {
    open: async ({ prefix = '', onError } = {}) => {
      const cache = await RedisCache.connect({
        url: redisUrl,
        prefix: base + prefix,
        ...(onError ? { onError } : {}),
      });
      opened.push(cache);
      return cache;
    },
    cleanup: async () => {
      await Promise.all(opened.map((cache) => cache.close()));
      await deleteKeys(base);
    },
  };
});

/** A port nothing listens on. */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function rejection(promise: Promise<unknown>): Promise<{ error: CacheError; ms: number }> {
  const started = performance.now();
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  const ms = performance.now() - started;
  if (!CacheError.isInstance(error)) throw new Error(`expected a CacheError, got ${String(error)}`);
  return { error, ms };
}

describe('RedisCache', () => {
  const base = `test:${randomUUID()}:`;
  const caches: Cache[] = [];
  const open = async (options: RedisCacheOptions = {}) => {
    const cache = await RedisCache.connect({
      url: redisUrl,
      ...options,
      prefix: base + (options.prefix ?? ''),
    });
    caches.push(cache);
    return cache;
  };

  afterEach(async () => {
    await Promise.all(caches.splice(0).map((cache) => cache.close()));
    await deleteKeys(base);
  });

  it('fails fast with UNAVAILABLE, naming the address but not the password, when nothing listens', async () => {
    const port = await unusedPort();
    const { error, ms } = await rejection(
      RedisCache.connect({ url: `redis://:s3cret@127.0.0.1:${port}`, connectTimeoutMs: 300 }),
    );
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toContain(`Redis at redis://127.0.0.1:${port} is unreachable`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toContain('s3cret');
    expect(ms).toBeLessThan(1_500);
  });

  it('fails with UNAVAILABLE within connectTimeoutMs when the server accepts but never answers', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const { error, ms } = await rejection(
        RedisCache.connect({ url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 300 }),
      );
      expect(error.code).toBe('UNAVAILABLE');
      expect(error.message).toContain(`redis://127.0.0.1:${port}`);
      expect(ms).toBeGreaterThanOrEqual(250);
      expect(ms).toBeLessThan(1_500);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('rejects a URL that is not redis:// or rediss:// with INVALID_URL', async () => {
    for (const url of ['http://127.0.0.1:6379', 'not a url', 'memory:']) {
      const { error } = await rejection(RedisCache.connect({ url }));
      expect(error.code).toBe('INVALID_URL');
    }
    const { error } = await rejection(RedisCache.connect({ url: redisUrl, commandTimeoutMs: 0 }));
    expect(error.code).toBe('INVALID_ARGUMENT');
  });

  it('auto-pipelines concurrent commands into one write', async () => {
    const cache = await open();
    await cache.set('k', 'v');
    const reads = Array.from({ length: 100 }, () => cache.get('k'));
    expect(cache.client.autoPipelineQueueSize).toBe(100);
    expect(new Set(await Promise.all(reads))).toEqual(new Set(['v']));
  });

  it('uses a given client without closing it, and owns the pub/sub connection it duplicates', async () => {
    const client = new Redis(redisUrl);
    try {
      const cache = await RedisCache.connect({ client, prefix: `${base}given:` });
      const other = await open({ prefix: 'given:' });
      await cache.set('k', 'v');
      expect(await other.get('k')).toBe('v');
      const received: string[] = [];
      await cache.subscribe('ch', (message) => {
        received.push(message);
      });
      await other.publish('ch', 'hello');
      await vi.waitFor(() => expect(received).toEqual(['hello']));
      const subscribers = async () => (await client.pubsub('NUMSUB', `${base}given:ch`))[1];
      expect(await subscribers()).toBe(1);
      await cache.close();
      expect(client.status).toBe('ready');
      expect(await client.ping()).toBe('PONG');
      expect(await subscribers()).toBe(0);
    } finally {
      await client.quit();
    }
  });

  it('runs the counter script again after the server forgot it (NOSCRIPT)', async () => {
    const cache = await open();
    expect(await cache.increment('n', 1, { ttlMs: 10_000 })).toBe(1);
    await cache.client.script('FLUSH');
    expect(await cache.increment('n', 1, { ttlMs: 10_000 })).toBe(2);
    expect(await cache.hset('h', { a: '1' }, { ttlMs: 10_000 })).toBe(1);
  });

  describe('when Redis goes away', () => {
    const target = new URL(redisUrl);
    const proxied = async (proxy: TcpProxy, options: RedisCacheOptions = {}) => {
      const url = new URL(redisUrl);
      url.hostname = '127.0.0.1';
      url.port = String(proxy.port);
      return open({ url: url.href, commandTimeoutMs: 500, ...options });
    };

    it('rejects commands with UNAVAILABLE within a bounded time, reports the outage, then recovers and resubscribes', async () => {
      await using proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
      await proxy.start();
      const outages: CacheError[] = [];
      const cache = await proxied(proxy, { onError: (error) => outages.push(error) });
      const direct = await open();
      const received: string[] = [];
      await cache.subscribe('ch', (message) => {
        received.push(message);
      });
      await direct.publish('ch', 'before');
      await vi.waitFor(() => expect(received).toEqual(['before']));

      await proxy.stop();
      const down = await rejection(cache.get('k'));
      expect(down.error.code).toBe('UNAVAILABLE');
      expect(down.error.message).toContain(`127.0.0.1:${proxy.port}`);
      expect(down.ms).toBeLessThan(1_500);
      const publishing = await rejection(cache.publish('ch', 'lost'));
      expect(publishing.error.code).toBe('UNAVAILABLE');
      await vi.waitFor(() => expect(outages.map((error) => error.code)).toContain('UNAVAILABLE'));
      // Once a reconnection has failed, commands fail at once instead of queueing.
      await vi.waitFor(async () =>
        expect((await rejection(cache.get('k'))).error.message).toContain('reconnecting'),
      );
      const fast = await rejection(cache.hget('h', 'f'));
      expect(fast.error.code).toBe('UNAVAILABLE');
      expect(fast.ms).toBeLessThan(250);

      await proxy.start();
      await vi.waitFor(async () => expect(await cache.set('k', 'back')).toBeUndefined(), {
        timeout: 5_000,
        interval: 50,
      });
      expect(await direct.get('k')).toBe('back');
      await vi.waitFor(
        async () => {
          await direct.publish('ch', 'after');
          expect(received).toContain('after');
        },
        { timeout: 5_000, interval: 100 },
      );
    });

    it('rejects commands with UNAVAILABLE after commandTimeoutMs when the network goes silent', async () => {
      await using proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
      await proxy.start();
      const cache = await proxied(proxy, { onError: () => {} });
      await cache.set('k', 'v');
      proxy.freeze();
      const silent = await rejection(cache.get('k'));
      expect(silent.error.code).toBe('UNAVAILABLE');
      expect(silent.error.message).toContain('timed out');
      expect(silent.ms).toBeGreaterThanOrEqual(450);
      expect(silent.ms).toBeLessThan(1_500);
      proxy.thaw();
      expect(await cache.get('k')).toBe('v');
    });

    it('closes promptly while Redis is down', async () => {
      await using proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
      await proxy.start();
      const cache = await proxied(proxy, { onError: () => {} });
      await cache.subscribe('ch', () => {});
      await proxy.stop();
      const started = performance.now();
      await cache.close();
      expect(performance.now() - started).toBeLessThan(1_500);
    });
  });
});
