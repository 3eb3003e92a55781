import { CacheError, type Cache } from '@herald/cache';
import { RedisCache } from '@herald/cache/redis';
import { CustomerLatencyModel } from '@herald/core/latency';
import type { Store } from '@herald/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  delayWrites,
  overrideCache,
  redisUrl,
  shuffledVersions,
  sleep,
  storeTargets,
  targetMatrix,
  cacheTargets,
  type CacheBackend,
} from '../test/targets.js';
import { TcpProxy } from '@herald/testkit';
import type { CustomerProfile, ProfileUpdate } from './customer-profile.js';
import { CustomerProfiles, type CustomerProfilesOptions } from './customer-profiles.js';
import { ProfileError } from './profile-error.js';

const key = 'customer:acme:c-42';
const hourMs = 3_600_000;

const ada: ProfileUpdate = {
  tenantId: 'acme',
  id: 'c-42',
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  phone: '+33 1 23 45 67 89',
  locale: 'fr-FR',
  timezone: 'Europe/Paris',
  ownerId: 'rep-7',
  attributes: { tier: 'gold', tags: ['vip'], spend: 1234.5 },
  version: 3,
  updatedAt: 1_000,
};

const adaProfile: CustomerProfile = {
  tenantId: 'acme',
  id: 'c-42',
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  phone: '+33 1 23 45 67 89',
  locale: 'fr-FR',
  timezone: 'Europe/Paris',
  ownerId: 'rep-7',
  attributes: { tier: 'gold', tags: ['vip'], spend: 1234.5 },
  version: 3,
  updatedAt: 1_000,
};

async function rejection(promise: Promise<unknown>): Promise<ProfileError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!ProfileError.isInstance(error)) throw new Error(`expected a ProfileError, got ${String(error)}`);
  return error;
}

