import type { Database, Statement, Transaction } from 'better-sqlite3';
import type { ConsumedRecord } from '../event-log.js';
import type { AppendRequest, LogStorage } from '../embedded/log-storage.js';
import { TransportError } from '../transport-error.js';
import { logMetaSchema, logSchema, logSchemaVersion } from './log-schema.js';
import { migrateLogV1 } from './migrate-log-v1.js';
import { BatchRun, prepareInsertBatch } from './batch-run.js';
import { unpackRecords } from './record-batch.js';
import type { WalCheckpointer } from '@herald/sqlite';

/** A batch as the read statement returns it: columns in order, not an object per row. */
type BatchRow = [baseOffset: number, records: Buffer];

/**
 * Log storage in a SQLite database (WAL). Appends, commits and leases are transactions,
 * so several processes on one machine can share the file: a publisher in ingest, the
 * members of a group in two push processes.
 */
export class SqliteLogStorage implements LogStorage {
  readonly #db: Database;
  readonly #partitionCache = new Map<string, number>();
  readonly #statements: ReturnType<typeof prepareStatements>;
  readonly #appendTransaction: Transaction<(requests: readonly AppendRequest[]) => number[][]>;
  readonly #dataVersion: Statement<[], number>;
  #lastDataVersion: number;
  readonly #appendedSoFar: Statement<[], number>;
  #lastAppendedSoFar: number;

  readonly #checkpointer: WalCheckpointer | undefined;

