/**
 * Producer ids handed out by InitProducerId, with their epochs.
 *
 * @example
 * const producers = new ProducerRegistry();
 * const { producerId } = producers.allocate();
 * producers.epochOf(producerId); // 0
 */
export class ProducerRegistry {
  readonly #epochs = new Map<number, number>();
  // Starting away from 0 makes a client that invents ids show up as UNKNOWN_PRODUCER_ID.
  #nextId = 1000;

  /** A fresh producer id at epoch 0 (transactions, which would bump epochs, are not served). */
  allocate(): { producerId: number; producerEpoch: number } {
    const producerId = this.#nextId++;
    this.#epochs.set(producerId, 0);
    return { producerId, producerEpoch: 0 };
  }

  /** The current epoch of a producer id, or `undefined` if this broker never issued it. */
  epochOf(producerId: number): number | undefined {
    return this.#epochs.get(producerId);
  }
}
