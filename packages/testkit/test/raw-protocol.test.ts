import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { KafkaTestBroker } from '../src/index.js';
import type { ProtocolReader } from '../src/kafka-broker/protocol-reader.js';
import { RawKafkaClient } from './support/raw-kafka-client.js';
import { buildRecordBatch, type TestBatchOptions } from './support/record-batch-builder.js';
import { recordingLogger, uniqueName } from './support/kafka.js';

const API = {
  produce: 0,
  fetch: 1,
  listOffsets: 2,
  metadata: 3,
  offsetCommit: 8,
  offsetFetch: 9,
  joinGroup: 11,
  heartbeat: 12,
  leaveGroup: 13,
  syncGroup: 14,
  apiVersions: 18,
  createTopics: 19,
  initProducerId: 22,
} as const;

let broker: KafkaTestBroker;
let client: RawKafkaClient;
let warnings: string[];

beforeEach(async () => {
  const recording = recordingLogger();
  warnings = recording.warnings;
  broker = new KafkaTestBroker({ autoCreateTopics: false, logger: recording.logger });
  await broker.start();
  client = await RawKafkaClient.connect(broker.port);
});

afterEach(async () => {
  client.close();
  await broker.close();
  // Any request the broker failed to serve cut a client off; only one test expects that.
  expect(warnings).toEqual([]);
});

function readApiRanges(reader: ProtocolReader): Map<number, [number, number]> {
  return new Map(reader.array((r) => [r.int16(), [r.int16(), r.int16()]] as const));
}

/** Produce v7 of one record batch to one partition; returns [errorCode, baseOffset]. */
async function produce(
  topic: string,
  partition: number,
  batch: Buffer,
  acks = -1,
): Promise<[number, number]> {
  const body = await client.request(API.produce, 7, (w) =>
    w
      .nullableString(null)
      .int16(acks)
      .int32(5000)
      .array([topic], (tw, name) =>
        tw.string(name).array([partition], (pw, index) => pw.int32(index).bytes(batch)),
      ),
  );
  const [result] = body.array((r) => {
    r.string();
    const [partitionResult] = r.array((p) => {
      p.int32();
      const errorCode = p.int16();
      const baseOffset = p.int64();
      p.int64();
      p.int64();
      return [errorCode, baseOffset] as [number, number];
    });
    return partitionResult;
  });
  if (!result) throw new Error('no partition in the produce response');
  return result;
}

interface FetchResult {
  readonly errorCode: number;
  readonly highWatermark: number;
  readonly records: Buffer;
}

/** Fetch v11 of one partition. */
async function fetchPartition(
  topic: string,
  partition: number,
  offset: number,
  options: { maxWaitMs?: number; minBytes?: number; sessionId?: number; via?: RawKafkaClient } = {},
): Promise<FetchResult & { topLevelError: number }> {
  const body = await (options.via ?? client).request(API.fetch, 11, (w) =>
    w
      .int32(-1)
      .int32(options.maxWaitMs ?? 0)
      .int32(options.minBytes ?? 1)
      .int32(1 << 20)
      .int8(0)
      .int32(options.sessionId ?? 0)
      .int32(-1)
      .array([topic], (tw, name) =>
        tw.string(name).array([partition], (pw, index) =>
          pw
            .int32(index)
            .int32(-1)
            .int64(offset)
            .int64(-1)
            .int32(1 << 20),
        ),
      )
      .array([], () => undefined)
      .string(''),
  );
  body.int32();
  const topLevelError = body.int16();
  body.int32();
  const [result] = body.array((r) => {
    r.string();
    return r.array((p): FetchResult => {
      p.int32();
      const errorCode = p.int16();
      const highWatermark = p.int64();
      p.int64();
      p.int64();
      p.array(() => undefined);
      p.int32();
      return { errorCode, highWatermark, records: p.bytes() };
    })[0];
  });
  return { topLevelError, ...(result ?? { errorCode: -1, highWatermark: -1, records: Buffer.alloc(0) }) };
}

async function initProducerId(): Promise<{ producerId: number; producerEpoch: number }> {
  const body = await client.request(API.initProducerId, 1, (w) => w.nullableString(null).int32(60000));
  body.int32();
  expect(body.int16()).toBe(0);
  return { producerId: body.int64(), producerEpoch: body.int16() };
}

