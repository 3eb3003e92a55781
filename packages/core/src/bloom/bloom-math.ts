import { CoreError } from '../core-error.js';

/** Bits per block of the blocked layout: one 64-byte cache line. */
export const BLOCK_BITS = 512;

/** Largest filter the serialised header (a u32 bit count) can describe: 512 MiB of bits. */
export const MAX_BITS = 2 ** 32 - BLOCK_BITS;

/** Most hash functions a filter may use; past ~30 a 512-bit block is saturated anyway. */
export const MAX_HASHES = 64;

/** A filter's geometry: its size in bits and its number of hash functions. */
export interface BloomSize {
  bits: number;
  hashes: number;
}

const LN2 = Math.LN2;
const LN2_SQUARED = LN2 * LN2;

/**
 * Throws `INVALID_ARGUMENT` unless `expectedItems` is a positive finite number and
 * `falsePositiveRate` lies strictly between 0 and 1.
 */
export function assertSizingArguments(expectedItems: number, falsePositiveRate: number): void {
  if (typeof expectedItems !== 'number' || !Number.isFinite(expectedItems) || expectedItems <= 0) {
    throw new CoreError(
      'INVALID_ARGUMENT',
      `expectedItems must be a positive finite number, got ${String(expectedItems)}`,
    );
  }
  if (typeof falsePositiveRate !== 'number' || !(falsePositiveRate > 0 && falsePositiveRate < 1)) {
    throw new CoreError(
      'INVALID_ARGUMENT',
      `falsePositiveRate must be strictly between 0 and 1, got ${String(falsePositiveRate)}`,
    );
  }
}

/**
 * Throws `INVALID_ARGUMENT` unless `bits` is an integer in [1, {@link MAX_BITS}], `hashes` an
 * integer in [1, {@link MAX_HASHES}] and `seed` an integer in [0, 2^32).
 */
export function assertGeometry(bits: number, hashes: number, seed: number): void {
  if (!Number.isInteger(bits) || bits < 1 || bits > MAX_BITS) {
    throw new CoreError(
      'INVALID_ARGUMENT',
      `bits must be an integer from 1 to ${MAX_BITS}, got ${String(bits)}`,
    );
  }
  if (!Number.isInteger(hashes) || hashes < 1 || hashes > MAX_HASHES) {
    throw new CoreError(
      'INVALID_ARGUMENT',
      `hashes must be an integer from 1 to ${MAX_HASHES}, got ${String(hashes)}`,
    );
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new CoreError(
      'INVALID_ARGUMENT',
      `seed must be an integer from 0 to 2^32 - 1, got ${String(seed)}`,
    );
  }
}

/**
 * The textbook optimum for an unblocked filter holding `n` items at false-positive rate `p`:
 * m = −n·ln p / (ln 2)² bits and k = (m/n)·ln 2 hash functions (rounded, at least 1).
 *
 * @example
 * optimalBloomSize(1_000_000, 0.01) // { bits: 9585059, hashes: 7 }
 */
export function optimalBloomSize(expectedItems: number, falsePositiveRate: number): BloomSize {
  assertSizingArguments(expectedItems, falsePositiveRate);
  const bits = Math.ceil((-expectedItems * Math.log(falsePositiveRate)) / LN2_SQUARED);
  const hashes = Math.max(1, Math.round((bits / expectedItems) * LN2));
  return { bits, hashes };
}

/**
 * False-positive rate of an unblocked filter of `m` bits and `k` hashes after `n` insertions:
 * p = (1 − e^(−k·n/m))^k.
 *
 * @example
 * bloomFalsePositiveRate(9_585_059, 7, 1_000_000) // ≈ 0.01
 */
export function bloomFalsePositiveRate(bits: number, hashes: number, items: number): number {
  return Math.pow(1 - Math.exp((-hashes * items) / bits), hashes);
}

