import type { ConsumedRecord } from '../event-log.js';

/** A record ready to store: partition chosen, value in bytes. */
export interface StoredRecordInput {
  partition: number;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  timestamp: number;
}

/** One topic's share of a group commit. */
export interface AppendRequest {
  topic: string;
  records: readonly StoredRecordInput[];
}

/**
 * What the embedded log engine needs from a storage backend. Every call is synchronous
 * (better-sqlite3 is), so each one is atomic with respect to the others in this process;
 * the SQLite backend also makes them atomic across processes with transactions.
 */
export interface LogStorage {
  /** Creates the topic with `partitions` if absent; returns its partition count. */
  ensureTopic(topic: string, partitions: number): number;
  partitionCount(topic: string): number | undefined;
  /** Appends every request in one durable transaction; returns the offsets, per request, per record. */
  append(requests: readonly AppendRequest[]): number[][];
  read(topic: string, partition: number, fromOffset: number, maxRecords: number): ConsumedRecord[];
  /** The offset the next appended record will get. */
  highWatermark(topic: string, partition: number): number;
  /** The first offset still stored (retention deletes below it). */
  lowWatermark(topic: string, partition: number): number;
  committedOffset(group: string, topic: string, partition: number): number | undefined;
  /** Commits if `member` still holds the partition's lease; false means it was fenced off. */
  commit(
    group: string,
    topic: string,
    partition: number,
    member: string,
    nextOffset: number,
    now: number,
  ): boolean;
  /** Renews the member's lease and returns the live members of the group, sorted. */
  heartbeat(group: string, topic: string, member: string, leaseUntil: number, now: number): string[];
  leave(group: string, topic: string, member: string): void;
  /** Takes or renews a partition lease: succeeds when the partition is free, expired or already the member's. */
  acquire(
    group: string,
    topic: string,
    partition: number,
    member: string,
    leaseUntil: number,
    now: number,
  ): boolean;
  release(group: string, topic: string, partition: number, member: string): void;
  /**
   * Whether another connection appended since the last call: how this process learns of other
   * processes' appends, which its own notifier never hears of. Cheap, so it can be asked every
   * few milliseconds; it may also answer true for this process's own appends. A storage no
   * other process can reach has none.
   */
  appendedElsewhere?(): boolean;
  /** Deletes records older than `before` below every live group's committed offset; returns how many. */
  trim(olderThan: number, activeSince: number, maxRecordsPerPartition: number | undefined): number;
  close(): void | Promise<void>;
}