describe('ApiVersions', () => {
  test('v0 lists the registry ranges', async () => {
    const body = await client.request(API.apiVersions, 0, () => undefined);
    expect(body.int16()).toBe(0);
    const ranges = readApiRanges(body);
    expect(ranges.get(API.produce)).toEqual([3, 7]);
    expect(ranges.get(API.fetch)).toEqual([4, 11]);
    expect(ranges.get(API.apiVersions)).toEqual([0, 3]);
    expect(ranges.size).toBe(14);
  });

  test('v3 answers in the flexible encoding under a v0 response header', async () => {
    const body = await client.request(
      API.apiVersions,
      3,
      (w) => w.compactString('raw-test').compactString('1.0').taggedFields(),
      { flexibleHeader: true },
    );
    expect(body.int16()).toBe(0);
    const ranges = new Map(
      body.compactArray((r) => {
        const entry = [r.int16(), [r.int16(), r.int16()]] as const;
        r.taggedFields();
        return entry;
      }),
    );
    expect(body.int32()).toBe(0);
    body.taggedFields();
    expect(body.remaining).toBe(0);
    expect(ranges.get(API.metadata)).toEqual([1, 6]);
  });

  test('a version above the range gets a v0 body with UNSUPPORTED_VERSION and the ranges', async () => {
    const body = await client.request(
      API.apiVersions,
      9,
      (w) => w.compactString('x').compactString('y').taggedFields(),
      {
        flexibleHeader: true,
      },
    );
    expect(body.int16()).toBe(35);
    expect(readApiRanges(body).get(API.apiVersions)).toEqual([0, 3]);
    expect(body.remaining).toBe(0);
  });

  test('an unsupported API or version closes the connection, as Kafka does', async () => {
    await expect(client.request(API.produce, 2, () => undefined)).rejects.toThrow('connection closed');
    const other = await RawKafkaClient.connect(broker.port);
    await expect(other.request(57, 0, () => undefined)).rejects.toThrow('connection closed');
    expect(warnings.splice(0)).toEqual([
      expect.stringContaining('unsupported Produce version 2'),
      expect.stringContaining('unsupported API key 57'),
    ]);
  });
});

describe('Produce validation', () => {
  test('a batch with a corrupted byte inside the CRC range gets CORRUPT_MESSAGE and is not stored', async () => {
    const topic = uniqueName('crc');
    broker.createTopic(topic, 1);
    const batch = buildRecordBatch([{ key: 'k', value: 'payload' }]);
    const corrupted = batch.length - 3;
    batch.writeUInt8(batch.readUInt8(corrupted) ^ 0xff, corrupted);
    expect(await produce(topic, 0, batch)).toEqual([2, -1]);
    expect((await fetchPartition(topic, 0, 0)).highWatermark).toBe(0);
  });

  test('a batch whose magic byte is not 2 gets CORRUPT_MESSAGE', async () => {
    const topic = uniqueName('magic');
    broker.createTopic(topic, 1);
    const batch = buildRecordBatch([{ value: 'v' }]);
    batch[16] = 1;
    expect((await produce(topic, 0, batch))[0]).toBe(2);
  });

  test('an intact batch is stored byte for byte except base offset and leader epoch', async () => {
    const topic = uniqueName('bytes');
    broker.createTopic(topic, 1);
    await produce(topic, 0, buildRecordBatch([{ value: 'a' }]));
    const batch = buildRecordBatch([{ key: 'k', value: 'b', headers: { h: 'v' } }, { value: 'c' }]);
    expect(await produce(topic, 0, batch)).toEqual([0, 1]);
    const { records, highWatermark } = await fetchPartition(topic, 0, 1);
    expect(highWatermark).toBe(3);
    expect(records.readBigInt64BE(0)).toBe(1n);
    expect(records.readInt32BE(12)).toBe(0);
    expect(records.subarray(16)).toEqual(batch.subarray(16));
  });

  test('an unknown partition gets UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const topic = uniqueName('unknown');
    broker.createTopic(topic, 1);
    expect((await produce(topic, 1, buildRecordBatch([{ value: 'v' }])))[0]).toBe(3);
    expect((await produce(uniqueName('absent'), 0, buildRecordBatch([{ value: 'v' }])))[0]).toBe(3);
  });

  test('acks=0 stores the batch and sends no response; the next response still lines up', async () => {
    const topic = uniqueName('acks0');
    broker.createTopic(topic, 1);
    const batch = buildRecordBatch([{ value: 'fire and forget' }]);
    client.send(API.produce, 7, (w) =>
      w
        .nullableString(null)
        .int16(0)
        .int32(5000)
        .array([topic], (tw, name) =>
          tw.string(name).array([0], (pw, index) => pw.int32(index).bytes(batch)),
        ),
    );
    expect((await fetchPartition(topic, 0, 0)).highWatermark).toBe(1);
  });
});

