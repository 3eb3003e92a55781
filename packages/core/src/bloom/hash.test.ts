import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hash } from './hash.js';

const utf8 = new TextEncoder();

function hashOf(key: string | Uint8Array, seed = 0): [number, number] {
  const out = new Uint32Array(2);
  hash(key, seed, out);
  return [out[0]!, out[1]!];
}

// Any UTF-16 code unit, lone surrogates included, so the non-ASCII path is exercised fully.
const codeUnitString = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
  maxLength: 40,
});

describe('hash', () => {
  it('gives pinned values, since serialised filters depend on them', () => {
    expect(hashOf('')).toEqual([0x00000000, 0x0ab656ac]);
    expect(hashOf('a')).toEqual([0x9bb3b4c9, 0x0fcfd9a4]);
    expect(hashOf('abcd')).toEqual([0xa5348252, 0x31f43519]);
    expect(hashOf('tenant-1:customer-9:invoice.paid')).toEqual([0x804f3300, 0x57275598]);
    expect(hashOf('héllo wörld 😀', 42)).toEqual([0x19e664a9, 0xea245643]);
    expect(hashOf('550e8400-e29b-41d4-a716-446655440000', 0xdeadbeef)).toEqual([0xeddf2873, 0x75b0c153]);
  });

  it('hashes a string exactly as its UTF-8 bytes (TextEncoder, lone surrogates as U+FFFD)', () => {
    fc.assert(
      fc.property(codeUnitString, fc.integer({ min: 0, max: 0xffffffff }), (key, seed) => {
        expect(hashOf(key, seed)).toEqual(hashOf(utf8.encode(key), seed));
      }),
      { numRuns: 2000 },
    );
  });

  it('hashes strings longer than the reused encoding buffer', () => {
    const key = 'é'.repeat(1000) + 'x';
    expect(hashOf(key)).toEqual(hashOf(utf8.encode(key)));
  });

  it('has no 64-bit collisions over 100 000 near-identical keys', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) {
      const [a, b] = hashOf(`tenant-${i % 7}:customer-${i}:event`);
      seen.add(`${a}:${b}`);
    }
    expect(seen.size).toBe(100_000);
  });

  it('depends on the seed and tells apart keys that differ only by trailing zero bytes', () => {
    expect(hashOf('key', 1)).not.toEqual(hashOf('key', 2));
    expect(hashOf(new Uint8Array([1, 2]))).not.toEqual(hashOf(new Uint8Array([1, 2, 0])));
    expect(hashOf(new Uint8Array([1, 2, 0, 0]))).not.toEqual(hashOf(new Uint8Array([1, 2, 0, 0, 0])));
  });

  it('avalanches: flipping one input bit flips about half of the 64 output bits', () => {
    let flipped = 0;
    let trials = 0;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat(), (bytes, at) => {
        const bit = at % (bytes.length * 8);
        const [a0, b0] = hashOf(bytes);
        const copy = bytes.slice();
        copy[bit >>> 3]! ^= 1 << (bit & 7);
        const [a1, b1] = hashOf(copy);
        flipped += popcount(a0 ^ a1) + popcount(b0 ^ b1);
        trials++;
      }),
      { numRuns: 3000 },
    );
    expect(flipped / (trials * 64)).toBeGreaterThan(0.48);
    expect(flipped / (trials * 64)).toBeLessThan(0.52);
  });
});

function popcount(value: number): number {
  let count = 0;
  for (let v = value >>> 0; v !== 0; v >>>= 1) count += v & 1;
  return count;
}
