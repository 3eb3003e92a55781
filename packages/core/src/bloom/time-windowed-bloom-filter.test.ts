import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CoreError, type CoreErrorCode } from '../core-error.js';
import { BloomFilter } from './bloom-filter.js';
import { crc32 } from './crc32.js';
import {
  TimeWindowedBloomFilter,
  type TimeWindowedBloomFilterOptions,
} from './time-windowed-bloom-filter.js';

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

/** A clock the test moves by hand. */
function manualClock(start = 0): { now: () => number; set: (time: number) => void } {
  let time = start;
  return { now: () => time, set: (next) => (time = next) };
}

function windowed(
  clock: { now: () => number },
  options: Partial<TimeWindowedBloomFilterOptions> = {},
): TimeWindowedBloomFilter {
  return new TimeWindowedBloomFilter({
    window: 1000,
    expectedItems: 1000,
    falsePositiveRate: 0.01,
    now: clock.now,
    ...options,
  });
}

describe('TimeWindowedBloomFilter', () => {
  it('remembers a key through the window, across a rotation, and forgets it after', () => {
    const clock = manualClock(0);
    const recent = windowed(clock, { generations: 2 });
    recent.add('idem-1');
    for (const time of [0, 500, 999, 1000, 1500, 1999]) {
      clock.set(time);
      expect(recent.has('idem-1'), `at ${time}`).toBe(true);
    }
    clock.set(2000);
    expect(recent.has('idem-1')).toBe(false);
  });

  it('forgets within window·G/(G−1): 4 generations of 1000 ms forget by 1333 ms', () => {
    const clock = manualClock(10_000);
    const recent = windowed(clock, { generations: 4 });
    recent.add('idem-1');
    clock.set(11_000);
    expect(recent.has('idem-1')).toBe(true);
    clock.set(11_334);
    expect(recent.has('idem-1')).toBe(false);
  });

  it('keeps a key for its whole window where the span does not divide evenly (8 generations of a 9 ms window, added at 18)', () => {
    // 9 / 7 is rounded: 18 / (9 / 7) is 13.999999999999998, 27 / (9 / 7) is 21.
    const clock = manualClock(18);
    const recent = windowed(clock, { generations: 8, window: 9, expectedItems: 10 });
    recent.add('key');
    clock.set(27);
    expect(recent.has('key')).toBe(true);
    clock.set(29);
    expect(recent.has('key')).toBe(false);
  });

  it('for any add time and generations: seen for the whole window, gone by window·G/(G−1)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 1e9 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (generations, window, addedAt, within) => {
          const clock = manualClock(addedAt);
          const recent = windowed(clock, { generations, window, expectedItems: 10 });
          recent.add('key');
          clock.set(addedAt + Math.floor(within * window));
          expect(recent.has('key')).toBe(true);
          clock.set(addedAt + Math.ceil((window * generations) / (generations - 1)));
          expect(recent.has('key')).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('add reports a key as new, then as a duplicate, then new again once the window has passed', () => {
    const clock = manualClock(0);
    const recent = windowed(clock, { generations: 2 });
    expect(recent.add('idem-1')).toBe(true);
    clock.set(900);
    expect(recent.add('idem-1')).toBe(false);
    clock.set(1100);
    // Seen in the previous generation only: still a duplicate, and re-added to the newest.
    expect(recent.add('idem-1')).toBe(false);
    clock.set(2500);
    expect(recent.has('idem-1')).toBe(true);
    clock.set(4000);
    expect(recent.add('idem-1')).toBe(true);
  });

  it('never forgets early when the clock steps backwards, and forgets everything after a long idle', () => {
    const clock = manualClock(5000);
    const recent = windowed(clock, { generations: 3 });
    recent.add('a');
    clock.set(4000);
    recent.add('b');
    clock.set(5000);
    expect([recent.has('a'), recent.has('b')]).toEqual([true, true]);
    clock.set(1e9);
    expect([recent.has('a'), recent.has('b')]).toEqual([false, false]);
    expect(recent.estimatedFalsePositiveRate()).toBe(0);
  });

  it('addSeenAt remembers a key until its own time + window, in the generation of that time', () => {
    const clock = manualClock(10_000);
    const recent = windowed(clock, { generations: 4 }); // spans of 333⅓ ms
    recent.addSeenAt('an-hour-ago', 10_000 - 2000); // already past its window: not added
    recent.addSeenAt('old', 10_000 - 900);
    recent.addSeenAt('later', 10_500);
    expect(recent.has('an-hour-ago')).toBe(false);
    expect(recent.has('old')).toBe(true);
    clock.set(10_000 - 900 + 1000); // the end of old's window
    expect(recent.has('old')).toBe(true);
    clock.set(10_000 - 900 + 1334); // window·G/(G−1) after its time: rotated out
    expect(recent.has('old')).toBe(false);
    // A time after now counts as now.
    clock.set(10_000 + 1000);
    expect(recent.has('later')).toBe(true);
    expectCoreError(
      () => recent.addSeenAt('x', Number.NaN),
      'INVALID_ARGUMENT',
      'time must be a finite number',
    );
  });

  it('addSeenAt spreads keys of a past window over the generations, where add piles them into the newest', () => {
    const clock = manualClock(100_000);
    const options = { expectedItems: 3000, falsePositiveRate: 0.001, generations: 4 };
    const spread = windowed(clock, options);
    const piled = windowed(clock, options);
    // A window's worth of keys, seen evenly over the last window.
    for (let i = 0; i < 3000; i++) {
      spread.addSeenAt(`key-${i}`, 100_000 - 1000 + (i * 1000) / 3000);
      piled.add(`key-${i}`);
    }
    for (let i = 0; i < 3000; i += 97) expect(spread.has(`key-${i}`)).toBe(true);
    expect(spread.estimatedFalsePositiveRate()).toBeLessThan(0.002);
    expect(piled.estimatedFalsePositiveRate()).toBeGreaterThan(0.01);
  });

  it('stays within the rate at steady load, every generation in use', () => {
    const clock = manualClock(0);
    const perWindow = 20_000;
    const p = 0.01;
    const recent = new TimeWindowedBloomFilter({
      window: 1000,
      expectedItems: perWindow,
      falsePositiveRate: p,
      generations: 4,
      now: clock.now,
    });
    // Three windows at the designed pace, one key per 1/20 ms.
    const total = 3 * perWindow;
    for (let i = 0; i < total; i++) {
      clock.set((i * 1000) / perWindow);
      recent.add(`tenant-${i % 31}:event-${i}`);
    }
    expect(recent.has(`tenant-${(total - 1) % 31}:event-${total - 1}`)).toBe(true);
    const queries = 100_000;
    let positives = 0;
    for (let i = 0; i < queries; i++) if (recent.has(`absent-${i}`)) positives++;
    expect(positives / queries).toBeLessThanOrEqual(p + 4 * Math.sqrt(p / queries));
    expect(positives / queries).toBeGreaterThan(p / 10);
    expect(recent.estimatedFalsePositiveRate()).toBeLessThanOrEqual(p);
  });

  it('reports its geometry and memory', () => {
    const recent = windowed(manualClock(), { generations: 4, expectedItems: 3000 });
    expect(recent.generations).toBe(4);
    expect(recent.window).toBe(1000);
    expect(recent.bits % 512).toBe(0);
    // Each generation holds a third of the window's keys at a quarter of the rate.
    const generation = new BloomFilter({ expectedItems: 1000, falsePositiveRate: 0.0025 });
    expect([recent.bits, recent.hashes]).toEqual([generation.bits, generation.hashes]);
    expect(recent.byteLength).toBe((4 * recent.bits) / 8);
  });

  it('clear() forgets every key', () => {
    const recent = windowed(manualClock());
    recent.add('a');
    recent.clear();
    expect(recent.has('a')).toBe(false);
  });

  it('uses Date.now by default', () => {
    const recent = new TimeWindowedBloomFilter({
      window: 60_000,
      expectedItems: 10,
      falsePositiveRate: 0.01,
    });
    recent.add('a');
    expect(recent.has('a')).toBe(true);
  });

  describe('serialisation', () => {
    it('round-trips keys, geometry and the time they were added', () => {
      const clock = manualClock(100_000);
      const recent = windowed(clock, { generations: 3, seed: 99 });
      recent.add('old');
      clock.set(100_600);
      recent.add('new');
      const bytes = recent.toBytes();

      const soon = manualClock(100_700);
      const restored = TimeWindowedBloomFilter.fromBytes(bytes, { now: soon.now });
      expect([restored.window, restored.generations, restored.bits, restored.hashes, restored.seed]).toEqual([
        1000,
        3,
        recent.bits,
        recent.hashes,
        99,
      ]);
      expect([restored.has('old'), restored.has('new'), restored.has('never')]).toEqual([true, true, false]);
      expect(Buffer.compare(restored.toBytes(), bytes)).toBe(0);

      // Stored past 'old''s window but within 'new''s: time in storage counts.
      const later = manualClock(101_550);
      const aged = TimeWindowedBloomFilter.fromBytes(Buffer.from(bytes), { now: later.now });
      expect([aged.has('old'), aged.has('new')]).toEqual([false, true]);
    });

    it('rejects corrupted, truncated and foreign bytes', () => {
      const recent = windowed(manualClock());
      recent.add('a');
      const bytes = recent.toBytes();
      fc.assert(
        fc.property(fc.nat(bytes.length * 8 - 1), (bit) => {
          const corrupted = bytes.slice();
          corrupted[bit >>> 3]! ^= 1 << (bit & 7);
          expectCoreError(() => TimeWindowedBloomFilter.fromBytes(corrupted), 'INVALID_SERIALIZATION');
        }),
        { numRuns: 100 },
      );
      expectCoreError(
        () => TimeWindowedBloomFilter.fromBytes(bytes.subarray(0, 20)),
        'INVALID_SERIALIZATION',
      );
      expectCoreError(
        () => TimeWindowedBloomFilter.fromBytes(bytes.subarray(0, bytes.length - 4)),
        'INVALID_SERIALIZATION',
      );
      const bloom = new BloomFilter({ bits: 2048, hashes: 3 }).toBytes();
      expectCoreError(() => TimeWindowedBloomFilter.fromBytes(bloom), 'INVALID_SERIALIZATION', 'magic');
      expectCoreError(() => BloomFilter.fromBytes(bytes), 'INVALID_SERIALIZATION', 'magic');
    });

    it('rejects well-checksummed headers it cannot honour', () => {
      const recent = windowed(manualClock(), { generations: 2 });
      const bytes = recent.toBytes();
      const resealed = (edit: (view: DataView) => void, length = bytes.length): Uint8Array => {
        const copy = new Uint8Array(length);
        copy.set(bytes.subarray(0, Math.min(length, bytes.length)));
        const view = new DataView(copy.buffer);
        edit(view);
        view.setUint32(length - 4, crc32(copy, 0, length - 4), true);
        return copy;
      };
      const oneGeneration = 32 + recent.bits / 8 + 4;
      const cases: [string, Uint8Array][] = [
        ['version', resealed((v) => v.setUint8(4, 9))],
        ['window', resealed((v) => v.setFloat64(16, -5, true))],
        ['window', resealed((v) => v.setFloat64(16, Number.NaN, true))],
        ['generations', resealed((v) => v.setUint8(5, 1), oneGeneration)],
        ['length', resealed((v) => v.setUint8(5, 3))],
        ['hashes', resealed((v) => v.setUint16(6, 0, true))],
        ['invalid', resealed((v) => v.setFloat64(24, 0.5, true))],
        ['invalid', resealed((v) => v.setUint32(12, 513, true))],
      ];
      for (const [mentions, bytes] of cases) {
        expectCoreError(() => TimeWindowedBloomFilter.fromBytes(bytes), 'INVALID_SERIALIZATION', mentions);
      }
    });
  });

  it.each<[string, Partial<TimeWindowedBloomFilterOptions>]>([
    ['window', { window: 0 }],
    ['window', { window: -1000 }],
    ['window', { window: Number.NaN }],
    ['window', { window: Number.POSITIVE_INFINITY }],
    ['generations', { generations: 1 }],
    ['generations', { generations: 33 }],
    ['generations', { generations: 2.5 }],
    ['expectedItems', { expectedItems: 0 }],
    ['expectedItems', { expectedItems: Number.NaN }],
    ['falsePositiveRate', { falsePositiveRate: 0 }],
    ['falsePositiveRate', { falsePositiveRate: 1 }],
    ['seed', { seed: -1 }],
    ['now', { now: 5 as unknown as () => number }],
    ['now()', { now: () => Number.NaN }],
  ])('rejects a bad %s: %o', (mentions, options) => {
    expectCoreError(() => windowed(manualClock(), options), 'INVALID_ARGUMENT', mentions);
  });

  it('rejects a clock that starts returning garbage', () => {
    const clock = manualClock(0);
    const recent = windowed(clock);
    clock.set(Number.POSITIVE_INFINITY);
    expectCoreError(() => recent.has('a'), 'INVALID_ARGUMENT', 'now()');
  });
});
