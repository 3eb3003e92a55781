import { deliverBatch } from '../deliver-batch.js';
import type {
  EventLog,
  LogRecord,
  PublishedRecord,
  SubscribeOptions,
  Subscription,
  TopicOptions,
} from '../event-log.js';
import { RecordPartitioner } from '../partitioner.js';
import { TransportError } from '../transport-error.js';
import { assertSubscribeOptions, assertTopicName, recordValues } from '../validate.js';
import type { AppendNotifier } from './append-notifier.js';
import { EmbeddedGroupMember } from './embedded-group-member.js';
import type { AppendRequest, LogStorage, StoredRecordInput } from './log-storage.js';

/** Settings shared by the embedded drivers (SQLite and in-memory). */
export interface EmbeddedLogOptions {
  /** Partitions of a topic created on first use. @defaultValue 4 */
  defaultPartitions?: number;
  /** Largest record (key + value + headers) accepted. @defaultValue 1048576 */
  maxRecordBytes?: number;
  /** How long a member keeps its partitions without a heartbeat (a crashed process's partitions move after this). @defaultValue 10000 */
  sessionTimeoutMs?: number;
  /** How often a member renews its leases and rebalances. @defaultValue 1000 */
  heartbeatIntervalMs?: number;
  /**
   * How often, while this process has consumers, it asks the storage whether another process
   * appended (SQLite's `data_version`, a few µs); when one did, its consumers read. After a
   * second without such appends it asks ten times less often, until the next one. Appends of
   * this process wake its consumers at once. @defaultValue 2
   */
  pollIntervalMs?: number;
  /**
   * Longest a consumer waits before committing the offsets its handler finished (leaving the
   * group or losing a partition commits at once). After a crash, up to this much of handled
   * records is handed out again. `0` commits after every batch. @defaultValue 100
   */
  commitIntervalMs?: number;
  /** Retention: records older than this, already consumed by every active group, are deleted. @defaultValue 7 days */
  retentionMs?: number;
  /** Retention: at most this many consumed records kept per partition. @defaultValue unlimited */
  retentionMaxRecords?: number;
  /** A group counts as active, and protects its unconsumed records, if it committed within this. @defaultValue 30 days */
  groupActiveMs?: number;
  /** How often retention runs. @defaultValue 60000 */
  retentionIntervalMs?: number;
  /** Clock, for tests. @defaultValue Date.now */
  now?: () => number;
}

/** How long without other processes' appends before the check for them slows down, in ms. */
const quietAfterMs = 1000;
/** How many times less often the check runs once quiet. */
const quietSlowdown = 10;

// Shared by every record published without headers; storage only reads it.
const noHeaders: Record<string, string> = Object.freeze({});

interface PendingAppend {
  topic: string;
  records: StoredRecordInput[];
  resolve: (published: PublishedRecord[]) => void;
  reject: (error: unknown) => void;
}

/**
 * The log engine behind the SQLite and in-memory drivers: group commit of appends,
 * consumer groups over partition leases, retries and dead letters.
 */
