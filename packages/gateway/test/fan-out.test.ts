import { randomUUID } from 'node:crypto';
import type { Cache } from '@herald/cache';
import { MemoryCache, MemoryStore } from '@herald/cache/memory';
import { RedisCache } from '@herald/cache/redis';
import { describe, expect, it } from 'vitest';
import { mintSubscriberToken } from '../src/index.js';
import { FakeInbox, notification, secret, startGateway, TestClient, unique } from './helpers.js';

const token = async (tenant: string, subscriber: string): Promise<string> =>
  (await mintSubscriberToken({ tenant, subscriber }, secret)).token;

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

interface Backend {
  name: string;
  /** Two caches on one backend, as two push instances would hold. */
  pair(): Promise<[Cache, Cache]>;
}

const backends: Backend[] = [
  {
    name: 'memory caches sharing one store',
    pair: () => {
      const store = new MemoryStore();
      const prefix = `gw-${randomUUID()}:`;
      return Promise.resolve([new MemoryCache({ store, prefix }), new MemoryCache({ store, prefix })]);
    },
  },
  {
    name: 'Redis',
    pair: async () => {
      const prefix = `herald-test:gw-${randomUUID()}:`;
      return [
        await RedisCache.connect({ url: redisUrl, prefix }),
        await RedisCache.connect({ url: redisUrl, prefix }),
      ];
    },
  },
];

