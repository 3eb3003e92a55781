import { describe, expect, it } from 'vitest';
import { runBounded } from './run-bounded.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('runBounded', () => {
  it('keeps exactly `concurrency` tasks running while there is work, results in input order', async () => {
    let running = 0;
    let most = 0;
    const results = await runBounded(
      Array.from({ length: 30 }, (_, i) => i),
      5,
      async (item) => {
        most = Math.max(most, ++running);
        await sleep(item % 3);
        running--;
        return item * 2;
      },
    );
    expect(most).toBe(5);
    expect(results).toEqual(Array.from({ length: 30 }, (_, i) => i * 2));
  });

  it('handles no items, and fewer items than the concurrency', async () => {
    expect(await runBounded([], 4, () => Promise.resolve(1))).toEqual([]);
    expect(await runBounded(['a'], 4, (item) => Promise.resolve(item.toUpperCase()))).toEqual(['A']);
  });

  it('starts nothing after a failure, waits for the running tasks, and rejects with the first error', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const running = runBounded(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async (item) => {
        started.push(item);
        if (item === 1) throw new Error('first');
        if (item === 2) {
          await sleep(5);
          throw new Error('second');
        }
        await sleep(20);
        finished.push(item);
      },
    );
    await expect(running).rejects.toThrow('first');
    expect(started).toEqual([0, 1, 2]);
    expect(finished).toEqual([0]);
  });
});