  constructor(db: Database, checkpointer?: WalCheckpointer) {
    this.#db = db;
    this.#checkpointer = checkpointer;
    db.exec(logMetaSchema);
    const stored = db
      .prepare<[], { value: string }>("SELECT value FROM herald_log_meta WHERE key = 'schema_version'")
      .get();
    if (stored && Number(stored.value) > logSchemaVersion) {
      throw new TransportError(
        'SCHEMA_TOO_NEW',
        `The log in ${db.name} has schema version ${stored.value}, newer than this Herald understands (${logSchemaVersion}). Upgrade Herald.`,
      );
    }
    if (stored === undefined || Number(stored.value) < logSchemaVersion) {
      // Immediate: two processes opening an old file at once migrate it once, one after the other.
      db.transaction(() => {
        db.exec(logSchema);
        migrateLogV1(db);
        db.prepare("INSERT OR REPLACE INTO herald_log_meta (key, value) VALUES ('schema_version', ?)").run(
          String(logSchemaVersion),
        );
      }).immediate();
    }
    this.#statements = prepareStatements(db);
    this.#dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.#lastDataVersion = this.#dataVersion.get()!;
    this.#appendedSoFar = db
      .prepare<[], number>('SELECT coalesce(sum(next_offset), 0) FROM herald_log_partitions')
      .pluck();
    this.#lastAppendedSoFar = this.#appendedSoFar.get()!;
    this.#appendTransaction = db.transaction((requests: readonly AppendRequest[]) =>
      this.#appendAll(requests),
    );
  }

  ensureTopic(topic: string, partitions: number): number {
    const cached = this.#partitionCache.get(topic);
    if (cached !== undefined) return cached;
    const count = this.#db
      .transaction(() => {
        const existing = this.#statements.partitionCount.get(topic)?.count ?? 0;
        if (existing > 0) return existing;
        for (let partition = 0; partition < partitions; partition++)
          this.#statements.createPartition.run(topic, partition);
        return partitions;
      })
      .immediate();
    this.#partitionCache.set(topic, count);
    return count;
  }

  partitionCount(topic: string): number | undefined {
    const count = this.#statements.partitionCount.get(topic)?.count ?? 0;
    return count === 0 ? undefined : count;
  }

  append(requests: readonly AppendRequest[]): number[][] {
    return this.#appendTransaction.immediate(requests);
  }

  /**
   * Each partition's records of the transaction become consecutive offsets, written as batch
   * rows of up to `maxBatchBytes` (record-batch.ts).
   */
  #appendAll(requests: readonly AppendRequest[]): number[][] {
    // Per topic, the runs by partition number (no key string built per record).
    const runs = new Map<string, BatchRun[]>();
    const result = requests.map(({ topic, records }) => {
      let byPartition = runs.get(topic);
      if (byPartition === undefined) runs.set(topic, (byPartition = []));
      return records.map((record) => {
        let run = byPartition[record.partition];
        if (run === undefined) {
          const next = this.#statements.nextOffset.get(topic, record.partition);
          if (!next)
            throw new TransportError('INVALID_TOPIC', `Topic ${topic} has no partition ${record.partition}.`);
          run = new BatchRun(this.#statements.insertBatch, topic, record.partition, next.next_offset);
          byPartition[record.partition] = run;
        }
        return run.add({
          key: record.key,
          value: record.value,
          headers: isEmpty(record.headers) ? null : JSON.stringify(record.headers),
          timestamp: record.timestamp,
        });
      });
    });
    for (const byPartition of runs.values()) {
      for (const run of byPartition) {
        if (run === undefined) continue;
        run.flush();
        this.#statements.advance.run(run.next, run.topic, run.partition);
      }
    }
    return result;
  }

  read(topic: string, partition: number, fromOffset: number, maxRecords: number): ConsumedRecord[] {
    const records: ConsumedRecord[] = [];
    if (maxRecords <= 0) return records;
    // Rows are read one at a time until enough records are in hand: a row holds many.
    for (const [baseOffset, blob] of this.#statements.read.iterate(topic, partition, fromOffset)) {
      unpackRecords(blob, { topic, partition, baseOffset }, fromOffset, records, maxRecords);
      if (records.length >= maxRecords) break;
    }
    return records;
  }

  highWatermark(topic: string, partition: number): number {
    return this.#statements.nextOffset.get(topic, partition)?.next_offset ?? 0;
  }

  lowWatermark(topic: string, partition: number): number {
    return (
      this.#statements.firstOffset.get(topic, partition)?.base_offset ?? this.highWatermark(topic, partition)
    );
  }

  committedOffset(group: string, topic: string, partition: number): number | undefined {
    return this.#statements.committed.get(topic, partition, group)?.next_offset;
  }

  commit(
    group: string,
    topic: string,
    partition: number,
    member: string,
    nextOffset: number,
    now: number,
  ): boolean {
    return this.#db
      .transaction(() => {
        const lease = this.#statements.leaseOwner.get(group, topic, partition);
        if (lease?.owner !== member) return false;
        this.#statements.commit.run(topic, partition, group, nextOffset, now);
        return true;
      })
      .immediate();
  }

  heartbeat(group: string, topic: string, member: string, leaseUntil: number, now: number): string[] {
    return this.#db
      .transaction(() => {
        this.#statements.upsertMember.run(group, topic, member, leaseUntil);
        this.#statements.expireMembers.run(group, topic, now);
        return this.#statements.members.all(group, topic).map((row) => row.member);
      })
      .immediate();
  }

  leave(group: string, topic: string, member: string): void {
    this.#statements.removeMember.run(group, topic, member);
  }

  acquire(
    group: string,
    topic: string,
    partition: number,
    member: string,
    leaseUntil: number,
    now: number,
  ): boolean {
    return this.#statements.acquire.run({ group, topic, partition, member, leaseUntil, now }).changes > 0;
  }

  release(group: string, topic: string, partition: number, member: string): void {
    this.#statements.release.run(group, topic, partition, member);
  }

  trim(olderThan: number, activeSince: number, maxRecordsPerPartition: number | undefined): number {
    return this.#db
      .transaction(() => {
        let deleted = 0;
        for (const { topic, partition, next_offset } of this.#statements.allPartitions.all()) {
          const protectedFrom = this.#statements.slowestGroup.get(topic, partition, activeSince)?.slowest;
          if (protectedFrom === null || protectedFrom === undefined) continue;
          const countCut = maxRecordsPerPartition === undefined ? -1 : next_offset - maxRecordsPerPartition;
          // Whole batches go: one is deleted once all of its records may be.
          for (const count of this.#statements.trim.all({
            topic,
            partition,
            protectedFrom,
            olderThan,
            countCut,
          }))
            deleted += count;
        }
        return deleted;
      })
      .immediate();
  }

  /**
   * SQLite moves a connection's `data_version` when other connections commit (a few µs to ask),
   * never for its own commits. Most of those commits are offsets, leases and heartbeats; an
   * append moves a partition's next offset, and offsets only grow (retention deletes records,
   * never offsets; a batch's rowid may come back once retention has emptied the table), so
   * their sum over the few partition rows tells appends from the rest.
   */
  appendedElsewhere(): boolean {
    const version = this.#dataVersion.get()!;
    if (version === this.#lastDataVersion) return false;
    this.#lastDataVersion = version;
    const appended = this.#appendedSoFar.get()!;
    if (appended === this.#lastAppendedSoFar) return false;
    this.#lastAppendedSoFar = appended;
    return true;
  }

  async close(): Promise<void> {
    await this.#checkpointer?.close();
    if (this.#db.open) this.#db.close();
  }
}

function isEmpty(headers: Record<string, string>): boolean {
  for (const _ in headers) return false;
  return true;
}

function prepareStatements(db: Database) {
  const statement = <P extends unknown[], R>(sql: string): Statement<P, R> => db.prepare<P, R>(sql);
  return {
    partitionCount: statement<[string], { count: number }>(
      'SELECT count(*) AS count FROM herald_log_partitions WHERE topic = ?',
    ),
    createPartition: statement<[string, number], never>(
      'INSERT OR IGNORE INTO herald_log_partitions (topic, partition, next_offset) VALUES (?, ?, 0)',
    ),
    allPartitions: statement<[], { topic: string; partition: number; next_offset: number }>(
      'SELECT topic, partition, next_offset FROM herald_log_partitions',
    ),
    nextOffset: statement<[string, number], { next_offset: number }>(
      'SELECT next_offset FROM herald_log_partitions WHERE topic = ? AND partition = ?',
    ),
    advance: statement<[number, string, number], never>(
      'UPDATE herald_log_partitions SET next_offset = ? WHERE topic = ? AND partition = ?',
    ),
    insertBatch: prepareInsertBatch(db),
    // No LIMIT: read() stops iterating once it has enough. (A bare `LIMIT ?` would also have
    // made SQLite's planner re-prepare the statement on every execution.)
    read: statement<[string, number, number], BatchRow>(
      'SELECT base_offset, records FROM herald_log_batches WHERE topic = ? AND partition = ? AND last_offset >= ? ORDER BY last_offset',
    ).raw(),
    firstOffset: statement<[string, number], { base_offset: number }>(
      'SELECT base_offset FROM herald_log_batches WHERE topic = ? AND partition = ? ORDER BY last_offset LIMIT 1',
    ),
    committed: statement<[string, number, string], { next_offset: number }>(
      'SELECT next_offset FROM herald_log_offsets WHERE topic = ? AND partition = ? AND consumer_group = ?',
    ),
    commit: statement<[string, number, string, number, number], never>(
      `INSERT INTO herald_log_offsets (topic, partition, consumer_group, next_offset, committed_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (topic, partition, consumer_group) DO UPDATE SET next_offset = excluded.next_offset, committed_at = excluded.committed_at`,
    ),
    slowestGroup: statement<[string, number, number], { slowest: number | null }>(
      'SELECT min(next_offset) AS slowest FROM herald_log_offsets WHERE topic = ? AND partition = ? AND committed_at >= ?',
    ),
    trim: statement<
      [{ topic: string; partition: number; protectedFrom: number; olderThan: number; countCut: number }],
      number
    >(
      `DELETE FROM herald_log_batches WHERE topic = @topic AND partition = @partition AND last_offset < @protectedFrom
       AND (max_timestamp < @olderThan OR last_offset < @countCut)
       RETURNING last_offset - base_offset + 1`,
    ).pluck(),
    upsertMember: statement<[string, string, string, number], never>(
      `INSERT INTO herald_log_members (consumer_group, topic, member, lease_until) VALUES (?, ?, ?, ?)
       ON CONFLICT (consumer_group, topic, member) DO UPDATE SET lease_until = excluded.lease_until`,
    ),
    expireMembers: statement<[string, string, number], never>(
      'DELETE FROM herald_log_members WHERE consumer_group = ? AND topic = ? AND lease_until <= ?',
    ),
    members: statement<[string, string], { member: string }>(
      'SELECT member FROM herald_log_members WHERE consumer_group = ? AND topic = ? ORDER BY member',
    ),
    removeMember: statement<[string, string, string], never>(
      'DELETE FROM herald_log_members WHERE consumer_group = ? AND topic = ? AND member = ?',
    ),
    leaseOwner: statement<[string, string, number], { owner: string }>(
      'SELECT owner FROM herald_log_leases WHERE consumer_group = ? AND topic = ? AND partition = ?',
    ),
    acquire: statement<
      [{ group: string; topic: string; partition: number; member: string; leaseUntil: number; now: number }],
      never
    >(
      `INSERT INTO herald_log_leases (consumer_group, topic, partition, owner, lease_until)
       VALUES (@group, @topic, @partition, @member, @leaseUntil)
       ON CONFLICT (consumer_group, topic, partition) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
       WHERE herald_log_leases.owner = @member OR herald_log_leases.lease_until <= @now`,
    ),
    release: statement<[string, string, number, string], never>(
      'DELETE FROM herald_log_leases WHERE consumer_group = ? AND topic = ? AND partition = ? AND owner = ?',
    ),
  };
}