describe.each(targetMatrix)('CustomerProfiles on $name', ({ cacheTarget, storeTarget }) => {
  let store: Store;
  let backend: CacheBackend;
  let cache: Cache;
  let errors: ProfileError[];
  let profiles: CustomerProfiles;
  const extra: CustomerProfiles[] = [];

  const open = (options: Partial<CustomerProfilesOptions> = {}) => {
    const opened = new CustomerProfiles({
      customers: store.customers,
      cache,
      onError: (error) => errors.push(error),
      ...options,
    });
    extra.push(opened);
    return opened;
  };

  beforeEach(async () => {
    store = storeTarget.open();
    backend = cacheTarget.backend();
    cache = await backend.open();
    errors = [];
    profiles = open();
  });

  afterEach(async () => {
    await Promise.all(extra.splice(0).map((opened) => opened.close()));
    await backend.cleanup();
    await store.close();
  });

  describe('write-through', () => {
    it('writes the store, then the cache hash (strings, attributes as JSON) with the TTL', async () => {
      expect(await profiles.update(ada)).toEqual({ applied: true, profile: adaProfile });
      expect(store.customers.get('acme', 'c-42')).toEqual(adaProfile);
      expect(await cache.hgetall(key)).toEqual({
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        phone: '+33 1 23 45 67 89',
        locale: 'fr-FR',
        timezone: 'Europe/Paris',
        ownerId: 'rep-7',
        attributes: '{"tier":"gold","tags":["vip"],"spend":1234.5}',
        version: '3',
        updatedAt: '1000',
      });
      const ttl = await cache.ttl(key);
      expect(ttl).toBeGreaterThan(hourMs - 60_000);
      expect(ttl).toBeLessThanOrEqual(hourMs);
      expect(errors).toEqual([]);
    });

    it('replaces the profile: fields left out of a newer version are null in the store and gone from the cache', async () => {
      await profiles.update(ada);
      const { applied, profile } = await profiles.update({
        tenantId: 'acme',
        id: 'c-42',
        name: 'Ada',
        version: 4,
      });
      expect(applied).toBe(true);
      expect(profile).toMatchObject({ name: 'Ada', email: null, timezone: null, attributes: {}, version: 4 });
      expect(await cache.hgetall(key)).toEqual({
        name: 'Ada',
        attributes: '{}',
        version: '4',
        updatedAt: expect.stringMatching(/^\d+$/) as unknown,
      });
      expect(store.customers.get('acme', 'c-42')).toMatchObject({ email: null, version: 4 });
    });

    it('stamps updatedAt with the now clock when the update has none', async () => {
      const stamped = open({ now: () => 1_700_000_000_000 });
      const { profile } = await stamped.update({ tenantId: 'acme', id: 'c-1', version: 1 });
      expect(profile?.updatedAt).toBe(1_700_000_000_000);
      expect(store.customers.get('acme', 'c-1')?.updatedAt).toBe(1_700_000_000_000);
      expect(await cache.hget('customer:acme:c-1', 'updatedAt')).toBe('1700000000000');
    });

    it('uses the ttlMs option for the cached hash', async () => {
      await open({ ttlMs: 60_000 }).update(ada);
      const ttl = await cache.ttl(key);
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    });

    it('ignores an older or equal version in both the store and the cache, returning the current profile', async () => {
      await profiles.update({ ...ada, version: 5, name: 'v5' });
      const older = await profiles.update({ ...ada, version: 3, name: 'v3' });
      expect(older).toEqual({ applied: false, profile: { ...adaProfile, version: 5, name: 'v5' } });
      expect((await profiles.update({ ...ada, version: 5, name: 'v5 again' })).applied).toBe(false);
      expect(store.customers.get('acme', 'c-42')).toMatchObject({ name: 'v5', version: 5 });
      expect(await cache.hgetall(key)).toMatchObject({ name: 'v5', version: '5' });
    });

    it('keeps the newest of 50 versions of one customer written concurrently in random order by two instances', async () => {
      const otherCache = await backend.open();
      // Random delays reorder the cache writes against the store writes, as two processes would.
      const jittered = (target: Cache) => delayWrites(target, () => sleep(Math.random() * 10));
      profiles = open({ cache: jittered(cache) });
      const other = open({ cache: jittered(otherCache) });
      const versions = shuffledVersions(50);
      const results = await Promise.all(
        versions.map((version, i) =>
          (i % 2 === 0 ? profiles : other).update({ ...ada, name: `v${version}`, version }),
        ),
      );
      expect(store.customers.get('acme', 'c-42')).toMatchObject({ name: 'v50', version: 50 });
      expect(await cache.hgetall(key)).toMatchObject({ name: 'v50', version: '50' });
      expect(await otherCache.hgetall(key)).toMatchObject({ name: 'v50', version: '50' });
      expect(await profiles.get('acme', 'c-42')).toMatchObject({ name: 'v50', version: 50 });
      expect(results[versions.indexOf(50)]?.applied).toBe(true);
      versions.forEach((version, i) => {
        const result = results[i]!;
        if (!result.applied) expect(result.profile?.version).toBeGreaterThan(version);
      });
      expect(errors).toEqual([]);
    });

    it('refuses a delayed cache write of an older version that arrives after a newer one', async () => {
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      const slow = open({ cache: delayWrites(cache, () => gate) });
      const older = slow.update({ ...ada, version: 1, name: 'v1' });
      expect(await profiles.update({ ...ada, version: 2, name: 'v2' })).toMatchObject({ applied: true });
      release();
      expect(await older).toMatchObject({ applied: true, profile: { version: 1 } });
      expect(await cache.hgetall(key)).toMatchObject({ name: 'v2', version: '2' });
      expect(store.customers.get('acme', 'c-42')).toMatchObject({ name: 'v2', version: 2 });
    });

    it('keeps the newest version through updateMany, whatever the concurrency', async () => {
      const versions = shuffledVersions(50);
      const results = await profiles.updateMany(
        versions.map((version) => ({ ...ada, name: `v${version}`, version })),
        { concurrency: 8 },
      );
      expect(results).toHaveLength(50);
      expect(results[versions.indexOf(50)]).toMatchObject({ applied: true, profile: { version: 50 } });
      expect(store.customers.get('acme', 'c-42')).toMatchObject({ name: 'v50', version: 50 });
      expect(await cache.hgetall(key)).toMatchObject({ name: 'v50', version: '50' });
    });
  });

  describe('reads', () => {
    it('answers get from the cache (the store is not read)', async () => {
      await profiles.update(ada);
      expect(store.customers.remove('acme', 'c-42')).toBe(true);
      expect(await profiles.get('acme', 'c-42')).toEqual(adaProfile);
    });

    it('falls back to the store on a cache miss and populates the cache with the TTL', async () => {
      await profiles.update(ada);
      expect(await cache.delete(key)).toBe(true);
      expect(await profiles.get('acme', 'c-42')).toEqual(adaProfile);
      expect(await cache.hgetall(key)).toMatchObject({ name: 'Ada Lovelace', version: '3' });
      expect(await cache.ttl(key)).toBeGreaterThan(hourMs - 60_000);
      // Now served from the cache: the store no longer has it.
      store.customers.remove('acme', 'c-42');
      expect(await profiles.get('acme', 'c-42')).toEqual(adaProfile);
      expect(errors).toEqual([]);
    });

    it('returns undefined for an unknown customer and caches nothing', async () => {
      expect(await profiles.get('acme', 'nobody')).toBeUndefined();
      expect(await cache.hgetall('customer:acme:nobody')).toBeUndefined();
    });

    it('never lets a populate from an older store read overwrite a newer cached version', async () => {
      await profiles.update({ ...ada, version: 1, name: 'v1' });
      const staleRow = store.customers.get('acme', 'c-42')!;
      await profiles.update({ ...ada, version: 2, name: 'v2' });
      // The reader missed the cache and read the store just before the v2 write-through landed.
      const racing = open({
        customers: { get: () => staleRow, upsert: (input) => store.customers.upsert(input) },
        cache: overrideCache(cache, { hgetall: () => Promise.resolve(undefined) }),
      });
      expect(await racing.get('acme', 'c-42')).toMatchObject({ version: 1 });
      expect(await cache.hgetall(key)).toMatchObject({ name: 'v2', version: '2' });
      expect(await profiles.get('acme', 'c-42')).toMatchObject({ name: 'v2', version: 2 });
    });

    it('keeps profiles of different tenants and ids with colons apart', async () => {
      store.tenants.create({ id: 'a:b', name: 'Colon Corp' });
      store.tenants.create({ id: 'a', name: 'A Corp' });
      await profiles.update({ tenantId: 'a:b', id: 'c', name: 'first', version: 1 });
      await profiles.update({ tenantId: 'a', id: 'b:c', name: 'second', version: 1 });
      expect(await profiles.get('a:b', 'c')).toMatchObject({ tenantId: 'a:b', id: 'c', name: 'first' });
      expect(await profiles.get('a', 'b:c')).toMatchObject({ tenantId: 'a', id: 'b:c', name: 'second' });
      expect(await cache.hget('customer:a%3Ab:c', 'name')).toBe('first');
    });
  });

  describe('cache failures', () => {
    it('on a failed cache write, keeps the store write, deletes the older cached entry and reports it', async () => {
      await profiles.update({ ...ada, version: 1, name: 'v1' });
      const failing = open({
        cache: overrideCache(cache, {
          hsetIfNewer: () => Promise.reject(new CacheError('UNAVAILABLE', 'Redis is down')),
        }),
      });
      expect(await failing.update({ ...ada, version: 2, name: 'v2' })).toMatchObject({
        applied: true,
        profile: { name: 'v2', version: 2 },
      });
      expect(store.customers.get('acme', 'c-42')).toMatchObject({ name: 'v2', version: 2 });
      expect(await cache.hgetall(key)).toBeUndefined();
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ code: 'CACHE_FAILED', cause: { code: 'UNAVAILABLE' } });
      expect(errors[0]?.message).toContain('the cached entry was deleted');
      expect(await profiles.get('acme', 'c-42')).toMatchObject({ name: 'v2', version: 2 });
    });

    it('recovers from a key that holds a string: the write reports WRONG_TYPE and clears it', async () => {
      await cache.set(key, 'not a profile');
      expect((await profiles.update(ada)).applied).toBe(true);
      expect(errors.map((error) => [error.code, (error.cause as CacheError).code])).toEqual([
        ['CACHE_FAILED', 'WRONG_TYPE'],
      ]);
      expect(await cache.get(key)).toBeUndefined();
      expect(await profiles.get('acme', 'c-42')).toEqual(adaProfile);
      expect(await cache.hget(key, 'version')).toBe('3');
    });

    it('repairs an undecodable cached entry, or a string, from the store on read', async () => {
      store.customers.upsert(ada);
      await cache.hset(key, { version: 'three', name: 'corrupt' });
      expect(await profiles.get('acme', 'c-42')).toEqual(adaProfile);
      expect(await cache.hgetall(key)).toMatchObject({ name: 'Ada Lovelace', version: '3' });
      await cache.set(key, 'a string');
      expect(await profiles.get('acme', 'c-42')).toEqual(adaProfile);
      expect(await cache.hget(key, 'version')).toBe('3');
      expect(errors.map((error) => error.code)).toEqual(['CACHE_FAILED', 'CACHE_FAILED']);
    });

    it('falls back to the store when a cache read fails, without populating', async () => {
      store.customers.upsert(ada);
      let writes = 0;
      const failing = open({
        cache: overrideCache(cache, {
          hgetall: () => Promise.reject(new CacheError('UNAVAILABLE', 'Redis is down')),
          hsetIfNewer: () => {
            writes++;
            return Promise.resolve(true);
          },
        }),
      });
      expect(await failing.get('acme', 'c-42')).toEqual(adaProfile);
      expect(writes).toBe(0);
      expect(errors).toMatchObject([{ code: 'CACHE_FAILED', cause: { code: 'UNAVAILABLE' } }]);
    });

    it('ignores an onError handler that throws', async () => {
      const failing = open({
        cache: overrideCache(cache, {
          hgetall: () => Promise.reject(new CacheError('UNAVAILABLE', 'Redis is down')),
        }),
        onError: () => {
          throw new Error('handler bug');
        },
      });
      store.customers.upsert(ada);
      expect(await failing.get('acme', 'c-42')).toEqual(adaProfile);
    });
  });

  describe('latency', () => {
    it('records one T_update per update and one T_response per get, in µs', async () => {
      for (const version of [1, 2, 3]) await profiles.update({ ...ada, version });
      await profiles.update({ ...ada, version: 2 }); // refused, still an update handled
      await profiles.updateMany([
        { ...ada, id: 'c-1', version: 1 },
        { ...ada, id: 'c-2', version: 1 },
      ]);
      await profiles.get('acme', 'c-42'); // hit
      await cache.delete(key);
      await profiles.get('acme', 'c-42'); // miss, store, populate
      await profiles.get('acme', 'nobody'); // unknown
      await rejection(profiles.update({ ...ada, version: 1.5 })); // invalid: not an update
      await rejection(profiles.get('', 'c-42'));

      const { tUpdate, tResponse } = profiles.latency();
      expect(tUpdate.count).toBe(6);
      expect(tResponse.count).toBe(3);
      for (const figures of [tUpdate, tResponse]) {
        expect(figures.mean).toBeGreaterThan(0);
        expect(figures.p50).toBeLessThanOrEqual(figures.p99!);
        expect(figures.p99).toBeLessThanOrEqual(figures.max!);
        expect(figures.max).toBeLessThan(10_000_000);
      }
      expect(profiles.latencyModel.tUpdate()).toBe(tUpdate.mean);
    });

    it('records into a model passed in, and reports null figures before any operation', async () => {
      const model = new CustomerLatencyModel();
      const measured = open({ latency: model });
      expect(measured.latency().tUpdate).toEqual({
        count: 0,
        mean: null,
        p50: null,
        p90: null,
        p99: null,
        p999: null,
        max: null,
      });
      await measured.update(ada);
      await measured.get('acme', 'c-42');
      expect(model.updates.count).toBe(1);
      expect(model.responses.count).toBe(1);
      expect(profiles.latency().tUpdate.count).toBe(0);
    });
  });

  describe('validation and store errors', () => {
    const bad: [Partial<Record<keyof ProfileUpdate, unknown>>, string][] = [
      [{ tenantId: '' }, 'tenantId'],
      [{ tenantId: 42 }, 'tenantId'],
      [{ id: '' }, 'id'],
      [{ version: 1.5 }, 'version'],
      [{ version: Number.NaN }, 'version'],
      [{ version: '3' }, 'version'],
      [{ version: 2 ** 53 }, 'version'],
      [{ updatedAt: -1 }, 'updatedAt'],
      [{ updatedAt: 1.5 }, 'updatedAt'],
      [{ name: 42 }, 'name'],
      [{ email: { address: 'a@b.c' } }, 'email'],
      [{ phone: 33123 }, 'phone'],
      [{ ownerId: false }, 'ownerId'],
      [{ locale: 'not a locale!' }, 'locale'],
      [{ timezone: 'Mars/Olympus_Mons' }, 'timezone'],
      [{ attributes: ['vip'] }, 'attributes'],
      [{ attributes: 'vip' }, 'attributes'],
      [{ attributes: { spend: 10n } }, 'attributes'],
      [{ attributes: new Date(0) }, 'attributes'],
    ];

    it.each(bad)('rejects %o with INVALID_ARGUMENT naming %s, writing nothing', async (change, field) => {
      const error = await rejection(profiles.update({ ...ada, ...change } as ProfileUpdate));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.field).toBe(field);
      expect(error.message).toContain(field);
      expect(store.customers.get('acme', 'c-42')).toBeUndefined();
      expect(await cache.hgetall(key)).toBeUndefined();
    });

    it('rejects a missing tenant or id on get, naming it', async () => {
      expect(await rejection(profiles.get('', 'c-42'))).toMatchObject({
        code: 'INVALID_ARGUMENT',
        field: 'tenantId',
      });
      expect(await rejection(profiles.get('acme', ''))).toMatchObject({
        code: 'INVALID_ARGUMENT',
        field: 'id',
      });
    });

    it('rejects an update for a tenant the store does not know with NOT_FOUND', async () => {
      const error = await rejection(profiles.update({ ...ada, tenantId: 'ghost' }));
      expect(error).toMatchObject({ code: 'NOT_FOUND', field: 'tenantId' });
      expect(await cache.hgetall('customer:ghost:c-42')).toBeUndefined();
    });

    it('rejects with STORE_FAILED when the store fails, yet still serves cache hits', async () => {
      await profiles.update(ada);
      await store.close();
      const error = await rejection(profiles.update({ ...ada, version: 4 }));
      expect(error.code).toBe('STORE_FAILED');
      expect(error.cause).toMatchObject({ name: 'StoreError', code: 'CLOSED' });
      expect(await cache.hget(key, 'version')).toBe('3');
      expect(await profiles.get('acme', 'c-42')).toEqual(adaProfile);
      await cache.delete(key);
      expect((await rejection(profiles.get('acme', 'c-42'))).code).toBe('STORE_FAILED');
    });
  });

  describe('updateMany', () => {
    it('runs at most `concurrency` updates at once, and that many, with results in input order', async () => {
      let running = 0;
      let most = 0;
      const slow = open({
        cache: overrideCache(cache, {
          hsetIfNewer: async (...args: Parameters<Cache['hsetIfNewer']>) => {
            most = Math.max(most, ++running);
            await sleep(5);
            running--;
            return cache.hsetIfNewer(...args);
          },
        }),
      });
      const inputs = Array.from({ length: 20 }, (_, i) => ({ ...ada, id: `c-${i}`, version: i + 1 }));
      const results = await slow.updateMany(inputs, { concurrency: 4 });
      expect(most).toBe(4);
      expect(results.map((result) => result.profile?.id)).toEqual(inputs.map((input) => input.id));
      expect(results.every((result) => result.applied)).toBe(true);
      expect(await cache.hget('customer:acme:c-19', 'version')).toBe('20');
    });

    it('validates every input before writing any, naming the bad one', async () => {
      const inputs = [ada, { ...ada, id: 'c-2' }, { ...ada, id: 'c-3', version: 0.5 }];
      const error = await rejection(profiles.updateMany(inputs));
      expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'inputs[2].version' });
      expect(store.customers.get('acme', 'c-42')).toBeUndefined();
      expect(await cache.hgetall(key)).toBeUndefined();
    });

    it('rejects a concurrency that is not a positive integer', async () => {
      for (const concurrency of [0, -1, 1.5, Number.NaN]) {
        expect(await rejection(profiles.updateMany([ada], { concurrency }))).toMatchObject({
          code: 'INVALID_ARGUMENT',
          field: 'concurrency',
        });
      }
      expect(store.customers.get('acme', 'c-42')).toBeUndefined();
    });

    it('stops starting updates after a store failure and rejects with it', async () => {
      const inputs = [
        { ...ada, id: 'c-1' },
        { ...ada, id: 'c-2', tenantId: 'ghost' },
        ...Array.from({ length: 10 }, (_, i) => ({ ...ada, id: `later-${i}` })),
      ];
      const error = await rejection(profiles.updateMany(inputs, { concurrency: 1 }));
      expect(error.code).toBe('NOT_FOUND');
      expect(store.customers.get('acme', 'c-1')).toBeDefined();
      expect(store.customers.get('acme', 'later-0')).toBeUndefined();
    });
  });

  describe('lifecycle', () => {
    it('close waits for updates in progress, is idempotent, and later calls reject with CLOSED', async () => {
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      const gated = open({
        cache: overrideCache(cache, {
          hsetIfNewer: async (...args: Parameters<Cache['hsetIfNewer']>) => {
            await gate;
            return cache.hsetIfNewer(...args);
          },
        }),
      });
      const updating = gated.update(ada);
      let closed = false;
      const closing = gated.close().then(() => (closed = true));
      await sleep(20);
      expect(closed).toBe(false);
      release();
      await closing;
      expect((await updating).applied).toBe(true);
      expect(await cache.hget(key, 'version')).toBe('3');
      await gated.close();
      expect((await rejection(gated.update(ada))).code).toBe('CLOSED');
      expect((await rejection(gated.get('acme', 'c-42'))).code).toBe('CLOSED');
      expect((await rejection(gated.updateMany([ada]))).code).toBe('CLOSED');
    });

    it('closes on Symbol.asyncDispose, leaving the cache and the store open', async () => {
      let escaped: CustomerProfiles | undefined;
      {
        await using scoped = new CustomerProfiles({ customers: store.customers, cache });
        await scoped.update(ada);
        escaped = scoped;
      }
      expect((await rejection(escaped.get('acme', 'c-42'))).code).toBe('CLOSED');
      expect(await cache.hget(key, 'version')).toBe('3');
      expect(store.customers.get('acme', 'c-42')?.version).toBe(3);
    });
  });
});

