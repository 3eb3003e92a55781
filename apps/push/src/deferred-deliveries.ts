import { PriorityQueue } from '@herald/core';

interface Deferred {
  at: number;
  run: () => void;
}

/**
 * Work held back until a moment, on one timer for the earliest: live pushes until the end of a
 * recipient's quiet hours, and the webhook sender's wake-ups for its next tries. They live in
 * memory only: a deferred live push's notification is already in the inbox, so a restart loses
 * the live push, never the item (clients read it on resume); a webhook's next try is kept in
 * the store, and the sender finds it again after a restart.
 *
 * @example
 * deferred.schedule(quietEnd, () => void gateway.deliver(notification));
 */
export class DeferredDeliveries {
  readonly #queue = new PriorityQueue<Deferred>((a, b) => a.at - b.at);
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;

  constructor(now: () => number) {
    this.#now = now;
  }

  get size(): number {
    return this.#queue.size;
  }

  /** Runs `run` at `at` (epoch ms), or at once if that has passed. */
  schedule(at: number, run: () => void): void {
    this.#queue.push({ at, run });
    if (at < this.#timerAt) this.#arm();
  }

  /** Drops everything still waiting. */
  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
    this.#queue.drain();
  }

  #arm(): void {
    clearTimeout(this.#timer);
    const head = this.#queue.peek();
    if (head === undefined) {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      return;
    }
    this.#timerAt = head.at;
    // setTimeout holds at most ~24.8 days; a longer wait re-arms when this one fires.
    const delay = Math.min(Math.max(0, head.at - this.#now()), 2 ** 31 - 1);
    this.#timer = setTimeout(() => this.#fire(), delay);
    this.#timer.unref();
  }

  #fire(): void {
    const now = this.#now();
    for (let head = this.#queue.peek(); head !== undefined && head.at <= now; head = this.#queue.peek()) {
      this.#queue.pop()!.run();
    }
    this.#arm();
  }
}
