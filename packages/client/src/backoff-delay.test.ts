import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff-delay.js';

/** mulberry32: a seeded random in [0, 1), so jittered delays are reproducible. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const options = { initialDelayMs: 100, maxDelayMs: 5_000 };

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the cap without jitter', () => {
    const delays = Array.from({ length: 9 }, (_, attempt) =>
      backoffDelay(attempt, { ...options, jitter: 0 }),
    );
    expect(delays).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
  });

  it('with full jitter, is a seeded fraction of the growing cap', () => {
    const random = seeded(42);
    const replay = seeded(42);
    const delays = Array.from({ length: 8 }, (_, attempt) => backoffDelay(attempt, options, random));
    const caps = [100, 200, 400, 800, 1600, 3200, 5000, 5000];
    expect(delays).toEqual(caps.map((cap) => Math.round(cap * (1 - replay()))));
    delays.forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(caps[i]!);
    });
    // Jittered: not simply the caps, and another seed spreads differently.
    expect(delays).not.toEqual(caps);
    const other = Array.from({ length: 8 }, (_, attempt) => backoffDelay(attempt, options, seeded(7)));
    expect(other).not.toEqual(delays);
  });

  it('grows on average, and stays in [cap × (1 − jitter), cap]', () => {
    const random = seeded(1);
    const mean = (attempt: number): number => {
      let sum = 0;
      for (let i = 0; i < 2_000; i++) sum += backoffDelay(attempt, options, random);
      return sum / 2_000;
    };
    const means = [0, 1, 2, 3, 4].map(mean);
    for (let i = 1; i < means.length; i++) expect(means[i]).toBeGreaterThan(means[i - 1]! * 1.6);
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelay(3, { ...options, jitter: 0.25 }, random);
      expect(delay).toBeGreaterThanOrEqual(600);
      expect(delay).toBeLessThanOrEqual(800);
    }
  });

  it('uses its defaults and survives huge attempt counts', () => {
    expect(backoffDelay(0, { jitter: 0 })).toBe(500);
    expect(backoffDelay(10_000, { jitter: 0 })).toBe(30_000);
    expect(backoffDelay(-1, { jitter: 0 })).toBe(500);
  });
});
