import { CoreError } from '../core-error.js';
import {
  blockOffset,
  fillFalsePositiveRate,
  hasKeyBits,
  readWords,
  setKeyBits,
  writeWords,
} from './blocked-bits.js';
import { createFrame, decoding, openFrame, sealFrame, TRAILER_BYTES } from './bloom-format.js';
import { assertGeometry, assertSizingArguments, BLOCK_BITS, blockedBloomSize } from './bloom-math.js';
import { hash, type BloomKey } from './hash.js';

/** Options for a {@link TimeWindowedBloomFilter}. */
export interface TimeWindowedBloomFilterOptions {
  /** How long a key is remembered at least, in the units of `now` (milliseconds by default). */
  window: number;
  /** Distinct keys expected per `window`; the rate holds while arrivals stay near this pace. */
  expectedItems: number;
  /** False-positive rate of `has`, across all generations, strictly between 0 and 1. */
  falsePositiveRate: number;
  /**
   * Generations the window is split into, from 2 to 32. A key is forgotten at most
   * `window · generations / (generations − 1)` after it was added; more generations forget
   * closer to `window` and use less memory overall, but `has` probes each of them.
   * @defaultValue 4
   */
  generations?: number;
  /**
   * The clock. Serialised filters record absolute times from it, so reload them with the
   * same kind of clock (a wall clock such as `Date.now` across processes).
   * @defaultValue Date.now
   */
  now?: () => number;
  /**
   * Hash seed, an integer in [0, 2^32).
   * @defaultValue 0
   */
  seed?: number;
}

const MAGIC = 'HBLW';
// magic(4) version(1) generations(u8) hashes(u16) seed(u32) bits(u32) window(f64) slot(f64),
// then each generation's words, newest first, then CRC-32.
const HEADER_BYTES = 32;
const MAX_GENERATIONS = 32;

const hashed = new Uint32Array(2);

/**
 * Answers "was this key added within the last `window`?", for idempotency keys and dedup
 * windows, in bounded memory.
 *
 * The window is covered by G generations of Bloom filters, each spanning
 * `window / (G − 1)` of time. `add` writes into the newest; `has` asks all of them; when
 * the clock passes a span boundary the oldest generation is cleared and becomes the newest.
 * A key added at time t is therefore reported for all of [t, t + window] (never a false
 * negative there) and forgotten by t + window·G/(G − 1). Each generation is a blocked Bloom
 * filter sized for `expectedItems / (G − 1)` keys at rate p/G, so a lookup across all G
 * stays within p. Rotation happens lazily inside `add`/`has`, so an idle filter costs
 * nothing; a clock that steps backwards never rotates back.
 *
 * @example
 * const recent = new TimeWindowedBloomFilter({ window: 60_000, expectedItems: 100_000, falsePositiveRate: 0.001 });
 * if (!recent.add(message.idempotencyKey)) return; // a duplicate within the last minute
 */
export class TimeWindowedBloomFilter {
  /** Minimum memory of a key, in the units of the clock. */
  readonly window: number;
  /** Number of generations. */
  readonly generations: number;
  /** Hash seed. */
  readonly seed: number;
  readonly #now: () => number;
  #bits: number;
  #hashes: number;
  #blocks: number;
  /** Generation words, a ring: `#ring[#head]` is the newest. */
  #ring: Uint32Array[];
  #head = 0;
  /** Index of the span the newest generation covers: ⌊time / span⌋. */
  #slot: number;

  constructor(options: TimeWindowedBloomFilterOptions) {
    const { window, expectedItems, falsePositiveRate, generations = 4, now = Date.now, seed = 0 } = options;
    if (typeof window !== 'number' || !Number.isFinite(window) || window <= 0) {
      throw new CoreError(
        'INVALID_ARGUMENT',
        `window must be a positive finite number, got ${String(window)}`,
      );
    }
    if (!Number.isInteger(generations) || generations < 2 || generations > MAX_GENERATIONS) {
      throw new CoreError(
        'INVALID_ARGUMENT',
        `generations must be an integer from 2 to ${MAX_GENERATIONS}, got ${String(generations)}`,
      );
    }
    if (typeof now !== 'function') {
      throw new CoreError('INVALID_ARGUMENT', `now must be a function returning a number, got ${typeof now}`);
    }
    assertSizingArguments(expectedItems, falsePositiveRate);
    const size = blockedBloomSize(
      Math.ceil(expectedItems / (generations - 1)),
      falsePositiveRate / generations,
    );
    assertGeometry(size.bits, size.hashes, seed);
    this.window = window;
    this.generations = generations;
    this.#bits = size.bits;
    this.#hashes = size.hashes;
    this.seed = seed;
    this.#now = now;
    this.#blocks = size.bits / BLOCK_BITS;
    this.#ring = Array.from({ length: generations }, () => new Uint32Array(size.bits / 32));
    this.#slot = this.#slotAt(now());
  }

