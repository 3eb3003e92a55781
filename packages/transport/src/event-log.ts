/** A record's payload: bytes, or a string stored as UTF-8. */
export type RecordValue = Uint8Array | string;

/** A record to append. */
export interface LogRecord {
  /** Records with the same key go to the same partition, in order. `null` spreads records round-robin. */
  key?: string | null;
  value: RecordValue;
  headers?: Readonly<Record<string, string>>;
  /** Epoch milliseconds. @defaultValue the time of the append */
  timestamp?: number;
}

/** Where an appended record landed. */
export interface PublishedRecord {
  partition: number;
  offset: number;
}

/** A record as a consumer receives it. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  timestamp: number;
}

/** Consecutive records of one partition, handed to a handler together. */
export interface ConsumedBatch {
  topic: string;
  partition: number;
  records: readonly ConsumedRecord[];
}

/** Handles a batch; throwing (or rejecting) means "not done": the batch is retried. */
export type BatchHandler = (batch: ConsumedBatch) => Promise<void> | void;

/** Retry of a failing handler before its record goes to the dead-letter topic. */
export interface RetryPolicy {
  /** Attempts per record, the first included. @defaultValue 5 */
  maxAttempts?: number;
  /** Delay before the second attempt; doubles each time, with jitter. @defaultValue 100 */
  initialDelayMs?: number;
  /** Cap on the delay between attempts. @defaultValue 5000 */
  maxDelayMs?: number;
}

/** A consumer group member's settings. */
export interface SubscribeOptions {
  topic: string;
  /** Instances with the same group split the topic's partitions; each group sees every record. */
  group: string;
  handler: BatchHandler;
  /** Where a group with no committed offset starts. @defaultValue 'earliest' */
  startFrom?: 'earliest' | 'latest';
  /** Most records handed to the handler at once. @defaultValue 500 */
  maxBatchSize?: number;
  /**
   * Batches of one partition the handler may hold at once. Above 1 the consumer reads ahead:
   * the next batch is handed over before the previous one resolves (handlers are still called in
   * log order), and offsets commit only up to the oldest unfinished batch, so at-least-once
   * holds. A handler that needs per-key order must then order its own work by call order.
   * @defaultValue 1
   */
  maxInFlightBatches?: number;
  /**
   * How long a consumer woken by a new record waits for more before reading, so that a group
   * that needs no low latency reads and handles records in batches instead of one at a time
   * (each read, wake-up and handler call costs as much again). Embedded drivers; Kafka
   * consumers take what each fetch brings. @defaultValue 0
   */
  batchWaitMs?: number;
  retry?: RetryPolicy;
  /**
   * Where a record goes after `retry.maxAttempts` failures, with the error in headers.
   * `false` retries forever instead, holding the partition. @defaultValue `${topic}.dlq`
   */
  deadLetterTopic?: string | false;
  /** Told about every handler failure (the log carries on by its retry policy). */
  onError?: (error: unknown, record: ConsumedRecord | undefined) => void;
}

/** A running group member. */
export interface Subscription extends AsyncDisposable {
  readonly topic: string;
  readonly group: string;
  /** The partitions this member consumes right now. */
  assignedPartitions(): readonly number[];
  /** Leaves the group after the batch in hand; uncommitted work goes to the other members. Idempotent. */
  close(): Promise<void>;
}

/** Settings for a topic created on demand. */
export interface TopicOptions {
  /** @defaultValue the log's `defaultPartitions` */
  partitions?: number;
}

/**
 * The durable, partitioned event log that ingest, push and scheduler share. One
 * interface, several drivers (embedded SQLite, Kafka, in-memory), chosen by URL.
 */
export interface EventLog extends AsyncDisposable {
  /** The driver's name: `sqlite`, `memory` or `kafka`. */
  readonly driver: string;
  /** Creates the topic if it does not exist; an existing topic keeps its partitions. */
  ensureTopic(topic: string, options?: TopicOptions): Promise<void>;
  /** Appends records; resolves once they are durable, in the order given. */
  publish(topic: string, records: readonly LogRecord[]): Promise<PublishedRecord[]>;
  /** Joins a consumer group and starts handing batches to the handler. */
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Stops every subscription and releases the driver. Idempotent. */
  close(): Promise<void>;
}