/**
 * False-positive rate of a blocked filter (all `k` bits of a key in one 512-bit block of
 * the `m` bits) after `n` insertions. The number of keys landing in a block is Poisson with
 * mean λ = n·512/m, and a block holding `i` keys answers yes with probability
 * (1 − (1 − 1/512)^(k·i))^k, so p = Σᵢ Poisson(i; λ)·(1 − (1 − 1/512)^(k·i))^k
 * (Putze, Sanders, Singler 2007). Always a little above {@link bloomFalsePositiveRate}:
 * crowded blocks cost more than sparse blocks save.
 *
 * @example
 * blockedBloomFalsePositiveRate(9_585_152, 7, 1_000_000) // ≈ 0.0116, vs 0.0100 unblocked
 */
export function blockedBloomFalsePositiveRate(bits: number, hashes: number, items: number): number {
  const lambda = (items * BLOCK_BITS) / bits;
  if (lambda === 0) return 0;
  const logMiss = Math.log1p(-1 / BLOCK_BITS);
  const inner = (i: number): number => Math.pow(-Math.expm1(hashes * i * logMiss), hashes);
  // Summing outward from the mode keeps every Poisson term representable even when λ is
  // in the thousands, where e^(−λ) alone would underflow.
  const mode = Math.floor(lambda);
  const modeProbability = Math.exp(-lambda + mode * Math.log(lambda) - logFactorial(mode));
  let total = modeProbability * inner(mode);
  let probability = modeProbability;
  for (let i = mode + 1; probability > 1e-18 || i <= lambda + 10; i++) {
    probability *= lambda / i;
    total += probability * inner(i);
  }
  probability = modeProbability;
  for (let i = mode - 1; i >= 0 && probability > 1e-18; i--) {
    probability *= (i + 1) / lambda;
    total += probability * inner(i);
  }
  return Math.min(1, total);
}

/**
 * The smallest blocked filter (bits a multiple of 512) whose false-positive rate after
 * `n` insertions is at most `p`, with the `k` that minimises that rate (searched in 1 %
 * steps of bits per item). Blocking needs about 4 % more bits than {@link optimalBloomSize}
 * at p = 1 %, 8 % at 0.1 %, 50 % at 10⁻⁶ and 3× at 10⁻⁹: below ~10⁻⁵ it is a poor trade.
 *
 * @example
 * blockedBloomSize(1_000_000, 0.01) // { bits: 9_974_272, hashes: 6 }
 */
export function blockedBloomSize(expectedItems: number, falsePositiveRate: number): BloomSize {
  assertSizingArguments(expectedItems, falsePositiveRate);
  let bitsPerItem = -Math.log(falsePositiveRate) / LN2_SQUARED;
  for (;;) {
    const bits = Math.max(BLOCK_BITS, Math.ceil((expectedItems * bitsPerItem) / BLOCK_BITS) * BLOCK_BITS);
    if (bits > MAX_BITS) {
      throw new CoreError(
        'INVALID_ARGUMENT',
        `expectedItems ${expectedItems} at falsePositiveRate ${falsePositiveRate} needs more than ${MAX_BITS} bits`,
      );
    }
    // k follows the bits per item the rate needs, not the 512-bit floor: a tiny filter
    // would otherwise get dozens of hashes it does not need.
    const best = bestHashes(bits, expectedItems, Math.round(bitsPerItem * LN2));
    if (best.rate <= falsePositiveRate) return { bits, hashes: best.hashes };
    // 1 % steps: the rate falls smoothly with size, so this lands within 1 % of the optimum.
    bitsPerItem *= 1.01;
  }
}

function bestHashes(bits: number, items: number, center: number): { hashes: number; rate: number } {
  let best = { hashes: 1, rate: Infinity };
  const first = Math.min(MAX_HASHES, Math.max(1, center - 2));
  for (let hashes = first; hashes <= Math.min(MAX_HASHES, center + 2); hashes++) {
    const rate = blockedBloomFalsePositiveRate(bits, hashes, items);
    if (rate < best.rate) best = { hashes, rate };
  }
  return best;
}

function logFactorial(n: number): number {
  if (n < 20) {
    let sum = 0;
    for (let i = 2; i <= n; i++) sum += Math.log(i);
    return sum;
  }
  // Stirling's series; its error at n ≥ 20 is below 1e-12.
  return (n + 0.5) * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * n) - 1 / (360 * n ** 3);
}
