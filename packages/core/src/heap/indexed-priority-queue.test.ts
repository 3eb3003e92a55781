import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CoreError } from '../core-error.js';
import { IndexedPriorityQueue, type IndexedEntry } from './indexed-priority-queue.js';

const ascending = (a: number, b: number): number => a - b;

// The reference: a sorted array where a newcomer goes after every equal value (FIFO);
// `update` behaves as remove then push, as documented.
class SortedModel {
  readonly entries: { key: string; value: number }[] = [];

  has(key: string): boolean {
    return this.entries.some((e) => e.key === key);
  }

  get(key: string): number | undefined {
    return this.entries.find((e) => e.key === key)?.value;
  }

  push(key: string, value: number): void {
    let i = this.entries.length;
    while (i > 0 && (this.entries[i - 1] as { value: number }).value > value) i--;
    this.entries.splice(i, 0, { key, value });
  }

  remove(key: string): boolean {
    const i = this.entries.findIndex((e) => e.key === key);
    if (i === -1) return false;
    this.entries.splice(i, 1);
    return true;
  }
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (CoreError.isInstance(error)) return error.code;
    throw error;
  }
  return undefined;
}

function entries(list: readonly IndexedEntry<string, number>[]): [string, number][] {
  return list.map((e) => [e.key, e.value]);
}

type Op =
  | { kind: 'push'; key: string; value: number }
  | { kind: 'update'; key: string; value: number }
  | { kind: 'remove'; key: string }
  | { kind: 'pop' }
  | { kind: 'peek' }
  | { kind: 'drain' }
  | { kind: 'clear' };

// Few values, so ties are common. A few keys make duplicate pushes and updates of missing
// keys common; many keys (and fewer pops) grow the queue past its initial capacity.
function operations(keys: number, shrinking: 'often' | 'rarely'): fc.Arbitrary<Op> {
  const key = fc.integer({ min: 0, max: keys - 1 }).map((k) => `k${k}`);
  const value = fc.integer({ min: 0, max: 4 });
  const often = shrinking === 'often';
  return fc.oneof(
    { weight: 8, arbitrary: fc.record({ kind: fc.constant('push' as const), key, value }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('update' as const), key, value }) },
    { weight: often ? 4 : 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), key }) },
    { weight: often ? 5 : 1, arbitrary: fc.constant({ kind: 'pop' as const }) },
    { weight: 2, arbitrary: fc.constant({ kind: 'peek' as const }) },
    ...(often
      ? [
          { weight: 1, arbitrary: fc.constant({ kind: 'drain' as const }) },
          { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
        ]
      : []),
  );
}