  /** Bits per generation (a multiple of 512). */
  get bits(): number {
    return this.#bits;
  }

  /** Bits set per key. */
  get hashes(): number {
    return this.#hashes;
  }

  /** Memory held by all generations, in bytes. */
  get byteLength(): number {
    return this.generations * (this.#bits / 8);
  }

  /**
   * Records a key as seen now. Returns `true` if it was not seen within the window (a new
   * key), `false` if it probably was (a duplicate): dedup in one call.
   *
   * @example
   * recent.add('idem-42'); // true
   * recent.add('idem-42'); // false, and the key's window restarts now
   */
  add(key: BloomKey): boolean {
    this.#advance();
    hash(key, this.seed, hashed);
    const offset = blockOffset(hashed[0]!, this.#blocks);
    const h2 = hashed[1]!;
    const ring = this.#ring;
    const hashes = this.#hashes;
    let fresh = setKeyBits(ring[this.#head]!, offset, h2, hashes);
    for (let i = 0; fresh && i < ring.length; i++) {
      if (i !== this.#head && hasKeyBits(ring[i]!, offset, h2, hashes)) fresh = false;
    }
    return fresh;
  }

  /**
   * Records a key as seen at `time` (in the clock's units; a time after now counts as now), into
   * the generation that covered that time, as `add` would have then: it is reported until at
   * least `time + window` and takes no room in the newer generations. For loading keys seen
   * before a restart without piling them all into the newest generation, which is sized for one
   * span's keys. A key whose generation has rotated out is already forgotten and not added.
   *
   * @example
   * recent.addSeenAt('idem-42', Date.now() - 3_600_000); // seen an hour ago
   */
  addSeenAt(key: BloomKey, time: number): void {
    if (typeof time !== 'number' || !Number.isFinite(time)) {
      throw new CoreError('INVALID_ARGUMENT', `time must be a finite number, got ${String(time)}`);
    }
    this.#advance();
    const age = Math.max(0, this.#slot - this.#slotAt(time));
    if (age >= this.generations) return;
    hash(key, this.seed, hashed);
    setKeyBits(this.#generation(age), blockOffset(hashed[0]!, this.#blocks), hashed[1]!, this.#hashes);
  }

  /**
   * `true` if the key was (probably) added within the window, `false` if certainly not.
   *
   * @example
   * recent.has('idem-42'); // true for at least `window` after the add
   */
  has(key: BloomKey): boolean {
    this.#advance();
    hash(key, this.seed, hashed);
    const offset = blockOffset(hashed[0]!, this.#blocks);
    const h2 = hashed[1]!;
    const hashes = this.#hashes;
    for (const words of this.#ring) {
      if (hasKeyBits(words, offset, h2, hashes)) return true;
    }
    return false;
  }

  /**
   * The false-positive rate of `has` right now, from the bits set in each generation:
   * 1 − Π(1 − pᵢ) with pᵢ each generation's per-block X^k estimate. O(m·G).
   *
   * @example
   * recent.estimatedFalsePositiveRate(); // ≈ 0.001 at the designed load
   */
  estimatedFalsePositiveRate(): number {
    this.#advance();
    let none = 1;
    for (const words of this.#ring) none *= 1 - fillFalsePositiveRate(words, this.#hashes);
    return 1 - none;
  }

  /**
   * Forgets every key.
   *
   * @example
   * recent.clear(); // recent.has(anything) === false
   */
  clear(): void {
    for (const words of this.#ring) words.fill(0);
  }

  /**
   * Serialises the filter, generations and the time they cover included, for
   * {@link TimeWindowedBloomFilter.fromBytes}. Format: magic `HBLW`, version, generations,
   * hashes, seed, bits, window and current span index, the generations newest first, CRC-32.
   *
   * @example
   * await redis.set('idem:tenant-1', Buffer.from(recent.toBytes()));
   */
  toBytes(): Uint8Array {
    this.#advance();
    const generationBytes = this.#bits / 8;
    const frame = createFrame(MAGIC, HEADER_BYTES + this.generations * generationBytes + TRAILER_BYTES);
    const { view } = frame;
    view.setUint8(5, this.generations);
    view.setUint16(6, this.#hashes, true);
    view.setUint32(8, this.seed, true);
    view.setUint32(12, this.#bits, true);
    view.setFloat64(16, this.window, true);
    view.setFloat64(24, this.#slot, true);
    for (let age = 0; age < this.generations; age++) {
      writeWords(this.#generation(age), frame.bytes, HEADER_BYTES + age * generationBytes);
    }
    return sealFrame(frame);
  }

  /**
   * Rebuilds a filter from {@link TimeWindowedBloomFilter.toBytes} output; time spent in
   * storage counts, so keys older than the window are gone on the first call. Throws
   * `INVALID_SERIALIZATION` for anything short, padded, corrupted or not such a filter.
   *
   * @example
   * const recent = TimeWindowedBloomFilter.fromBytes(await redis.getBuffer('idem:tenant-1'));
   */
  static fromBytes(bytes: Uint8Array, options: { now?: () => number } = {}): TimeWindowedBloomFilter {
    const view = openFrame(bytes, MAGIC, HEADER_BYTES, 'TimeWindowedBloomFilter');
    const generations = view.getUint8(5);
    const hashes = view.getUint16(6, true);
    const seed = view.getUint32(8, true);
    const bits = view.getUint32(12, true);
    const window = view.getFloat64(16, true);
    const slot = view.getFloat64(24, true);
    const generationBytes = bits / 8;
    const expected = HEADER_BYTES + generations * generationBytes + TRAILER_BYTES;
    if (bits % BLOCK_BITS !== 0 || !Number.isSafeInteger(slot) || bytes.length !== expected) {
      throw new CoreError(
        'INVALID_SERIALIZATION',
        `TimeWindowedBloomFilter header is invalid or disagrees with the length ${bytes.length}`,
      );
    }
    const filter = decoding('TimeWindowedBloomFilter', () => {
      assertGeometry(bits, hashes, seed);
      // The smallest sizing allocates one block per generation; #restore then installs the
      // stored geometry. Window, generations and seed come from the header as they are.
      return new TimeWindowedBloomFilter({
        window,
        generations,
        expectedItems: 1,
        falsePositiveRate: 0.5,
        seed,
        ...(options.now ? { now: options.now } : {}),
      });
    });
    filter.#restore(bits, hashes, slot, bytes);
    return filter;
  }

  #restore(bits: number, hashes: number, slot: number, bytes: Uint8Array): void {
    this.#bits = bits;
    this.#hashes = hashes;
    this.#blocks = bits / BLOCK_BITS;
    this.#ring = Array.from({ length: this.generations }, () => new Uint32Array(bits / 32));
    this.#head = 0;
    this.#slot = slot;
    for (let age = 0; age < this.generations; age++) {
      readWords(bytes, HEADER_BYTES + age * (bits / 8), this.#generation(age));
    }
  }

  /** The generation `age` spans old (0 is the newest). */
  #generation(age: number): Uint32Array {
    return this.#ring[(this.#head - age + this.generations) % this.generations]!;
  }

  #slotAt(time: number): number {
    if (typeof time !== 'number' || !Number.isFinite(time)) {
      throw new CoreError('INVALID_ARGUMENT', `now() must return a finite number, got ${String(time)}`);
    }
    // time · (G − 1) / window, not time / span: span = window / (G − 1) is rounded, and
    // ⌊18 / (9/7)⌋ gave 13 where ⌊27 / (9/7)⌋ gave 21, so a key added at 18 into span 13 was
    // gone at 27, inside its window of 9 (8 generations). With whole-number times and windows
    // this is exact.
    return Math.floor((time * (this.generations - 1)) / this.window);
  }

  #advance(): void {
    // The span is worked out on every call, by the same arithmetic as every other time: a
    // precomputed boundary could round apart from it and hold a key in an older generation.
    const slot = this.#slotAt(this.#now());
    if (slot <= this.#slot) return;
    const steps = Math.min(slot - this.#slot, this.generations);
    for (let i = 0; i < steps; i++) {
      this.#head = (this.#head + 1) % this.generations;
      this.#ring[this.#head]!.fill(0);
    }
    this.#slot = slot;
  }
}
