import type { Database, Statement, Transaction } from 'better-sqlite3';
import type { ConsumedRecord } from '../event-log.js';
import type { AppendRequest, LogStorage } from '../embedded/log-storage.js';
import { TransportError } from '../transport-error.js';
import { logSchema, logSchemaVersion } from './log-schema.js';
import type { WalCheckpointer } from '@herald/sqlite';

/** A record as the read statement returns it: columns in order, not an object per row. */
type RecordRow = [
  offset: number,
  key: string | null,
  value: Buffer,
  headers: string | null,
  timestamp: number,
];

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

  readonly #checkpointer: WalCheckpointer | undefined;

  constructor(db: Database, checkpointer?: WalCheckpointer) {
    this.#db = db;
    this.#checkpointer = checkpointer;
    db.exec(logSchema);
    const stored = db
      .prepare<[], { value: string }>("SELECT value FROM herald_log_meta WHERE key = 'schema_version'")
      .get();
    if (stored && Number(stored.value) > logSchemaVersion) {
      throw new TransportError(
        'SCHEMA_TOO_NEW',
        `The log in ${db.name} has schema version ${stored.value}, newer than this Herald understands (${logSchemaVersion}). Upgrade Herald.`,
      );
    }
    db.prepare("INSERT OR IGNORE INTO herald_log_meta (key, value) VALUES ('schema_version', ?)").run(
      String(logSchemaVersion),
    );
    this.#statements = prepareStatements(db);
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

  #appendAll(requests: readonly AppendRequest[]): number[][] {
    const { nextOffset, insertRecord, advance } = this.#statements;
    const next = new Map<string, Map<number, number>>();
    const result = requests.map(({ topic, records }) => {
      let partitions = next.get(topic);
      if (!partitions) next.set(topic, (partitions = new Map<number, number>()));
      return records.map((record) => {
        let offset = partitions.get(record.partition);
        if (offset === undefined) {
          const row = nextOffset.get(topic, record.partition);
          if (!row)
            throw new TransportError('INVALID_TOPIC', `Topic ${topic} has no partition ${record.partition}.`);
          offset = row.next_offset;
        }
        const headers = isEmpty(record.headers) ? null : JSON.stringify(record.headers);
        insertRecord.run(
          topic,
          record.partition,
          offset,
          record.key,
          record.value,
          headers,
          record.timestamp,
        );
        partitions.set(record.partition, offset + 1);
        return offset;
      });
    });
    for (const [topic, partitions] of next) {
      for (const [partition, offset] of partitions) advance.run(offset, topic, partition);
    }
    return result;
  }

  read(topic: string, partition: number, fromOffset: number, maxRecords: number): ConsumedRecord[] {
    return this.#statements.read
      .all(topic, partition, fromOffset, maxRecords)
      .map(([offset, key, value, headers, timestamp]) => ({
        topic,
        partition,
        offset,
        key,
        value,
        headers: headers === null ? {} : (JSON.parse(headers) as Record<string, string>),
        timestamp,
      }));
  }

  highWatermark(topic: string, partition: number): number {
    return this.#statements.nextOffset.get(topic, partition)?.next_offset ?? 0;
  }

  lowWatermark(topic: string, partition: number): number {
    return this.#statements.firstOffset.get(topic, partition)?.offset ?? this.highWatermark(topic, partition);
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
          deleted += this.#statements.trim.run({
            topic,
            partition,
            protectedFrom,
            olderThan,
            countCut,
          }).changes;
        }
        return deleted;
      })
      .immediate();
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
    insertRecord: statement<[string, number, number, string | null, Buffer, string | null, number], never>(
      'INSERT INTO herald_log_records (topic, partition, offset, key, value, headers, timestamp) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    read: statement<[string, number, number, number], RecordRow>(
      // LIMIT takes an expression, not a bare parameter: SQLite's planner reads a bare LIMIT
      // parameter's value, so every execution re-prepared the statement (8× the cost of the read).
      'SELECT offset, key, value, headers, timestamp FROM herald_log_records WHERE topic = ? AND partition = ? AND offset >= ? ORDER BY offset LIMIT CAST(? AS INTEGER)',
    ).raw(),
    firstOffset: statement<[string, number], { offset: number }>(
      'SELECT offset FROM herald_log_records WHERE topic = ? AND partition = ? ORDER BY offset LIMIT 1',
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
      never
    >(
      `DELETE FROM herald_log_records WHERE topic = @topic AND partition = @partition AND offset < @protectedFrom
       AND (timestamp < @olderThan OR offset < @countCut)`,
    ),
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
