import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CoreError, type CoreErrorCode } from '../core-error.js';
import { BloomFilter, type BloomFilterOptions } from './bloom-filter.js';
import { blockedBloomFalsePositiveRate } from './bloom-math.js';
import { crc32 } from './crc32.js';

function expectCoreError(run: () => unknown, code: CoreErrorCode, mentions?: string): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(CoreError.isInstance(caught), `expected a CoreError ${code}`).toBe(true);
  expect((caught as CoreError).code).toBe(code);
  if (mentions !== undefined) expect((caught as CoreError).message).toContain(mentions);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Deterministic UUID-shaped keys (mulberry32): reproducible runs, realistic key shape. */
function uuidKeys(count: number, seed: number): string[] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const hex = (v: number): string =>
    HEX[v >>> 24]! + HEX[(v >>> 16) & 255]! + HEX[(v >>> 8) & 255]! + HEX[v & 255]!;
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const [a, b, c, d] = [hex(next()), hex(next()), hex(next()), hex(next())];
    keys.push(`${a}-${b.slice(0, 4)}-4${b.slice(5)}-a${c.slice(1, 4)}-${c.slice(4)}${d}`);
  }
  return keys;
}

/** The i-th event id of a CRM stream: sequential and near-identical, hard on weak hashes. */
function eventId(i: number): string {
  return `tenant-${i % 97}:customer-${i}:invoice.paid`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

function filled(options: BloomFilterOptions, keys: readonly string[]): BloomFilter {
  const filter = new BloomFilter(options);
  for (const key of keys) filter.add(key);
  return filter;
}

describe('BloomFilter', () => {
  it('never gives a false negative, for any strings or bytes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.uint8Array({ maxLength: 40 })), {
          maxLength: 150,
        }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (keys, expectedItems, seed) => {
          // Often overfilled on purpose: saturation must not lose keys either.
          const filter = new BloomFilter({ expectedItems, falsePositiveRate: 0.05, seed });
          for (const key of keys) filter.add(key);
          expect(keys.filter((key) => !filter.has(key))).toEqual([]);
        },
      ),
      { numRuns: 120 },
    );
    // ~1 s alone; several times that on a shared machine under load.
  }, 20_000);

  it('treats a string and its UTF-8 bytes as the same key', () => {
    const utf8 = new TextEncoder();
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 50 }), (keys) => {
        const filter = new BloomFilter({ expectedItems: 100, falsePositiveRate: 0.01 });
        for (const key of keys) filter.add(utf8.encode(key));
        expect(keys.filter((key) => !filter.has(key))).toEqual([]);
      }),
    );
  });

  it('answers no for absent keys of an empty filter, and after clear()', () => {
    const filter = new BloomFilter({ expectedItems: 100, falsePositiveRate: 0.01 });
    expect(filter.has('x')).toBe(false);
    filter.add('x');
    expect(filter.has('x')).toBe(true);
    filter.clear();
    expect(filter.has('x')).toBe(false);
    expect(filter.estimatedItemCount()).toBe(0);
  });

  it('add reports whether the key is new', () => {
    const filter = new BloomFilter({ expectedItems: 1000, falsePositiveRate: 0.001 });
    expect(filter.add('evt-1')).toBe(true);
    expect(filter.add('evt-1')).toBe(false);
    expect(filter.add(new TextEncoder().encode('evt-1'))).toBe(false);
    expect(filter.add('evt-2')).toBe(true);
  });

  describe.each([
    { n: 20_000, p: 0.01, queries: 200_000 },
    { n: 50_000, p: 0.001, queries: 400_000 },
  ])('false-positive rate at n=$n, p=$p', ({ n, p, queries }) => {
    const build = (): BloomFilter => {
      const filter = new BloomFilter({ expectedItems: n, falsePositiveRate: p });
      for (let i = 0; i < n; i++) filter.add(eventId(i));
      return filter;
    };

    it('stays within 4σ of the requested rate and of the blocked theory, and not suspiciously below', () => {
      const filter = build();
      let positives = 0;
      for (let i = n; i < n + queries; i++) if (filter.has(eventId(i))) positives++;
      const measured = positives / queries;
      const theory = blockedBloomFalsePositiveRate(filter.bits, filter.hashes, n);
      // Binomial: the rate measured over `queries` independent absent keys lies within 4σ.
      const sigma = (rate: number): number => Math.sqrt((rate * (1 - rate)) / queries);
      expect(theory).toBeLessThanOrEqual(p);
      expect(measured).toBeLessThanOrEqual(p + 4 * sigma(p));
      expect(measured).toBeLessThanOrEqual(theory + 4 * sigma(theory));
      expect(measured).toBeGreaterThanOrEqual(theory - 4 * sigma(theory));
    });

    it('estimates its rate and item count from its bits', () => {
      const filter = build();
      const theory = blockedBloomFalsePositiveRate(filter.bits, filter.hashes, n);
      expect(filter.estimatedFalsePositiveRate()).toBeGreaterThan(theory * 0.9);
      expect(filter.estimatedFalsePositiveRate()).toBeLessThan(theory * 1.1);
      expect(filter.estimatedItemCount()).toBeGreaterThan(n * 0.97);
      expect(filter.estimatedItemCount()).toBeLessThan(n * 1.03);
    });
  });

  it('holds its rate on random UUID keys', () => {
    const keys = uuidKeys(110_000, 1);
    const n = 10_000;
    const filter = new BloomFilter({ expectedItems: n, falsePositiveRate: 0.01 });
    for (let i = 0; i < n; i++) filter.add(keys[i]!);
    let positives = 0;
    for (let i = n; i < keys.length; i++) if (filter.has(keys[i]!)) positives++;
    const queries = keys.length - n;
    expect(positives / queries).toBeLessThanOrEqual(0.01 + 4 * Math.sqrt(0.01 / queries));
    expect(positives / queries).toBeGreaterThan(0.005);
  });

  it('estimated false-positive rate grows with the fill', () => {
    const filter = new BloomFilter({ expectedItems: 10_000, falsePositiveRate: 0.01 });
    const keys = uuidKeys(20_000, 3);
    let previous = filter.estimatedFalsePositiveRate();
    expect(previous).toBe(0);
    for (let batch = 0; batch < 10; batch++) {
      for (const key of keys.slice(batch * 2000, (batch + 1) * 2000)) filter.add(key);
      const rate = filter.estimatedFalsePositiveRate();
      expect(rate).toBeGreaterThan(previous);
      previous = rate;
    }
    // Twice the designed load: far past the configured rate.
    expect(previous).toBeGreaterThan(0.1);
  });

  describe('sizing', () => {
    it('sizes from expected items and rate, in whole 512-bit blocks', () => {
      const filter = new BloomFilter({ expectedItems: 1_000_000, falsePositiveRate: 0.01 });
      expect(filter.bits % 512).toBe(0);
      expect(filter.bits).toBeGreaterThan(9_585_059);
      expect(filter.bits).toBeLessThan(9_585_059 * 1.1);
      expect(filter.byteLength).toBe(filter.bits / 8);
      expect(filter.seed).toBe(0);
    });

    it('takes explicit geometry, rounding bits up to a block', () => {
      const filter = new BloomFilter({ bits: 1000, hashes: 4, seed: 9 });
      expect([filter.bits, filter.hashes, filter.seed]).toEqual([1024, 4, 9]);
    });

    it.each<[string, unknown]>([
      ['expectedItems', { expectedItems: 0, falsePositiveRate: 0.01 }],
      ['expectedItems', { expectedItems: -5, falsePositiveRate: 0.01 }],
      ['expectedItems', { expectedItems: Number.NaN, falsePositiveRate: 0.01 }],
      ['expectedItems', { expectedItems: Number.POSITIVE_INFINITY, falsePositiveRate: 0.01 }],
      ['expectedItems', { falsePositiveRate: 0.01 }],
      ['falsePositiveRate', { expectedItems: 10, falsePositiveRate: 0 }],
      ['falsePositiveRate', { expectedItems: 10, falsePositiveRate: 1 }],
      ['falsePositiveRate', { expectedItems: 10, falsePositiveRate: -0.01 }],
      ['falsePositiveRate', { expectedItems: 10, falsePositiveRate: 2 }],
      ['falsePositiveRate', { expectedItems: 10, falsePositiveRate: Number.NaN }],
      ['bits', { bits: 0, hashes: 3 }],
      ['bits', { bits: -512, hashes: 3 }],
      ['bits', { bits: 100.5, hashes: 3 }],
      ['bits', { bits: Number.NaN, hashes: 3 }],
      ['bits', { bits: 2 ** 32, hashes: 3 }],
      ['bits', { hashes: 3 }],
      ['hashes', { bits: 512, hashes: 0 }],
      ['hashes', { bits: 512, hashes: -1 }],
      ['hashes', { bits: 512, hashes: 2.5 }],
      ['hashes', { bits: 512, hashes: 65 }],
      ['hashes', { bits: 512 }],
      ['seed', { bits: 512, hashes: 3, seed: -1 }],
      ['seed', { bits: 512, hashes: 3, seed: 2 ** 32 }],
      ['seed', { expectedItems: 10, falsePositiveRate: 0.1, seed: 0.5 }],
      ['not both', { bits: 512, hashes: 3, expectedItems: 10, falsePositiveRate: 0.1 }],
    ])('rejects a bad %s: %o', (mentions, options) => {
      expectCoreError(() => new BloomFilter(options as BloomFilterOptions), 'INVALID_ARGUMENT', mentions);
    });
  });

  describe('union', () => {
    const a = uuidKeys(3000, 10);
    const b = uuidKeys(3000, 11);
    const options = { expectedItems: 6000, falsePositiveRate: 0.01, seed: 5 };

    it('holds exactly the bits of a filter built from both key sets, leaving both unchanged', () => {
      const left = filled(options, a);
      const right = filled(options, b);
      const leftBefore = left.toBytes();
      const rightBefore = right.toBytes();
      const union = left.union(right);
      expect(sameBytes(union.toBytes(), filled(options, [...a, ...b]).toBytes())).toBe(true);
      expect([...a, ...b].every((key) => union.has(key))).toBe(true);
      expect(sameBytes(left.toBytes(), leftBefore)).toBe(true);
      expect(sameBytes(right.toBytes(), rightBefore)).toBe(true);
      expect(b.filter((key) => left.has(key)).length).toBeLessThan(100);
    });

    it.each<[string, (left: BloomFilter) => BloomFilter]>([
      ['size', (left) => new BloomFilter({ bits: left.bits + 512, hashes: left.hashes, seed: 5 })],
      ['hashes', (left) => new BloomFilter({ bits: left.bits, hashes: left.hashes + 1, seed: 5 })],
      ['seed', (left) => new BloomFilter({ bits: left.bits, hashes: left.hashes, seed: 6 })],
    ])('refuses a filter of another %s', (_what, makeOther) => {
      const left = new BloomFilter(options);
      expectCoreError(() => left.union(makeOther(left)), 'INCOMPATIBLE');
      expect(left.union(new BloomFilter({ bits: left.bits, hashes: left.hashes, seed: 5 })).bits).toBe(
        left.bits,
      );
    });
  });

  describe('serialisation', () => {
    const keys = uuidKeys(5000, 20);
    const filter = filled({ expectedItems: 5000, falsePositiveRate: 0.01, seed: 77 }, keys);
    const bytes = filter.toBytes();

    it('round-trips to the same geometry, answers and bytes', () => {
      const restored = BloomFilter.fromBytes(bytes);
      expect([restored.bits, restored.hashes, restored.seed]).toEqual([filter.bits, filter.hashes, 77]);
      expect(keys.every((key) => restored.has(key))).toBe(true);
      const probes = uuidKeys(20_000, 21);
      expect(probes.filter((key) => restored.has(key))).toEqual(probes.filter((key) => filter.has(key)));
      expect(sameBytes(restored.toBytes(), bytes)).toBe(true);
      expect(bytes.length).toBe(16 + filter.bits / 8 + 4);
    });

    it('reads from a Node Buffer, including one at an odd offset of a larger buffer', () => {
      const pool = Buffer.alloc(bytes.length + 3);
      pool.set(bytes, 3);
      const restored = BloomFilter.fromBytes(pool.subarray(3));
      expect(sameBytes(restored.toBytes(), bytes)).toBe(true);
    });

    it('writes a little-endian header: magic HBLM, version 1, hashes, seed, bits', () => {
      const small = new BloomFilter({ bits: 512, hashes: 3, seed: 0x01020304 }).toBytes();
      expect(Array.from(small.subarray(0, 16))).toEqual([
        0x48, 0x42, 0x4c, 0x4d, 1, 0, 3, 0, 0x04, 0x03, 0x02, 0x01, 0x00, 0x02, 0x00, 0x00,
      ]);
      expect(small.length).toBe(16 + 64 + 4);
    });

    it('rejects any single flipped bit', () => {
      fc.assert(
        fc.property(fc.nat(bytes.length * 8 - 1), (bit) => {
          const corrupted = bytes.slice();
          corrupted[bit >>> 3]! ^= 1 << (bit & 7);
          expectCoreError(() => BloomFilter.fromBytes(corrupted), 'INVALID_SERIALIZATION');
        }),
        { numRuns: 200 },
      );
    });

    it('rejects truncated, padded, empty and foreign bytes', () => {
      expectCoreError(
        () => BloomFilter.fromBytes(bytes.subarray(0, bytes.length - 1)),
        'INVALID_SERIALIZATION',
      );
      expectCoreError(() => BloomFilter.fromBytes(bytes.subarray(0, 10)), 'INVALID_SERIALIZATION', 'short');
      expectCoreError(() => BloomFilter.fromBytes(new Uint8Array(0)), 'INVALID_SERIALIZATION');
      const padded = new Uint8Array(bytes.length + 4);
      padded.set(bytes);
      expectCoreError(() => BloomFilter.fromBytes(padded), 'INVALID_SERIALIZATION');
      expectCoreError(
        () => BloomFilter.fromBytes(new TextEncoder().encode('{"bits":512}........')),
        'INVALID_SERIALIZATION',
        'magic',
      );
      expectCoreError(() => BloomFilter.fromBytes('HBLM' as unknown as Uint8Array), 'INVALID_SERIALIZATION');
    });

    it('rejects well-checksummed headers it cannot honour', () => {
      const resealed = (edit: (view: DataView) => void, length = bytes.length): Uint8Array => {
        const copy = new Uint8Array(length);
        copy.set(bytes.subarray(0, Math.min(length, bytes.length)));
        const view = new DataView(copy.buffer);
        edit(view);
        view.setUint32(length - 4, crc32(copy, 0, length - 4), true);
        return copy;
      };
      expectCoreError(
        () => BloomFilter.fromBytes(resealed((v) => v.setUint8(4, 2))),
        'INVALID_SERIALIZATION',
        'version',
      );
      expectCoreError(
        () => BloomFilter.fromBytes(resealed((v) => v.setUint16(6, 0, true))),
        'INVALID_SERIALIZATION',
        'hashes',
      );
      expectCoreError(
        () => BloomFilter.fromBytes(resealed((v) => v.setUint16(6, 65, true))),
        'INVALID_SERIALIZATION',
        'hashes',
      );
      expectCoreError(
        () => BloomFilter.fromBytes(resealed((v) => v.setUint32(12, 1000, true))),
        'INVALID_SERIALIZATION',
        'bits',
      );
      expectCoreError(
        () => BloomFilter.fromBytes(resealed((v) => v.setUint32(12, 0, true), 20)),
        'INVALID_SERIALIZATION',
        'bits',
      );
      expectCoreError(
        () => BloomFilter.fromBytes(resealed((v) => v.setUint32(12, filter.bits * 2, true))),
        'INVALID_SERIALIZATION',
        'length',
      );
    });
  });
});