describe('idempotent producer', () => {
  const options = (
    producer: { producerId: number; producerEpoch: number },
    baseSequence: number,
  ): TestBatchOptions => ({
    ...producer,
    baseSequence,
  });

  test('a duplicate of the last batch succeeds with the original offset and is stored once', async () => {
    const topic = uniqueName('dup');
    broker.createTopic(topic, 1);
    const producer = await initProducerId();
    expect(producer.producerEpoch).toBe(0);
    const batch = buildRecordBatch([{ value: 'a' }, { value: 'b' }], options(producer, 0));
    expect(await produce(topic, 0, batch)).toEqual([0, 0]);
    expect(await produce(topic, 0, buildRecordBatch([{ value: 'c' }], options(producer, 2)))).toEqual([0, 2]);
    expect(await produce(topic, 0, buildRecordBatch([{ value: 'c' }], options(producer, 2)))).toEqual([0, 2]);
    expect((await fetchPartition(topic, 0, 0)).highWatermark).toBe(3);
  });

  test('a sequence gap gets OUT_OF_ORDER_SEQUENCE_NUMBER', async () => {
    const topic = uniqueName('gap');
    broker.createTopic(topic, 1);
    const producer = await initProducerId();
    expect((await produce(topic, 0, buildRecordBatch([{ value: 'a' }], options(producer, 1))))[0]).toBe(45);
    expect(await produce(topic, 0, buildRecordBatch([{ value: 'a' }], options(producer, 0)))).toEqual([0, 0]);
    expect((await produce(topic, 0, buildRecordBatch([{ value: 'b' }], options(producer, 5))))[0]).toBe(45);
    expect(await produce(topic, 0, buildRecordBatch([{ value: 'b' }], options(producer, 1)))).toEqual([0, 1]);
  });

  test('an id the broker never issued gets UNKNOWN_PRODUCER_ID, a wrong epoch INVALID_PRODUCER_EPOCH', async () => {
    const topic = uniqueName('epoch');
    broker.createTopic(topic, 1);
    const producer = await initProducerId();
    const unknown = { producerId: producer.producerId + 100, producerEpoch: 0 };
    expect((await produce(topic, 0, buildRecordBatch([{ value: 'a' }], options(unknown, 0))))[0]).toBe(59);
    const stale = { producerId: producer.producerId, producerEpoch: 3 };
    expect((await produce(topic, 0, buildRecordBatch([{ value: 'a' }], options(stale, 0))))[0]).toBe(47);
  });
});

