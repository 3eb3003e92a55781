import { describe, expect, it } from 'vitest';
import { SeenIds } from './seen-ids.js';

describe('SeenIds', () => {
  it('reports repeats and forgets the oldest past its capacity', () => {
    const seen = new SeenIds(3);
    expect(['a', 'b', 'a', 'c'].map((id) => seen.add(id))).toEqual([true, true, false, true]);
    seen.add('d');
    expect(seen.size).toBe(3);
    expect(seen.has('a')).toBe(false);
    expect(['b', 'c', 'd'].every((id) => seen.has(id))).toBe(true);
    expect(seen.add('a')).toBe(true);
  });

  it('stays bounded under a long stream', () => {
    const seen = new SeenIds(100);
    for (let i = 0; i < 10_000; i++) seen.add(`n-${i}`);
    expect(seen.size).toBe(100);
    expect(seen.has('n-9999')).toBe(true);
    expect(seen.has('n-9899')).toBe(false);
  });
});
