import { describe, expect, it } from 'vitest';
import { CoreError, type CoreErrorCode } from '../core-error.js';
import {
  BLOCK_BITS,
  blockedBloomFalsePositiveRate,
  blockedBloomSize,
  bloomFalsePositiveRate,
  MAX_HASHES,
  optimalBloomSize,
} from './bloom-math.js';

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

describe('optimalBloomSize', () => {
  it('applies m = −n·ln p / (ln 2)² and k = (m/n)·ln 2', () => {
    expect(optimalBloomSize(1_000_000, 0.01)).toEqual({ bits: 9_585_059, hashes: 7 });
    expect(optimalBloomSize(10_000, 0.001)).toEqual({ bits: 143_776, hashes: 10 });
  });

  it('never returns fewer than one hash', () => {
    expect(optimalBloomSize(1000, 0.9).hashes).toBe(1);
  });

  it('rejects bad arguments, naming them', () => {
    for (const n of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '10' as unknown as number]) {
      expectCoreError(() => optimalBloomSize(n, 0.01), 'INVALID_ARGUMENT', 'expectedItems');
    }
    for (const p of [0, 1, -0.1, 1.5, Number.NaN]) {
      expectCoreError(() => optimalBloomSize(100, p), 'INVALID_ARGUMENT', 'falsePositiveRate');
    }
  });
});

describe('bloomFalsePositiveRate', () => {
  it('is (1 − e^(−k·n/m))^k', () => {
    expect(bloomFalsePositiveRate(1000, 5, 100)).toBeCloseTo(Math.pow(1 - Math.exp(-0.5), 5), 12);
    expect(bloomFalsePositiveRate(1000, 5, 100)).toBeCloseTo(0.009430929, 8);
  });

  it('gives back p for the optimal size', () => {
    const { bits, hashes } = optimalBloomSize(50_000, 0.001);
    expect(bloomFalsePositiveRate(bits, hashes, 50_000)).toBeCloseTo(0.001, 4);
  });
});

describe('blockedBloomFalsePositiveRate', () => {
  it('is above the unblocked rate at the same size, and 0 when empty', () => {
    for (const [bits, hashes, items] of [
      [BLOCK_BITS * 200, 7, 10_000],
      [BLOCK_BITS * 3000, 10, 100_000],
    ] as const) {
      const blocked = blockedBloomFalsePositiveRate(bits, hashes, items);
      const unblocked = bloomFalsePositiveRate(bits, hashes, items);
      expect(blocked).toBeGreaterThan(unblocked);
      expect(blocked).toBeLessThan(unblocked * 2);
    }
    expect(blockedBloomFalsePositiveRate(BLOCK_BITS, 3, 0)).toBe(0);
  });

  it('stays finite where e^(−λ) underflows (thousands of keys per block)', () => {
    const rate = blockedBloomFalsePositiveRate(BLOCK_BITS * 10, 1, 10_000_000);
    expect(rate).toBeGreaterThan(0.99);
    expect(rate).toBeLessThanOrEqual(1);
  });
});

describe('blockedBloomSize', () => {
  it.each([
    [100_000, 0.01],
    [100_000, 0.001],
    [1_000_000, 0.01],
    [5000, 0.0001],
  ])('sizes n=%s, p=%s to whole blocks meeting p, and no bigger than needed', (n, p) => {
    const { bits, hashes } = blockedBloomSize(n, p);
    expect(bits % BLOCK_BITS).toBe(0);
    expect(blockedBloomFalsePositiveRate(bits, hashes, n)).toBeLessThanOrEqual(p);
    // 3 % smaller, no number of hashes reaches p: the search does not overshoot.
    const smaller = Math.floor((bits * 0.97) / BLOCK_BITS) * BLOCK_BITS;
    for (let k = 1; k <= MAX_HASHES; k++) {
      expect(blockedBloomFalsePositiveRate(smaller, k, n)).toBeGreaterThan(p);
    }
    // Blocking costs a few percent over the textbook size, not a multiple of it.
    expect(bits / optimalBloomSize(n, p).bits).toBeLessThan(1.2);
  });

  it('meets rates near 1, where the textbook k would round to 0', () => {
    const { bits, hashes } = blockedBloomSize(10_000, 0.9);
    expect(hashes).toBe(1);
    expect(blockedBloomFalsePositiveRate(bits, hashes, 10_000)).toBeLessThanOrEqual(0.9);
  });

  it('gives a tiny filter one block and the hashes its rate needs, not dozens', () => {
    const { bits, hashes } = blockedBloomSize(1, 0.01);
    expect(bits).toBe(BLOCK_BITS);
    expect(hashes).toBeGreaterThanOrEqual(5);
    expect(hashes).toBeLessThanOrEqual(9);
  });

  it('rejects bad arguments and sizes beyond 2^32 bits', () => {
    expectCoreError(() => blockedBloomSize(0, 0.01), 'INVALID_ARGUMENT', 'expectedItems');
    expectCoreError(() => blockedBloomSize(100, 1), 'INVALID_ARGUMENT', 'falsePositiveRate');
    expectCoreError(() => blockedBloomSize(1e12, 0.01), 'INVALID_ARGUMENT', 'bits');
  });
});
