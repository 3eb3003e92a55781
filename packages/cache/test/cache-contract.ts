import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Cache, CacheErrorHandler, MessageHandler } from '../src/cache.js';
import { CacheError } from '../src/cache-error.js';

/** What a driver's test file provides: caches on one fresh, shared backend per test. */
export interface CacheHarness {
  /**
   * Opens a cache on the test's backend, as a new connection would. Its prefix is the test's
   * unique prefix followed by `prefix`, so two caches opened with the same `prefix` share keys
   * and channels.
   */
  open(options?: { prefix?: string; onError?: CacheErrorHandler }): Promise<Cache>;
  /** Closes every cache the test opened and removes the test's keys. */
  cleanup(): Promise<void>;
}

// Long enough that a loaded machine does not expire a key before the test looks at it,
// short enough to keep the suite quick.
const shortTtlMs = 200;
const pastShortTtlMs = 450;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A handler that records what it receives. */
function inbox() {
  const received: { message: string; channel: string }[] = [];
  const handler: MessageHandler = (message, channel) => {
    received.push({ message, channel });
  };
  const messages = () => received.map(({ message }) => message);
  return { handler, received, messages };
}

async function expectCode(promise: Promise<unknown>, code: CacheError['code']): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(CacheError.isInstance(error), `expected a CacheError ${code}, got ${String(error)}`).toBe(true);
  expect((error as CacheError).code).toBe(code);
}

/**
 * The behaviour every {@link Cache} driver must have. Each driver's test file runs it with
 * a harness over its own backend.
 */
