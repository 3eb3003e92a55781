import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { CoreError } from '../core-error.js';
import { PriorityQueue } from './priority-queue.js';

interface Job {
  id: number;
  priority: number;
}

const byPriority = (a: Job, b: Job): number => a.priority - b.priority;

// The reference: a sorted array where a newcomer goes after every equal item (FIFO).
class SortedModel {
  readonly items: Job[] = [];

  push(job: Job): void {
    let i = this.items.length;
    while (i > 0 && byPriority(this.items[i - 1] as Job, job) > 0) i--;
    this.items.splice(i, 0, job);
  }

  pop(): Job | undefined {
    return this.items.shift();
  }
}

type Op =
  | { kind: 'push'; priority: number }
  | { kind: 'pushAll'; priorities: number[] }
  | { kind: 'pop' }
  | { kind: 'peek' }
  | { kind: 'drain' }
  | { kind: 'clear' };

// Few distinct priorities, so ties (and therefore FIFO order) are exercised constantly.
const priority = fc.integer({ min: 0, max: 4 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: priority.map((p) => ({ kind: 'push' as const, priority: p })) },
  {
    weight: 1,
    arbitrary: fc
      .array(priority, { maxLength: 40 })
      .map((ps) => ({ kind: 'pushAll' as const, priorities: ps })),
  },
  { weight: 6, arbitrary: fc.constant({ kind: 'pop' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'peek' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'drain' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

describe('PriorityQueue', () => {
  it('matches a stable sorted-array model under random operations', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300, size: 'max' }), (ops) => {
        const queue = new PriorityQueue<Job>(byPriority);
        const model = new SortedModel();
        let nextId = 0;
        for (const o of ops) {
          switch (o.kind) {
            case 'push': {
              const job = { id: nextId++, priority: o.priority };
              queue.push(job);
              model.push(job);
              break;
            }
            case 'pushAll': {
              const jobs = o.priorities.map((p) => ({ id: nextId++, priority: p }));
              queue.pushAll(jobs);
              for (const job of jobs) model.push(job);
              break;
            }
            case 'pop':
              expect(queue.pop()).toBe(model.pop());
              break;
            case 'peek':
              expect(queue.peek()).toBe(model.items[0]);
              break;
            case 'drain':
              expect(queue.drain()).toEqual(model.items.splice(0));
              break;
            case 'clear':
              queue.clear();
              model.items.length = 0;
              break;
          }
          expect(queue.size).toBe(model.items.length);
        }
        expect(queue.drain()).toEqual(model.items);
      }),
      { numRuns: 150 },
    );
  });

  it('pops numbers in ascending order for any input', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true })), (values) => {
        const queue = new PriorityQueue<number>((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        for (const v of values) queue.push(v);
        const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        expect(queue.drain()).toEqual(sorted);
      }),
    );
  });

  it('is stable: equal priorities leave in push order', () => {
    const queue = new PriorityQueue<Job>(byPriority);
    const jobs = Array.from({ length: 100 }, (_, id) => ({ id, priority: id % 3 }));
    for (const job of jobs) queue.push(job);
    const order = queue.drain().map((job) => job.id);
    const expected = [0, 1, 2].flatMap((p) => jobs.filter((job) => job.priority === p).map((job) => job.id));
    expect(order).toEqual(expected);
  });

  it('keeps FIFO order when pushAll rebuilds the heap and when it sifts', () => {
    const rebuilt = new PriorityQueue<Job>(byPriority);
    rebuilt.pushAll(Array.from({ length: 50 }, (_, id) => ({ id, priority: 0 })));
    expect(rebuilt.drain().map((job) => job.id)).toEqual(Array.from({ length: 50 }, (_, id) => id));

    const sifted = new PriorityQueue<Job>(byPriority);
    for (let id = 0; id < 40; id++) sifted.push({ id, priority: 0 });
    sifted.pushAll([40, 41, 42].map((id) => ({ id, priority: 0 })));
    expect(sifted.drain().map((job) => job.id)).toEqual(Array.from({ length: 43 }, (_, id) => id));
  });

  it('keeps what an iterable yielded before throwing, in a valid heap', () => {
    const queue = new PriorityQueue<number>((a, b) => a - b);
    queue.push(5);
    function* failing(): Generator<number> {
      yield 3;
      yield 1;
      throw new Error('source failed');
    }
    expect(() => queue.pushAll(failing())).toThrow('source failed');
    expect(queue.drain()).toEqual([1, 3, 5]);
  });

  it('drains in order and leaves the queue empty and reusable', () => {
    const queue = new PriorityQueue<number>((a, b) => a - b);
    queue.pushAll([5, 1, 4, 2, 3]);
    expect(queue.drain()).toEqual([1, 2, 3, 4, 5]);
    expect(queue.size).toBe(0);
    expect(queue.drain()).toEqual([]);
    queue.push(7);
    expect(queue.pop()).toBe(7);
  });

  it('returns undefined from pop and peek when empty', () => {
    const queue = new PriorityQueue<number>((a, b) => a - b);
    expect(queue.pop()).toBeUndefined();
    expect(queue.peek()).toBeUndefined();
    queue.push(1);
    queue.pop();
    expect(queue.pop()).toBeUndefined();
    expect(queue.size).toBe(0);
  });

  it('peek does not remove', () => {
    const queue = new PriorityQueue<number>((a, b) => b - a);
    queue.pushAll([1, 3, 2]);
    expect(queue.peek()).toBe(3);
    expect(queue.peek()).toBe(3);
    expect(queue.size).toBe(3);
  });

  it('stays ordered and stable across growth, emptying and reuse of a large queue', () => {
    const queue = new PriorityQueue<Job>(byPriority);
    for (let round = 0; round < 2; round++) {
      const jobs = Array.from({ length: 5000 }, (_, id) => ({ id, priority: (id * 7919) % 10 }));
      for (const job of jobs) queue.push(job);
      const expected = [...jobs].sort((a, b) => a.priority - b.priority || a.id - b.id);
      expect(queue.drain()).toEqual(expected);
    }
  });

  it('clear empties the queue', () => {
    const queue = new PriorityQueue<number>((a, b) => a - b);
    queue.pushAll([3, 1, 2]);
    queue.clear();
    expect(queue.size).toBe(0);
    expect(queue.pop()).toBeUndefined();
  });

  it('iterates a snapshot of its contents without consuming them', () => {
    const queue = new PriorityQueue<number>((a, b) => a - b);
    queue.pushAll([3, 1, 2]);
    const seen: number[] = [];
    for (const value of queue) {
      seen.push(value);
      queue.push(value + 10); // must not affect this iteration
    }
    expect(seen.sort((a, b) => a - b)).toEqual([1, 2, 3]);
    expect(queue.size).toBe(6);
  });

  it('rejects a comparator that is not a function with INVALID_ARGUMENT', () => {
    let caught: unknown;
    try {
      new PriorityQueue<number>('ascending' as never);
    } catch (error) {
      caught = error;
    }
    expect(CoreError.isInstance(caught)).toBe(true);
    expect((caught as CoreError).code).toBe('INVALID_ARGUMENT');
  });

  it('releases popped items for garbage collection', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const queue = new PriorityQueue<Job>(byPriority);
    const refs: WeakRef<Job>[] = [];
    for (let id = 0; id < 8; id++) {
      const job = { id, priority: id };
      refs.push(new WeakRef(job));
      queue.push(job);
    }
    for (let i = 0; i < 6; i++) queue.pop();
    // WeakRef targets stay alive until the current job ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    const alive = refs.map((ref) => ref.deref()?.id);
    expect(alive).toEqual([undefined, undefined, undefined, undefined, undefined, undefined, 6, 7]);
    expect(queue.size).toBe(2);
  });

  describe('numeric fast path (no comparator)', () => {
    it('matches a sorted model under random operations, FIFO between 0 and -0', () => {
      // 0 and -0 are equal priorities but distinguishable (Object.is), so FIFO is observable.
      const value = fc.constantFrom(0, -0, 1, -1, 2.5, Number.MAX_VALUE, -Infinity, Infinity);
      const ops = fc.array(fc.oneof(value, fc.constant('pop' as const), fc.constant('clear' as const)), {
        maxLength: 300,
      });
      fc.assert(
        fc.property(ops, (steps) => {
          const queue = new PriorityQueue<number>();
          const model: number[] = [];
          for (const step of steps) {
            if (step === 'pop') {
              const expected = model.shift();
              const got = queue.pop();
              expect(Object.is(got, expected)).toBe(true);
            } else if (step === 'clear') {
              queue.clear();
              model.length = 0;
            } else {
              queue.push(step);
              let i = model.length;
              while (i > 0 && (model[i - 1] as number) > step) i--;
              model.splice(i, 0, step);
            }
            expect(queue.size).toBe(model.length);
            expect(Object.is(queue.peek(), model[0])).toBe(true);
          }
          const drained = queue.drain();
          expect(drained.length).toBe(model.length);
          drained.forEach((v, i) => expect(Object.is(v, model[i])).toBe(true));
        }),
        { numRuns: 150 },
      );
    });

    it('pops numbers in ascending order for any input, across growth and reuse', () => {
      fc.assert(
        fc.property(fc.array(fc.double({ noNaN: true }), { maxLength: 3000 }), (values) => {
          const queue = new PriorityQueue<number>();
          for (let round = 0; round < 2; round++) {
            queue.pushAll(values);
            expect([...queue].length).toBe(values.length);
            const sorted = [...values].sort((a, b) => a - b);
            expect(queue.drain()).toEqual(sorted);
          }
        }),
        { numRuns: 30 },
      );
    });

    it('refuses NaN and non-numbers with INVALID_ARGUMENT', () => {
      const queue = new PriorityQueue<number>();
      for (const bad of [Number.NaN, '1' as never]) {
        let caught: unknown;
        try {
          queue.push(bad);
        } catch (error) {
          caught = error;
        }
        expect((caught as CoreError).code).toBe('INVALID_ARGUMENT');
      }
      expect(queue.size).toBe(0);
    });

    it('needs a comparator for items that are not numbers (a type error)', () => {
      // @ts-expect-error: only numbers may omit the comparator
      expect(() => new PriorityQueue<Job>()).not.toThrow();
    });
  });
});
