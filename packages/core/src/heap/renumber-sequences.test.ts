import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renumberSequences } from './renumber-sequences.js';

describe('renumberSequences', () => {
  it('rewrites the chosen slots as 0..n-1 in their old order and leaves the rest alone', () => {
    const seqs = Uint32Array.of(4_000_000_000, 99, 7, 123, 4_294_967_295);
    expect(renumberSequences(seqs, [4, 0, 2])).toBe(3);
    expect([...seqs]).toEqual([1, 99, 0, 123, 2]);
  });

  it('preserves the relative order of any distinct sequence numbers', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 200 }), (values) => {
        const seqs = Uint32Array.from(values);
        const next = renumberSequences(seqs, seqs.keys());
        expect(next).toBe(values.length);
        for (let i = 0; i < values.length; i++) {
          for (let j = 0; j < values.length; j++) {
            expect(Math.sign((seqs[i] as number) - (seqs[j] as number))).toBe(
              Math.sign((values[i] as number) - (values[j] as number)),
            );
          }
        }
      }),
    );
  });
});