export function describeCacheContract(
  name: string,
  makeHarness: () => CacheHarness | Promise<CacheHarness>,
): void {
  describe(`Cache contract: ${name}`, () => {
    let harness: CacheHarness;
    let cache: Cache;

    beforeEach(async () => {
      harness = await makeHarness();
      cache = await harness.open();
    });

    afterEach(async () => {
      await harness.cleanup();
    });

    describe('strings', () => {
      it('returns undefined for a missing key, the value after set, the new value after overwrite', async () => {
        expect(await cache.get('missing')).toBeUndefined();
        await cache.set('k', 'one');
        expect(await cache.get('k')).toBe('one');
        await cache.set('k', 'two');
        expect(await cache.get('k')).toBe('two');
      });

      it('keeps the empty string, unicode, newlines and NUL intact', async () => {
        const odd = 'héllo 🌍\r\n\0 ∑';
        await cache.set('empty', '');
        await cache.set('odd', odd);
        await cache.set('🔑 key', 'unicode key');
        expect(await cache.get('empty')).toBe('');
        expect(await cache.get('odd')).toBe(odd);
        expect(await cache.get('🔑 key')).toBe('unicode key');
      });

      it('deletes, reporting whether the key existed', async () => {
        await cache.set('k', 'v');
        expect(await cache.delete('k')).toBe(true);
        expect(await cache.get('k')).toBeUndefined();
        expect(await cache.delete('k')).toBe(false);
      });

      it('mget returns values in order, undefined for missing keys and hashes', async () => {
        await cache.set('a', '1');
        await cache.set('c', '3');
        await cache.hset('h', { f: 'v' });
        expect(await cache.mget(['a', 'b', 'c', 'h', 'a'])).toEqual(['1', undefined, '3', undefined, '1']);
        expect(await cache.mget([])).toEqual([]);
      });
    });

    describe('TTL', () => {
      it('expires a key set with ttlMs, and keeps one with a longer TTL', async () => {
        await cache.set('short', 'v', { ttlMs: shortTtlMs });
        await cache.set('long', 'v', { ttlMs: 10_000 });
        expect(await cache.get('short')).toBe('v');
        await sleep(pastShortTtlMs);
        expect(await cache.get('short')).toBeUndefined();
        expect(await cache.mget(['short', 'long'])).toEqual([undefined, 'v']);
      });

      it('set without ttlMs removes an earlier TTL', async () => {
        await cache.set('k', 'v', { ttlMs: shortTtlMs });
        await cache.set('k', 'w');
        await sleep(pastShortTtlMs);
        expect(await cache.get('k')).toBe('w');
        expect(await cache.ttl('k')).toBe(Infinity);
      });

      it('ttl reports undefined for a missing key, Infinity without expiry, the remaining ms otherwise', async () => {
        expect(await cache.ttl('missing')).toBeUndefined();
        await cache.set('forever', 'v');
        expect(await cache.ttl('forever')).toBe(Infinity);
        await cache.set('k', 'v', { ttlMs: 5_000 });
        const left = await cache.ttl('k');
        expect(left).toBeGreaterThan(4_000);
        expect(left).toBeLessThanOrEqual(5_000);
      });

      it('expire sets a TTL on an existing key and reports false for a missing one', async () => {
        await cache.set('k', 'v');
        expect(await cache.expire('k', shortTtlMs)).toBe(true);
        expect(await cache.expire('missing', shortTtlMs)).toBe(false);
        expect(await cache.get('k')).toBe('v');
        await sleep(pastShortTtlMs);
        expect(await cache.get('k')).toBeUndefined();
        expect(await cache.delete('k')).toBe(false);
      });

      it('rejects a TTL that is not a positive finite number', async () => {
        for (const ttlMs of [0, -5, Number.NaN, Infinity]) {
          await expectCode(cache.set('k', 'v', { ttlMs }), 'INVALID_ARGUMENT');
          await expectCode(cache.expire('k', ttlMs), 'INVALID_ARGUMENT');
          await expectCode(cache.increment('n', 1, { ttlMs }), 'INVALID_ARGUMENT');
        }
        expect(await cache.get('k')).toBeUndefined();
        expect(await cache.get('n')).toBeUndefined();
      });
    });

    describe('setIfAbsent', () => {
      it('stores only when the key is absent', async () => {
        expect(await cache.setIfAbsent('lock', 'first')).toBe(true);
        expect(await cache.setIfAbsent('lock', 'second')).toBe(false);
        expect(await cache.get('lock')).toBe('first');
        await cache.hset('hash', { f: 'v' });
        expect(await cache.setIfAbsent('hash', 'x')).toBe(false);
      });

      it('can be taken again once its TTL has passed', async () => {
        expect(await cache.setIfAbsent('lock', 'a', { ttlMs: shortTtlMs })).toBe(true);
        expect(await cache.setIfAbsent('lock', 'b', { ttlMs: shortTtlMs })).toBe(false);
        await sleep(pastShortTtlMs);
        expect(await cache.setIfAbsent('lock', 'c', { ttlMs: 1_000 })).toBe(true);
        expect(await cache.get('lock')).toBe('c');
      });

      it('lets exactly one of many concurrent callers on two instances win', async () => {
        const other = await harness.open();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 === 0 ? cache : other).setIfAbsent('lock', `owner-${i}`),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await cache.get('lock')).toBe(`owner-${results.indexOf(true)}`);
      });
    });

    describe('hashes', () => {
      it('sets several fields at once, counting only new ones', async () => {
        expect(await cache.hset('customer:1', { name: 'Ada', tier: 'gold' })).toBe(2);
        expect(await cache.hset('customer:1', { tier: 'platinum', city: 'London' })).toBe(1);
        expect(await cache.hgetall('customer:1')).toEqual({ name: 'Ada', tier: 'platinum', city: 'London' });
        expect(await cache.hget('customer:1', 'tier')).toBe('platinum');
        expect(await cache.hget('customer:1', 'missing')).toBeUndefined();
        expect(await cache.hget('missing', 'name')).toBeUndefined();
        expect(await cache.hgetall('missing')).toBeUndefined();
        expect(await cache.hset('customer:1', {})).toBe(0);
      });

      it('deletes fields, and the hash with its last field', async () => {
        await cache.hset('h', { a: '1', b: '2', c: '3' });
        expect(await cache.hdel('h', 'a', 'missing')).toBe(1);
        expect(await cache.hgetall('h')).toEqual({ b: '2', c: '3' });
        expect(await cache.hdel('h')).toBe(0);
        expect(await cache.hdel('h', 'b', 'c')).toBe(2);
        expect(await cache.hgetall('h')).toBeUndefined();
        expect(await cache.ttl('h')).toBeUndefined();
        expect(await cache.hdel('missing', 'a')).toBe(0);
      });

      it('expires the whole hash with hset ttlMs or expire', async () => {
        await cache.hset('with-ttl', { a: '1' }, { ttlMs: shortTtlMs });
        await cache.hset('with-expire', { a: '1' });
        expect(await cache.expire('with-expire', shortTtlMs)).toBe(true);
        await cache.hset('forever', { a: '1' });
        expect(await cache.hget('with-ttl', 'a')).toBe('1');
        await sleep(pastShortTtlMs);
        expect(await cache.hgetall('with-ttl')).toBeUndefined();
        expect(await cache.hgetall('with-expire')).toBeUndefined();
        expect(await cache.hgetall('forever')).toEqual({ a: '1' });
      });

      it('hset ttlMs renews the TTL of an existing hash', async () => {
        await cache.hset('h', { a: '1' }, { ttlMs: shortTtlMs });
        await cache.hset('h', { b: '2' }, { ttlMs: 5_000 });
        await sleep(pastShortTtlMs);
        expect(await cache.hgetall('h')).toEqual({ a: '1', b: '2' });
      });
    });

    describe('hsetIfNewer', () => {
      const v = (version: number) => ({ versionField: 'version', version });

      it('writes a first version, then only newer ones: older and equal versions are refused', async () => {
        expect(await cache.hsetIfNewer('customer:1', { name: 'Ada v2' }, v(2))).toBe(true);
        expect(await cache.hgetall('customer:1')).toEqual({ name: 'Ada v2', version: '2' });
        expect(await cache.hsetIfNewer('customer:1', { name: 'Ada v1', tier: 'x' }, v(1))).toBe(false);
        expect(await cache.hsetIfNewer('customer:1', { name: 'Ada v2 again', tier: 'x' }, v(2))).toBe(false);
        expect(await cache.hgetall('customer:1')).toEqual({ name: 'Ada v2', version: '2' });
        expect(await cache.hsetIfNewer('customer:1', { name: 'Ada v10', tier: 'gold' }, v(10))).toBe(true);
        expect(await cache.hgetall('customer:1')).toEqual({ name: 'Ada v10', tier: 'gold', version: '10' });
      });

      it('compares versions as integers, negative ones and those beyond 2^32 included', async () => {
        expect(await cache.hsetIfNewer('h', {}, v(-5))).toBe(true);
        expect(await cache.hsetIfNewer('h', {}, v(-7))).toBe(false);
        expect(await cache.hsetIfNewer('h', {}, v(9))).toBe(true);
        // As strings "10" < "9"; as numbers it is newer.
        expect(await cache.hsetIfNewer('h', { at: 'ten' }, v(10))).toBe(true);
        const big = Number.MAX_SAFE_INTEGER;
        expect(await cache.hsetIfNewer('h', { at: 'big' }, v(big - 1))).toBe(true);
        expect(await cache.hsetIfNewer('h', { at: 'bigger' }, v(big))).toBe(true);
        expect(await cache.hsetIfNewer('h', { at: 'older' }, v(big - 1))).toBe(false);
        expect(await cache.hgetall('h')).toEqual({ at: 'bigger', version: String(big) });
      });

      it('writes over a hash without the version field, merging unless replace is set', async () => {
        await cache.hset('merged', { kept: 'yes', name: 'old' });
        expect(await cache.hsetIfNewer('merged', { name: 'new' }, v(1))).toBe(true);
        expect(await cache.hgetall('merged')).toEqual({ kept: 'yes', name: 'new', version: '1' });

        await cache.hset('replaced', { stale: 'yes', name: 'old' });
        expect(await cache.hsetIfNewer('replaced', { name: 'new' }, { ...v(1), replace: true })).toBe(true);
        expect(await cache.hgetall('replaced')).toEqual({ name: 'new', version: '1' });
        expect(await cache.hsetIfNewer('replaced', { email: 'a@b.c' }, { ...v(2), replace: true })).toBe(
          true,
        );
        expect(await cache.hgetall('replaced')).toEqual({ email: 'a@b.c', version: '2' });
        // A refused replace removes nothing.
        expect(await cache.hsetIfNewer('replaced', { other: 'x' }, { ...v(1), replace: true })).toBe(false);
        expect(await cache.hgetall('replaced')).toEqual({ email: 'a@b.c', version: '2' });
      });

      it('accepts the version field in fields when it agrees with version', async () => {
        expect(await cache.hsetIfNewer('h', { name: 'a', version: '3' }, v(3))).toBe(true);
        expect(await cache.hgetall('h')).toEqual({ name: 'a', version: '3' });
      });

      it('ends with the highest version when two instances write concurrently in random order', async () => {
        const other = await harness.open();
        const versions = Array.from({ length: 50 }, (_, i) => i + 1);
        for (let i = versions.length - 1; i > 0; i--) {
          const j = Math.floor(Math.random() * (i + 1));
          [versions[i], versions[j]] = [versions[j]!, versions[i]!];
        }
        // Issued last, the newest would win even without a guard.
        if (versions.at(-1) === 50) versions.reverse();
        const results = await Promise.all(
          versions.map((version, i) =>
            (i % 2 === 0 ? cache : other).hsetIfNewer(
              'customer:1',
              { name: `v${version}`, email: `v${version}@example.com` },
              { ...v(version), ttlMs: 10_000, replace: true },
            ),
          ),
        );
        expect(await cache.hgetall('customer:1')).toEqual({
          name: 'v50',
          email: 'v50@example.com',
          version: '50',
        });
        expect(results[versions.indexOf(50)]).toBe(true);
        const ttl = await cache.ttl('customer:1');
        expect(ttl).toBeGreaterThan(5_000);
      });

      it('gives a written hash its TTL; a refused write keeps the TTL, a write without ttlMs keeps it too', async () => {
        expect(await cache.hsetIfNewer('short', { a: '1' }, { ...v(1), ttlMs: shortTtlMs })).toBe(true);
        expect(await cache.hsetIfNewer('long', { a: '1' }, { ...v(1), ttlMs: 5_000 })).toBe(true);
        // Refused: must not renew the short TTL.
        expect(await cache.hsetIfNewer('short', { a: '0' }, { ...v(0), ttlMs: 10_000 })).toBe(false);
        expect(await cache.hsetIfNewer('long', { a: '2' }, { ...v(2), replace: true })).toBe(true);
        const left = await cache.ttl('long');
        expect(left).toBeGreaterThan(1_000);
        expect(left).toBeLessThanOrEqual(5_000);
        expect(await cache.hget('short', 'a')).toBe('1');
        await sleep(pastShortTtlMs);
        expect(await cache.hgetall('short')).toBeUndefined();
        // Expired, the key is absent: any version writes again.
        expect(await cache.hsetIfNewer('short', { a: 'again' }, v(0))).toBe(true);
        expect(await cache.ttl('short')).toBe(Infinity);
      });

      it('renews the TTL of an existing hash on a newer write with ttlMs', async () => {
        await cache.hsetIfNewer('h', { a: '1' }, { ...v(1), ttlMs: shortTtlMs });
        await cache.hsetIfNewer('h', { b: '2' }, { ...v(2), ttlMs: 5_000 });
        await sleep(pastShortTtlMs);
        expect(await cache.hgetall('h')).toEqual({ a: '1', b: '2', version: '2' });
      });

      it('rejects a string key or a stored version that is not an integer with WRONG_TYPE, like hset', async () => {
        await cache.set('string', 'text');
        await expectCode(cache.hsetIfNewer('string', { f: 'v' }, v(1)), 'WRONG_TYPE');
        await expectCode(
          cache.hsetIfNewer('string', { f: 'v' }, { ...v(1), ttlMs: shortTtlMs }),
          'WRONG_TYPE',
        );
        expect(await cache.get('string')).toBe('text');
        expect(await cache.ttl('string')).toBe(Infinity);
        for (const stored of ['abc', '1.5', '', ' 7', '0x10', '1e3', '99999999999999999999']) {
          await cache.hset('hash', { version: stored, f: 'kept' });
          await expectCode(cache.hsetIfNewer('hash', { f: 'new' }, v(1)), 'WRONG_TYPE');
          expect(await cache.hgetall('hash')).toEqual({ version: stored, f: 'kept' });
        }
      });

      it('rejects a bad version, version field or TTL with INVALID_ARGUMENT, writing nothing', async () => {
        for (const version of [1.5, Number.NaN, Infinity, Number.MAX_SAFE_INTEGER + 1]) {
          await expectCode(cache.hsetIfNewer('h', { f: 'v' }, v(version)), 'INVALID_ARGUMENT');
        }
        await expectCode(
          cache.hsetIfNewer('h', { f: 'v' }, { versionField: '', version: 1 }),
          'INVALID_ARGUMENT',
        );
        await expectCode(cache.hsetIfNewer('h', { f: 'v', version: '2' }, v(1)), 'INVALID_ARGUMENT');
        for (const ttlMs of [0, -5, Number.NaN, Infinity]) {
          await expectCode(cache.hsetIfNewer('h', { f: 'v' }, { ...v(1), ttlMs }), 'INVALID_ARGUMENT');
        }
        expect(await cache.hgetall('h')).toBeUndefined();
      });
    });

    describe('counters', () => {
      it('starts at 0 and returns each new value', async () => {
        expect(await cache.increment('n')).toBe(1);
        expect(await cache.increment('n')).toBe(2);
        expect(await cache.increment('n', 5)).toBe(7);
        expect(await cache.increment('n', -10)).toBe(-3);
        expect(await cache.increment('n', 0)).toBe(-3);
        expect(await cache.get('n')).toBe('-3');
        await cache.set('m', '41');
        expect(await cache.increment('m')).toBe(42);
      });

      it('rejects a step that is not an integer', async () => {
        await expectCode(cache.increment('n', 1.5), 'INVALID_ARGUMENT');
        await expectCode(cache.increment('n', Number.NaN), 'INVALID_ARGUMENT');
        expect(await cache.get('n')).toBeUndefined();
      });

      it('sets the TTL on the first increment, never extends it, and restarts after it', async () => {
        expect(await cache.increment('window', 1, { ttlMs: 600 })).toBe(1);
        await sleep(300);
        expect(await cache.increment('window', 1, { ttlMs: 600 })).toBe(2);
        await sleep(400);
        // Extended by the second increment it would live until ~900 ms; it must be gone at ~700 ms.
        expect(await cache.get('window')).toBeUndefined();
        expect(await cache.increment('window', 1, { ttlMs: 600 })).toBe(1);
        const left = await cache.ttl('window');
        expect(left).toBeGreaterThan(0);
        expect(left).toBeLessThanOrEqual(600);
      });

      it('gives a TTL to a counter that had none', async () => {
        await cache.set('n', '5');
        expect(await cache.increment('n', 1, { ttlMs: shortTtlMs })).toBe(6);
        await sleep(pastShortTtlMs);
        expect(await cache.get('n')).toBeUndefined();
      });

      it('is atomic across concurrent callers on two instances', async () => {
        const other = await harness.open();
        const values = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            (i % 2 === 0 ? cache : other).increment('n', 1, { ttlMs: 10_000 }),
          ),
        );
        expect(values.toSorted((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        expect(await cache.get('n')).toBe('50');
      });
    });

    describe('wrong types', () => {
      it('rejects reading or changing a key as the wrong kind with WRONG_TYPE', async () => {
        await cache.set('string', 'text');
        await cache.hset('hash', { f: 'v' });
        await expectCode(cache.get('hash'), 'WRONG_TYPE');
        await expectCode(cache.hget('string', 'f'), 'WRONG_TYPE');
        await expectCode(cache.hgetall('string'), 'WRONG_TYPE');
        await expectCode(cache.hset('string', { f: 'v' }), 'WRONG_TYPE');
        await expectCode(cache.hset('string', { f: 'v' }, { ttlMs: shortTtlMs }), 'WRONG_TYPE');
        await expectCode(cache.hdel('string', 'f'), 'WRONG_TYPE');
        await expectCode(cache.increment('string'), 'WRONG_TYPE');
        await expectCode(cache.increment('string', 1, { ttlMs: shortTtlMs }), 'WRONG_TYPE');
        await expectCode(cache.increment('hash'), 'WRONG_TYPE');
        await cache.set('decimal', '1.5');
        await expectCode(cache.increment('decimal'), 'WRONG_TYPE');
        expect(await cache.get('string')).toBe('text');
        expect(await cache.ttl('string')).toBe(Infinity);
        expect(await cache.hgetall('hash')).toEqual({ f: 'v' });
      });

      it('lets set replace a hash', async () => {
        await cache.hset('k', { f: 'v' });
        await cache.set('k', 'now a string');
        expect(await cache.get('k')).toBe('now a string');
      });
    });

    describe('pub/sub', () => {
      it('delivers a message to a subscriber of its channel only, with the channel name', async () => {
        const orders = inbox();
        const other = inbox();
        await cache.subscribe('orders', orders.handler);
        await cache.subscribe('other', other.handler);
        await cache.publish('orders', 'order 1 paid');
        await cache.publish('other', 'sentinel');
        await vi.waitFor(() => expect(other.messages()).toEqual(['sentinel']));
        expect(orders.received).toEqual([{ message: 'order 1 paid', channel: 'orders' }]);
      });

      it('never runs a handler inside publish', async () => {
        let delivered = false;
        await cache.subscribe('ch', () => {
          delivered = true;
        });
        const published = cache.publish('ch', 'x');
        expect(delivered).toBe(false);
        await published;
        await vi.waitFor(() => expect(delivered).toBe(true));
      });

      it('keeps the publish order', async () => {
        const box = inbox();
        await cache.subscribe('ch', box.handler);
        const sent = Array.from({ length: 50 }, (_, i) => `m${i}`);
        await Promise.all(sent.map((message) => cache.publish('ch', message)));
        await vi.waitFor(() => expect(box.messages()).toHaveLength(50));
        expect(box.messages()).toEqual(sent);
      });

      it('stops delivering after unsubscribe, which is safe to call twice', async () => {
        const box = inbox();
        const sentinel = inbox();
        const unsubscribe = await cache.subscribe('ch', box.handler);
        await cache.subscribe('sentinel', sentinel.handler);
        await cache.publish('ch', 'before');
        await vi.waitFor(() => expect(box.messages()).toEqual(['before']));
        await unsubscribe();
        await unsubscribe();
        await cache.publish('ch', 'after');
        await cache.publish('sentinel', 'done');
        await vi.waitFor(() => expect(sentinel.messages()).toEqual(['done']));
        expect(box.messages()).toEqual(['before']);
      });

      it('drops a message still in flight when unsubscribe is called', async () => {
        const box = inbox();
        const sentinel = inbox();
        const unsubscribe = await cache.subscribe('ch', box.handler);
        await cache.subscribe('sentinel', sentinel.handler);
        const published = cache.publish('ch', 'in flight');
        await unsubscribe();
        await published;
        await cache.publish('sentinel', 'done');
        await vi.waitFor(() => expect(sentinel.messages()).toEqual(['done']));
        expect(box.messages()).toEqual([]);
      });

      it('delivers to every handler of a channel, and unsubscribing one keeps the others', async () => {
        const first = inbox();
        const second = inbox();
        const unsubscribeFirst = await cache.subscribe('ch', first.handler);
        await cache.subscribe('ch', second.handler);
        await cache.publish('ch', 'one');
        await vi.waitFor(() => expect(second.messages()).toEqual(['one']));
        expect(first.messages()).toEqual(['one']);
        await unsubscribeFirst();
        await cache.publish('ch', 'two');
        await vi.waitFor(() => expect(second.messages()).toEqual(['one', 'two']));
        expect(first.messages()).toEqual(['one']);
      });

      it('subscribes again after the last handler left', async () => {
        const first = inbox();
        const second = inbox();
        const unsubscribe = await cache.subscribe('ch', first.handler);
        await unsubscribe();
        await cache.subscribe('ch', second.handler);
        await cache.publish('ch', 'back');
        await vi.waitFor(() => expect(second.messages()).toEqual(['back']));
        expect(first.messages()).toEqual([]);
      });

      it('delivers across instances, both ways (cross-instance fan-out)', async () => {
        const other = await harness.open();
        const here = inbox();
        const there = inbox();
        await cache.subscribe('fan-out', here.handler);
        await other.subscribe('fan-out', there.handler);
        await other.publish('fan-out', 'from other');
        await cache.publish('fan-out', 'from cache');
        await vi.waitFor(() => {
          expect(here.messages().toSorted()).toEqual(['from cache', 'from other']);
          expect(there.messages().toSorted()).toEqual(['from cache', 'from other']);
        });
      });

      it('matches channels with psubscribe glob patterns, reporting the channel', async () => {
        const box = inbox();
        const unsubscribe = await cache.psubscribe('inbox:user-?:*', box.handler);
        const sentinel = inbox();
        await cache.subscribe('sentinel', sentinel.handler);
        await cache.publish('inbox:user-1:web', 'a');
        await cache.publish('inbox:user-22:web', 'no match');
        await cache.publish('outbox:user-1:web', 'no match');
        await cache.publish('inbox:user-2:', 'b');
        await cache.publish('sentinel', '1');
        await vi.waitFor(() => expect(sentinel.messages()).toEqual(['1']));
        expect(box.received).toEqual([
          { message: 'a', channel: 'inbox:user-1:web' },
          { message: 'b', channel: 'inbox:user-2:' },
        ]);
        await unsubscribe();
        await cache.publish('inbox:user-1:web', 'after');
        await cache.publish('sentinel', '2');
        await vi.waitFor(() => expect(sentinel.messages()).toEqual(['1', '2']));
        expect(box.messages()).toEqual(['a', 'b']);
      });

      it('reports a throwing or rejecting handler to onError and still delivers to the others', async () => {
        const errors: CacheError[] = [];
        const reporting = await harness.open({ onError: (error) => errors.push(error) });
        const box = inbox();
        await reporting.subscribe('ch', () => {
          throw new Error('sync boom');
        });
        await reporting.subscribe('ch', async () => {
          await Promise.resolve();
          throw new Error('async boom');
        });
        await reporting.subscribe('ch', box.handler);
        await cache.publish('ch', 'x');
        await vi.waitFor(() => expect(errors).toHaveLength(2));
        expect(box.messages()).toEqual(['x']);
        expect(errors.map((error) => error.code)).toEqual(['HANDLER_FAILED', 'HANDLER_FAILED']);
        expect(errors.map((error) => (error.cause as Error).message).toSorted()).toEqual([
          'async boom',
          'sync boom',
        ]);
      });
    });

    describe('prefix', () => {
      it('isolates keys, hashes and counters of different prefixes, and prepends to the key', async () => {
        const a = await harness.open({ prefix: 'a:' });
        const b = await harness.open({ prefix: 'b:' });
        await a.set('k', 'A');
        await b.set('k', 'B');
        await a.hset('h', { f: 'A' });
        expect(await a.increment('n')).toBe(1);
        expect(await b.increment('n')).toBe(1);
        expect(await a.get('k')).toBe('A');
        expect(await b.get('k')).toBe('B');
        expect(await b.hgetall('h')).toBeUndefined();
        expect(await cache.get('a:k')).toBe('A');
        expect(await cache.hget('a:h', 'f')).toBe('A');
        expect(await b.delete('k')).toBe(true);
        expect(await a.get('k')).toBe('A');
      });

      it('isolates channels and patterns of different prefixes', async () => {
        const a = await harness.open({ prefix: 'a:' });
        const b = await harness.open({ prefix: 'b:' });
        const globby = await harness.open({ prefix: 'g*[x]:' });
        const inA = inbox();
        const inB = inbox();
        const inGlobby = inbox();
        const inRoot = inbox();
        await a.subscribe('ch', inA.handler);
        await b.subscribe('ch', inB.handler);
        await globby.psubscribe('*', inGlobby.handler);
        await cache.psubscribe('*', inRoot.handler);
        await a.publish('ch', 'for a');
        // Unescaped, the prefix pattern `g*[x]:*` would match this channel too.
        const lookalike = await harness.open({ prefix: 'gzzx:' });
        await lookalike.publish('ch', 'for nobody');
        await b.publish('ch', 'for b');
        await globby.publish('mine', 'for globby');
        await vi.waitFor(() => {
          expect(inB.messages()).toEqual(['for b']);
          expect(inGlobby.received).toEqual([{ message: 'for globby', channel: 'mine' }]);
          expect(inRoot.received).toHaveLength(4);
        });
        expect(inA.messages()).toEqual(['for a']);
        expect(inRoot.received.map(({ channel }) => channel)).toEqual([
          'a:ch',
          'gzzx:ch',
          'b:ch',
          'g*[x]:mine',
        ]);
      });
    });

    describe('lifecycle', () => {
      it('close is idempotent, and every method rejects with CLOSED afterwards', async () => {
        const closing = await harness.open();
        await Promise.all([closing.close(), closing.close()]);
        await closing.close();
        await expectCode(closing.get('k'), 'CLOSED');
        await expectCode(closing.set('k', 'v'), 'CLOSED');
        await expectCode(closing.hset('k', { f: 'v' }), 'CLOSED');
        await expectCode(closing.hsetIfNewer('k', { f: 'v' }, { versionField: 'v', version: 1 }), 'CLOSED');
        await expectCode(closing.increment('k'), 'CLOSED');
        await expectCode(closing.publish('ch', 'm'), 'CLOSED');
        await expectCode(
          closing.subscribe('ch', () => {}),
          'CLOSED',
        );
        expect(await cache.get('k')).toBeUndefined();
      });

      it('stops delivering to the subscriptions of a closed cache; their unsubscribe still resolves', async () => {
        const closing = await harness.open();
        const box = inbox();
        const sentinel = inbox();
        const unsubscribe = await closing.subscribe('ch', box.handler);
        await closing.psubscribe('c*', box.handler);
        await cache.subscribe('sentinel', sentinel.handler);
        await closing.close();
        await cache.publish('ch', 'after close');
        await cache.publish('sentinel', 'done');
        await vi.waitFor(() => expect(sentinel.messages()).toEqual(['done']));
        expect(box.messages()).toEqual([]);
        await unsubscribe();
      });

      it('closes on Symbol.asyncDispose (await using)', async () => {
        let escaped: Cache | undefined;
        {
          await using scoped = await harness.open();
          await scoped.set('k', 'v');
          escaped = scoped;
        }
        await expectCode(escaped.get('k'), 'CLOSED');
        expect(await cache.get('k')).toBe('v');
      });
    });
  });
}
