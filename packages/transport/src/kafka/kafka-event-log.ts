import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import { deliverBatch } from '../deliver-batch.js';
import { InFlightBatches } from '../in-flight-batches.js';
import type {
  ConsumedRecord,
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
import type { KafkaLogOptions } from './create-kafka-log.js';

function unavailable(brokers: string[], error: unknown): TransportError {
  if (TransportError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TransportError(
    'UNAVAILABLE',
    `Kafka at ${brokers.join(',')} is unavailable: ${message}. Check the brokers in the log URL and that they are reachable.`,
    { cause: error },
  );
}

/** The kafkajs-backed event log (see `createKafkaLog`). */
export class KafkaEventLog implements EventLog {
  readonly driver = 'kafka';
  readonly #options: KafkaLogOptions;
  readonly #kafka: Kafka;
  readonly #partitions = new Map<string, number>();
  readonly #partitioner = new RecordPartitioner();
  readonly #subscriptions = new Set<KafkaSubscription>();
  #admin: Promise<Admin> | undefined;
  #producer: Promise<Producer> | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: KafkaLogOptions) {
    this.#options = options;
    this.#kafka = new Kafka({
      clientId: options.clientId ?? 'herald',
      brokers: options.brokers,
      ...(options.ssl === undefined ? {} : { ssl: options.ssl }),
      ...(options.sasl === undefined ? {} : { sasl: options.sasl }),
      connectionTimeout: options.connectionTimeoutMs ?? 3000,
      retry: { retries: options.retries ?? 5, initialRetryTime: 100, maxRetryTime: 2000 },
      logLevel: options.logger ? logLevel.WARN : logLevel.NOTHING,
      logCreator: () => (entry) => {
        const { message, ...detail } = entry.log;
        options.logger?.({ level: entry.level === logLevel.ERROR ? 'error' : 'warn', message, detail });
      },
    });
  }

  get kafka(): Kafka {
    return this.#kafka;
  }

  #connectAdmin(): Promise<Admin> {
    this.#admin ??= (async () => {
      const admin = this.#kafka.admin();
      await admin.connect();
      return admin;
    })().catch((error: unknown) => {
      this.#admin = undefined;
      throw unavailable(this.#options.brokers, error);
    });
    return this.#admin;
  }

  #connectProducer(): Promise<Producer> {
    this.#producer ??= (async () => {
      const producer = this.#kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
      });
      await producer.connect();
      return producer;
    })().catch((error: unknown) => {
      this.#producer = undefined;
      throw unavailable(this.#options.brokers, error);
    });
    return this.#producer;
  }

  async ensureTopic(topic: string, options: TopicOptions = {}): Promise<void> {
    this.#assertOpen();
    assertTopicName(topic);
    const { partitions } = options;
    if (partitions !== undefined && (!Number.isInteger(partitions) || partitions < 1)) {
      throw new TransportError(
        'INVALID_ARGUMENT',
        `partitions must be a positive integer, got ${partitions}.`,
      );
    }
    await this.#partitionCount(topic, partitions);
  }

  async #partitionCount(topic: string, wanted?: number): Promise<number> {
    const known = this.#partitions.get(topic);
    if (known !== undefined) return known;
    const admin = await this.#connectAdmin();
    try {
      await admin.createTopics({
        topics: [
          {
            topic,
            numPartitions: wanted ?? this.#options.defaultPartitions ?? 4,
            replicationFactor: this.#options.replicationFactor ?? -1,
          },
        ],
        waitForLeaders: true,
      });
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      const count = metadata.topics[0]?.partitions.length ?? 0;
      if (count === 0) throw new Error(`topic ${topic} has no partitions`);
      this.#partitions.set(topic, count);
      return count;
    } catch (error) {
      throw unavailable(this.#options.brokers, error);
    }
  }

  async publish(topic: string, records: readonly LogRecord[]): Promise<PublishedRecord[]> {
    this.#assertOpen();
    const values = recordValues(topic, records, this.#options.maxRecordBytes ?? 1024 * 1024);
    if (records.length === 0) return [];
    const partitions = await this.#partitionCount(topic);
    const producer = await this.#connectProducer();
    // Partitions are chosen here, with Kafka's own murmur2, so each record's offset is known.
    const placed = records.map((record, index) => ({
      partition: this.#partitioner.partitionOf(topic, record.key ?? null, partitions),
      record,
      value: values[index]!,
    }));
    let metadata;
    try {
      metadata = await producer.send({
        topic,
        acks: -1,
        messages: placed.map(({ partition, record, value }) => ({
          partition,
          key: record.key ?? null,
          value,
          headers: { ...record.headers },
          ...(record.timestamp === undefined ? {} : { timestamp: String(record.timestamp) }),
        })),
      });
    } catch (error) {
      throw unavailable(this.#options.brokers, error);
    }
    const next = new Map(metadata.map((m) => [m.partition, Number(m.baseOffset ?? m.offset ?? 0)]));
    return placed.map(({ partition }) => {
      const offset = next.get(partition) ?? -1;
      next.set(partition, offset + 1);
      return { partition, offset };
    });
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.#assertOpen();
    assertSubscribeOptions(options);
    await this.#partitionCount(options.topic);
    const consumer = this.#kafka.consumer({
      groupId: options.group,
      sessionTimeout: this.#options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: this.#options.heartbeatIntervalMs ?? 1000,
      rebalanceTimeout: this.#options.rebalanceTimeoutMs ?? 10_000,
      maxWaitTimeInMs: this.#options.maxWaitTimeMs ?? 100,
      allowAutoTopicCreation: false,
    });
    const subscription = new KafkaSubscription(consumer, options, this, () =>
      this.#subscriptions.delete(subscription),
    );
    this.#subscriptions.add(subscription);
    try {
      await subscription.start();
    } catch (error) {
      await subscription.close();
      throw unavailable(this.#options.brokers, error);
    }
    return subscription;
  }

  async close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all([...this.#subscriptions].map((subscription) => subscription.close()));
      const producer = this.#producer?.catch(() => undefined);
      const admin = this.#admin?.catch(() => undefined);
      await (await producer)?.disconnect();
      await (await admin)?.disconnect();
    })();
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #assertOpen(): void {
    if (this.#closing) throw new TransportError('CLOSED', 'The kafka log is closed.');
  }
}

