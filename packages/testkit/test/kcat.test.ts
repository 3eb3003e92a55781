import { Partitioners, type Producer } from 'kafkajs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { KafkaTestBroker } from '../src/index.js';
import { createKafka, fastConsumerConfig, recordingLogger, uniqueName, waitFor } from './support/kafka.js';
import { kcat, kcatAvailable } from '../src/kcat.js';

/** librdkafka waits 500 ms per empty fetch by default; tests need not. */
const FAST_FETCH = ['-X', 'fetch.wait.max.ms=50'];

describe.skipIf(!kcatAvailable)('kcat (librdkafka) against the test broker', { timeout: 20_000 }, () => {
  let broker: KafkaTestBroker;
  let warnings: string[];
  const clients: { disconnect(): Promise<void> }[] = [];

  beforeEach(async () => {
    const recording = recordingLogger();
    warnings = recording.warnings;
    broker = new KafkaTestBroker({ logger: recording.logger });
    await broker.start();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.disconnect()));
    await broker.close();
    expect(warnings).toEqual([]);
  });

  async function producer(): Promise<Producer> {
    const created = createKafka(broker).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    clients.push(created);
    await created.connect();
    return created;
  }

  async function highWatermarkSum(topic: string): Promise<number> {
    const admin = createKafka(broker).admin();
    clients.push(admin);
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
  }

  test('-L lists the broker as controller and the topics with their partitions', async () => {
    const topic = uniqueName('listed');
    broker.createTopic(topic, 3);
    const { code, stdout } = await kcat(['-b', broker.brokers[0]!, '-L', '-J']);
    expect(code).toBe(0);
    const metadata = JSON.parse(stdout) as {
      controllerid: number;
      brokers: { id: number; name: string }[];
      topics: { topic: string; partitions: { partition: number; leader: number }[] }[];
    };
    expect(metadata.controllerid).toBe(0);
    expect(metadata.brokers).toEqual([{ id: 0, name: broker.brokers[0] }]);
    const listed = metadata.topics.find((entry) => entry.topic === topic);
    expect(listed?.partitions.map((partition) => [partition.partition, partition.leader])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
    ]);
  });

  test('-P produces keys, values and headers that a kafkajs consumer reads back', async () => {
    const topic = uniqueName('from-kcat');
    broker.createTopic(topic, 1);
    const consumer = createKafka(broker).consumer(fastConsumerConfig(uniqueName('group')));
    clients.push(consumer);
    const received: [string | undefined, string | undefined, string | undefined][] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        received.push([
          message.key?.toString(),
          message.value?.toString(),
          message.headers?.['source']?.toString(),
        ]);
        return Promise.resolve();
      },
    });

    const { code, stderr } = await kcat(
      ['-b', broker.brokers[0]!, '-P', '-t', topic, '-K', ':', '-H', 'source=kcat'],
      { input: 'alpha:one\nbeta:two\ngamma:three\n' },
    );
    expect(code, stderr).toBe(0);
    await waitFor(() => received.length === 3, 'three messages from kcat');
    expect(received).toEqual([
      ['alpha', 'one', 'kcat'],
      ['beta', 'two', 'kcat'],
      ['gamma', 'three', 'kcat'],
    ]);
  });

  test('-C -e reads exactly as many messages as the high watermarks add up to', async () => {
    const topic = uniqueName('counted');
    broker.createTopic(topic, 3);
    const sender = await producer();
    await sender.send({
      topic,
      messages: Array.from({ length: 7 }, (_, index) => ({ value: `m${index}`, partition: index % 3 })),
    });
    await sender.send({ topic, messages: [{ value: 'late', partition: 1 }] });
    const expected = await highWatermarkSum(topic);
    expect(expected).toBe(8);

    const { code, stdout, stderr } = await kcat([
      '-b',
      broker.brokers[0]!,
      '-C',
      '-t',
      topic,
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%p:%o:%s\\n',
      ...FAST_FETCH,
    ]);
    expect(code, stderr).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(expected);
    expect(lines.filter((line) => line.startsWith('1:'))).toEqual(['1:0:m1', '1:1:m4', '1:2:late']);
  });

  test('-o -2 starts two messages before the end, inside a stored batch', async () => {
    const topic = uniqueName('tail');
    broker.createTopic(topic, 1);
    const sender = await producer();
    // One send, one batch of five: the broker returns the whole batch and librdkafka skips ahead.
    await sender.send({ topic, messages: ['a', 'b', 'c', 'd', 'e'].map((value) => ({ value })) });
    const { code, stdout, stderr } = await kcat([
      '-b',
      broker.brokers[0]!,
      '-C',
      '-t',
      topic,
      '-p',
      '0',
      '-o',
      '-2',
      '-e',
      '-q',
      '-f',
      '%o:%s\\n',
      ...FAST_FETCH,
    ]);
    expect(code, stderr).toBe(0);
    expect(stdout).toBe('3:d\n4:e\n');
  });

  test('-G consumes every partition in a balanced group and commits its offsets', async () => {
    const topic = uniqueName('grouped');
    const groupId = uniqueName('kcat-group');
    broker.createTopic(topic, 2);
    const sender = await producer();
    await sender.send({
      topic,
      messages: [0, 1, 0, 1, 0].map((partition, index) => ({ value: `g${index}`, partition })),
    });

    const { code, stdout, stderr } = await kcat(
      [
        '-b',
        broker.brokers[0]!,
        '-G',
        groupId,
        '-o',
        'beginning',
        '-e',
        '-q',
        '-f',
        '%s\\n',
        ...FAST_FETCH,
        topic,
      ],
      { timeoutMs: 20_000 },
    );
    expect(code, stderr).toBe(0);
    expect(stdout.trim().split('\n').sort()).toEqual(['g0', 'g1', 'g2', 'g3', 'g4']);

    const admin = createKafka(broker).admin();
    clients.push(admin);
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(committed?.partitions.map(({ partition, offset }) => [partition, offset]).sort()).toEqual([
      [0, '3'],
      [1, '2'],
    ]);
  });
});
