import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Partitioners, type EachMessagePayload } from 'kafkajs';
import { afterEach, expect, test } from 'vitest';
import { KafkaTestBroker } from '../src/index.js';
import { createKafka, fastConsumerConfig, recordingLogger, uniqueName, waitFor } from './support/kafka.js';

const doomedScript = fileURLToPath(new URL('./fixtures/doomed-consumer.mjs', import.meta.url));
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Starts the doomed consumer; its reported assignments land in the returned array. */
function spawnDoomed(args: string[]): { child: ChildProcess; assignments: number[][] } {
  const child = spawn(process.execPath, [doomedScript, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const assignments: number[][] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('{"assignment"')) {
      assignments.push((JSON.parse(line) as { assignment: number[] }).assignment);
    }
  });
  return { child, assignments };
}

test('a SIGKILLed consumer’s partitions move to the survivor after its session timeout', async () => {
  const { logger, warnings } = recordingLogger();
  const broker = new KafkaTestBroker({ logger });
  await broker.start();
  cleanups.push(() => broker.close());
  const topic = uniqueName('crash');
  const groupId = uniqueName('group');
  broker.createTopic(topic, 4);
  const sessionTimeoutMs = 1_500;

  const doomed = spawnDoomed([broker.brokers[0]!, topic, groupId, String(sessionTimeoutMs)]);
  await waitFor(
    () => doomed.assignments.at(-1)?.length === 4,
    'the doomed consumer to own all partitions',
    20_000,
  );

  const survivor = createKafka(broker).consumer(fastConsumerConfig(groupId));
  cleanups.push(() => survivor.disconnect());
  let assignment: number[] = [];
  const received: EachMessagePayload['partition'][] = [];
  survivor.on(survivor.events.GROUP_JOIN, ({ payload }) => {
    assignment = [...(payload.memberAssignment[topic] ?? [])].sort();
  });
  await survivor.connect();
  await survivor.subscribe({ topics: [topic], fromBeginning: true });
  await survivor.run({
    eachMessage: ({ partition }) => {
      received.push(partition);
      return Promise.resolve();
    },
  });
  await waitFor(
    () => assignment.length === 2 && doomed.assignments.at(-1)?.length === 2,
    'a two-and-two split with the doomed consumer',
  );

  const killedAt = Date.now();
  doomed.child.kill('SIGKILL');
  await waitFor(() => assignment.length === 4, 'the survivor to take over every partition');
  const takeover = Date.now() - killedAt;
  // Nothing but the expired session can trigger the rebalance (the client never left).
  expect(takeover).toBeGreaterThanOrEqual(sessionTimeoutMs - 500);
  expect(takeover).toBeLessThan(sessionTimeoutMs + 5_000);

  const producer = createKafka(broker).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  cleanups.push(() => producer.disconnect());
  await producer.connect();
  await producer.send({ topic, messages: [0, 1, 2, 3].map((partition) => ({ value: 'after', partition })) });
  await waitFor(() => received.length === 4, 'messages on every partition');
  expect([...received].sort()).toEqual([0, 1, 2, 3]);
  expect(warnings).toEqual([]);
}, 30_000);
