import { describe, expect, it } from 'vitest';
import { findTooDeep } from './find-too-deep.js';

/** Levels of arrays and objects: a primitive has none, `{}` one, `{ a: [] }` two. */
function levels(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(levels));
}

/** A random JSON value with up to `depth` levels of nesting. */
function randomValue(depth: number, random: () => number): unknown {
  const pick = random();
  if (depth === 0 || pick < 0.3) return pick < 0.15 ? 'text' : 42;
  const size = Math.floor(random() * 4);
  if (pick < 0.65) return Array.from({ length: size }, () => randomValue(depth - 1, random));
  return Object.fromEntries(
    Array.from({ length: size }, (_, i) => [`k${i}`, randomValue(depth - 1, random)]),
  );
}

describe('findTooDeep', () => {
  it('names the path of the first container nested deeper than the limit', () => {
    expect(findTooDeep({ data: { a: [[[]]] } }, 3)).toEqual(['data', 'a', 0]);
    expect(findTooDeep({ data: { a: [] } }, 3)).toBeUndefined();
    expect(findTooDeep([{}, [{ x: [1] }]], 3)).toEqual([1, 0, 'x']);
    expect(findTooDeep('plain', 0)).toBeUndefined();
    expect(findTooDeep({}, 0)).toEqual([]);
  });

  it('agrees with the nesting depth on random values', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i++) {
      const value = randomValue(6, random);
      const limit = Math.floor(random() * 6);
      const path = findTooDeep(value, limit);
      expect(path !== undefined).toBe(levels(value) > limit);
      if (path !== undefined) expect(path).toHaveLength(limit);
    }
  });
});
