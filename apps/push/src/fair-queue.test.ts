import { describe, expect, it } from 'vitest';
import { FairQueue } from './fair-queue.js';

function drain<T>(queue: FairQueue<T>): T[] {
  const out: T[] = [];
  for (let item = queue.pop(); item !== undefined; item = queue.pop()) out.push(item);
  return out;
}

describe('FairQueue', () => {
  it('serves a higher rank first, whoever queued it', () => {
    const queue = new FairQueue<string>();
    queue.push('a', 1, 'a-normal');
    queue.push('b', 0, 'b-low');
    queue.push('c', 3, 'c-critical');
    queue.push('a', 2, 'a-high');
    expect(drain(queue)).toEqual(['c-critical', 'a-high', 'a-normal', 'b-low']);
  });

  it("does not let one tenant's flood delay another tenant's next item", () => {
    const queue = new FairQueue<string>();
    for (let i = 0; i < 1000; i++) queue.push('flood', 1, `flood-${i}`);
    expect(queue.pop()).toBe('flood-0');
    queue.push('quiet', 1, 'quiet-0');
    const order = drain(queue);
    // Served right after the flood item queued in the same round, not after the 999 left.
    expect(order.indexOf('quiet-0')).toBeLessThanOrEqual(1);
    expect(order.filter((item) => item.startsWith('flood'))).toEqual(
      Array.from({ length: 999 }, (_, i) => `flood-${i + 1}`),
    );
  });

  it('alternates between busy tenants and keeps each tenant in FIFO order', () => {
    const queue = new FairQueue<string>();
    for (let i = 0; i < 3; i++) queue.push('a', 1, `a${i}`);
    for (let i = 0; i < 3; i++) queue.push('b', 1, `b${i}`);
    expect(drain(queue)).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2']);
    expect(queue.size).toBe(0);
    expect(queue.pop()).toBeUndefined();
  });
});
