import { ErrorCode } from './error-code.js';
import type { RecordBatch } from './record-batch.js';

/** A batch as stored: the client's bytes with the broker's base offset written in. */
interface StoredBatch {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly firstTimestamp: number;
  readonly maxTimestamp: number;
  readonly bytes: Buffer;
}

/** A recent batch of an idempotent producer, kept to recognise a retry. */
interface SequencedBatch {
  readonly baseSequence: number;
  readonly baseOffset: number;
}

/** What the partition remembers about one idempotent producer. */
interface ProducerSequence {
  nextSequence: number;
  readonly recent: SequencedBatch[];
}

/** Outcome of an append: the batch's base offset, or why it was refused. */
export type AppendResult =
  | { readonly errorCode: typeof ErrorCode.NONE; readonly baseOffset: number }
  | { readonly errorCode: typeof ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER; readonly baseOffset: -1 };

/** Kafka keeps this many batches per producer and partition for duplicate detection. */
const RECENT_BATCHES = 5;

const MAX_SEQUENCE = 0x7fffffff;

/**
 * One partition's log: whole record batches in offset order, never split or rewritten
 * beyond the base offset and partition leader epoch (both outside the CRC).
 *
 * @example
 * const log = new PartitionLog('orders', 0);
 * const { baseOffset } = log.append(batch);
 * log.read(baseOffset, 1 << 20); // [the stored batch bytes]
 */
export class PartitionLog {
  readonly topic: string;
  readonly partition: number;
  readonly #batches: StoredBatch[] = [];
  readonly #producers = new Map<number, ProducerSequence>();
  readonly #listeners = new Set<() => void>();
  #highWatermark = 0;

  constructor(topic: string, partition: number) {
    this.topic = topic;
    this.partition = partition;
  }

  /** The offset the next batch gets; with one replica it is also the log end offset. */
  get highWatermark(): number {
    return this.#highWatermark;
  }

  /** Nothing is ever deleted, so the log always starts at 0. */
  get logStartOffset(): number {
    return 0;
  }

  /**
   * Appends a validated batch. For an idempotent producer (id ≥ 0) a retry of one of
   * its recent batches returns the original offset without appending again, and any
   * other sequence than the next expected one is refused.
   */
  append(batch: RecordBatch): AppendResult {
    const sequence = batch.producerId >= 0 ? this.#producers.get(batch.producerId) : undefined;
    if (batch.producerId >= 0) {
      const retry = sequence?.recent.find((recent) => recent.baseSequence === batch.baseSequence);
      if (retry) return { errorCode: ErrorCode.NONE, baseOffset: retry.baseOffset };
      if (batch.baseSequence !== (sequence?.nextSequence ?? 0)) {
        return { errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1 };
      }
    }

    const baseOffset = this.#highWatermark;
    const bytes = Buffer.from(batch.bytes);
    bytes.writeBigInt64BE(BigInt(baseOffset), 0);
    bytes.writeInt32BE(0, 12);
    const lastOffset = baseOffset + batch.lastOffsetDelta;
    this.#batches.push({
      baseOffset,
      lastOffset,
      firstTimestamp: batch.firstTimestamp,
      maxTimestamp: batch.maxTimestamp,
      bytes,
    });
    this.#highWatermark = lastOffset + 1;

    if (batch.producerId >= 0) {
      const state = sequence ?? { nextSequence: 0, recent: [] };
      // Sequences wrap to 0 after the int32 maximum, as in Kafka.
      state.nextSequence = (batch.baseSequence + batch.lastOffsetDelta + 1) % (MAX_SEQUENCE + 1);
      state.recent.push({ baseSequence: batch.baseSequence, baseOffset });
      if (state.recent.length > RECENT_BATCHES) state.recent.shift();
      this.#producers.set(batch.producerId, state);
    }

    for (const listener of [...this.#listeners]) listener();
    return { errorCode: ErrorCode.NONE, baseOffset };
  }

  /**
   * Whole batches whose last offset is at or after `offset`, within `maxBytes`. The
   * first one is always included, however large: a consumer that got nothing below the
   * high watermark would otherwise skip ahead or stall.
   */
  read(offset: number, maxBytes: number): Buffer[] {
    const batches: Buffer[] = [];
    let size = 0;
    for (let index = this.#firstBatchEndingAtOrAfter(offset); index < this.#batches.length; index++) {
      const { bytes } = this.#batches[index]!;
      if (batches.length > 0 && size + bytes.length > maxBytes) break;
      batches.push(bytes);
      size += bytes.length;
    }
    return batches;
  }

  /**
   * The first record of the first batch holding a record at or after `timestamp`, or
   * `undefined` when every record is older. Batch granularity never skips a match (the
   * broker does not decompress records), at the cost of a few earlier records.
   */
  offsetForTimestamp(timestamp: number): { offset: number; timestamp: number } | undefined {
    const batch = this.#batches.find((candidate) => candidate.maxTimestamp >= timestamp);
    return batch && { offset: batch.baseOffset, timestamp: batch.firstTimestamp };
  }

  /** Calls `listener` after every append until the returned function is called. */
  onAppend(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #firstBatchEndingAtOrAfter(offset: number): number {
    let low = 0;
    let high = this.#batches.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#batches[middle]!.lastOffset < offset) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
