import type { BrokerContext, RequestHeader } from '../broker-context.js';
import { ErrorCode } from '../error-code.js';
import type { ProtocolReader } from '../protocol-reader.js';
import { ProtocolWriter } from '../protocol-writer.js';

/**
 * OffsetFetch v1–4: the group's committed offsets; −1 for partitions without one, and
 * (v2+) every committed partition when the topic list is null.
 *
 * @example
 * await admin.fetchOffsets({ groupId: 'billing', topics: ['orders'] });
 */
export function handleOffsetFetch(
  body: ProtocolReader,
  header: RequestHeader,
  broker: BrokerContext,
): ProtocolWriter {
  const groupId = body.string();
  const requested = body.nullableArray((r) => ({ name: r.string(), partitions: r.array((p) => p.int32()) }));
  const committed = broker.groups.committedOffsets(groupId);
  const topics =
    requested ?? [...committed].map(([name, partitions]) => ({ name, partitions: [...partitions.keys()] }));

  const writer = new ProtocolWriter();
  if (header.apiVersion >= 3) writer.int32(0);
  writer.array(topics, (w, topic) =>
    w.string(topic.name).array(topic.partitions, (pw, partition) => {
      const offset = committed.get(topic.name)?.get(partition);
      pw.int32(partition)
        .int64(offset?.offset ?? -1)
        .nullableString(offset ? offset.metadata : '')
        .int16(ErrorCode.NONE);
    }),
  );
  if (header.apiVersion >= 2) writer.int16(ErrorCode.NONE);
  return writer;
}
