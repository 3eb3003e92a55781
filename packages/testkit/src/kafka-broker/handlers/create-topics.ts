import type { BrokerContext, RequestHeader } from '../broker-context.js';
import { ErrorCode } from '../error-code.js';
import type { ProtocolReader } from '../protocol-reader.js';
import { ProtocolWriter } from '../protocol-writer.js';
import { TopicStore } from '../topic-store.js';

/** The protocol's "use the broker's default" for partitions and replication factor. */
const BROKER_DEFAULT = -1;

interface TopicResult {
  readonly name: string;
  readonly errorCode: number;
  readonly message: string | null;
}

/**
 * CreateTopics v0–3. An existing topic gets TOPIC_ALREADY_EXISTS, a partition count of 0
 * or below −1 INVALID_PARTITIONS, and a replication factor other than −1 or 1
 * INVALID_REPLICATION_FACTOR. −1 partitions means the broker default, as in Kafka
 * (kafkajs sends −1 when `numPartitions` is not given); explicit assignments decide the
 * count when present.
 *
 * @example
 * await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }] }); // true
 */
export function handleCreateTopics(
  body: ProtocolReader,
  header: RequestHeader,
  broker: BrokerContext,
): ProtocolWriter {
  const version = header.apiVersion;
  const topics = body.array((r) => ({
    name: r.string(),
    numPartitions: r.int32(),
    replicationFactor: r.int16(),
    assignments: r.array((a) => ({ partition: a.int32(), brokerIds: a.array((b) => b.int32()) })),
    configs: r.array((c) => ({ name: c.string(), value: c.nullableString() })),
  }));
  body.int32();
  const validateOnly = version >= 1 ? body.bool() : false;

  const results = topics.map(({ name, numPartitions, replicationFactor, assignments }): TopicResult => {
    if (!TopicStore.isValidName(name)) {
      return {
        name,
        errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION,
        message: `Topic name '${name}' is illegal.`,
      };
    }
    if (broker.topics.partitions(name)) {
      return { name, errorCode: ErrorCode.TOPIC_ALREADY_EXISTS, message: `Topic '${name}' already exists.` };
    }
    const partitions =
      assignments.length > 0
        ? assignments.length
        : numPartitions === BROKER_DEFAULT
          ? broker.defaultPartitions
          : numPartitions;
    if (partitions <= 0) {
      return {
        name,
        errorCode: ErrorCode.INVALID_PARTITIONS,
        message: 'Number of partitions must be larger than 0.',
      };
    }
    if (replicationFactor !== BROKER_DEFAULT && replicationFactor !== 1) {
      return {
        name,
        errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
        message: `Replication factor: ${replicationFactor} larger than available brokers: 1.`,
      };
    }
    if (!validateOnly) {
      broker.topics.create(name, partitions);
      broker.logger.debug('created topic', { topic: name, partitions });
    }
    return { name, errorCode: ErrorCode.NONE, message: null };
  });

  const writer = new ProtocolWriter();
  if (version >= 2) writer.int32(0);
  return writer.array(results, (w, result) => {
    w.string(result.name).int16(result.errorCode);
    if (version >= 1) w.nullableString(result.message);
  });
}
