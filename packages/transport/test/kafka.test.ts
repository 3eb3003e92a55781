import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransportError } from '@herald/transport';
import { KafkaTestBroker } from '@herald/testkit/kafka-broker';
import { createKafkaLog } from '@herald/transport/kafka';
import { describeEventLogContract } from './event-log-contract.js';

// KAFKA_BROKERS=host:9092 runs the same contract against a real cluster instead.
const external = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);
let broker: KafkaTestBroker | undefined;
let brokers: string[] = external ?? [];

beforeAll(async () => {
  if (external) return;
  broker = new KafkaTestBroker();
  await broker.start();
  brokers = broker.brokers;
});
afterAll(async () => {
  await broker?.close();
});

const timings = {
  sessionTimeoutMs: 1500,
  heartbeatIntervalMs: 100,
  maxWaitTimeMs: 100,
  rebalanceTimeoutMs: 1500,
};

describeEventLogContract('kafka', () => ({
  sessionTimeoutMs: timings.sessionTimeoutMs,
  childUrl: () => `kafka://${brokers.join(',')}`,
  open: (options = {}) => Promise.resolve(createKafkaLog({ brokers, retries: 3, ...timings, ...options })),
}));

describe('kafka driver', () => {
  it('says which brokers are unreachable, within its retry budget', async () => {
    await using log = createKafkaLog({ brokers: ['127.0.0.1:1'], retries: 1, connectionTimeoutMs: 300 });
    const started = Date.now();
    const error = await log.publish('unreachable', [{ value: 'x' }]).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(TransportError.isInstance(error)).toBe(true);
    expect((error as TransportError).code).toBe('UNAVAILABLE');
    expect((error as Error).message).toContain('127.0.0.1:1');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('refuses a configuration without brokers', () => {
    expect(() => createKafkaLog({ brokers: [] })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
