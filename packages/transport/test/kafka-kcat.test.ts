import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaTestBroker, kcat, kcatAvailable } from '@herald/testkit';
import { createKafkaLog } from '@herald/transport/kafka';
import { uniqueName, waitFor } from './wait-for.js';

// A second, independent Kafka client (librdkafka) reads what the driver writes and writes what it reads.
describe.skipIf(!kcatAvailable)('kafka driver with kcat', () => {
  let broker: KafkaTestBroker;
  beforeAll(async () => {
    broker = new KafkaTestBroker();
    await broker.start();
  });
  afterAll(async () => {
    await broker.close();
  });

  it('writes records kcat reads with their keys, values and headers', async () => {
    await using log = createKafkaLog({ brokers: broker.brokers });
    const topic = uniqueName('to-kcat');
    await log.ensureTopic(topic, { partitions: 2 });
    await log.publish(topic, [
      { key: 'acme:c1', value: '{"type":"order.created"}', headers: { 'herald-tenant': 'acme' } },
      { key: 'acme:c2', value: '{"type":"refund.requested"}', headers: { 'herald-tenant': 'acme' } },
    ]);
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
      '%k|%s|%h\\n',
    ]);
    expect(code, stderr).toBe(0);
    const lines = stdout.trim().split('\n').sort();
    expect(lines).toEqual([
      'acme:c1|{"type":"order.created"}|herald-tenant=acme',
      'acme:c2|{"type":"refund.requested"}|herald-tenant=acme',
    ]);
  });

  it('hands records kcat produced to a subscription', async () => {
    await using log = createKafkaLog({
      brokers: broker.brokers,
      heartbeatIntervalMs: 100,
      maxWaitTimeMs: 100,
    });
    const topic = uniqueName('from-kcat');
    await log.ensureTopic(topic, { partitions: 1 });
    const { code, stderr } = await kcat(['-b', broker.brokers[0]!, '-P', '-t', topic, '-K', ':'], {
      input: 'k1:first\nk2:second\n',
    });
    expect(code, stderr).toBe(0);
    const got: string[] = [];
    await log.subscribe({
      topic,
      group: uniqueName('g'),
      handler: (batch) => void got.push(...batch.records.map((r) => `${r.key}=${r.value.toString()}`)),
    });
    await waitFor('two records', () => got.length === 2);
    expect(got).toEqual(['k1=first', 'k2=second']);
  });
});
