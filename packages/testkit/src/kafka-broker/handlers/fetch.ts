import type { BrokerContext, RequestHeader } from '../broker-context.js';
import { ErrorCode } from '../error-code.js';
import type { PartitionLog } from '../partition-log.js';
import type { ProtocolReader } from '../protocol-reader.js';
import { ProtocolWriter } from '../protocol-writer.js';

interface PartitionRequest {
  readonly index: number;
  readonly fetchOffset: number;
  readonly maxBytes: number;
}

interface PartitionData {
  readonly index: number;
  readonly errorCode: number;
  readonly highWatermark: number;
  readonly batches: readonly Buffer[];
}

interface TopicData {
  readonly name: string;
  readonly partitions: readonly PartitionData[];
}

/**
 * Fetch v4–11, sessionless (session 0): whole stored batches from each fetch offset.
 * Below `minBytes` the request long-polls until an append to one of its partitions
 * brings enough data, or `maxWait` passes, or the broker closes. The last stable offset
 * equals the high watermark and there are no aborted transactions.
 *
 * @example
 * await consumer.run({ eachMessage }); // kafkajs fetches through this handler
 */
export async function handleFetch(
  body: ProtocolReader,
  header: RequestHeader,
  broker: BrokerContext,
): Promise<ProtocolWriter> {
  const version = header.apiVersion;
  body.int32();
  const maxWaitMs = body.int32();
  const minBytes = body.int32();
  const maxBytes = body.int32();
  body.int8();
  const sessionId = version >= 7 ? body.int32() : 0;
  if (version >= 7) body.int32();
  const topics = body.array((r) => ({
    name: r.string(),
    partitions: r.array((p): PartitionRequest => {
      const index = p.int32();
      if (version >= 9) p.int32();
      const fetchOffset = p.int64();
      if (version >= 5) p.int64();
      return { index, fetchOffset, maxBytes: p.int32() };
    }),
  }));

  const writer = new ProtocolWriter().int32(0);
  if (version >= 7 && sessionId !== 0) {
    // Sessions are never created (every answer carries session 0), so none can be named.
    return writer
      .int16(ErrorCode.FETCH_SESSION_ID_NOT_FOUND)
      .int32(0)
      .array([], () => undefined);
  }

  const logs = topics.flatMap((topic) =>
    topic.partitions.flatMap((partition) => broker.topics.partition(topic.name, partition.index) ?? []),
  );
  const deadline = Date.now() + maxWaitMs;
  let data = read(broker, topics, maxBytes);
  while (data.bytes < minBytes && !data.failed && !broker.closed.aborted && Date.now() < deadline) {
    await nextAppend(logs, deadline - Date.now(), broker.closed);
    data = read(broker, topics, maxBytes);
  }

  if (version >= 7) writer.int16(ErrorCode.NONE).int32(0);
  return writer.array(data.topics, (w, topic) =>
    w.string(topic.name).array(topic.partitions, (pw, partition) => {
      pw.int32(partition.index).int16(partition.errorCode);
      pw.int64(partition.highWatermark).int64(partition.highWatermark);
      if (version >= 5) pw.int64(0);
      pw.array([], () => undefined);
      if (version >= 11) pw.int32(-1);
      pw.int32(partition.batches.reduce((sum, batch) => sum + batch.length, 0));
      for (const batch of partition.batches) pw.raw(batch);
    }),
  );
}

function read(
  broker: BrokerContext,
  topics: readonly { name: string; partitions: readonly PartitionRequest[] }[],
  maxBytes: number,
): { topics: TopicData[]; bytes: number; failed: boolean } {
  let bytes = 0;
  let failed = false;
  const data = topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitions.map(({ index, fetchOffset, maxBytes: partitionMaxBytes }): PartitionData => {
      const log = broker.topics.partition(topic.name, index);
      if (!log) {
        failed = true;
        return { index, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, highWatermark: -1, batches: [] };
      }
      const highWatermark = log.highWatermark;
      if (fetchOffset < log.logStartOffset || fetchOffset > highWatermark) {
        failed = true;
        return { index, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark, batches: [] };
      }
      const batches = log.read(fetchOffset, Math.min(partitionMaxBytes, Math.max(0, maxBytes - bytes)));
      for (const batch of batches) bytes += batch.length;
      return { index, errorCode: ErrorCode.NONE, highWatermark, batches };
    }),
  }));
  return { topics: data, bytes, failed };
}

/** Resolves on the next append to any of `logs`, after `timeoutMs`, or when `signal` aborts. */
function nextAppend(logs: readonly PartitionLog[], timeoutMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const unsubscribes: (() => void)[] = [];
    const done = (): void => {
      clearTimeout(timer);
      for (const unsubscribe of unsubscribes) unsubscribe();
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    for (const log of logs) unsubscribes.push(log.onAppend(done));
    signal.addEventListener('abort', done, { once: true });
  });
}
