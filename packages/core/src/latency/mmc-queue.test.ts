import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CoreError, type CoreErrorCode } from '../core-error.js';
import { MmcQueue } from './mmc-queue.js';

function expectCode(run: () => unknown, code: CoreErrorCode): string {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(CoreError.isInstance(thrown) ? thrown.code : thrown).toBe(code);
  return (thrown as Error).message;
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// A FCFS M/M/c queue, customer by customer: each arrival takes the server that frees first.
function simulate(
  arrivalRate: number,
  serviceRate: number,
  servers: number,
  customers: number,
  seed: number,
) {
  const random = seeded(seed);
  const exponential = (rate: number) => -Math.log(1 - random()) / rate;
  const freeAt = new Float64Array(servers);
  const responses: number[] = [];
  let waited = 0;
  let now = 0;
  const warmUp = Math.floor(customers / 20);
  for (let i = 0; i < customers + warmUp; i++) {
    now += exponential(arrivalRate);
    let server = 0;
    for (let s = 1; s < servers; s++) if (freeAt[s]! < freeAt[server]!) server = s;
    const start = Math.max(now, freeAt[server]!);
    const done = start + exponential(serviceRate);
    freeAt[server] = done;
    if (i >= warmUp) {
      responses.push(done - now);
      if (start > now) waited++;
    }
  }
  responses.sort((a, b) => a - b);
  return {
    waitProbability: waited / customers,
    mean: responses.reduce((a, b) => a + b, 0) / customers,
    percentile: (q: number) => responses[Math.ceil((q / 100) * customers) - 1]!,
  };
}

describe('MmcQueue', () => {
  it('gives the textbook figures for λ = 2, μ = 1, c = 3', () => {
    const queue = new MmcQueue({ arrivalRate: 2, serviceRate: 1, servers: 3 });
    expect(queue.utilisation).toBeCloseTo(2 / 3, 12);
    expect(queue.offeredLoad).toBe(2);
    expect(queue.probabilityOfWaiting).toBeCloseTo(4 / 9, 12);
    expect(queue.meanWait).toBeCloseTo(4 / 9, 12); // C/(cμ − λ) = (4/9)/1
    expect(queue.meanResponse).toBeCloseTo(13 / 9, 12);
    expect(queue.meanQueueLength).toBeCloseTo(8 / 9, 12);
    expect(queue.meanInSystem).toBeCloseTo(26 / 9, 12);
  });

  it('reduces to M/M/1: W = 1/(μ − λ), L = ρ/(1 − ρ), t_q = −ln(1 − q)/(μ − λ)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: 0.1, max: 1000, noNaN: true }),
        fc.constantFrom(1, 50, 90, 99, 99.9, 99.99),
        (rho, mu, q) => {
          const lambda = rho * mu;
          const queue = new MmcQueue({ arrivalRate: lambda, serviceRate: mu, servers: 1 });
          expect(queue.meanResponse * (mu - lambda)).toBeCloseTo(1, 9);
          expect(queue.meanInSystem).toBeCloseTo(rho / (1 - rho), 6);
          const expected = -Math.log(1 - q / 100) / (mu - lambda);
          expect(queue.responsePercentile(q) / expected).toBeCloseTo(1, 9);
          // Waiting: P(Wq > t) = ρ·e^{−(μ−λ)t}, so no wait below the (1 − ρ) quantile.
          const tail = 1 - q / 100;
          const wait = tail >= rho ? 0 : Math.log(rho / tail) / (mu - lambda);
          expect(queue.waitPercentile(q)).toBeCloseTo(wait, 9);
        },
      ),
    );
  });

  it('handles cμ − λ = μ, where the textbook response-time formula is 0/0', () => {
    const mu = 2;
    const queue = new MmcQueue({ arrivalRate: mu, serviceRate: mu, servers: 2 }); // θ = 4 − 2 = μ
    const c = queue.probabilityOfWaiting;
    for (const t of [0, 0.1, 0.5, 1, 3]) {
      // Wq + S is then Exp(μ) with prob. 1 − C, Erlang(2, μ) with prob. C.
      const survival = (1 - c) * Math.exp(-mu * t) + c * Math.exp(-mu * t) * (1 + mu * t);
      expect(queue.responseCdf(t)).toBeCloseTo(1 - survival, 12);
    }
    // Continuous across the special case: nudging λ either way barely moves the answer.
    const below = new MmcQueue({ arrivalRate: mu - 1e-7, serviceRate: mu, servers: 2 });
    const above = new MmcQueue({ arrivalRate: mu + 1e-7, serviceRate: mu, servers: 2 });
    for (const q of [50, 99]) {
      expect(below.responsePercentile(q)).toBeCloseTo(queue.responsePercentile(q), 5);
      expect(above.responsePercentile(q)).toBeCloseTo(queue.responsePercentile(q), 5);
    }
  });

  it('inverts its own CDF (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.double({ min: 0.01, max: 0.999, noNaN: true }),
        fc.double({ min: 0.001, max: 99.999, noNaN: true }),
        (servers, rho, q) => {
          const queue = new MmcQueue({ arrivalRate: rho * servers * 3, serviceRate: 3, servers });
          const t = queue.responsePercentile(q);
          expect(queue.responseCdf(t)).toBeCloseTo(q / 100, 9);
          expect(queue.responsePercentile(q)).toBeGreaterThanOrEqual(queue.waitPercentile(q));
        },
      ),
    );
  });

  it('agrees with a seeded simulation of M/M/3 at 80 % load', () => {
    const queue = new MmcQueue({ arrivalRate: 2.4, serviceRate: 1, servers: 3 });
    const sim = simulate(2.4, 1, 3, 300_000, 7);
    expect(sim.waitProbability).toBeCloseTo(queue.probabilityOfWaiting, 1);
    expect(Math.abs(sim.mean / queue.meanResponse - 1)).toBeLessThan(0.03);
    // Tolerances cover the spread over seeds 1–8 (≤ 2.4 % at p50/p90, ≤ 3.5 % at p99); adding
    // the wait's and the service's p99 instead of convolving them would be 37 % off.
    for (const [q, tolerance] of [
      [50, 0.03],
      [90, 0.03],
      [99, 0.05],
    ] as const) {
      expect(Math.abs(sim.percentile(q) / queue.responsePercentile(q) - 1)).toBeLessThan(tolerance);
    }
  });

  it('returns 0 and Infinity at the ends', () => {
    const queue = new MmcQueue({ arrivalRate: 1, serviceRate: 1, servers: 2 });
    expect(queue.responsePercentile(0)).toBe(0);
    expect(queue.responsePercentile(100)).toBe(Infinity);
    expect(queue.waitPercentile(100)).toBe(Infinity);
    expect(queue.responseCdf(-1)).toBe(0);
    expect(queue.waitCdf(0)).toBeCloseTo(1 - queue.probabilityOfWaiting, 12);
  });

  it('rejects an unstable system with the numbers in the message', () => {
    const message = expectCode(
      () => new MmcQueue({ arrivalRate: 30, serviceRate: 10, servers: 3 }),
      'UNSTABLE_SYSTEM',
    );
    expect(message).toContain('30');
    expect(message).toContain('3 × 10');
    expectCode(() => new MmcQueue({ arrivalRate: 31, serviceRate: 10, servers: 3 }), 'UNSTABLE_SYSTEM');
  });

  it('rejects bad arguments', () => {
    for (const options of [
      { arrivalRate: 1, serviceRate: 1, servers: 0 },
      { arrivalRate: 1, serviceRate: 1, servers: 2.5 },
      { arrivalRate: 1, serviceRate: 1, servers: -3 },
      { arrivalRate: -1, serviceRate: 1, servers: 2 },
      { arrivalRate: 1, serviceRate: 0, servers: 2 },
      { arrivalRate: Number.NaN, serviceRate: 1, servers: 2 },
    ]) {
      expectCode(() => new MmcQueue(options), 'INVALID_ARGUMENT');
    }
    const queue = new MmcQueue({ arrivalRate: 1, serviceRate: 1, servers: 2 });
    expectCode(() => queue.responsePercentile(101), 'INVALID_ARGUMENT');
    expectCode(() => queue.waitPercentile(-1), 'INVALID_ARGUMENT');
  });
});
