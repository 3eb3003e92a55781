import { describe, expect, it } from 'vitest';
import { CoreError, type CoreErrorCode } from '../core-error.js';
import { Histogram } from './histogram.js';
import { SlidingWindowHistogram } from './sliding-window-histogram.js';

function expectCode(run: () => unknown, code: CoreErrorCode): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(CoreError.isInstance(thrown) ? thrown.code : thrown).toBe(code);
}

function manualClock(start = 0) {
  let time = start;
  return { now: () => time, set: (ms: number) => void (time = ms) };
}

describe('SlidingWindowHistogram', () => {
  it('holds what was recorded in the window, bucket for bucket', () => {
    const clock = manualClock(1_000_000);
    const window = new SlidingWindowHistogram({ window: 60_000, slices: 6, now: clock.now });
    const expected = new Histogram();
    for (let i = 0; i < 600; i++) {
      clock.set(1_000_000 + i * 90); // 54 s of traffic
      const micros = 100 + ((i * 7919) % 50_000);
      window.record(micros);
      expected.record(micros);
    }
    expect(window.snapshot().toJSON()).toEqual(expected.toJSON());
    expect(window.percentile(99)).toBe(expected.percentile(99));
  });

  it('expires slices as time moves on', () => {
    const clock = manualClock();
    const window = new SlidingWindowHistogram({ window: 60_000, slices: 6, now: clock.now });
    clock.set(5_000);
    window.record(1_000); // slice [0, 10 s)
    clock.set(15_000);
    window.record(9_000); // slice [10, 20 s)
    clock.set(59_999);
    expect(window.snapshot().count).toBe(2);
    clock.set(60_000); // the [0, 10 s) slice is now a full window old
    expect(window.snapshot().count).toBe(1);
    expect(window.percentile(0)).toBe(9_000);
    clock.set(70_000);
    expect(window.percentile(50)).toBeUndefined();
  });

  it('reuses a slot for a new slice without leaking the old one', () => {
    const clock = manualClock();
    const window = new SlidingWindowHistogram({ window: 1_000, slices: 4, now: clock.now });
    clock.set(100);
    window.record(50_000);
    clock.set(1_100); // same ring slot, one window later
    window.record(7);
    expect(window.snapshot().toJSON()).toMatchObject({ count: 1, min: 7, max: 7 });
  });

  it('sees a record made after a query (no stale cache)', () => {
    const clock = manualClock();
    const window = new SlidingWindowHistogram({ now: clock.now });
    window.record(100);
    expect(window.percentile(100)).toBe(100);
    window.record(200);
    expect(window.percentile(100)).toBe(200);
  });

  it('hands out snapshots that do not write back', () => {
    const window = new SlidingWindowHistogram({ now: () => 0 });
    window.record(100);
    window.snapshot().record(1_000_000);
    expect(window.percentile(100)).toBe(100);
  });

  it('passes its histogram options on to its slices', () => {
    const window = new SlidingWindowHistogram({ maxValue: 1000, relativeError: 0.1, now: () => 0 });
    window.record(5000);
    const snapshot = window.snapshot();
    expect([snapshot.maxValue, snapshot.relativeError, snapshot.clampedCount]).toEqual([1000, 0.1, 1]);
  });

  it('forgets everything on reset', () => {
    const window = new SlidingWindowHistogram({ now: () => 0 });
    window.record(100);
    window.reset();
    expect(window.snapshot().count).toBe(0);
  });

  it('rejects bad arguments', () => {
    expectCode(() => new SlidingWindowHistogram({ window: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => new SlidingWindowHistogram({ slices: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => new SlidingWindowHistogram({ slices: 1.5 }), 'INVALID_ARGUMENT');
    expectCode(() => new SlidingWindowHistogram({ relativeError: 2 }), 'INVALID_ARGUMENT');
    const window = new SlidingWindowHistogram();
    expectCode(() => window.record(-5), 'INVALID_ARGUMENT');
    expectCode(() => window.percentile(200), 'INVALID_ARGUMENT');
  });
});