describe('IndexedPriorityQueue', () => {
  it.each([
    ['few keys, comparator', 12, 'often', 300, 100, false],
    ['many keys, comparator', 64, 'rarely', 300, 60, false],
    ['few keys, numeric fast path', 12, 'often', 300, 100, true],
    ['many keys, numeric fast path', 64, 'rarely', 300, 60, true],
  ] as const)(
    'matches a stable sorted-array model under random operations (%s)',
    (_name, keys, shrinking, length, numRuns, numeric) => {
      fc.assert(
        fc.property(fc.array(operations(keys, shrinking), { maxLength: length, size: 'max' }), (ops) => {
          const queue = numeric
            ? new IndexedPriorityQueue<string, number>()
            : new IndexedPriorityQueue<string, number>(ascending);
          const model = new SortedModel();
          for (const o of ops) {
            switch (o.kind) {
              case 'push':
                if (model.has(o.key)) {
                  expect(codeOf(() => queue.push(o.key, o.value))).toBe('INVALID_ARGUMENT');
                } else {
                  queue.push(o.key, o.value);
                  model.push(o.key, o.value);
                }
                break;
              case 'update':
                if (model.has(o.key)) {
                  queue.update(o.key, o.value);
                  model.remove(o.key);
                  model.push(o.key, o.value);
                } else {
                  expect(codeOf(() => queue.update(o.key, o.value))).toBe('INVALID_ARGUMENT');
                }
                break;
              case 'remove':
                expect(queue.remove(o.key)).toBe(model.remove(o.key));
                break;
              case 'pop': {
                const popped = queue.pop();
                const expected = model.entries.shift();
                expect(popped && { key: popped.key, value: popped.value }).toEqual(expected);
                break;
              }
              case 'peek': {
                const head = queue.peek();
                expect(head && { key: head.key, value: head.value }).toEqual(model.entries[0]);
                break;
              }
              case 'drain':
                expect(entries(queue.drain())).toEqual(model.entries.splice(0).map((e) => [e.key, e.value]));
                break;
              case 'clear':
                queue.clear();
                model.entries.length = 0;
                break;
            }
            expect(queue.size).toBe(model.entries.length);
            const probe = 'key' in o ? o.key : 'k0';
            expect(queue.has(probe)).toBe(model.has(probe));
            expect(queue.get(probe)).toBe(model.get(probe));
          }
          expect(entries(queue.drain())).toEqual(model.entries.map((e) => [e.key, e.value]));
        }),
        { numRuns },
      );
    },
  );

  it('is stable: equal values leave in push order', () => {
    const queue = new IndexedPriorityQueue<number, number>(ascending);
    for (let k = 0; k < 60; k++) queue.push(k, k % 3);
    const order = queue.drain().map((e) => e.key);
    const keys = Array.from({ length: 60 }, (_, k) => k);
    const expected = [0, 1, 2].flatMap((v) => keys.filter((k) => k % 3 === v));
    expect(order).toEqual(expected);
  });

  it('sends an updated entry behind entries already queued with its new value', () => {
    const queue = new IndexedPriorityQueue<string, number>(ascending);
    queue.push('a', 1);
    queue.push('b', 2);
    queue.push('c', 2);
    queue.update('a', 2);
    queue.push('d', 2);
    expect(queue.drain().map((e) => e.key)).toEqual(['b', 'c', 'a', 'd']);
  });

  // Pushed in ascending order, the heap is laid out exactly as pushed: k0 is the head,
  // k2 an inner node with two children, k4 a leaf on the left, k6 the tail.
  function sevenEntries(): IndexedPriorityQueue<string, number> {
    const queue = new IndexedPriorityQueue<string, number>(ascending);
    for (let i = 0; i < 7; i++) queue.push(`k${i}`, i * 10);
    return queue;
  }
  const remaining = (queue: IndexedPriorityQueue<string, number>): string[] =>
    queue.drain().map((e) => e.key);

  it.each([
    ['head', 'k0'],
    ['middle', 'k2'],
    ['tail', 'k6'],
  ])('removes the %s', (_where, victim) => {
    const queue = sevenEntries();
    expect(queue.remove(victim)).toBe(true);
    expect(queue.has(victim)).toBe(false);
    expect(queue.size).toBe(6);
    expect(remaining(queue)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6'].filter((k) => k !== victim));
  });

  it('removing from the middle can move the last entry up (not only down)', () => {
    const queue = new IndexedPriorityQueue<string, number>(ascending);
    // Left subtree large values, right subtree small: the tail (right side) must climb
    // when it fills a hole in the left subtree.
    for (const [k, v] of [
      ['root', 0],
      ['L', 50],
      ['R', 1],
      ['LL', 60],
      ['LR', 70],
      ['RL', 2],
      ['RR', 3],
    ] as const) {
      queue.push(k, v);
    }
    expect(queue.remove('LL')).toBe(true);
    expect(queue.drain().map((e) => e.key)).toEqual(['root', 'R', 'RL', 'RR', 'L', 'LR']);
  });

  it('lets an entry that fills a hole climb past a newer parent with an equal value', () => {
    const queue = new IndexedPriorityQueue<string, number>(ascending);
    for (const [k, v] of [
      ['R', 0],
      ['P', 1],
      ['Q', 0],
      ['X', 2],
      ['Y', 2],
      ['Z', 5],
      ['L', 1],
    ] as const) {
      queue.push(k, v);
    }
    queue.update('P', 1); // P stays a parent, now newer than L
    queue.remove('X'); // L, the last entry, fills X's hole under P
    expect(remaining(queue)).toEqual(['R', 'Q', 'L', 'P', 'Y', 'Z']);
  });

  it.each([
    ['head down', 'k0', 35, ['k1', 'k2', 'k3', 'k0', 'k4', 'k5', 'k6']],
    ['middle up', 'k4', -1, ['k4', 'k0', 'k1', 'k2', 'k3', 'k5', 'k6']],
    ['middle down', 'k2', 100, ['k0', 'k1', 'k3', 'k4', 'k5', 'k6', 'k2']],
    ['tail up', 'k6', 5, ['k0', 'k6', 'k1', 'k2', 'k3', 'k4', 'k5']],
    ['head in place', 'k0', 0, ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6']],
  ] as const)('updates the %s', (_where, k, v, order) => {
    const queue = sevenEntries();
    queue.update(k, v);
    expect(queue.get(k)).toBe(v);
    expect(queue.size).toBe(7);
    expect(remaining(queue)).toEqual(order);
  });

  it('removes an absent key with false and keeps the rest', () => {
    const queue = sevenEntries();
    expect(queue.remove('nope')).toBe(false);
    queue.pop();
    expect(queue.remove('k0')).toBe(false);
    expect(queue.size).toBe(6);
  });

  it('returns undefined from pop, peek and get when empty', () => {
    const queue = new IndexedPriorityQueue<string, number>(ascending);
    expect(queue.pop()).toBeUndefined();
    expect(queue.peek()).toBeUndefined();
    expect(queue.get('x')).toBeUndefined();
    expect(queue.has('x')).toBe(false);
    queue.push('x', 1);
    expect(queue.pop()).toEqual({ key: 'x', value: 1 });
    expect(queue.pop()).toBeUndefined();
    expect(queue.has('x')).toBe(false);
  });

  it('drains in order, empties and stays reusable', () => {
    const queue = new IndexedPriorityQueue<string, number>(ascending);
    queue.push('c', 3);
    queue.push('a', 1);
    queue.push('b', 2);
    expect(entries(queue.drain())).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    expect(queue.size).toBe(0);
    expect(queue.has('a')).toBe(false);
    queue.push('a', 9);
    expect(queue.peek()?.value).toBe(9);
  });

  it('clear forgets keys too', () => {
    const queue = sevenEntries();
    queue.clear();
    expect(queue.size).toBe(0);
    expect(queue.has('k3')).toBe(false);
    queue.push('k3', 1);
    expect(queue.size).toBe(1);
  });

  it('hands out entries that do not change when the key is updated later', () => {
    const queue = new IndexedPriorityQueue<string, number>(ascending);
    queue.push('a', 1);
    const head = queue.peek();
    queue.update('a', 5);
    expect(head).toEqual({ key: 'a', value: 1 });
    expect(queue.peek()).toEqual({ key: 'a', value: 5 });
  });

  it('iterates a snapshot of its entries', () => {
    const queue = sevenEntries();
    const keys = [...queue].map((e) => e.key).sort();
    expect(keys).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6']);
    expect(queue.size).toBe(7);
  });

  it('rejects a duplicate push with INVALID_ARGUMENT and leaves the entry alone', () => {
    const queue = new IndexedPriorityQueue<string, number>(ascending);
    queue.push('a', 1);
    let caught: unknown;
    try {
      queue.push('a', 0);
    } catch (error) {
      caught = error;
    }
    expect(CoreError.isInstance(caught)).toBe(true);
    expect((caught as CoreError).code).toBe('INVALID_ARGUMENT');
    expect((caught as CoreError).message).toContain('"a"');
    expect(queue.size).toBe(1);
    expect(queue.get('a')).toBe(1);
  });

  it('rejects an update of a missing key with INVALID_ARGUMENT instead of inserting', () => {
    const queue = new IndexedPriorityQueue<string, number>(ascending);
    queue.push('a', 1);
    queue.pop();
    let caught: unknown;
    try {
      queue.update('a', 2);
    } catch (error) {
      caught = error;
    }
    expect(CoreError.isInstance(caught)).toBe(true);
    expect((caught as CoreError).code).toBe('INVALID_ARGUMENT');
    expect(queue.size).toBe(0);
    expect(queue.has('a')).toBe(false);
  });

  it('rejects a comparator that is not a function with INVALID_ARGUMENT', () => {
    expect(codeOf(() => new IndexedPriorityQueue<string, number>(null as never))).toBe('INVALID_ARGUMENT');
  });

  describe('under churn', () => {
    it('peeks past a removed or superseded head', () => {
      const queue = new IndexedPriorityQueue<string, number>(ascending);
      queue.push('a', 1);
      queue.push('b', 2);
      queue.push('c', 3);
      queue.remove('a');
      expect(queue.peek()).toEqual({ key: 'b', value: 2 });
      queue.update('b', 10);
      expect(queue.peek()).toEqual({ key: 'c', value: 3 });
      expect(queue.size).toBe(2);
      expect(queue.pop()).toEqual({ key: 'c', value: 3 });
      expect(queue.pop()).toEqual({ key: 'b', value: 10 });
      expect(queue.pop()).toBeUndefined();
    });

    it('counts and iterates only live entries, and accepts a removed key again', () => {
      const queue = new IndexedPriorityQueue<string, number>();
      for (let k = 0; k < 10; k++) queue.push(`k${k}`, k);
      queue.remove('k3');
      queue.update('k5', -1);
      queue.update('k5', -2);
      expect(queue.size).toBe(9);
      expect([...queue].map((e) => e.key).sort()).toEqual(
        ['k0', 'k1', 'k2', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9'].sort(),
      );
      expect([...queue].find((e) => e.key === 'k5')?.value).toBe(-2);
      expect(queue.has('k3')).toBe(false);
      expect(queue.get('k3')).toBeUndefined();
      queue.push('k3', 3.5);
      expect(queue.get('k3')).toBe(3.5);
      expect(queue.drain().map((e) => e.key)).toEqual([
        'k5',
        'k0',
        'k1',
        'k2',
        'k3',
        'k4',
        'k6',
        'k7',
        'k8',
        'k9',
      ]);
    });

    it('accepts undefined and NaN as keys', () => {
      const queue = new IndexedPriorityQueue<unknown, number>(ascending);
      queue.push(undefined, 2);
      queue.push(Number.NaN, 1);
      expect(queue.has(undefined)).toBe(true);
      expect(queue.get(Number.NaN)).toBe(1);
      expect(codeOf(() => queue.push(undefined, 0))).toBe('INVALID_ARGUMENT');
      expect(queue.pop()?.key).toBeNaN();
      expect(queue.peek()).toEqual({ key: undefined, value: 2 });
      expect(queue.remove(undefined)).toBe(true);
      expect(queue.size).toBe(0);
    });

    it('forgets a popped key, also once its slot serves another key', () => {
      const queue = new IndexedPriorityQueue<string, number>();
      queue.push('a', 1);
      queue.push('b', 2);
      expect(queue.pop()?.key).toBe('a');
      expect(queue.has('a')).toBe(false);
      expect(queue.get('a')).toBeUndefined();
      expect(queue.remove('a')).toBe(false);
      expect(codeOf(() => queue.update('a', 0))).toBe('INVALID_ARGUMENT');
      queue.push('c', 3); // takes the slot 'a' left
      expect(queue.has('a')).toBe(false);
      expect(queue.get('c')).toBe(3);
      queue.push('a', 0);
      expect(queue.drain().map((e) => e.key)).toEqual(['a', 'b', 'c']);
    });

    it('forgets popped undefined and NaN keys', () => {
      const queue = new IndexedPriorityQueue<unknown, number>();
      queue.push(undefined, 1);
      queue.push(Number.NaN, 2);
      queue.push('last', 3);
      queue.pop();
      queue.pop();
      expect(queue.has(undefined)).toBe(false);
      expect(queue.has(Number.NaN)).toBe(false);
      queue.push(undefined, 4); // reuses a released slot
      expect(queue.has(Number.NaN)).toBe(false);
      expect(queue.get(undefined)).toBe(4);
    });

    it('answers lookups right across the clean-ups of popped keys', () => {
      const queue = new IndexedPriorityQueue<string, number>(ascending);
      const total = 6000;
      for (let i = 0; i < total; i++) queue.push(`k${(i * 7919) % total}`, (i * 7919) % total);
      for (let i = 0; i < 5000; i++) expect(queue.pop()?.key).toBe(`k${i}`);
      for (let i = 0; i < total; i++) {
        expect(queue.has(`k${i}`)).toBe(i >= 5000);
        expect(queue.get(`k${i}`)).toBe(i >= 5000 ? i : undefined);
      }
      for (let i = 0; i < 100; i++) queue.push(`k${i}`, i);
      for (let i = 5000; i < 5100; i++) expect(queue.remove(`k${i}`)).toBe(true);
      queue.update('k5100', -1);
      const expected = ['k5100', ...Array.from({ length: 100 }, (_, i) => `k${i}`)];
      for (let i = 5101; i < total; i++) expected.push(`k${i}`);
      expect(queue.drain().map((e) => e.key)).toEqual(expected);
    });

    it('lets popped keys be garbage collected once they outnumber the queued ones', async () => {
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      const queue = new IndexedPriorityQueue<object, number>();
      const refs: WeakRef<object>[] = [];
      for (let i = 0; i < 4000; i++) {
        const key = { i };
        refs.push(new WeakRef(key));
        queue.push(key, i);
      }
      for (let i = 0; i < 3900; i++) queue.pop();
      // WeakRef targets stay alive until the current job ends.
      await new Promise((resolve) => setTimeout(resolve, 0));
      gc();
      const collected = refs.filter((ref) => ref.deref() === undefined).length;
      // Kept at most: the 100 queued keys, and popped ones up to twice that plus 1024.
      expect(collected).toBeGreaterThanOrEqual(3900 - (2 * 100 + 1024));
      expect(refs.slice(3900).every((ref) => ref.deref() !== undefined)).toBe(true);
      expect(queue.size).toBe(100);
    });

    it.each([false, true])('matches the model under heavy update/remove churn (numeric: %s)', (numeric) => {
      const key = fc.integer({ min: 0, max: 39 }).map((k) => `k${k}`);
      const value = fc.integer({ min: 0, max: 6 });
      const op: fc.Arbitrary<Op> = fc.oneof(
        { weight: 5, arbitrary: fc.record({ kind: fc.constant('push' as const), key, value }) },
        { weight: 6, arbitrary: fc.record({ kind: fc.constant('update' as const), key, value }) },
        { weight: 3, arbitrary: fc.record({ kind: fc.constant('remove' as const), key }) },
        { weight: 1, arbitrary: fc.constant({ kind: 'pop' as const }) },
        { weight: 1, arbitrary: fc.constant({ kind: 'peek' as const }) },
      );
      fc.assert(
        fc.property(fc.array(op, { minLength: 200, maxLength: 800 }), (ops) => {
          const queue = numeric
            ? new IndexedPriorityQueue<string, number>()
            : new IndexedPriorityQueue<string, number>(ascending);
          const model = new SortedModel();
          for (const o of ops) {
            if (o.kind === 'push') {
              if (model.has(o.key)) continue;
              queue.push(o.key, o.value);
              model.push(o.key, o.value);
            } else if (o.kind === 'update') {
              if (!model.has(o.key)) continue;
              queue.update(o.key, o.value);
              model.remove(o.key);
              model.push(o.key, o.value);
            } else if (o.kind === 'remove') {
              expect(queue.remove(o.key)).toBe(model.remove(o.key));
            } else if (o.kind === 'pop') {
              const popped = queue.pop();
              expect(popped && { key: popped.key, value: popped.value }).toEqual(model.entries.shift());
            } else {
              const head = queue.peek();
              expect(head && { key: head.key, value: head.value }).toEqual(model.entries[0]);
            }
            expect(queue.size).toBe(model.entries.length);
          }
          expect(entries(queue.drain())).toEqual(model.entries.map((e) => [e.key, e.value]));
        }),
        { numRuns: 60 },
      );
    });
  });

  describe('numeric fast path (no comparator)', () => {
    it('orders numbers ascending, FIFO among equal values, through push, update and remove', () => {
      const queue = new IndexedPriorityQueue<string, number>();
      for (let k = 0; k < 60; k++) queue.push(`k${k}`, k % 3);
      queue.update('k0', 1); // behind every 1 already queued
      expect(queue.remove('k4')).toBe(true);
      expect(queue.get('k1')).toBe(1);
      const order = queue.drain().map((e) => e.key);
      const expected = [0, 1, 2].flatMap((v) =>
        Array.from({ length: 60 }, (_, k) => k).filter((k) => k % 3 === v && k !== 0 && k !== 4),
      );
      expected.splice(expected.indexOf(58) + 1, 0, 0); // k58 is the last 1 pushed
      expect(order).toEqual(expected.map((k) => `k${k}`));
    });

    it('treats -0 and 0 as equal values and keeps their push order', () => {
      const queue = new IndexedPriorityQueue<string, number>();
      queue.push('zero', 0);
      queue.push('negative-zero', -0);
      queue.push('minus-one', -1);
      expect(queue.drain().map((e) => e.key)).toEqual(['minus-one', 'zero', 'negative-zero']);
    });

    it('keeps its order across growth, emptying and reuse', () => {
      const queue = new IndexedPriorityQueue<number, number>();
      for (let round = 0; round < 2; round++) {
        for (let k = 0; k < 3000; k++) queue.push(k, (k * 7919) % 10);
        for (let k = 0; k < 3000; k += 3) queue.update(k, -1 - ((k * 31) % 7));
        for (let k = 1; k < 3000; k += 5) queue.remove(k);
        const expected = [...queue].map((e) => e.value).sort((a, b) => a - b);
        expect(queue.drain().map((e) => e.value)).toEqual(expected);
        expect(queue.size).toBe(0);
      }
    });

    it('refuses NaN and non-numbers with INVALID_ARGUMENT', () => {
      const queue = new IndexedPriorityQueue<string, number>();
      expect(codeOf(() => queue.push('a', Number.NaN))).toBe('INVALID_ARGUMENT');
      expect(codeOf(() => queue.push('b', '3' as never))).toBe('INVALID_ARGUMENT');
      queue.push('c', 3);
      expect(codeOf(() => queue.update('c', Number.NaN))).toBe('INVALID_ARGUMENT');
      expect(queue.get('c')).toBe(3);
      expect(queue.size).toBe(1);
    });

    it('needs a comparator for values that are not numbers (a type error)', () => {
      // @ts-expect-error: only number values may omit the comparator
      expect(() => new IndexedPriorityQueue<string, Date>()).not.toThrow();
    });
  });
});
