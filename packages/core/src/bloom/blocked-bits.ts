import { BLOCK_BITS, MAX_HASHES } from './bloom-math.js';

/** 32-bit words per 512-bit block. */
const BLOCK_WORDS = BLOCK_BITS / 32;

const TWO_POW_32 = 4294967296;

/**
 * One odd multiplier per hash function. Bit i of a key sits at the top 9 bits of
 * `h2 · SALTS[i]` (multiply-shift, as in Parquet's split-block filter): a bijection of the
 * 32-bit `h2` for each i, so every position is uniform, and with unrelated multipliers the
 * k positions of a key behave as independent. Unlike h1 + i·h2 double hashing inside 512
 * bits, which allows only 512·256 distinct patterns, a key's pattern depends on all 32 bits.
 * Derived by a fixed splitmix32 sequence; part of the serialised format.
 */
const SALTS = makeSalts(MAX_HASHES);

function makeSalts(count: number): Int32Array {
  const salts = new Int32Array(count);
  let state = 0;
  for (let i = 0; i < count; i++) {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    salts[i] = (z ^ (z >>> 16)) | 1;
  }
  return salts;
}

/** Index of the first word of the block that key hash `h1` selects among `blocks` blocks. */
export function blockOffset(h1: number, blocks: number): number {
  // Lemire's multiply-shift range reduction: no division, and unbiased enough for blocks < 2^23.
  // `>>> 0` truncates where Math.floor would be a call on CPUs without SSE4.1.
  return (((h1 * blocks) / TWO_POW_32) >>> 0) * BLOCK_WORDS;
}

/** Sets a key's bits in the block at `offset`; true if any was newly set (the key was absent). */
export function setKeyBits(words: Uint32Array, offset: number, h2: number, hashes: number): boolean {
  let added = 0;
  for (let i = 0; i < hashes; i++) {
    const position = Math.imul(h2, SALTS[i]!) >>> 23;
    const index = offset + (position >>> 5);
    const mask = 1 << (position & 31);
    const word = words[index]!;
    added |= ~word & mask;
    words[index] = word | mask;
  }
  return added !== 0;
}

/** True if every bit of the key is set in the block at `offset`. */
export function hasKeyBits(words: Uint32Array, offset: number, h2: number, hashes: number): boolean {
  for (let i = 0; i < hashes; i++) {
    const position = Math.imul(h2, SALTS[i]!) >>> 23;
    if ((words[offset + (position >>> 5)]! & (1 << (position & 31))) === 0) return false;
  }
  return true;
}

/**
 * Probability that an absent key is reported present, given the bits as they are now: the mean
 * over blocks of (set bits in the block ÷ 512)^k. This is X^k taken per block rather than over
 * the whole filter, which would understate the rate since crowded blocks answer yes more often.
 */
export function fillFalsePositiveRate(words: Uint32Array, hashes: number): number {
  let total = 0;
  for (let offset = 0; offset < words.length; offset += BLOCK_WORDS) {
    total += Math.pow(blockPopulation(words, offset) / BLOCK_BITS, hashes);
  }
  return total / (words.length / BLOCK_WORDS);
}

/**
 * Estimated number of distinct keys added (Swamidass–Baldi per block): a block with X of 512
 * bits set holds about ln(1 − X/512) / (k·ln(1 − 1/512)) keys. A saturated block counts as 511
 * bits set, so past saturation this is a lower bound.
 */
export function estimateItemCount(words: Uint32Array, hashes: number): number {
  const perItem = hashes * Math.log1p(-1 / BLOCK_BITS);
  let total = 0;
  for (let offset = 0; offset < words.length; offset += BLOCK_WORDS) {
    const population = Math.min(BLOCK_BITS - 1, blockPopulation(words, offset));
    total += Math.log1p(-population / BLOCK_BITS) / perItem;
  }
  return total;
}

function blockPopulation(words: Uint32Array, offset: number): number {
  let count = 0;
  for (let i = offset; i < offset + BLOCK_WORDS; i++) count += popcount(words[i]!);
  return count;
}

function popcount(value: number): number {
  value -= (value >>> 1) & 0x55555555;
  value = (value & 0x33333333) + ((value >>> 2) & 0x33333333);
  return Math.imul((value + (value >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Writes `words` into `target` at `offset` as little-endian u32s, whatever the platform. */
export function writeWords(words: Uint32Array, target: Uint8Array, offset: number): void {
  if (littleEndian) {
    target.set(new Uint8Array(words.buffer, words.byteOffset, words.byteLength), offset);
    return;
  }
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  for (let i = 0; i < words.length; i++) view.setUint32(offset + i * 4, words[i]!, true);
}

/** Fills `target` with little-endian u32s read from `source` at `offset`. */
export function readWords(source: Uint8Array, offset: number, target: Uint32Array): void {
  if (littleEndian) {
    new Uint8Array(target.buffer, target.byteOffset, target.byteLength).set(
      source.subarray(offset, offset + target.byteLength),
    );
    return;
  }
  const view = new DataView(source.buffer, source.byteOffset, source.byteLength);
  for (let i = 0; i < target.length; i++) target[i] = view.getUint32(offset + i * 4, true);
}
