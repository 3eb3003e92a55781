import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCache } from '@herald/cache';
import { openStore } from '@herald/store';
import { KafkaTestBroker } from '@herald/testkit/kafka-broker';
import { createEventLog } from '@herald/transport';
import { createKafkaLog } from '@herald/transport/kafka';
import { afterAll, describe, expect, it } from 'vitest';
import { startPush, unique } from './harness.js';

const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function tempDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'herald-push-'));
  directories.push(directory);
  return directory;
}

describe('push across instances and drivers', () => {
  it('delivers to a client on instance B what instance A consumed, through Redis', async () => {
    const directory = tempDirectory();
    const prefix = `${unique('push-test')}:`;
    const caches = [
      await createCache('redis://127.0.0.1:6379', { prefix }),
      await createCache('redis://127.0.0.1:6379', { prefix }),
    ];
    const stores = [0, 1].map(() => openStore({ path: join(directory, 'store.db') }));
    const logs = [
      await createEventLog(`sqlite:${join(directory, 'log.db')}`),
      await createEventLog(`sqlite:${join(directory, 'log.db')}`),
    ];
    try {
      // A seeds the shared database; B only serves sockets, so every event is consumed by A.
      await using a = await startPush({ store: stores[0]!, log: logs[0]!, cache: caches[0]! });
      await using b = await startPush({
        store: stores[1]!,
        log: logs[1]!,
        cache: caches[1]!,
        start: false,
        seed: false,
      });
      const onB = await b.connect('acme', 'rep-7');
      await a.publish(
        'acme',
        [1, 2, 3].map((n) => ({ customerId: `c${n}`, data: { to: 'rep-7', n } })),
      );
      await onB.until(() => onB.notifications().length === 3);
      expect(
        onB
          .notifications()
          .map((n) => n.title)
          .sort(),
      ).toEqual(['Note 1', 'Note 2', 'Note 3']);
      // Read on B meanwhile: a later item from A comes with the count B's store has now.
      b.store.inbox.markAllRead('acme', 'rep-7');
      await a.publish('acme', [{ customerId: 'c4', data: { to: 'rep-7', n: 4 } }]);
      await onB.until(() => onB.notifications().length === 4);
      const last = onB.frames.filter((frame) => frame.type === 'notification').at(-1);
      expect(last).toMatchObject({ notification: { title: 'Note 4' }, unreadCount: 1 });
      expect(b.push.gateway.stats().connections).toBe(1);
      expect(a.push.gateway.stats().connections).toBe(0);
    } finally {
      for (const log of logs) await log.close();
      for (const cache of caches) await cache.close();
      for (const store of stores) await store.close();
    }
  }, 30_000);

  it('runs the same pipeline on the Kafka driver', async () => {
    const broker = new KafkaTestBroker();
    await broker.start();
    const log = createKafkaLog({
      brokers: broker.brokers,
      retries: 3,
      sessionTimeoutMs: 1500,
      heartbeatIntervalMs: 100,
      maxWaitTimeMs: 50,
      rebalanceTimeoutMs: 1500,
    });
    try {
      await using h = await startPush({ log, group: unique('push') });
      const client = await h.connect('acme', 'rep-7');
      await h.publish(
        'acme',
        [1, 2, 3].map((n) => ({ customerId: `c${n}`, data: { to: 'rep-7', n } })),
      );
      await client.until(() => client.notifications().length === 3, 20_000);
      expect(
        client
          .notifications()
          .map((n) => n.title)
          .sort(),
      ).toEqual(['Note 1', 'Note 2', 'Note 3']);
    } finally {
      await log.close();
      await broker.close();
    }
  }, 60_000);
});
