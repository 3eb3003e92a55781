import { describe, expect, it } from 'vitest';
import { CoreError, type CoreErrorCode } from '../core-error.js';
import { RateMeter } from './rate-meter.js';

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
  return { now: () => time, advance: (ms: number) => void (time += ms) };
}

// Marks `perSecond` events a second on every meter, evenly, for `seconds`.
function steady(
  meters: readonly RateMeter[],
  clock: ReturnType<typeof manualClock>,
  perSecond: number,
  seconds: number,
): void {
  const gap = 1000 / perSecond;
  for (let i = 0; i < perSecond * seconds; i++) {
    clock.advance(gap);
    for (const meter of meters) meter.mark();
  }
}

const relative = (actual: number, expected: number) => Math.abs(actual / expected - 1);

describe('RateMeter', () => {
  it('converges to a steady rate', () => {
    const clock = manualClock(1_000_000);
    const meter = new RateMeter({ window: 60_000, now: clock.now });
    steady([meter], clock, 10, 600);
    expect(relative(meter.rate(), 10)).toBeLessThan(0.01);
    expect(meter.count).toBe(6000);
    expect(meter.meanRate()).toBeCloseTo(10, 9);
  });

  it('is not biased towards zero in its first seconds', () => {
    const clock = manualClock();
    const meter = new RateMeter({ window: 60_000, now: clock.now });
    steady([meter], clock, 5, 2);
    // A meter assuming an idle past would say about 10 events / 60 s ≈ 0.17/s here.
    expect(relative(meter.rate(), 5)).toBeLessThan(0.05);
  });

  it('decays by 1/e per window, by half per window·ln 2, once events stop', () => {
    const clock = manualClock();
    const meter = new RateMeter({ window: 60_000, now: clock.now });
    steady([meter], clock, 10, 900);
    const before = meter.rate();
    clock.advance(60_000 * Math.LN2);
    expect(relative(meter.rate(), before / 2)).toBeLessThan(0.01);
    clock.advance(60_000 * (1 - Math.LN2));
    expect(relative(meter.rate(), before / Math.E)).toBeLessThan(0.01);
  });

  it('follows a step faster with a shorter window', () => {
    const clock = manualClock();
    const oneMinute = new RateMeter({ window: 60_000, now: clock.now });
    const fifteenMinutes = new RateMeter({ window: 900_000, now: clock.now });
    const both = [oneMinute, fifteenMinutes];
    steady(both, clock, 10, 3600);
    steady(both, clock, 20, 180);
    // After 3τ the one-minute rate is 20 − 10·e^−3 ≈ 19.5; the 15-minute one has barely moved.
    expect(relative(oneMinute.rate(), 20 - 10 * Math.exp(-3))).toBeLessThan(0.01);
    expect(relative(fifteenMinutes.rate(), 20 - 10 * Math.exp(-0.2))).toBeLessThan(0.01);
  });

  it('counts mark(n) as n events', () => {
    const clockA = manualClock();
    const clockB = manualClock();
    const a = new RateMeter({ now: clockA.now });
    const b = new RateMeter({ now: clockB.now });
    clockA.advance(500);
    clockB.advance(500);
    a.mark(3);
    b.mark();
    b.mark();
    b.mark();
    clockA.advance(1500);
    clockB.advance(1500);
    expect(a.rate()).toBe(b.rate());
    // 3 events aged 1.5 s, over 2 s observed, both weighted with τ = 60 s.
    const expected = (3 * Math.exp(-1500 / 60_000) * 1000) / (60_000 * (1 - Math.exp(-2000 / 60_000)));
    expect(a.rate()).toBeCloseTo(expected, 12);
  });

  it('reports 0 before any time has passed, and ignores a clock going backwards', () => {
    const clock = manualClock(100);
    const meter = new RateMeter({ now: clock.now });
    meter.mark(10);
    expect(meter.rate()).toBe(0);
    expect(meter.meanRate()).toBe(0);
    clock.advance(1000);
    const rate = meter.rate();
    clock.advance(-500);
    meter.mark(0);
    clock.advance(500);
    expect(meter.rate()).toBeCloseTo(rate, 12);
  });

  it('rejects bad arguments', () => {
    expectCode(() => new RateMeter({ window: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => new RateMeter({ window: Infinity }), 'INVALID_ARGUMENT');
    const meter = new RateMeter();
    expectCode(() => meter.mark(-1), 'INVALID_ARGUMENT');
    expectCode(() => meter.mark(Number.NaN), 'INVALID_ARGUMENT');
  });
});
