/**
 * Wakes consumers waiting on a partition the moment a record is appended in this
 * process, so in-process latency is not a polling interval. Appends of other processes
 * reach it through `notifyElsewhere`, from the log's check of the storage.
 */
export class AppendNotifier {
  readonly #waiters = new Map<string, Set<() => void>>();
  readonly #appends = new Map<string, number>();
  /** Commits seen from other processes, to partitions unknown: they count for every partition. */
  #elsewhere = 0;
  /**
   * The waits each signal ends, behind one abort listener per signal: a consumer waits after
   * nearly every record at a trickle, and adding and removing a listener each time cost more
   * than the rest of the wait.
   */
  readonly #untilAborted = new WeakMap<AbortSignal, Set<() => void>>();

  /**
   * How many appends were announced on the partition (this process's, and other processes'
   * commits to any partition): a consumer that read to the end and sees the same count knows
   * nothing came since, and can wait instead of reading again.
   */
  appendCount(topic: string, partition: number): number {
    return (this.#appends.get(`${topic}\u0000${partition}`) ?? 0) + this.#elsewhere;
  }

  /** Resolves on the next append to the partition, or after `timeoutMs`, or when `signal` aborts. */
  wait(topic: string, partition: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    const slot = `${topic}\u0000${partition}`;
    return new Promise((resolve) => {
      let waiters = this.#waiters.get(slot);
      if (!waiters) this.#waiters.set(slot, (waiters = new Set()));
      const aborting = this.#abortingWaits(signal);
      const done = () => {
        clearTimeout(timer);
        aborting.delete(done);
        waiters.delete(done);
        if (waiters.size === 0 && this.#waiters.get(slot) === waiters) this.#waiters.delete(slot);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      aborting.add(done);
      waiters.add(done);
    });
  }

  #abortingWaits(signal: AbortSignal): Set<() => void> {
    let waits = this.#untilAborted.get(signal);
    if (waits === undefined) {
      const ending = new Set<() => void>();
      signal.addEventListener(
        'abort',
        () => {
          for (const done of [...ending]) done();
        },
        { once: true },
      );
      this.#untilAborted.set(signal, (waits = ending));
    }
    return waits;
  }

  /**
   * Another process committed to the log, to partitions it cannot say: every waiting consumer
   * wakes and reads once (an offset commit or a heartbeat costs them an empty read).
   */
  notifyElsewhere(): void {
    this.#elsewhere += 1;
    for (const waiters of [...this.#waiters.values()]) for (const wake of [...waiters]) wake();
  }

  notify(topic: string, partition: number): void {
    const slot = `${topic}\u0000${partition}`;
    this.#appends.set(slot, (this.#appends.get(slot) ?? 0) + 1);
    const waiters = this.#waiters.get(slot);
    if (waiters) for (const wake of [...waiters]) wake();
  }
}
