import { PartitionLog } from './partition-log.js';

const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/**
 * The broker's topics, each a fixed array of partition logs.
 *
 * @example
 * const topics = new TopicStore();
 * topics.create('orders', 3); // true
 * topics.partition('orders', 2)?.highWatermark; // 0
 */
export class TopicStore {
  readonly #topics = new Map<string, readonly PartitionLog[]>();

  /** Kafka's rule: 1–249 of `[a-zA-Z0-9._-]`, and neither `.` nor `..`. */
  static isValidName(name: string): boolean {
    return LEGAL_TOPIC_NAME.test(name) && name !== '.' && name !== '..';
  }

  /** Creates the topic; `false` when it already exists. */
  create(name: string, partitions: number): boolean {
    if (this.#topics.has(name)) return false;
    this.#topics.set(
      name,
      Array.from({ length: partitions }, (_, index) => new PartitionLog(name, index)),
    );
    return true;
  }

  partitions(name: string): readonly PartitionLog[] | undefined {
    return this.#topics.get(name);
  }

  partition(name: string, index: number): PartitionLog | undefined {
    return this.#topics.get(name)?.[index];
  }

  names(): string[] {
    return [...this.#topics.keys()];
  }
}