describe.each(storeTargets)('CustomerProfiles when Redis becomes unreachable, $name store', (storeTarget) => {
  let store: Store;
  let backend: CacheBackend;
  let proxy: TcpProxy;

  beforeEach(async () => {
    store = storeTarget.open();
    backend = cacheTargets.find((target) => target.name === 'redis')!.backend();
    const { hostname, port } = new URL(redisUrl);
    proxy = new TcpProxy({ host: hostname, port: Number(port || 6379) });
    await proxy.start();
  });

  afterEach(async () => {
    await proxy.stop();
    await backend.cleanup();
    await store.close();
  });

  it('answers reads from the store and keeps taking writes, reporting each cache failure', async () => {
    const errors: ProfileError[] = [];
    const cacheErrors: CacheError[] = [];
    const cache = await backend.open({
      url: `redis://127.0.0.1:${proxy.port}`,
      commandTimeoutMs: 500,
      onError: (error) => cacheErrors.push(error),
    });
    await using profiles = new CustomerProfiles({
      customers: store.customers,
      cache,
      onError: (error) => errors.push(error),
    });
    await profiles.update(ada);
    expect(await cache.hget(key, 'version')).toBe('3');
    // A newer version reaches the store behind the cache's back: only a store read returns it.
    store.customers.upsert({ ...ada, version: 4, name: 'v4' });

    await proxy.stop();
    const started = performance.now();
    expect(await profiles.get('acme', 'c-42')).toMatchObject({ name: 'v4', version: 4 });
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(errors).toMatchObject([{ code: 'CACHE_FAILED', cause: { code: 'UNAVAILABLE' } }]);

    expect(await profiles.update({ ...ada, version: 5, name: 'v5' })).toMatchObject({ applied: true });
    expect(store.customers.get('acme', 'c-42')).toMatchObject({ name: 'v5', version: 5 });
    expect(errors).toHaveLength(2);
    expect(errors[1]).toMatchObject({ code: 'CACHE_FAILED', cause: { code: 'UNAVAILABLE' } });
    expect(errors[1]?.message).toContain('deleting the cached entry failed too');
    expect(profiles.latency().tResponse.count).toBe(1);
    expect(profiles.latency().tUpdate.count).toBe(2);
    expect(cacheErrors.map((error) => error.code)).toContain('UNAVAILABLE');
  });
});

describe('CustomerProfiles on two Redis connections', () => {
  it('reads from the cache through one connection what was written through the other', async () => {
    const backend = cacheTargets.find((target) => target.name === 'redis')!.backend();
    await using store = storeTargets[0]!.open();
    try {
      const a = await backend.open();
      const b = await backend.open();
      expect(a).toBeInstanceOf(RedisCache);
      await using writer = new CustomerProfiles({ customers: store.customers, cache: a });
      await using reader = new CustomerProfiles({ customers: store.customers, cache: b });
      await writer.update(ada);
      store.customers.remove('acme', 'c-42');
      expect(await reader.get('acme', 'c-42')).toEqual(adaProfile);
    } finally {
      await backend.cleanup();
    }
  });
});
