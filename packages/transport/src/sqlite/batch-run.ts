import type { Database, Statement } from 'better-sqlite3';
import { maxBatchBytes, packRecords, packedSize, type BatchedRecord } from './record-batch.js';

/** The statement that writes one batch row. */
export type InsertBatch = Statement<[string, number, number, number, number, Buffer], never>;

/** Prepares the insert of a batch row: `(topic, partition, last, base, newest timestamp, blob)`. */
export function prepareInsertBatch(db: Database): InsertBatch {
  return db.prepare(
    'INSERT INTO herald_log_batches (topic, partition, last_offset, base_offset, max_timestamp, records) VALUES (?, ?, ?, ?, ?, ?)',
  );
}

/**
 * One partition's consecutive records on their way to batch rows, for an append and for the
 * migration of a version 1 log alike: records are added in offset order and written as rows of
 * up to `maxBatchBytes` (a larger record gets a row of its own).
 */
export class BatchRun {
  readonly topic: string;
  readonly partition: number;
  readonly #insert: InsertBatch;
  /** The offset of `#pending`'s first record. */
  #base: number;
  #pending: BatchedRecord[] = [];
  #pendingBytes = 0;

  constructor(insert: InsertBatch, topic: string, partition: number, next: number) {
    this.#insert = insert;
    this.topic = topic;
    this.partition = partition;
    this.#base = next;
  }

  /** The offset the next record added gets. */
  get next(): number {
    return this.#base + this.#pending.length;
  }

  /** Adds a record at `next`; returns its offset. A row is written first if it would overflow. */
  add(record: BatchedRecord): number {
    const size = packedSize(record);
    if (this.#pendingBytes + size > maxBatchBytes) this.flush();
    this.#pending.push(record);
    this.#pendingBytes += size;
    return this.next - 1;
  }

  /** Writes the records added since the last row, and carries on from `offset` (a gap in a version 1 log). */
  continueAt(offset: number): void {
    this.flush();
    this.#base = offset;
  }

  /** Writes the records added since the last row. */
  flush(): void {
    const count = this.#pending.length;
    if (count === 0) return;
    let newest = 0;
    for (const record of this.#pending) if (record.timestamp > newest) newest = record.timestamp;
    const blob = packRecords(this.#pending, this.#pendingBytes);
    this.#insert.run(this.topic, this.partition, this.#base + count - 1, this.#base, newest, blob);
    this.#base += count;
    this.#pending = [];
    this.#pendingBytes = 0;
  }
}
