import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NumberHeap } from './number-heap.js';

const show = (values: (number | undefined)[]): string[] =>
  values.map((v) => (Object.is(v, -0) ? '-0' : String(v)));

describe('NumberHeap', () => {
  it('keeps 0 and -0 in push order (the only ties numbers can tell apart)', () => {
    const heap = new NumberHeap();
    for (const v of [0, 5, -0, -1, -0, 0, 3]) heap.push(v);
    expect(show([heap.peek()])).toEqual(['-1']);
    const out: number[] = [];
    for (let v = heap.pop(); v !== undefined; v = heap.pop()) out.push(v);
    expect(show(out)).toEqual(['-1', '0', '-0', '-0', '0', '3', '5']);
  });

  it('peeks the sign of the oldest queued zero', () => {
    const heap = new NumberHeap();
    heap.push(-0);
    heap.push(0);
    expect(show([heap.peek()])).toEqual(['-0']);
    heap.pop();
    expect(show([heap.peek()])).toEqual(['0']);
  });

  it('matches a FIFO model of zeros over long interleavings (compacting its sign queue)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.boolean(), fc.constant('pop' as const)), { maxLength: 5000 }),
        (steps) => {
          const heap = new NumberHeap();
          heap.push(1); // never empties, so the sign queue is compacted rather than reset
          const model: number[] = [];
          for (const step of steps) {
            if (step === 'pop') {
              expect(show([heap.pop()])).toEqual(show([model.length > 0 ? model.shift() : 1]));
              if (heap.size === 0) heap.push(1);
            } else {
              const zero = step ? -0 : 0;
              heap.push(zero);
              model.push(zero);
            }
          }
          expect(show(heap.snapshot().filter((v) => v === 0)).sort()).toEqual(show(model).sort());
        },
      ),
      { numRuns: 20 },
    );
  });

  it('gives back a large array once emptied and keeps working', () => {
    const heap = new NumberHeap();
    for (let i = 5000; i > 0; i--) heap.push(i);
    for (let i = 1; i <= 5000; i++) expect(heap.pop()).toBe(i);
    expect(heap.pop()).toBeUndefined();
    expect(heap.peek()).toBeUndefined();
    heap.push(2);
    heap.push(1);
    expect(heap.snapshot().sort()).toEqual([1, 2]);
    heap.clear();
    expect(heap.size).toBe(0);
  });
});
