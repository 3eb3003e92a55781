import type { BrokerContext, RequestHeader } from '../broker-context.js';
import { ErrorCode } from '../error-code.js';
import type { ProtocolReader } from '../protocol-reader.js';
import { ProtocolWriter } from '../protocol-writer.js';

const LATEST = -1;
const EARLIEST = -2;

/**
 * ListOffsets v1–3: −2 is the log start (0), −1 the high watermark, and any other
 * timestamp the first batch holding a record at or after it (offset −1 when none does).
 *
 * @example
 * await admin.fetchTopicOffsets('orders'); // [{ partition: 0, offset: '3', high: '3', low: '0' }]
 */
export function handleListOffsets(
  body: ProtocolReader,
  header: RequestHeader,
  broker: BrokerContext,
): ProtocolWriter {
  body.int32();
  if (header.apiVersion >= 2) body.int8();
  const topics = body.array((r) => ({
    name: r.string(),
    partitions: r.array((p) => ({ index: p.int32(), timestamp: p.int64() })),
  }));

  const writer = new ProtocolWriter();
  if (header.apiVersion >= 2) writer.int32(0);
  return writer.array(topics, (w, topic) =>
    w.string(topic.name).array(topic.partitions, (pw, { index, timestamp }) => {
      const log = broker.topics.partition(topic.name, index);
      if (!log) {
        pw.int32(index).int16(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).int64(-1).int64(-1);
        return;
      }
      const found =
        timestamp === EARLIEST
          ? { offset: log.logStartOffset, timestamp: -1 }
          : timestamp === LATEST
            ? { offset: log.highWatermark, timestamp: -1 }
            : (log.offsetForTimestamp(timestamp) ?? { offset: -1, timestamp: -1 });
      pw.int32(index).int16(ErrorCode.NONE).int64(found.timestamp).int64(found.offset);
    }),
  );
}
