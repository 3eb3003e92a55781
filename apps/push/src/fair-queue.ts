import { PriorityQueue } from '@herald/core';

interface Entry<T> {
  rank: number;
  tag: number;
  item: T;
}

/**
 * Work ordered by priority first and, within a priority, fairly across tenants: each item gets a
 * virtual start tag one past the later of its tenant's previous tag and the tag last served
 * (start-time fair queuing). A tenant that floods the queue gets tags far ahead, so another
 * tenant's next item is served after at most one item of each busy tenant, not after the flood;
 * and a `critical` item of anyone goes before every lower priority.
 *
 * @example
 * const queue = new FairQueue<Work>();
 * queue.push('acme', 3, work);
 * const next = queue.pop();
 */
export class FairQueue<T> {
  readonly #heap = new PriorityQueue<Entry<T>>((a, b) => b.rank - a.rank || a.tag - b.tag);
  readonly #lastTag = new Map<string, number>();
  #served = 0;

  get size(): number {
    return this.#heap.size;
  }

  /** Queues `item` for `tenant`; a larger `rank` is served first. */
  push(tenant: string, rank: number, item: T): void {
    const tag = Math.max(this.#served, this.#lastTag.get(tenant) ?? 0) + 1;
    this.#lastTag.set(tenant, tag);
    this.#heap.push({ rank, tag, item });
  }

  /** The next item, or `undefined` when empty. */
  pop(): T | undefined {
    const entry = this.#heap.pop();
    if (entry === undefined) return undefined;
    this.#served = Math.max(this.#served, entry.tag);
    if (this.#heap.size === 0) {
      // Nothing waits: every tenant starts level again, and the map does not grow without bound.
      this.#lastTag.clear();
      this.#served = 0;
    }
    return entry.item;
  }
}
