import { afterEach, describe, expect, it } from 'vitest';
import {
  deadLetterHeaders,
  TransportError,
  type ConsumedRecord,
  type EventLog,
  type Subscription,
} from '@herald/transport';
import { spawnLogChild, type LogChild } from './spawn-log-child.js';
import { uniqueName, waitFor } from './wait-for.js';

/** How a driver's tests open logs; every log a test opens shares one storage (file, broker). */
export interface LogHarness {
  /** Opens a log on the test's storage, with fast group timings. */
  open(options?: { maxRecordBytes?: number }): Promise<EventLog>;
  /** The URL a child process opens to reach the same storage; absent for in-process-only drivers. */
  childUrl?: () => string;
  /** A consumer group's session timeout in this harness, to bound waits. */
  sessionTimeoutMs: number;
}

/**
 * The behaviour every log driver must have (ordering, durability, at-least-once,
 * consumer groups, dead letters, bad input). Each driver's test file runs it.
 */
export function describeEventLogContract(
  driver: string,
  makeHarness: () => Promise<LogHarness> | LogHarness,
): void {
  describe(`event log contract: ${driver}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    async function openLog(options?: {
      maxRecordBytes?: number;
    }): Promise<{ log: EventLog; harness: LogHarness }> {
      const harness = await makeHarness();
      const log = await harness.open(options);
      cleanups.push(() => log.close());
      return { log, harness };
    }

    function track(subscription: Subscription): Subscription {
      cleanups.push(() => subscription.close());
      return subscription;
    }

    function trackChild(child: LogChild): LogChild {
      cleanups.push(() => child.kill());
      return child;
    }

    it('keeps per-key order and lands each key on one partition', async () => {
      const { log } = await openLog();
      const topic = uniqueName('order');
      await log.ensureTopic(topic, { partitions: 4 });
      const sent: { key: string; value: string }[] = [];
      const placements = new Map<string, Set<number>>();
      for (let round = 0; round < 5; round++) {
        const records = Array.from({ length: 40 }, (_, i) => ({
          key: `customer-${i % 8}`,
          value: `${round}-${i}`,
        }));
        const published = await log.publish(topic, records);
        records.forEach((record, i) => {
          sent.push(record);
          const set = placements.get(record.key) ?? new Set();
          set.add(published[i]!.partition);
          placements.set(record.key, set);
        });
      }
      for (const partitions of placements.values()) expect(partitions.size).toBe(1);
      const received: ConsumedRecord[] = [];
      track(
        await log.subscribe({
          topic,
          group: uniqueName('g'),
          handler: (batch) => void received.push(...batch.records),
        }),
      );
      await waitFor('all records', () => received.length >= sent.length);
      expect(received).toHaveLength(sent.length);
      for (const key of placements.keys()) {
        const expected = sent.filter((r) => r.key === key).map((r) => r.value);
        const got = received.filter((r) => r.key === key).map((r) => r.value.toString('utf8'));
        expect(got).toEqual(expected);
      }
    });

    it('returns increasing offsets per partition and keeps key, value bytes and headers intact', async () => {
      const { log } = await openLog();
      const topic = uniqueName('fidelity');
      const bytes = new Uint8Array([0, 1, 2, 253, 254, 255]);
      const published = await log.publish(topic, [
        { key: 'same', value: 'first', headers: { 'x-trace': 'abc' } },
        { key: 'same', value: bytes, timestamp: 1_700_000_000_000 },
      ]);
      expect(published[0]!.partition).toBe(published[1]!.partition);
      expect(published[1]!.offset).toBe(published[0]!.offset + 1);
      const received: ConsumedRecord[] = [];
      track(
        await log.subscribe({
          topic,
          group: uniqueName('g'),
          handler: (b) => void received.push(...b.records),
        }),
      );
      await waitFor('two records', () => received.length === 2);
      expect(received[0]!.headers['x-trace']).toBe('abc');
      expect(received[0]!.value.toString('utf8')).toBe('first');
      expect([...received[1]!.value]).toEqual([...bytes]);
      expect(received[1]!.timestamp).toBe(1_700_000_000_000);
      expect(received[1]!.offset).toBe(published[1]!.offset);
    });

    it('redelivers a batch whose handler failed, and commits only after success', async () => {
      const { log } = await openLog();
      const topic = uniqueName('retry');
      await log.publish(topic, [
        { key: 'a', value: 'one' },
        { key: 'a', value: 'two' },
      ]);
      let calls = 0;
      const handled: string[] = [];
      const group = uniqueName('g');
      const subscription = track(
        await log.subscribe({
          topic,
          group,
          retry: { initialDelayMs: 5, maxDelayMs: 20 },
          handler: (batch) => {
            calls++;
            if (calls === 1) throw new Error('transient');
            handled.push(...batch.records.map((r) => r.value.toString()));
          },
        }),
      );
      await waitFor('both handled', () => handled.includes('one') && handled.includes('two'));
      expect(calls).toBeGreaterThan(1);
      await subscription.close();
      // A new member of the group starts after the committed records: nothing is handed out again.
      const again: string[] = [];
      await log.publish(topic, [{ key: 'a', value: 'three' }]);
      track(
        await log.subscribe({
          topic,
          group,
          handler: (b) => void again.push(...b.records.map((r) => r.value.toString())),
        }),
      );
      await waitFor('the new record', () => again.length > 0);
      expect(again).toEqual(['three']);
    });

    it('sends a poison record to the dead-letter topic after the retry budget and moves on', async () => {
      const { log } = await openLog();
      const topic = uniqueName('poison');
      await log.ensureTopic(topic, { partitions: 1 });
      await log.publish(topic, [
        { key: 'k', value: 'ok-1' },
        { key: 'k', value: 'poison', headers: { origin: 'crm' } },
        { key: 'k', value: 'ok-2' },
      ]);
      const handled: string[] = [];
      const errors: unknown[] = [];
      track(
        await log.subscribe({
          topic,
          group: uniqueName('g'),
          retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 },
          onError: (error) => errors.push(error),
          handler: (batch) => {
            for (const record of batch.records) {
              if (record.value.toString() === 'poison') throw new Error('cannot parse poison');
            }
            handled.push(...batch.records.map((r) => r.value.toString()));
          },
        }),
      );
      const dead: ConsumedRecord[] = [];
      track(
        await log.subscribe({
          topic: `${topic}.dlq`,
          group: uniqueName('dlq'),
          handler: (b) => void dead.push(...b.records),
        }),
      );
      await waitFor('dead letter', () => dead.length === 1 && handled.includes('ok-2'));
      expect(handled).toEqual(expect.arrayContaining(['ok-1', 'ok-2']));
      expect(handled).not.toContain('poison');
      expect(dead[0]!.value.toString()).toBe('poison');
      expect(dead[0]!.headers[deadLetterHeaders.error]).toContain('cannot parse poison');
      expect(dead[0]!.headers[deadLetterHeaders.attempts]).toBe('3');
      expect(dead[0]!.headers[deadLetterHeaders.topic]).toBe(topic);
      expect(dead[0]!.headers.origin).toBe('crm');
      expect(errors.length).toBeGreaterThanOrEqual(3);
    });

    it('resumes a group from its committed offset', async () => {
      const { log } = await openLog();
      const topic = uniqueName('resume');
      const group = uniqueName('g');
      await log.publish(
        topic,
        Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `first-${i}` })),
      );
      const first: string[] = [];
      const one = await log.subscribe({
        topic,
        group,
        handler: (b) => void first.push(...b.records.map((r) => r.value.toString())),
      });
      await waitFor('first ten', () => first.length === 10);
      await one.close();
      await log.publish(
        topic,
        Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, value: `second-${i}` })),
      );
      const second: string[] = [];
      track(
        await log.subscribe({
          topic,
          group,
          handler: (b) => void second.push(...b.records.map((r) => r.value.toString())),
        }),
      );
      await waitFor('five new', () => second.length >= 5);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(second.sort()).toEqual(['second-0', 'second-1', 'second-2', 'second-3', 'second-4']);
    });

    it('starts a new group at the end when asked for latest', async () => {
      const { log } = await openLog();
      const topic = uniqueName('latest');
      await log.ensureTopic(topic, { partitions: 1 });
      await log.publish(topic, [{ value: 'old' }]);
      const got: string[] = [];
      const subscription = track(
        await log.subscribe({
          topic,
          group: uniqueName('g'),
          startFrom: 'latest',
          handler: (b) => void got.push(...b.records.map((r) => r.value.toString())),
        }),
      );
      await waitFor('assignment', () => subscription.assignedPartitions().length === 1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await log.publish(topic, [{ value: 'new' }]);
      await waitFor('the new record', () => got.length > 0);
      expect(got).toEqual(['new']);
    });

    it('reads ahead up to maxInFlightBatches, in log order, committing only behind the oldest unfinished batch', async () => {
      const { log } = await openLog();
      const topic = uniqueName('ahead');
      const group = uniqueName('g');
      await log.ensureTopic(topic, { partitions: 1 });
      await log.publish(
        topic,
        Array.from({ length: 40 }, (_, i) => ({ key: 'k', value: String(i) })),
      );
      const calls: number[][] = [];
      let failFirst = false;
      let releaseFirst!: () => void;
      const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
      const subscription = await log.subscribe({
        topic,
        group,
        maxBatchSize: 5,
        maxInFlightBatches: 3,
        retry: { maxAttempts: 1000, initialDelayMs: 5, maxDelayMs: 10 },
        handler: async (batch) => {
          const values = batch.records.map((r) => Number(r.value.toString()));
          calls.push(values);
          if (values[0] === 0) {
            await firstHeld;
            if (failFirst) throw new Error('first batch fails while the member leaves');
          }
        },
      });
      await waitFor('three batches in flight', () => calls.length === 3);
      await new Promise((resolve) => setTimeout(resolve, 150));
      // The oldest is unfinished: no fourth batch is handed over, however long it takes.
      expect(calls.map((values) => values[0])).toEqual([0, 5, 10]);
      // Leaving while the oldest batch fails: batches 2 and 3 were done, but nothing may be committed past batch 1.
      failFirst = true;
      const closed = subscription.close();
      releaseFirst();
      await closed;
      const again: number[] = [];
      track(
        await log.subscribe({
          topic,
          group,
          handler: (b) => void again.push(...b.records.map((r) => Number(r.value.toString()))),
        }),
      );
      await waitFor('all forty again', () => again.length >= 40);
      expect(again).toEqual(Array.from({ length: 40 }, (_, i) => i));
    });

    it('splits partitions between two members and hands them over when one leaves', async () => {
      const { log } = await openLog();
      const topic = uniqueName('split');
      const group = uniqueName('g');
      await log.ensureTopic(topic, { partitions: 4 });
      const seenBy = new Map<string, string>();
      const handlerFor = (name: string) => (batch: { records: readonly ConsumedRecord[] }) => {
        for (const record of batch.records) seenBy.set(record.value.toString(), name);
      };
      const a = track(await log.subscribe({ topic, group, handler: handlerFor('a') }));
      const b = track(await log.subscribe({ topic, group, handler: handlerFor('b') }));
      await waitFor(
        'a 2/2 split',
        () => a.assignedPartitions().length === 2 && b.assignedPartitions().length === 2,
        5 * 1000 + 4 * 1000,
      );
      expect([...a.assignedPartitions(), ...b.assignedPartitions()].sort()).toEqual([0, 1, 2, 3]);
      await log.publish(
        topic,
        Array.from({ length: 40 }, (_, i) => ({ key: `key-${i}`, value: `v${i}` })),
      );
      await waitFor('all forty', () => seenBy.size === 40);
      expect(new Set(seenBy.values())).toEqual(new Set(['a', 'b']));
      await a.close();
      await waitFor('b takes all four', () => b.assignedPartitions().length === 4, 10_000);
      await log.publish(
        topic,
        Array.from({ length: 20 }, (_, i) => ({ key: `key-${i}`, value: `after-${i}` })),
      );
      await waitFor('twenty more', () => seenBy.size === 60);
      for (let i = 0; i < 20; i++) expect(seenBy.get(`after-${i}`)).toBe('b');
    });

    it('rejects bad input with typed errors', async () => {
      const { log } = await openLog({ maxRecordBytes: 1024 });
      const expectCode = async (promise: Promise<unknown>, code: string) => {
        const error = await promise.then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(TransportError.isInstance(error), `expected a TransportError, got ${String(error)}`).toBe(
          true,
        );
        expect((error as TransportError).code).toBe(code);
      };
      await expectCode(log.publish('', [{ value: 'x' }]), 'INVALID_TOPIC');
      await expectCode(log.publish('bad topic!', [{ value: 'x' }]), 'INVALID_TOPIC');
      await expectCode(log.publish(uniqueName('big'), [{ value: 'x'.repeat(2048) }]), 'RECORD_TOO_LARGE');
      // Counted in UTF-8 bytes, key and headers included, as Kafka counts them.
      await expectCode(log.publish(uniqueName('big'), [{ value: '€'.repeat(342) }]), 'RECORD_TOO_LARGE');
      await expectCode(
        log.publish(uniqueName('big'), [{ key: 'k'.repeat(30), value: 'é'.repeat(500) }]),
        'RECORD_TOO_LARGE',
      );
      await expectCode(
        log.publish(uniqueName('big'), [{ value: 'x'.repeat(1000), headers: { trace: 'y'.repeat(30) } }]),
        'RECORD_TOO_LARGE',
      );
      await expectCode(
        log.publish(uniqueName('big'), [{ value: 'x'.repeat(1000), headers: { trace: 'ü'.repeat(10) } }]),
        'RECORD_TOO_LARGE',
      );
      await log.publish(uniqueName('fits'), [{ key: 'k', value: 'é'.repeat(500), headers: { a: 'b' } }]);
      await expectCode(
        log.publish(uniqueName('t'), [{ value: 42 as unknown as string }]),
        'INVALID_ARGUMENT',
      );
      await expectCode(
        log.subscribe({ topic: uniqueName('t'), group: '', handler: () => {} }),
        'INVALID_ARGUMENT',
      );
      for (const batchWaitMs of [-1, Number.NaN, 60_001]) {
        await expectCode(
          log.subscribe({ topic: uniqueName('t'), group: uniqueName('g'), batchWaitMs, handler: () => {} }),
          'INVALID_ARGUMENT',
        );
      }
      await expectCode(log.ensureTopic(uniqueName('t'), { partitions: 0 }), 'INVALID_ARGUMENT');
      // A rejected publish writes nothing, not even its valid records.
      const topic = uniqueName('atomic');
      await expectCode(
        log.publish(topic, [{ value: 'fine' }, { value: 'y'.repeat(4096) }]),
        'RECORD_TOO_LARGE',
      );
      const got: string[] = [];
      await log.publish(topic, [{ value: 'marker' }]);
      track(
        await log.subscribe({
          topic,
          group: uniqueName('g'),
          handler: (b) => void got.push(...b.records.map((r) => r.value.toString())),
        }),
      );
      await waitFor('marker', () => got.includes('marker'));
      expect(got).toEqual(['marker']);
      await log.close();
      await log.close();
      await expectCode(log.publish(uniqueName('t'), [{ value: 'x' }]), 'CLOSED');
    });

    // Drivers that live in one process (memory) have nothing to prove across processes.
    if (driver === 'memory') return;
    describe('across processes', () => {
      it('keeps what a publish acknowledged when the publisher is killed right after', async () => {
        const { log, harness } = await openLog();
        const topic = uniqueName('durable');
        await log.ensureTopic(topic, { partitions: 2 });
        const child = trackChild(
          spawnLogChild({ url: harness.childUrl!(), mode: 'publish', topic, count: 25 }),
        );
        await waitFor(
          'the child to publish',
          () => child.lines.some((l) => l.startsWith('published')),
          20_000,
        );
        await child.kill();
        const got: ConsumedRecord[] = [];
        track(
          await log.subscribe({ topic, group: uniqueName('g'), handler: (b) => void got.push(...b.records) }),
        );
        await waitFor('25 records', () => got.length >= 25);
        expect(new Set(got.map((r) => r.value.toString())).size).toBe(25);
      });

      it('splits partitions with a member in another process and takes them all when it is killed', async () => {
        const { log, harness } = await openLog();
        const topic = uniqueName('processes');
        const group = uniqueName('g');
        await log.ensureTopic(topic, { partitions: 4 });
        const ours = new Set<string>();
        const subscription = track(
          await log.subscribe({
            topic,
            group,
            handler: (batch) => {
              for (const record of batch.records) ours.add(record.value.toString());
            },
          }),
        );
        const child = trackChild(
          spawnLogChild({
            url: harness.childUrl!(),
            mode: 'consume',
            topic,
            group,
            sessionTimeoutMs: harness.sessionTimeoutMs,
          }),
        );
        await waitFor('the child to join', () => child.lines.includes('subscribed'), 20_000);
        await waitFor(
          'a 2/2 split',
          () => subscription.assignedPartitions().length === 2,
          harness.sessionTimeoutMs * 4 + 10_000,
        );
        const published = await log.publish(
          topic,
          Array.from({ length: 40 }, (_, i) => ({ key: `key-${i}`, value: `v${i}` })),
        );
        const childCount = () => child.lines.filter((line) => line.startsWith('got')).length;
        await waitFor('all forty between the two', () => ours.size + childCount() === 40, 20_000);
        expect(ours.size).toBe(
          published.filter((p) => subscription.assignedPartitions().includes(p.partition)).length,
        );
        expect(childCount()).toBeGreaterThan(0);
        await child.kill();
        await waitFor(
          'all four partitions back',
          () => subscription.assignedPartitions().length === 4,
          harness.sessionTimeoutMs * 4 + 10_000,
        );
        await log.publish(
          topic,
          Array.from({ length: 20 }, (_, i) => ({ key: `key-${i}`, value: `after-${i}` })),
        );
        await waitFor(
          'twenty more here',
          () => [...ours].filter((v) => v.startsWith('after-')).length === 20,
          20_000,
        );
      });

      it('redelivers a killed member’s uncommitted records to the survivor', async () => {
        const { log, harness } = await openLog();
        const topic = uniqueName('takeover');
        const group = uniqueName('g');
        await log.ensureTopic(topic, { partitions: 2 });
        const child = trackChild(
          spawnLogChild({
            url: harness.childUrl!(),
            mode: 'consume-and-hang',
            topic,
            group,
            sessionTimeoutMs: harness.sessionTimeoutMs,
          }),
        );
        await waitFor('the child to join', () => child.lines.includes('subscribed'), 20_000);
        await log.publish(
          topic,
          Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
        );
        await waitFor('the child to receive', () => child.lines.some((l) => l.startsWith('got')), 20_000);
        await child.kill();
        const got = new Set<string>();
        track(
          await log.subscribe({
            topic,
            group,
            handler: (batch) => {
              for (const record of batch.records) got.add(record.value.toString());
            },
          }),
        );
        await waitFor('all ten, redelivered', () => got.size === 10, harness.sessionTimeoutMs * 4 + 10_000);
      });
    });
  });
}
