import type { BrokerContext, RequestHeader } from '../broker-context.js';
import { ErrorCode } from '../error-code.js';
import type { ProtocolReader } from '../protocol-reader.js';
import { ProtocolWriter } from '../protocol-writer.js';
import { hasValidCrc, parseRecordBatches } from '../record-batch.js';

interface PartitionResult {
  readonly index: number;
  readonly errorCode: number;
  readonly baseOffset: number;
}

/**
 * Produce v3–7. Each partition must carry exactly one magic-v2 batch with a valid
 * CRC-32C (else CORRUPT_MESSAGE); the batch is stored byte for byte, compressed or not.
 * Idempotent batches are checked against the issuing producer's id, epoch and sequence.
 * With acks=0 the client expects no response, so none is sent.
 *
 * @example
 * await producer.send({ topic: 'orders', messages: [{ key: 'k', value: 'v' }] });
 */
export function handleProduce(
  body: ProtocolReader,
  header: RequestHeader,
  broker: BrokerContext,
): ProtocolWriter | undefined {
  body.nullableString();
  const acks = body.int16();
  body.int32();
  const topics = body.array((r) => ({
    name: r.string(),
    partitions: r.array((p) => ({ index: p.int32(), records: p.nullableBytes() })),
  }));

  const results = topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitions.map(({ index, records }): PartitionResult => ({
      index,
      ...append(broker, topic.name, index, records),
    })),
  }));
  if (acks === 0) return undefined;

  const writer = new ProtocolWriter().array(results, (w, topic) =>
    w.string(topic.name).array(topic.partitions, (pw, partition) => {
      pw.int32(partition.index).int16(partition.errorCode).int64(partition.baseOffset).int64(-1);
      if (header.apiVersion >= 5) pw.int64(0);
    }),
  );
  return writer.int32(0);
}

function append(
  broker: BrokerContext,
  topic: string,
  partition: number,
  records: Buffer | null,
): { errorCode: number; baseOffset: number } {
  const log = broker.topics.partition(topic, partition);
  if (!log) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, baseOffset: -1 };
  const batches = records && parseRecordBatches(records);
  const batch = batches?.[0];
  // Produce v3+ allows exactly one batch per partition; anything else is corrupt.
  if (!batch || batches.length !== 1 || !hasValidCrc(batch)) {
    broker.logger.debug('rejected a corrupt record batch', { topic, partition });
    return { errorCode: ErrorCode.CORRUPT_MESSAGE, baseOffset: -1 };
  }
  if (batch.producerId >= 0) {
    const epoch = broker.producers.epochOf(batch.producerId);
    if (epoch === undefined) return { errorCode: ErrorCode.UNKNOWN_PRODUCER_ID, baseOffset: -1 };
    if (epoch !== batch.producerEpoch) return { errorCode: ErrorCode.INVALID_PRODUCER_EPOCH, baseOffset: -1 };
  }
  return log.append(batch);
}
