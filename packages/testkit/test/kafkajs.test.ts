import {
  CompressionTypes,
  Partitioners,
  type Consumer,
  type EachMessagePayload,
  type Producer,
} from 'kafkajs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { KafkaTestBroker } from '../src/index.js';
import { createKafka, fastConsumerConfig, recordingLogger, uniqueName, waitFor } from './support/kafka.js';

interface Received {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | undefined;
  readonly value: string | undefined;
  readonly headers: Record<string, string>;
}

function received({ partition, message }: EachMessagePayload): Received {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
  return {
    partition,
    offset: message.offset,
    key: message.key?.toString(),
    value: message.value?.toString(),
    headers,
  };
}

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

async function producer(options: { idempotent?: boolean } = {}): Promise<Producer> {
  const created = createKafka(broker).producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    ...(options.idempotent ? { idempotent: true, maxInFlightRequests: 1 } : {}),
  });
  clients.push(created);
  await created.connect();
  return created;
}

/** A running consumer that records what it receives and the latest assignment. */
async function consumer(
  groupId: string,
  topic: string,
  config: Parameters<typeof fastConsumerConfig>[1] = {},
): Promise<{ consumer: Consumer; messages: Received[]; assignment: () => number[] | undefined }> {
  const created = createKafka(broker).consumer(fastConsumerConfig(groupId, config));
  clients.push(created);
  const messages: Received[] = [];
  let assignment: number[] | undefined;
  created.on(created.events.GROUP_JOIN, ({ payload }) => {
    assignment = [...(payload.memberAssignment[topic] ?? [])].sort();
  });
  await created.connect();
  await created.subscribe({ topics: [topic], fromBeginning: true });
  await created.run({
    eachMessage: async (payload) => {
      messages.push(received(payload));
      return Promise.resolve();
    },
  });
  return { consumer: created, messages, assignment: () => assignment };
}

// Rebalances take a few hundred ms; the margin is for loaded CI machines.
describe('kafkajs against the test broker', { timeout: 20_000 }, () => {
  test('admin.createTopics returns true, then false for an existing topic', async () => {
    const admin = createKafka(broker).admin();
    clients.push(admin);
    await admin.connect();
    const topic = uniqueName('created');
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] })).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] })).toBe(false);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
  });

  test.each([
    ['plain', CompressionTypes.None, false],
    ['gzip', CompressionTypes.GZIP, false],
    ['idempotent', CompressionTypes.None, true],
  ] as const)(
    '%s produce is consumed with keys and headers intact',
    async (_name, compression, idempotent) => {
      const topic = uniqueName('roundtrip');
      broker.createTopic(topic, 2);
      const sender = await producer({ idempotent });
      const messages = [
        { key: 'order-1', value: 'created', headers: { tenant: 'acme', trace: 'abc' }, partition: 0 },
        { key: 'order-2', value: 'paid', headers: { tenant: 'globex' }, partition: 1 },
        { key: null, value: 'no key', partition: 0 },
      ];
      const results = await sender.send({ topic, compression, acks: -1, messages });
      expect(results.map((result) => result.errorCode)).toEqual([0, 0]);
      await sender.send({
        topic,
        compression,
        messages: [{ key: 'order-1', value: 'shipped', partition: 0 }],
      });

      const { messages: got } = await consumer(uniqueName('group'), topic);
      await waitFor(() => got.length === 4, '4 messages');
      const byPartition = (partition: number): Received[] =>
        got.filter((message) => message.partition === partition);
      expect(byPartition(0)).toEqual([
        {
          partition: 0,
          offset: '0',
          key: 'order-1',
          value: 'created',
          headers: { tenant: 'acme', trace: 'abc' },
        },
        { partition: 0, offset: '1', key: undefined, value: 'no key', headers: {} },
        { partition: 0, offset: '2', key: 'order-1', value: 'shipped', headers: {} },
      ]);
      expect(byPartition(1)).toEqual([
        { partition: 1, offset: '0', key: 'order-2', value: 'paid', headers: { tenant: 'globex' } },
      ]);
    },
  );

  test('two consumers in one group split four partitions', async () => {
    const topic = uniqueName('split');
    const groupId = uniqueName('group');
    broker.createTopic(topic, 4);
    const first = await consumer(groupId, topic);
    await waitFor(() => first.assignment()?.length === 4, 'the first consumer to own all partitions');
    const second = await consumer(groupId, topic);
    await waitFor(
      () => first.assignment()?.length === 2 && second.assignment()?.length === 2,
      'a two-and-two split',
    );
    expect([...(first.assignment() ?? []), ...(second.assignment() ?? [])].sort()).toEqual([0, 1, 2, 3]);

    const sender = await producer();
    await sender.send({
      topic,
      messages: [0, 1, 2, 3].map((partition) => ({ value: `to ${partition}`, partition })),
    });
    await waitFor(() => first.messages.length + second.messages.length === 4, 'all four messages');
    expect(first.messages.map((message) => message.partition).sort()).toEqual(first.assignment());
    expect(second.messages.map((message) => message.partition).sort()).toEqual(second.assignment());
  });

  test('a new consumer in the group resumes from the committed offset', async () => {
    const topic = uniqueName('resume');
    const groupId = uniqueName('group');
    broker.createTopic(topic, 1);
    const sender = await producer();
    await sender.send({ topic, messages: ['a', 'b', 'c'].map((value) => ({ value })) });

    const first = await consumer(groupId, topic);
    await waitFor(() => first.messages.length === 3, 'the first three messages');
    await first.consumer.disconnect();
    const admin = createKafka(broker).admin();
    clients.push(admin);
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(committed?.partitions).toEqual([{ partition: 0, offset: '3', metadata: null }]);

    await sender.send({ topic, messages: ['d', 'e'].map((value) => ({ value })) });
    const second = await consumer(groupId, topic);
    await waitFor(() => second.messages.length === 2, 'the two new messages');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(second.messages.map((message) => [message.offset, message.value])).toEqual([
      ['3', 'd'],
      ['4', 'e'],
    ]);
  });

  test('a long-polling consumer gets a new message well under maxWait', async () => {
    const topic = uniqueName('longpoll');
    broker.createTopic(topic, 1);
    const maxWaitTimeInMs = 3_000;
    const idle = await consumer(uniqueName('group'), topic, { maxWaitTimeInMs });
    await waitFor(() => idle.assignment()?.length === 1, 'the assignment');
    // Let the consumer settle into a long poll on the empty partition.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sender = await producer();
    const sentAt = Date.now();
    await sender.send({ topic, messages: [{ value: 'ping' }] });
    await waitFor(() => idle.messages.length === 1, 'the message', maxWaitTimeInMs);
    expect(Date.now() - sentAt).toBeLessThan(maxWaitTimeInMs / 4);
    // Wake the next long poll so that disconnecting does not wait for it.
    await sender.send({ topic, messages: [{ value: 'bye' }] });
  });
});
