import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { EventLog } from '@herald/transport';
import { createMemoryLog } from '@herald/transport/memory';
import { createSqliteLog } from '@herald/transport/sqlite';
import { uniqueName, waitFor } from './wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'herald-batch-wait-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const drivers: [string, () => EventLog][] = [
  ['memory', () => createMemoryLog({ heartbeatIntervalMs: 50 })],
  ['sqlite', () => createSqliteLog({ path: join(dir, `${uniqueName('log')}.db`), heartbeatIntervalMs: 50 })],
];

describe.each(drivers)('batchWaitMs on the %s driver', (_driver, open) => {
  const logs: EventLog[] = [];
  afterEach(async () => {
    for (const log of logs.splice(0)) await log.close();
  });

  /** The batches one subscriber gets: one record, then three more 30 ms later. */
  async function batchesOf(batchWaitMs: number | undefined): Promise<string[][]> {
    const log = open();
    logs.push(log);
    const topic = uniqueName('t');
    await log.ensureTopic(topic, { partitions: 1 });
    const batches: string[][] = [];
    const subscription = await log.subscribe({
      topic,
      group: uniqueName('g'),
      startFrom: 'latest',
      ...(batchWaitMs === undefined ? {} : { batchWaitMs }),
      handler: (batch) => void batches.push(batch.records.map((r) => r.value.toString())),
    });
    await waitFor('the partition', () => subscription.assignedPartitions().length === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await log.publish(topic, [{ value: 'a' }]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await log.publish(topic, [{ value: 'b' }, { value: 'c' }]);
    await log.publish(topic, [{ value: 'd' }]);
    await waitFor('all four', () => batches.flat().length === 4);
    await subscription.close();
    return batches;
  }

  it('hands each record over as it comes without it', async () => {
    expect((await batchesOf(undefined))[0]).toEqual(['a']);
  });

  it('waits after an append for more, and hands them over together', async () => {
    expect(await batchesOf(1000)).toEqual([['a', 'b', 'c', 'd']]);
  });

  it('does not hold up a member that leaves, and loses nothing', async () => {
    const log = open();
    logs.push(log);
    const topic = uniqueName('t');
    const group = uniqueName('g');
    await log.ensureTopic(topic, { partitions: 1 });
    const first: string[] = [];
    const subscription = await log.subscribe({
      topic,
      group,
      batchWaitMs: 60_000,
      handler: (batch) => void first.push(...batch.records.map((r) => r.value.toString())),
    });
    await waitFor('the partition', () => subscription.assignedPartitions().length === 1);
    await log.publish(topic, [{ value: 'x' }]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Inside the minute's wait: leaving ends it (the test's own timeout would catch a wait).
    await subscription.close();
    expect(first).toEqual([]);
    const second: string[] = [];
    await log.subscribe({
      topic,
      group,
      handler: (batch) => void second.push(...batch.records.map((r) => r.value.toString())),
    });
    await waitFor('the record, for the next member', () => second.length === 1);
    expect(second).toEqual(['x']);
  });
});
