import { describe, expect, it } from 'vitest';
import { CoreError } from '../core-error.js';
import { littlesLaw } from './littles-law.js';

describe('littlesLaw', () => {
  it('derives the missing quantity from the other two', () => {
    const full = { arrivalRate: 200, meanTime: 0.05, meanNumber: 10 };
    expect(littlesLaw({ arrivalRate: 200, meanTime: 0.05 })).toEqual(full);
    expect(littlesLaw({ arrivalRate: 200, meanNumber: 10 })).toEqual(full);
    expect(littlesLaw({ meanTime: 0.05, meanNumber: 10 })).toEqual(full);
  });

  it('wants exactly two valid quantities', () => {
    for (const bad of [
      {},
      { arrivalRate: 1 },
      { arrivalRate: 1, meanTime: 1, meanNumber: 1 },
      { arrivalRate: -1, meanTime: 1 },
      { arrivalRate: 0, meanNumber: 3 },
      { meanTime: 0, meanNumber: 3 },
    ]) {
      expect(() => littlesLaw(bad)).toThrow(CoreError);
    }
  });
});
