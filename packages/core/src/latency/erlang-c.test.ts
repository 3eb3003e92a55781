import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CoreError, type CoreErrorCode } from '../core-error.js';
import { erlangB, erlangC } from './erlang-c.js';

function expectCode(run: () => unknown, code: CoreErrorCode): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(CoreError.isInstance(thrown) ? thrown.code : thrown).toBe(code);
}

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

// The textbook formula, term by term: C = (A^c/c!)·c/(c−A) / (Σ_{k<c} A^k/k! + (A^c/c!)·c/(c−A)).
function erlangCByFactorials(c: number, a: number): number {
  let sum = 0;
  for (let k = 0; k < c; k++) sum += a ** k / factorial(k);
  const top = (a ** c / factorial(c)) * (c / (c - a));
  return top / (sum + top);
}

// The same formula in log space, for server counts where A^c and c! overflow.
function erlangCInLogSpace(c: number, a: number): number {
  const logTerms: number[] = [];
  let logFactorial = 0;
  for (let k = 0; k < c; k++) {
    if (k > 0) logFactorial += Math.log(k);
    logTerms.push(k * Math.log(a) - logFactorial);
  }
  const logTop = c * Math.log(a) - (logFactorial + Math.log(c)) + Math.log(c / (c - a));
  const peak = Math.max(logTop, ...logTerms);
  const sum = logTerms.reduce((acc, t) => acc + Math.exp(t - peak), 0);
  const top = Math.exp(logTop - peak);
  return top / (sum + top);
}

describe('erlangB', () => {
  it('matches hand-computed values', () => {
    expect(erlangB(1, 1)).toBeCloseTo(0.5, 12);
    expect(erlangB(2, 1)).toBeCloseTo(0.2, 12); // (1/2) / (1 + 1 + 1/2)
    expect(erlangB(3, 2)).toBeCloseTo(4 / 19, 12); // (8/6) / (1 + 2 + 2 + 8/6)
    expect(erlangB(5, 0)).toBe(0);
  });
});

describe('erlangC', () => {
  it('matches textbook values', () => {
    expect(erlangC(3, 2)).toBeCloseTo(4 / 9, 12); // λ = 2, μ = 1, c = 3
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    expect(erlangC(1, 0.7)).toBeCloseTo(0.7, 12); // M/M/1: C = ρ
  });

  it('matches the factorial formula for small c (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 25 }),
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        (c, rho) => {
          const a = rho * c;
          expect(erlangC(c, a)).toBeCloseTo(erlangCByFactorials(c, a), 10);
        },
      ),
    );
  });

  it('stays accurate for hundreds of servers, where factorials overflow', () => {
    for (const [c, a] of [
      [200, 180],
      [500, 480],
      [1000, 990],
      [800, 100],
    ] as const) {
      const value = erlangC(c, a);
      expect(Number.isFinite(value)).toBe(true);
      expect(value).toBeCloseTo(erlangCInLogSpace(c, a), 9);
    }
    expect(factorial(200)).toBe(Infinity); // why the direct formula cannot be used here
  });

  it('rejects unstable loads and bad servers', () => {
    expectCode(() => erlangC(3, 3), 'UNSTABLE_SYSTEM');
    expectCode(() => erlangC(3, 4.5), 'UNSTABLE_SYSTEM');
    expectCode(() => erlangC(0, 0.5), 'INVALID_ARGUMENT');
    expectCode(() => erlangC(2.5, 1), 'INVALID_ARGUMENT');
    expectCode(() => erlangB(2, -1), 'INVALID_ARGUMENT');
    expectCode(() => erlangB(2, Number.NaN), 'INVALID_ARGUMENT');
  });
});