describe('Fetch', () => {
  test('an offset beyond the high watermark gets OFFSET_OUT_OF_RANGE, an unknown partition UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const topic = uniqueName('range');
    broker.createTopic(topic, 1);
    await produce(topic, 0, buildRecordBatch([{ value: 'a' }]));
    expect(await fetchPartition(topic, 0, 2)).toMatchObject({ errorCode: 1, highWatermark: 1 });
    expect(await fetchPartition(topic, 0, -5)).toMatchObject({ errorCode: 1 });
    expect(await fetchPartition(topic, 3, 0)).toMatchObject({ errorCode: 3 });
  });

  test('a fetch session id the broker never created gets FETCH_SESSION_ID_NOT_FOUND', async () => {
    const topic = uniqueName('session');
    broker.createTopic(topic, 1);
    expect((await fetchPartition(topic, 0, 0, { sessionId: 42 })).topLevelError).toBe(70);
  });

  test('with nothing to return it waits maxWait, then answers empty', async () => {
    const topic = uniqueName('idle');
    broker.createTopic(topic, 1);
    const started = Date.now();
    const result = await fetchPartition(topic, 0, 0, { maxWaitMs: 300 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(result).toMatchObject({ errorCode: 0, highWatermark: 0 });
    expect(result.records.length).toBe(0);
  });

  test('a long poll is answered as soon as another connection appends, well under maxWait', async () => {
    const topic = uniqueName('longpoll');
    broker.createTopic(topic, 1);
    const poller = await RawKafkaClient.connect(broker.port);
    try {
      const started = Date.now();
      const pending = fetchPartition(topic, 0, 0, { maxWaitMs: 10_000, via: poller });
      await new Promise((resolve) => setTimeout(resolve, 100));
      await produce(topic, 0, buildRecordBatch([{ value: 'wake up' }]));
      const result = await pending;
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(result.highWatermark).toBe(1);
      expect(result.records.length).toBeGreaterThan(61);
    } finally {
      poller.close();
    }
  });

  test('close() releases a waiting long poll', async () => {
    const topic = uniqueName('release');
    broker.createTopic(topic, 1);
    const started = Date.now();
    const pending = fetchPartition(topic, 0, 0, { maxWaitMs: 30_000 }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await broker.close();
    await pending;
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('ListOffsets, Metadata and CreateTopics', () => {
  test('ListOffsets maps −2 to 0, −1 to the high watermark and a timestamp to a batch', async () => {
    const topic = uniqueName('offsets');
    broker.createTopic(topic, 1);
    await produce(topic, 0, buildRecordBatch([{ value: 'a' }, { value: 'b' }], { timestamp: 1_000 }));
    await produce(topic, 0, buildRecordBatch([{ value: 'c' }], { timestamp: 2_000 }));
    const body = await client.request(API.listOffsets, 3, (w) =>
      w
        .int32(-1)
        .int8(0)
        .array([topic], (tw, name) =>
          tw.string(name).array([-2, -1, 1_500, 3_000], (pw, timestamp) => pw.int32(0).int64(timestamp)),
        ),
    );
    body.int32();
    const [offsets] = body.array((r) => {
      r.string();
      return r.array((p) => {
        p.int32();
        expect(p.int16()).toBe(0);
        return [p.int64(), p.int64()];
      });
    });
    expect(offsets).toEqual([
      [-1, 0],
      [-1, 3],
      [2_000, 2],
      [-1, -1],
    ]);
  });

  test('Metadata answers UNKNOWN_TOPIC_OR_PARTITION when auto-creation is off', async () => {
    const topic = uniqueName('meta');
    const body = await client.request(API.metadata, 6, (w) =>
      w.array([topic], (tw, name) => tw.string(name)).bool(true),
    );
    body.int32();
    const [node] = body.array((r) => [r.int32(), r.string(), r.int32(), r.nullableString()]);
    expect(node).toEqual([0, '127.0.0.1', broker.port, null]);
    body.nullableString();
    expect(body.int32()).toBe(0);
    const [topicError] = body.array((r) => {
      const errorCode = r.int16();
      r.string();
      r.bool();
      r.array(() => undefined);
      return errorCode;
    });
    expect(topicError).toBe(3);
  });

  test('CreateTopics refuses bad partition counts and replication factors, and takes −1 as the default', async () => {
    const [ok, zero, replicated, byDefault] = [
      uniqueName('a'),
      uniqueName('b'),
      uniqueName('c'),
      uniqueName('d'),
    ];
    const body = await client.request(API.createTopics, 3, (w) =>
      w
        .array(
          [
            [ok, 2, 1],
            [zero, 0, 1],
            [replicated, 1, 3],
            [byDefault, -1, -1],
            [ok, 2, 1],
          ] as const,
          (tw, [name, partitions, replicationFactor]) =>
            tw
              .string(name)
              .int32(partitions)
              .int16(replicationFactor)
              .array([], () => undefined)
              .array([], () => undefined),
        )
        .int32(5000)
        .bool(false),
    );
    body.int32();
    const codes = body.array((r) => {
      r.string();
      const errorCode = r.int16();
      r.nullableString();
      return errorCode;
    });
    expect(codes).toEqual([0, 37, 38, 0, 36]);
    const topics = await client.request(API.metadata, 1, (w) => w.nullableArray(null, () => undefined));
    topics.array(() => [topics.int32(), topics.string(), topics.int32(), topics.nullableString()]);
    topics.int32();
    const partitionCounts = Object.fromEntries(
      topics.array((r) => {
        r.int16();
        const name = r.string();
        r.bool();
        return [
          name,
          r.array((p) => [
            p.int16(),
            p.int32(),
            p.int32(),
            p.array((x) => x.int32()),
            p.array((x) => x.int32()),
          ]).length,
        ];
      }),
    );
    expect(partitionCounts).toEqual({ [ok]: 2, [byDefault]: 1 });
  });
});

describe('group coordinator errors', () => {
  async function join(
    groupId: string,
    memberId: string,
    version = 5,
    protocols: readonly string[] = ['range'],
  ): Promise<{
    errorCode: number;
    generationId: number;
    leaderId: string;
    memberId: string;
    members: string[];
  }> {
    const body = await client.request(API.joinGroup, version, (w) => {
      w.string(groupId).int32(5000);
      if (version >= 1) w.int32(5000);
      w.string(memberId);
      if (version >= 5) w.nullableString(null);
      w.string('consumer').array(protocols, (pw, name) => pw.string(name).bytes(Buffer.from('meta')));
    });
    if (version >= 2) body.int32();
    const errorCode = body.int16();
    const generationId = body.int32();
    body.string();
    const leaderId = body.string();
    const id = body.string();
    const members = body.array((r) => {
      const member = r.string();
      if (version >= 5) r.nullableString();
      r.bytes();
      return member;
    });
    return { errorCode, generationId, leaderId, memberId: id, members };
  }

  test('JoinGroup v4+ without a member id gets MEMBER_ID_REQUIRED and an id that then joins', async () => {
    const group = uniqueName('group');
    const first = await join(group, '');
    expect(first.errorCode).toBe(79);
    expect(first.memberId).toMatch(/^raw-test-client-/);
    const second = await join(group, first.memberId);
    expect(second).toMatchObject({
      errorCode: 0,
      generationId: 1,
      leaderId: first.memberId,
      members: [first.memberId],
    });
  });

  test('JoinGroup v3 without a member id joins at once', async () => {
    const joined = await join(uniqueName('group'), '', 3);
    expect(joined).toMatchObject({ errorCode: 0, generationId: 1 });
  });

  test('JoinGroup refuses an empty group id, an unknown member and a protocol no member shares', async () => {
    const group = uniqueName('group');
    expect((await join('', '')).errorCode).toBe(24);
    expect((await join(group, 'who-is-this')).errorCode).toBe(25);
    const leader = await join(group, '', 3, ['range']);
    expect(leader.errorCode).toBe(0);
    expect((await join(group, '', 3, ['sticky'])).errorCode).toBe(23);
  });

  test('Heartbeat, SyncGroup and OffsetCommit check generation and member', async () => {
    const group = uniqueName('group');
    const topic = uniqueName('topic');
    broker.createTopic(topic, 1);
    const { memberId, generationId } = await join(group, '', 3);
    const heartbeat = async (generation: number, member: string): Promise<number> => {
      const body = await client.request(API.heartbeat, 3, (w) =>
        w.string(group).int32(generation).string(member).nullableString(null),
      );
      body.int32();
      return body.int16();
    };
    const commit = async (generation: number, member: string): Promise<number> => {
      const body = await client.request(API.offsetCommit, 5, (w) =>
        w
          .string(group)
          .int32(generation)
          .string(member)
          .array([topic], (tw, name) =>
            tw.string(name).array([0], (pw, index) => pw.int32(index).int64(1).nullableString(null)),
          ),
      );
      body.int32();
      return (
        body.array((r) => {
          r.string();
          return r.array((p) => (p.int32(), p.int16()))[0];
        })[0] ?? -1
      );
    };

    expect(await commit(generationId, memberId)).toBe(27);
    const sync = await client.request(API.syncGroup, 3, (w) =>
      w
        .string(group)
        .int32(generationId)
        .string(memberId)
        .nullableString(null)
        .array([memberId], (aw, id) => aw.string(id).bytes(Buffer.from('assignment'))),
    );
    sync.int32();
    expect(sync.int16()).toBe(0);
    expect(sync.bytes().toString()).toBe('assignment');

    expect(await heartbeat(generationId, memberId)).toBe(0);
    expect(await heartbeat(generationId + 1, memberId)).toBe(22);
    expect(await heartbeat(generationId, 'stranger')).toBe(25);
    expect(await commit(generationId + 1, memberId)).toBe(22);
    expect(await commit(generationId, 'stranger')).toBe(25);
    expect(await commit(generationId, memberId)).toBe(0);

    const leave = await client.request(API.leaveGroup, 3, (w) =>
      w.string(group).array([memberId, 'stranger'], (mw, id) => mw.string(id).nullableString(null)),
    );
    leave.int32();
    expect(leave.int16()).toBe(0);
    expect(leave.array((r) => (r.string(), r.nullableString(), r.int16()))).toEqual([0, 25]);
    expect(await commit(-1, '')).toBe(0);
  });

  test('a rebalance completes when every member has rejoined, and Heartbeat signals it', async () => {
    const group = uniqueName('group');
    const first = await join(group, '', 3);
    const other = await RawKafkaClient.connect(broker.port);
    try {
      const secondJoin = other.request(API.joinGroup, 3, (w) =>
        w
          .string(group)
          .int32(5000)
          .int32(5000)
          .string('')
          .string('consumer')
          .array(['range'], (pw, name) => pw.string(name).bytes(Buffer.from('meta'))),
      );
      secondJoin.catch(() => undefined);
      // The second join travels on another connection; heartbeat until the group notices it.
      let heartbeatError = 0;
      for (let attempt = 0; attempt < 100 && heartbeatError === 0; attempt++) {
        const heartbeat = await client.request(API.heartbeat, 3, (w) =>
          w.string(group).int32(first.generationId).string(first.memberId).nullableString(null),
        );
        heartbeat.int32();
        heartbeatError = heartbeat.int16();
        if (heartbeatError === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(heartbeatError).toBe(27);
      const rejoined = await join(group, first.memberId, 3);
      expect(rejoined).toMatchObject({ errorCode: 0, generationId: 2, leaderId: first.memberId });
      expect(rejoined.members).toHaveLength(2);
      const second = await secondJoin;
      second.int32();
      expect(second.int16()).toBe(0);
      expect(second.int32()).toBe(2);
    } finally {
      other.close();
    }
  });

  test('OffsetFetch with null topics returns every committed offset; unknown ones are −1', async () => {
    const group = uniqueName('group');
    const topic = uniqueName('topic');
    broker.createTopic(topic, 2);
    const commit = await client.request(API.offsetCommit, 2, (w) =>
      w
        .string(group)
        .int32(-1)
        .string('')
        .int64(-1)
        .array([topic], (tw, name) =>
          tw.string(name).array([1], (pw, index) => pw.int32(index).int64(7).nullableString('m')),
        ),
    );
    commit.array((r) => (r.string(), r.array((p) => (p.int32(), expect(p.int16()).toBe(0)))));

    const readOffsets = (body: ProtocolReader): unknown[] =>
      body.array((r) => {
        const name = r.string();
        return r.array((p) => [name, p.int32(), p.int64(), p.nullableString(), p.int16()]);
      });
    const all = await client.request(API.offsetFetch, 4, (w) =>
      w.string(group).nullableArray(null, () => undefined),
    );
    all.int32();
    expect(readOffsets(all)).toEqual([[[topic, 1, 7, 'm', 0]]]);
    expect(all.int16()).toBe(0);

    const some = await client.request(API.offsetFetch, 1, (w) =>
      w
        .string(group)
        .array([topic], (tw, name) => tw.string(name).array([0, 1], (pw, index) => pw.int32(index))),
    );
    expect(readOffsets(some)).toEqual([
      [
        [topic, 0, -1, '', 0],
        [topic, 1, 7, 'm', 0],
      ],
    ]);
  });
});
