/** What a filter accepts as a key: a string (hashed as its UTF-8 bytes) or raw bytes. */
export type BloomKey = string | Uint8Array;

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const P1 = 0x9e3779b1;
const P2 = 0x85ebca77;
const P3 = 0xc2b2ae3d;
const P5 = 0x165667b1;

let scratch = new Uint8Array(256);

/**
 * Hashes a key to 64 bits, written as two unsigned 32-bit halves into `out[0]` and `out[1]`
 * (an out-parameter, so the hot path allocates nothing).
 *
 * The input is the key's UTF-8 bytes read as little-endian 32-bit words; each word feeds two
 * lanes with unrelated mixing (a MurmurHash3 x86_32 round and an xxHash32 round) so that a
 * collision in one lane says nothing about the other. Strings are read straight from their
 * char codes, four ASCII characters per word, with no `TextEncoder`; only the part from the
 * first non-ASCII character on is UTF-8 encoded, into a reused buffer, exactly as
 * `TextEncoder` would (lone surrogates become U+FFFD). So `hash('é', s, out)` and
 * `hash(new TextEncoder().encode('é'), s, out)` agree, and other languages can reproduce a
 * serialised filter from UTF-8 bytes. Serialised filters depend on this function: changing
 * it means a new format version.
 *
 * @example
 * const out = new Uint32Array(2);
 * hash('tenant-1:customer-9:invoice.paid', 0, out); // out[0], out[1] now hold the hash
 */
export function hash(key: BloomKey, seed: number, out: Uint32Array): void {
  if (typeof key !== 'string') {
    hashBytes(key, key.length, seed | 0, (seed ^ P1) | 0, 0, out);
    return;
  }
  let a = seed | 0;
  let b = (seed ^ P1) | 0;
  const length = key.length;
  let i = 0;
  while (i + 4 <= length) {
    const c0 = key.charCodeAt(i);
    const c1 = key.charCodeAt(i + 1);
    const c2 = key.charCodeAt(i + 2);
    const c3 = key.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) >= 0x80) break;
    const word = c0 | (c1 << 8) | (c2 << 16) | (c3 << 24);
    a = murmurRound(a, word);
    b = xxRound(b, word);
    i += 4;
  }
  if (i === length) {
    finish(a, b, 0, 0, length, out);
    return;
  }
  const tail = encodeUtf8From(key, i);
  hashBytes(scratch, tail, a, b, i, out);
}

/** Hashes `bytes[0..end)` continuing from lane states `a`, `b` after `prefix` bytes. */
function hashBytes(
  bytes: Uint8Array,
  end: number,
  a: number,
  b: number,
  prefix: number,
  out: Uint32Array,
): void {
  let i = 0;
  for (; i + 4 <= end; i += 4) {
    const word = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    a = murmurRound(a, word);
    b = xxRound(b, word);
  }
  let word = 0;
  const rest = end - i;
  for (let j = 0; j < rest; j++) word |= bytes[i + j]! << (8 * j);
  finish(a, b, word, rest, prefix + end, out);
}

function murmurRound(a: number, word: number): number {
  let k = Math.imul(word, C1);
  k = (k << 15) | (k >>> 17);
  a ^= Math.imul(k, C2);
  a = (a << 13) | (a >>> 19);
  return (Math.imul(a, 5) + 0xe6546b64) | 0;
}

function xxRound(b: number, word: number): number {
  b = (b + Math.imul(word, P2)) | 0;
  b = (b << 13) | (b >>> 19);
  return Math.imul(b, P1);
}

function finish(
  a: number,
  b: number,
  tail: number,
  tailLength: number,
  length: number,
  out: Uint32Array,
): void {
  if (tailLength > 0) {
    let k = Math.imul(tail, C1);
    k = (k << 15) | (k >>> 17);
    a ^= Math.imul(k, C2);
    b = (b + Math.imul(tail, P5)) | 0;
    b = Math.imul((b << 11) | (b >>> 21), P1);
  }
  // The byte length goes into both lanes so that keys differing only by trailing zero
  // bytes still hash apart.
  a ^= length;
  a ^= a >>> 16;
  a = Math.imul(a, P2);
  a ^= a >>> 13;
  a = Math.imul(a, P3);
  a ^= a >>> 16;
  b ^= length;
  b ^= b >>> 15;
  b = Math.imul(b, P2);
  b ^= b >>> 13;
  b = Math.imul(b, P3);
  b ^= b >>> 16;
  out[0] = a;
  out[1] = b;
}

/** UTF-8 encodes `key` from index `start` into `scratch`; returns the byte count. */
function encodeUtf8From(key: string, start: number): number {
  const needed = (key.length - start) * 3;
  if (scratch.length < needed) scratch = new Uint8Array(Math.max(needed, scratch.length * 2));
  const bytes = scratch;
  let n = 0;
  for (let i = start; i < key.length; i++) {
    let code = key.charCodeAt(i);
    if (code < 0x80) {
      bytes[n++] = code;
    } else if (code < 0x800) {
      bytes[n++] = 0xc0 | (code >>> 6);
      bytes[n++] = 0x80 | (code & 0x3f);
    } else {
      if (code >= 0xd800 && code <= 0xdfff) {
        const next = i + 1 < key.length ? key.charCodeAt(i + 1) : 0;
        if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const point = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
          bytes[n++] = 0xf0 | (point >>> 18);
          bytes[n++] = 0x80 | ((point >>> 12) & 0x3f);
          bytes[n++] = 0x80 | ((point >>> 6) & 0x3f);
          bytes[n++] = 0x80 | (point & 0x3f);
          i++;
          continue;
        }
        // A lone surrogate has no UTF-8 form; TextEncoder substitutes U+FFFD, and so do we.
        code = 0xfffd;
      }
      bytes[n++] = 0xe0 | (code >>> 12);
      bytes[n++] = 0x80 | ((code >>> 6) & 0x3f);
      bytes[n++] = 0x80 | (code & 0x3f);
    }
  }
  return n;
}
