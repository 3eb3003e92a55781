import { describe, expect, it } from 'vitest';
import { createEpochClock, epochClock } from './epoch-clock.js';

describe('createEpochClock', () => {
  it('counts fractions of a millisecond from its origin', () => {
    let mono = 10.25;
    let wall = 1_000_010;
    const clock = createEpochClock({ wall: () => wall, monotonic: () => mono, origin: 1_000_000.1 });
    expect(clock()).toBeCloseTo(1_000_010.35, 6);
    mono += 0.3;
    expect(clock()).toBeCloseTo(1_000_010.65, 6);
    mono += 0.5;
    wall += 1;
    expect(clock()).toBeCloseTo(1_000_011.15, 6);
  });

  it('re-anchors on the wall clock when it is stepped, forwards or back', () => {
    let mono = 0;
    let wall = 5_000;
    const clock = createEpochClock({ wall: () => wall, monotonic: () => mono, origin: 5_000 });
    expect(clock()).toBe(5_000);
    // The wall clock jumps ahead a minute: stamps follow it at once, then run on the monotonic clock.
    mono = 1;
    wall = 65_001;
    expect(clock()).toBe(65_001.5);
    mono = 1.25;
    expect(clock()).toBe(65_001.75);
    // And back by ten seconds.
    mono = 2;
    wall = 55_002;
    expect(clock()).toBe(55_002.5);
  });

  it('the default one stays within a few milliseconds of Date.now() and has fractions', () => {
    const stamps = Array.from({ length: 50 }, () => {
      const before = Date.now();
      const stamp = epochClock();
      return { before, stamp, after: Date.now() };
    });
    for (const { before, stamp, after } of stamps) {
      expect(stamp).toBeGreaterThanOrEqual(before - 1);
      expect(stamp).toBeLessThan(after + 2);
    }
    expect(stamps.some(({ stamp }) => !Number.isInteger(stamp))).toBe(true);
  });
});