export class EmbeddedEventLog implements EventLog {
  readonly driver: string;
  readonly #storage: LogStorage;
  readonly #notifier: AppendNotifier;
  readonly #options: Required<Omit<EmbeddedLogOptions, 'retentionMaxRecords'>> & {
    retentionMaxRecords?: number;
  };
  readonly #members = new Set<EmbeddedGroupMember>();
  readonly #partitioner = new RecordPartitioner();
  #pending: PendingAppend[] = [];
  #flushScheduled = false;
  #retentionTimer: NodeJS.Timeout | undefined;
  /** Set while this process watches for other processes' appends (see #watchElsewhere). */
  #elsewhereTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    driver: string,
    storage: LogStorage,
    notifier: AppendNotifier,
    options: EmbeddedLogOptions = {},
  ) {
    this.driver = driver;
    this.#storage = storage;
    this.#notifier = notifier;
    this.#options = {
      defaultPartitions: options.defaultPartitions ?? 4,
      maxRecordBytes: options.maxRecordBytes ?? 1024 * 1024,
      sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000,
      pollIntervalMs: options.pollIntervalMs ?? 2,
      commitIntervalMs: options.commitIntervalMs ?? 100,
      retentionMs: options.retentionMs ?? 7 * 24 * 3600_000,
      groupActiveMs: options.groupActiveMs ?? 30 * 24 * 3600_000,
      retentionIntervalMs: options.retentionIntervalMs ?? 60_000,
      now: options.now ?? Date.now,
      ...(options.retentionMaxRecords === undefined
        ? {}
        : { retentionMaxRecords: options.retentionMaxRecords }),
    };
    const { commitIntervalMs } = this.#options;
    if (!Number.isFinite(commitIntervalMs) || commitIntervalMs < 0) {
      throw new TransportError(
        'INVALID_ARGUMENT',
        `commitIntervalMs must be a non-negative number, got ${commitIntervalMs}.`,
      );
    }
    const { pollIntervalMs } = this.#options;
    if (!Number.isFinite(pollIntervalMs) || pollIntervalMs < 1) {
      throw new TransportError(
        'INVALID_ARGUMENT',
        `pollIntervalMs must be at least 1, got ${pollIntervalMs}.`,
      );
    }
    if (!Number.isInteger(this.#options.defaultPartitions) || this.#options.defaultPartitions < 1) {
      throw new TransportError(
        'INVALID_ARGUMENT',
        `defaultPartitions must be a positive integer, got ${this.#options.defaultPartitions}.`,
      );
    }
    this.#retentionTimer = setInterval(() => this.runRetention(), this.#options.retentionIntervalMs);
    this.#retentionTimer.unref();
  }

  async ensureTopic(topic: string, options: TopicOptions = {}): Promise<void> {
    this.#assertOpen();
    assertTopicName(topic);
    const partitions = options.partitions ?? this.#options.defaultPartitions;
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new TransportError(
        'INVALID_ARGUMENT',
        `partitions must be a positive integer, got ${partitions}.`,
      );
    }
    this.#storage.ensureTopic(topic, partitions);
    return Promise.resolve();
  }

  async publish(topic: string, records: readonly LogRecord[]): Promise<PublishedRecord[]> {
    this.#assertOpen();
    const values = recordValues(topic, records, this.#options.maxRecordBytes);
    if (records.length === 0) return [];
    const partitions = this.#storage.ensureTopic(topic, this.#options.defaultPartitions);
    const now = this.#options.now();
    const stored = records.map((record, index) => ({
      partition: this.#partitioner.partitionOf(topic, record.key ?? null, partitions),
      key: record.key ?? null,
      value: values[index]!,
      headers: record.headers ? { ...record.headers } : noHeaders,
      timestamp: record.timestamp ?? now,
    }));
    return new Promise((resolve, reject) => {
      this.#pending.push({ topic, records: stored, resolve, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        // Every publish made in this tick joins one transaction: one fsync for all of them.
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    let offsets: number[][];
    try {
      const requests: AppendRequest[] = batch.map(({ topic, records }) => ({ topic, records }));
      offsets = this.#storage.append(requests);
    } catch (error) {
      const failure = new TransportError('UNAVAILABLE', `Append failed: ${(error as Error).message}`, {
        cause: error,
      });
      for (const pending of batch) pending.reject(failure);
      return;
    }
    const touched = new Map<string, Set<number>>();
    batch.forEach((pending, index) => {
      const requestOffsets = offsets[index] ?? [];
      pending.resolve(
        pending.records.map((record, i) => ({
          partition: record.partition,
          offset: requestOffsets[i] ?? -1,
        })),
      );
      let partitions = touched.get(pending.topic);
      if (!partitions) touched.set(pending.topic, (partitions = new Set()));
      for (const record of pending.records) partitions.add(record.partition);
    });
    for (const [topic, partitions] of touched) {
      for (const partition of partitions) this.#notifier.notify(topic, partition);
    }
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.#assertOpen();
    assertSubscribeOptions(options);
    const partitions = this.#storage.ensureTopic(options.topic, this.#options.defaultPartitions);
    const member: EmbeddedGroupMember = new EmbeddedGroupMember({
      storage: this.#storage,
      notifier: this.#notifier,
      subscribe: options,
      partitions,
      sessionTimeoutMs: this.#options.sessionTimeoutMs,
      heartbeatIntervalMs: this.#options.heartbeatIntervalMs,
      commitIntervalMs: this.#options.commitIntervalMs,
      now: this.#options.now,
      deliver: (batch, isStopping) =>
        deliverBatch(batch, {
          options,
          isStopping,
          publishDeadLetter: async (topic, record) => {
            await this.publish(topic, [record]);
          },
        }),
      onClosed: () => {
        this.#members.delete(member);
        if (this.#members.size === 0) this.#stopWatchingElsewhere();
      },
    });
    this.#members.add(member);
    this.#watchElsewhere();
    member.start();
    return Promise.resolve(member);
  }

  /**
   * While this process consumes, asks the storage every `pollIntervalMs` whether another process
   * appended, and wakes the consumers when one did: one cheap check for the whole process, where
   * each partition's consumer used to read the log on its own timer. Quiet for a second, it
   * checks ten times less often: at every 2 ms an idle `herald start` spent about 2 % of a core
   * on the checks alone (each wake-up of an idle thread costs far more than the check).
   */
  #watchElsewhere(): void {
    const storage = this.#storage;
    // Memory no other process reaches: this process's appends are all there are.
    if (this.#elsewhereTimer !== undefined || storage.appendedElsewhere === undefined) return;
    const { pollIntervalMs } = this.#options;
    let lastAppendSeen = performance.now();
    const check = () => {
      let appended = false;
      try {
        appended = storage.appendedElsewhere!();
      } catch {
        // The file briefly unreadable: the next check asks again (and consumers read once a second).
      }
      const now = performance.now();
      if (appended) {
        lastAppendSeen = now;
        this.#notifier.notifyElsewhere();
      }
      const quiet = now - lastAppendSeen > quietAfterMs;
      this.#elsewhereTimer = setTimeout(check, quiet ? pollIntervalMs * quietSlowdown : pollIntervalMs);
      this.#elsewhereTimer.unref();
    };
    this.#elsewhereTimer = setTimeout(check, pollIntervalMs);
    this.#elsewhereTimer.unref();
  }

  #stopWatchingElsewhere(): void {
    clearTimeout(this.#elsewhereTimer);
    this.#elsewhereTimer = undefined;
  }

  /** Deletes consumed records past the retention settings; runs on a timer, callable for tests. */
  runRetention(): number {
    if (this.#closed) return 0;
    const now = this.#options.now();
    return this.#storage.trim(
      now - this.#options.retentionMs,
      now - this.#options.groupActiveMs,
      this.#options.retentionMaxRecords,
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#retentionTimer);
    this.#stopWatchingElsewhere();
    await Promise.all([...this.#members].map((member) => member.close()));
    // Appends already accepted are written before the storage goes away.
    this.#flush();
    await this.#storage.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new TransportError('CLOSED', `The ${this.driver} log is closed.`);
  }
}
