/**
 * Wakes consumers waiting on a partition the moment a record is appended in this
 * process, so in-process latency is not a polling interval. Consumers in other
 * processes fall back to a short poll.
 */
export class AppendNotifier {
  readonly #waiters = new Map<string, Set<() => void>>();

  /** Resolves on the next append to the partition, or after `timeoutMs`, or when `signal` aborts. */
  wait(topic: string, partition: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    const slot = `${topic}\u0000${partition}`;
    return new Promise((resolve) => {
      let waiters = this.#waiters.get(slot);
      if (!waiters) this.#waiters.set(slot, (waiters = new Set()));
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        waiters.delete(done);
        if (waiters.size === 0 && this.#waiters.get(slot) === waiters) this.#waiters.delete(slot);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done, { once: true });
      waiters.add(done);
    });
  }

  notify(topic: string, partition: number): void {
    const waiters = this.#waiters.get(`${topic}\u0000${partition}`);
    if (waiters) for (const wake of [...waiters]) wake();
  }
}
