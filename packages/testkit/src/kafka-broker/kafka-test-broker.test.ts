import { connect } from 'node:net';
import { describe, expect, test } from 'vitest';
import { RawKafkaClient } from '../../test/support/raw-kafka-client.js';
import { TestkitError } from '../testkit-error.js';
import { KafkaTestBroker } from './kafka-test-broker.js';

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Metadata v4 for one topic; returns the topic's error code and partition count. */
async function metadata(
  client: RawKafkaClient,
  topic: string,
  allowAutoCreate: boolean,
): Promise<[number, number]> {
  const body = await client.request(3, 4, (w) =>
    w.array([topic], (tw, name) => tw.string(name)).bool(allowAutoCreate),
  );
  body.int32();
  body.array((r) => [r.int32(), r.string(), r.int32(), r.nullableString()]);
  body.nullableString();
  body.int32();
  const [result] = body.array((r): [number, number] => {
    const errorCode = r.int16();
    r.string();
    r.bool();
    return [
      errorCode,
      r.array((p) => [p.int16(), p.int32(), p.int32(), p.array((x) => x.int32()), p.array((x) => x.int32())])
        .length,
    ];
  });
  return result ?? [-1, -1];
}

describe('KafkaTestBroker lifecycle', () => {
  test('listens on 127.0.0.1 with a system-chosen port and reports it', async () => {
    await using broker = new KafkaTestBroker();
    expect(() => broker.port).toThrow(expect.objectContaining({ code: 'NOT_STARTED' }));
    const first = broker.start();
    expect(broker.start()).toBe(first);
    await first;
    expect(broker.port).toBeGreaterThan(0);
    expect(broker.brokers).toEqual([`127.0.0.1:${broker.port}`]);
    expect(await canConnect(broker.port)).toBe(true);
  });

  test('close() is idempotent, stops listening, and `await using` calls it', async () => {
    let port: number;
    {
      await using broker = new KafkaTestBroker();
      await broker.start();
      port = broker.port;
    }
    expect(await canConnect(port)).toBe(false);

    const broker = new KafkaTestBroker();
    await broker.start();
    await Promise.all([broker.close(), broker.close()]);
    await broker.close();
    await expect(broker.start()).rejects.toSatisfy(
      (error: unknown) => TestkitError.isInstance(error) && error.code === 'CLOSED',
    );
  });

  test('close() before start() resolves', async () => {
    const broker = new KafkaTestBroker();
    await broker.close();
    await expect(broker.start()).rejects.toThrow(TestkitError);
  });

  test('start() rejects when the port is taken', async () => {
    await using taken = new KafkaTestBroker();
    await taken.start();
    const broker = new KafkaTestBroker({ port: taken.port });
    await expect(broker.start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await broker.close();
  });

  test('close() destroys connections and releases a JoinGroup waiting for a rebalance', async () => {
    const broker = new KafkaTestBroker();
    await broker.start();
    const join = (client: RawKafkaClient, memberId: string): Promise<unknown> =>
      client.request(11, 3, (w) =>
        w
          .string('lifecycle-group')
          .int32(30_000)
          .int32(30_000)
          .string(memberId)
          .string('consumer')
          .array(['range'], (pw, name) => pw.string(name).bytes(Buffer.alloc(0))),
      );
    const first = await RawKafkaClient.connect(broker.port);
    const second = await RawKafkaClient.connect(broker.port);
    await join(first, '');
    // The first member never rejoins, so this waits for the 30 s rebalance timeout.
    const waiting = join(second, '').then(
      () => 'answered',
      () => 'closed',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await broker.close();
    expect(await waiting).toBe('closed');
    await first.closed();
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  test('validates its options and createTopic arguments', async () => {
    expect(() => new KafkaTestBroker({ defaultPartitions: 0 })).toThrow(TestkitError);
    await using broker = new KafkaTestBroker({ defaultPartitions: 3 });
    expect(broker.createTopic('fresh')).toBe(true);
    expect(broker.createTopic('fresh', 1)).toBe(false);
    expect(() => broker.createTopic('bad name')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => broker.createTopic('other', 0)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  test('auto-creates topics with defaultPartitions when the Metadata request allows it', async () => {
    await using broker = new KafkaTestBroker({ defaultPartitions: 3 });
    await broker.start();
    await using client = await RawKafkaClient.connect(broker.port);
    expect(await metadata(client, 'not-yet', false)).toEqual([3, 0]);
    expect(await metadata(client, 'not-yet', true)).toEqual([0, 3]);
    expect(await metadata(client, 'not-yet', false)).toEqual([0, 3]);
    expect(await metadata(client, 'bad/name', true)).toEqual([17, 0]);
  });
});