/** One kafkajs consumer group member. */
class KafkaSubscription implements Subscription {
  readonly topic: string;
  readonly group: string;
  readonly id = randomUUID();
  readonly #consumer: Consumer;
  readonly #options: SubscribeOptions;
  readonly #log: KafkaEventLog;
  readonly #onClosed: () => void;
  #assigned: number[] = [];
  #closing: Promise<void> | undefined;

  constructor(consumer: Consumer, options: SubscribeOptions, log: KafkaEventLog, onClosed: () => void) {
    this.#consumer = consumer;
    this.#options = options;
    this.#log = log;
    this.#onClosed = onClosed;
    this.topic = options.topic;
    this.group = options.group;
  }

  assignedPartitions(): readonly number[] {
    return this.#assigned;
  }

  async start(): Promise<void> {
    const consumer = this.#consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      this.#assigned = [...(event.payload.memberAssignment[this.topic] ?? [])].sort((a, b) => a - b);
    });
    await consumer.connect();
    await consumer.subscribe({
      topics: [this.topic],
      fromBeginning: (this.#options.startFrom ?? 'earliest') === 'earliest',
    });
    const maxBatchSize = this.#options.maxBatchSize ?? 500;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        const records: ConsumedRecord[] = batch.messages.map((message) => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: Number(message.offset),
          key: message.key === null ? null : message.key.toString('utf8'),
          value: message.value ?? Buffer.alloc(0),
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([name, value]) => [
              name,
              Buffer.isBuffer(value) ? value.toString('utf8') : String(value ?? ''),
            ]),
          ),
          timestamp: Number(message.timestamp),
        }));
        const isStopping = () => this.#closing !== undefined || !payload.isRunning() || payload.isStale();
        const inFlight = new InFlightBatches(this.#options.maxInFlightBatches ?? 1);
        const commitDelivered = async (delivered: { commit: number | undefined }): Promise<void> => {
          if (delivered.commit === undefined) return;
          // kafkajs refetches from the last resolved offset, so resolve what was handled.
          payload.resolveOffset(String(delivered.commit - 1));
          const offset = String(delivered.commit);
          await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset }]);
          await payload.heartbeat();
        };
        let stopped = false;
        for (let start = 0; start < records.length && !stopped && !isStopping(); start += maxBatchSize) {
          while (inFlight.full && !stopped) {
            await inFlight.oldestSettled();
            const delivered = inFlight.takeDelivered();
            stopped = delivered.stopped;
            await commitDelivered(delivered);
          }
          if (stopped) break;
          const chunk = records.slice(start, start + maxBatchSize);
          inFlight.add(
            chunk[chunk.length - 1]!.offset + 1,
            deliverBatch(
              { topic: batch.topic, partition: batch.partition, records: chunk },
              {
                options: this.#options,
                isStopping,
                publishDeadLetter: async (topic, record) => {
                  await this.#log.publish(topic, [record]);
                },
              },
            ),
          );
        }
        const delivered = await inFlight.settleAll();
        // After a rebalance the partition may be someone else's: let them redeliver instead.
        if (!payload.isStale()) await commitDelivered(delivered);
      },
    });
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        await this.#consumer.disconnect();
      } finally {
        this.#assigned = [];
        this.#onClosed();
      }
    })();
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
