import type { BrokerContext, RequestHeader } from '../broker-context.js';
import { ErrorCode } from '../error-code.js';
import type { ProtocolReader } from '../protocol-reader.js';
import { ProtocolWriter } from '../protocol-writer.js';

/**
 * OffsetCommit v2–5. Offsets for unknown partitions get UNKNOWN_TOPIC_OR_PARTITION; the
 * rest share the group's verdict on the member and generation.
 *
 * @example
 * await consumer.commitOffsets([{ topic: 'orders', partition: 0, offset: '3' }]);
 */
export function handleOffsetCommit(
  body: ProtocolReader,
  header: RequestHeader,
  broker: BrokerContext,
): ProtocolWriter {
  const groupId = body.string();
  const generationId = body.int32();
  const memberId = body.string();
  if (header.apiVersion <= 4) body.int64();
  const topics = body.array((r) => ({
    name: r.string(),
    partitions: r.array((p) => ({ index: p.int32(), offset: p.int64(), metadata: p.nullableString() })),
  }));

  const offsets = topics.flatMap((topic) =>
    topic.partitions
      .filter((partition) => broker.topics.partition(topic.name, partition.index))
      .map(({ index, offset, metadata }) => ({ topic: topic.name, partition: index, offset, metadata })),
  );
  const errorCode = broker.groups.commitOffsets({ groupId, generationId, memberId, offsets });

  const writer = new ProtocolWriter();
  if (header.apiVersion >= 3) writer.int32(0);
  return writer.array(topics, (w, topic) =>
    w.string(topic.name).array(topic.partitions, (pw, partition) => {
      const known = broker.topics.partition(topic.name, partition.index) !== undefined;
      pw.int32(partition.index).int16(known ? errorCode : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    }),
  );
}
