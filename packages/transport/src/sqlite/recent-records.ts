import type { ConsumedRecord } from '../event-log.js';

/** How much of each partition's tail {@link RecentRecords} keeps. */
export interface RecentRecordsLimits {
  /** Records kept per partition. @defaultValue 1024 */
  maxRecords?: number;
  /** Bytes of record values kept per partition. @defaultValue 4 MiB */
  maxBytes?: number;
}

/** One partition's tail: records with consecutive offsets from `first`. */
interface Tail {
  first: number;
  records: ConsumedRecord[];
  /** Where the live records begin in `records` (dropped ones are spliced out in bulk). */
  start: number;
  bytes: number;
}

/**
 * The latest records this process appended to each partition, so its own consumers read the
 * log's tail from memory instead of from SQLite: a consumer that keeps up reads every record
 * soon after it was written, and every consumer group reads it once more.
 *
 * Only consecutive offsets are kept: when another process appended in between (the SQLite log
 * may be shared), the tail starts over at this process's record, and a read that is not wholly
 * inside a tail is left to the database. Records are added after their transaction committed,
 * so nothing here is unknown to other readers of the file. Records are shared by every reader,
 * as the in-memory driver shares them: handlers must not modify them.
 */
export class RecentRecords {
  readonly #maxRecords: number;
  readonly #maxBytes: number;
  readonly #tails = new Map<string, Tail>();

  constructor(limits: RecentRecordsLimits = {}) {
    this.#maxRecords = limits.maxRecords ?? 1024;
    this.#maxBytes = limits.maxBytes ?? 4 * 1024 * 1024;
  }

  /** Keeps a committed record; one at an offset not following the tail starts a new tail. */
  add(record: ConsumedRecord): void {
    const key = tailKey(record.topic, record.partition);
    const size = record.value.byteLength;
    // Too big to keep: the tail before it stays readable, and the next record starts a new one.
    if (size > this.#maxBytes) return;
    let tail = this.#tails.get(key);
    if (tail === undefined || tail.first + tail.records.length - tail.start !== record.offset) {
      tail = { first: record.offset, records: [], start: 0, bytes: 0 };
      this.#tails.set(key, tail);
    }
    tail.records.push(record);
    tail.bytes += size;
    while (tail.records.length - tail.start > this.#maxRecords || tail.bytes > this.#maxBytes) {
      tail.bytes -= tail.records[tail.start]!.value.byteLength;
      tail.start += 1;
      tail.first += 1;
    }
    if (tail.start >= this.#maxRecords) {
      tail.records.splice(0, tail.start);
      tail.start = 0;
    }
  }

  /**
   * Up to `maxRecords` records from `fromOffset`, when the tail holds `fromOffset`; `undefined`
   * when it does not (the database has them, or nothing is there yet).
   */
  read(
    topic: string,
    partition: number,
    fromOffset: number,
    maxRecords: number,
  ): ConsumedRecord[] | undefined {
    const tail = this.#tails.get(tailKey(topic, partition));
    if (tail === undefined || fromOffset < tail.first) return undefined;
    const from = tail.start + (fromOffset - tail.first);
    if (from >= tail.records.length) return undefined;
    return tail.records.slice(from, from + maxRecords);
  }

  /** Forgets every tail (after retention deleted records, say). */
  clear(): void {
    this.#tails.clear();
  }
}

function tailKey(topic: string, partition: number): string {
  return `${partition}\u0000${topic}`;
}
