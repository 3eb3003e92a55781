import type { BrokerContext, RequestHeader } from '../broker-context.js';
import { ErrorCode } from '../error-code.js';
import type { ProtocolReader } from '../protocol-reader.js';
import { ProtocolWriter } from '../protocol-writer.js';
import { TopicStore } from '../topic-store.js';

/**
 * Metadata v1–6: the single broker (id 0, also the controller) and the requested topics,
 * or all of them when the list is null. An unknown topic is created when the broker and
 * (v4+) the request allow it, else answered with UNKNOWN_TOPIC_OR_PARTITION.
 *
 * @example
 * handleMetadata(body, { apiVersion: 6, ... }, broker);
 */
export function handleMetadata(
  body: ProtocolReader,
  header: RequestHeader,
  broker: BrokerContext,
): ProtocolWriter {
  const version = header.apiVersion;
  const requested = body.nullableArray((r) => r.string());
  const allowAutoCreate = version >= 4 ? body.bool() : true;
  const names = requested ?? broker.topics.names();

  const writer = new ProtocolWriter();
  if (version >= 3) writer.int32(0);
  writer.array([broker], (w, node) =>
    w.int32(node.nodeId).string(node.host).int32(node.port).nullableString(null),
  );
  if (version >= 2) writer.nullableString(broker.clusterId);
  writer.int32(broker.nodeId);
  return writer.array(names, (w, name) => {
    if (!TopicStore.isValidName(name)) {
      w.int16(ErrorCode.INVALID_TOPIC_EXCEPTION)
        .string(name)
        .bool(false)
        .array([], () => undefined);
      return;
    }
    if (!broker.topics.partitions(name) && broker.autoCreateTopics && allowAutoCreate) {
      broker.topics.create(name, broker.defaultPartitions);
      broker.logger.debug('auto-created topic', { topic: name, partitions: broker.defaultPartitions });
    }
    const partitions = broker.topics.partitions(name);
    if (!partitions) {
      w.int16(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
        .string(name)
        .bool(false)
        .array([], () => undefined);
      return;
    }
    w.int16(ErrorCode.NONE)
      .string(name)
      .bool(false)
      .array(partitions, (pw, log) => {
        pw.int16(ErrorCode.NONE).int32(log.partition).int32(broker.nodeId);
        pw.array([broker.nodeId], (rw, id) => rw.int32(id)).array([broker.nodeId], (rw, id) => rw.int32(id));
        if (version >= 5) pw.array([], () => undefined);
      });
  });
}
