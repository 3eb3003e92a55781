import type { DeliveryOutcome } from './deliver-batch.js';

interface InFlightBatch {
  /** The offset to commit once this batch and every earlier one are delivered. */
  next: number;
  outcome: DeliveryOutcome | undefined;
  settled: Promise<void>;
}

/**
 * The batches of one partition handed to the handler and not committed yet, oldest first. With
 * a limit above 1 the consumer reads ahead: batch k + 1 reaches the handler while batch k is
 * still being handled (handlers are still called in log order), and offsets are committed only
 * up to the oldest batch not yet delivered, so a crash redelivers everything after it.
 *
 * @example
 * const window = new InFlightBatches(4);
 * window.add(next, deliverBatch(batch, context));
 * const { commit, stopped } = window.takeDelivered();
 */
export class InFlightBatches {
  readonly limit: number;
  readonly #batches: InFlightBatch[] = [];

  constructor(limit: number) {
    this.limit = limit;
  }

  get size(): number {
    return this.#batches.length;
  }

  get full(): boolean {
    return this.#batches.length >= this.limit;
  }

  /** Tracks a batch being delivered; `next` is the offset after its last record. */
  add(next: number, delivery: Promise<DeliveryOutcome>): void {
    const batch: InFlightBatch = { next, outcome: undefined, settled: Promise.resolve() };
    batch.settled = delivery.then(
      (outcome) => {
        batch.outcome = outcome;
      },
      () => {
        batch.outcome = 'stopped';
      },
    );
    this.#batches.push(batch);
  }

  /** Resolves once the oldest batch is settled (at once when none is in flight). */
  async oldestSettled(): Promise<void> {
    await this.#batches[0]?.settled;
  }

  /**
   * Removes the delivered batches at the head: `commit` is the offset to commit (undefined when
   * none), `stopped` is true when the head was abandoned because the member is leaving.
   */
  takeDelivered(): { commit: number | undefined; stopped: boolean } {
    let commit: number | undefined;
    while (this.#batches.length > 0) {
      const head = this.#batches[0]!;
      if (head.outcome === undefined) break;
      if (head.outcome === 'stopped') return { commit, stopped: true };
      commit = head.next;
      this.#batches.shift();
    }
    return { commit, stopped: false };
  }

  /** Waits for every batch in flight to settle, then takes what was delivered. */
  async settleAll(): Promise<{ commit: number | undefined; stopped: boolean }> {
    await Promise.all(this.#batches.map((batch) => batch.settled));
    return this.takeDelivered();
  }
}