describe.each(backends)('cross-instance fan-out: $name', (backend) => {
  it('a client on B gets a delivery made on A, once; other subscribers and tenants get nothing', async () => {
    const [cacheA, cacheB] = await backend.pair();
    await using _cacheA = cacheA;
    await using _cacheB = cacheB;
    const inbox = new FakeInbox();
    await using a = await startGateway({ inbox, cache: cacheA });
    await using b = await startGateway({ inbox, cache: cacheB });
    const tenant = unique('t');
    const other = unique('o');
    await using onA = await TestClient.connect(a.port);
    await using onB = await TestClient.connect(b.port);
    await using bobOnB = await TestClient.connect(b.port);
    await using aliceElsewhereOnB = await TestClient.connect(b.port);
    await onA.hello(await token(tenant, 'alice'));
    await onB.hello(await token(tenant, 'alice'));
    await bobOnB.hello(await token(tenant, 'bob'));
    await aliceElsewhereOnB.hello(await token(other, 'alice'));

    expect(await a.gateway.deliver(inbox.store(notification(tenant, 'alice', 1)), { unreadCount: 1 })).toBe(
      1,
    );
    await b.gateway.deliver(inbox.store(notification(tenant, 'alice', 2)), { unreadCount: 2 });
    await a.gateway.deliverState({
      tenant,
      subscriber: 'alice',
      action: 'seen',
      all: true,
      at: 9,
      unreadCount: 2,
    });

    for (const client of [onA, onB]) {
      await client.until(() => client.seqs().length === 2 && client.frames.some((f) => f.type === 'state'));
    }
    // Let any duplicate (an instance re-delivering its own publication) arrive before checking.
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const client of [onA, onB]) {
      // Made on two instances, the two may arrive in either order; each exactly once.
      expect(client.seqs().toSorted((x, y) => x - y)).toEqual([1, 2]);
      // The count made with each delivery crosses instances with it.
      const counts = client.frames.flatMap((f) =>
        f.type === 'notification' ? [[f.notification.seq, f.unreadCount]] : [],
      );
      expect(counts.toSorted((x, y) => Number(x[0]) - Number(y[0]))).toEqual([
        [1, 1],
        [2, 2],
      ]);
      expect(client.frames.filter((f) => f.type === 'state')).toEqual([
        { type: 'state', action: 'seen', all: true, at: 9, unreadCount: 2 },
      ]);
    }
    expect(bobOnB.frames.filter((f) => f.type !== 'welcome' && f.type !== 'resume-complete')).toEqual([]);
    expect(
      aliceElsewhereOnB.frames.filter((f) => f.type !== 'welcome' && f.type !== 'resume-complete'),
    ).toEqual([]);
  });

  it('counts unread again where a delivery from another instance arrives, when the inbox can', async () => {
    const [cacheA, cacheB] = await backend.pair();
    await using _cacheA = cacheA;
    await using _cacheB = cacheB;
    const inboxB = new FakeInbox();
    // B's store says 1: say a mark made on B after A stored the item, its state frame already out.
    let countOnB = (): number => 1;
    inboxB.unreadCount = () => countOnB();
    const errors: unknown[] = [];
    await using a = await startGateway({ cache: cacheA });
    await using b = await startGateway({ inbox: inboxB, cache: cacheB, onError: (e) => errors.push(e) });
    const tenant = unique('t');
    await using onA = await TestClient.connect(a.port);
    await using onB = await TestClient.connect(b.port);
    await onA.hello(await token(tenant, 'alice'));
    await onB.hello(await token(tenant, 'alice'));
    const counts = (client: TestClient) =>
      client.frames.flatMap((f) => (f.type === 'notification' ? [[f.notification.seq, f.unreadCount]] : []));

    await a.gateway.deliver(notification(tenant, 'alice', 1), { unreadCount: 5 });
    await onB.until(() => onB.seqs().includes(1));
    // When B's inbox cannot answer, the count made on A goes out, and B reports the failure.
    countOnB = () => {
      throw new Error('store closed');
    };
    await a.gateway.deliver(notification(tenant, 'alice', 2), { unreadCount: 6 });
    await onB.until(() => onB.seqs().includes(2));
    await onA.until(() => onA.seqs().includes(2));
    expect(counts(onA)).toEqual([
      [1, 5],
      [2, 6],
    ]);
    expect(counts(onB)).toEqual([
      [1, 1],
      [2, 6],
    ]);
    expect(errors).toEqual([new Error('store closed')]);
  });

  it('a client that resumes on B while A delivers misses nothing', async () => {
    const [cacheA, cacheB] = await backend.pair();
    await using _cacheA = cacheA;
    await using _cacheB = cacheB;
    const inbox = new FakeInbox();
    await using a = await startGateway({ inbox, cache: cacheA });
    await using b = await startGateway({ inbox, cache: cacheB, resumePageSize: 2 });
    const tenant = unique('t');
    for (let seq = 1; seq <= 4; seq += 1) inbox.store(notification(tenant, 'alice', seq));
    inbox.beforeAnswer = async (call) => {
      if (call === 1) await a.gateway.deliver(inbox.store(notification(tenant, 'alice', 5)));
    };
    await using client = await TestClient.connect(b.port);
    await client.hello(await token(tenant, 'alice'), 0);
    await a.gateway.deliver(inbox.store(notification(tenant, 'alice', 6)));
    await client.until(() => client.seqs().includes(6));
    expect(client.seqs()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('stops listening to a tenant once its last connection leaves', async () => {
    const [cacheA, cacheB] = await backend.pair();
    await using _cacheA = cacheA;
    await using _cacheB = cacheB;
    let published = 0;
    const inbox = new FakeInbox();
    await using a = await startGateway({ inbox, cache: cacheA });
    await using b = await startGateway({ inbox, cache: cacheB });
    const tenant = unique('t');
    const seen: string[] = [];
    const unsubscribe = await cacheA.subscribe(`herald:deliver:${tenant}`, (message) => {
      published += 1;
      seen.push(message);
    });
    {
      await using client = await TestClient.connect(b.port);
      await client.hello(await token(tenant, 'alice'));
      expect(b.gateway.stats().subscribers).toBe(1);
    }
    await a.gateway.deliver(notification(tenant, 'alice', 1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(published).toBe(1);
    expect(b.gateway.stats()).toMatchObject({ connections: 0, subscribers: 0 });
    await unsubscribe();
  });
});
