import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { createEventLog, type ConsumedRecord } from '@herald/transport';
import { createSqliteLog } from '@herald/transport/sqlite';
import { AppendNotifier } from '../src/embedded/append-notifier.js';
import { EmbeddedEventLog } from '../src/embedded/embedded-event-log.js';
import { SqliteLogStorage } from '../src/sqlite/sqlite-log-storage.js';
import { publishTogether, spawnLogChild } from './spawn-log-child.js';
import { waitFor } from './wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'herald-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const freshPath = () => join(dir, `t-${++counter}`, 'herald.db');

/** The offset a group committed, read through a connection of its own (as another process would). */
function committedOffset(path: string, group: string): number | undefined {
  const db = new Database(path, { readonly: true });
  try {
    const row = db
      .prepare('SELECT next_offset AS next FROM herald_log_offsets WHERE consumer_group = ?')
      .get(group) as { next: number } | undefined;
    return row?.next;
  } finally {
    db.close();
  }
}

/**
 * A consumer of topic `shared` (group `g`) on `path` that has handled a record of its own
 * process and is caught up; returns the values it receives, in order.
 */
async function caughtUpConsumer(path: string, partitions: number): Promise<string[]> {
  const consumer = createSqliteLog({ path, defaultPartitions: partitions });
  onTestFinished(() => consumer.close());
  const received: string[] = [];
  await consumer.subscribe({
    topic: 'shared',
    group: 'g',
    handler: (batch) => {
      for (const record of batch.records) received.push(Buffer.from(record.value).toString());
    },
  });
  await consumer.publish('shared', [{ value: 'mine' }]);
  await waitFor('own record', () => received.length === 1);
  return received;
}

describe('sqlite driver', () => {
  it('opens by URL, creating the folder', async () => {
    const path = freshPath();
    await using log = await createEventLog(`sqlite:${path}?partitions=2`);
    expect(log.driver).toBe('sqlite');
    const published = await log.publish('events', [{ value: 'a' }, { value: 'b' }, { value: 'c' }]);
    expect(new Set(published.map((p) => p.partition))).toEqual(new Set([0, 1]));
  });

  it('joins concurrent publishes into one transaction with contiguous offsets', async () => {
    await using log = createSqliteLog({ path: freshPath(), defaultPartitions: 1 });
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => log.publish('burst', [{ value: `r${i}` }])),
    );
    const offsets = results.map((r) => r[0]!.offset).sort((a, b) => a - b);
    expect(offsets).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('wakes an in-process consumer on append without waiting for a poll', async () => {
    await using log = createSqliteLog({ path: freshPath(), defaultPartitions: 1, pollIntervalMs: 5000 });
    const received: number[] = [];
    await log.ensureTopic('wake', { partitions: 1 });
    const subscription = await log.subscribe({
      topic: 'wake',
      group: 'g',
      handler: () => void received.push(Date.now()),
    });
    await waitFor('assignment', () => subscription.assignedPartitions().length === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sentAt = Date.now();
    await log.publish('wake', [{ value: 'now' }]);
    await waitFor('delivery', () => received.length === 1, 2000);
    // Other processes' commits are checked for every 5 s, and the idle read comes a second
    // after the consumer's first read: only the append notification can deliver this fast.
    expect(received[0]! - sentAt).toBeLessThan(500);
  });

  it('retention deletes old consumed batches and never unconsumed records', async () => {
    let now = 1_000_000;
    const path = freshPath();
    const log = createSqliteLog({ path, defaultPartitions: 1, retentionMs: 1000, now: () => now });
    // Two appends, two batches: offsets 0–3 and 4–9.
    await log.publish(
      'kept',
      Array.from({ length: 4 }, (_, i) => ({ value: `v${i}` })),
    );
    await log.publish(
      'kept',
      Array.from({ length: 6 }, (_, i) => ({ value: `v${4 + i}` })),
    );
    const seen: ConsumedRecord[] = [];
    let batches = 0;
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await log.subscribe({
      topic: 'kept',
      group: 'slow',
      maxBatchSize: 6,
      handler: (batch) => {
        seen.push(...batch.records);
        batches += 1;
        // The slow group stops after its first batch: offsets 0–5 committed, 6–9 unconsumed.
        return batches > 1 ? held : undefined;
      },
    });
    await waitFor('second batch in hand', () => batches > 1);
    // The first batch's offsets are committed within commitIntervalMs, while the second is held.
    await waitFor('first batch committed', () => committedOffset(path, 'slow') === 6);
    now += 10_000;
    // The held batch is released before the log closes, whatever the test found.
    onTestFinished(async () => {
      release();
      await log.close();
    });
    const deleted = (log as unknown as { runRetention(): number }).runRetention();
    // 0–3 go; 4–9 stay whole, since 6–9 are not consumed yet.
    expect(deleted).toBe(4);
    const db = new Database(path, { readonly: true });
    const remaining = db
      .prepare('SELECT base_offset AS base, last_offset AS last FROM herald_log_batches ORDER BY last_offset')
      .all();
    db.close();
    expect(remaining).toEqual([{ base: 4, last: 9 }]);
    expect(seen.map((record) => record.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('writes an append of more than a batch row holds as several rows, in order', async () => {
    const path = freshPath();
    const log = createSqliteLog({ path, defaultPartitions: 1 });
    onTestFinished(() => log.close());
    // Five records of 300 KB: three fit in a 1 MiB row, the other two start the next.
    const values = Array.from({ length: 5 }, (_, i) => String(i).repeat(300_000));
    const published = await log.publish(
      'large',
      values.map((value) => ({ value })),
    );
    expect(published.map((p) => p.offset)).toEqual([0, 1, 2, 3, 4]);
    const db = new Database(path, { readonly: true });
    onTestFinished(() => {
      db.close();
    });
    expect(
      db
        .prepare(
          'SELECT base_offset AS base, last_offset AS last FROM herald_log_batches ORDER BY last_offset',
        )
        .all(),
    ).toEqual([
      { base: 0, last: 2 },
      { base: 3, last: 4 },
    ]);
    const received: string[] = [];
    await log.subscribe({
      topic: 'large',
      group: 'g',
      maxBatchSize: 2,
      handler: (batch) => {
        for (const record of batch.records) received.push(Buffer.from(record.value).toString());
      },
    });
    await waitFor('every record', () => received.length === 5);
    expect(received).toEqual(values);
  });

  it('commits handled offsets within commitIntervalMs, not after every batch', async () => {
    const path = freshPath();
    const log = createSqliteLog({ path, defaultPartitions: 1, commitIntervalMs: 2000 });
    onTestFinished(() => log.close());
    let handled = 0;
    await log.subscribe({
      topic: 'trickle',
      group: 'g',
      handler: (batch) => {
        handled += batch.records.length;
      },
    });
    await waitFor('start pinned', () => committedOffset(path, 'g') === 0);
    await log.publish('trickle', [{ value: 'a' }]);
    await waitFor('first handled', () => handled === 1);
    // The first batch after a quiet spell commits at once; the next ones wait for the interval.
    await waitFor('first committed', () => committedOffset(path, 'g') === 1);
    await log.publish('trickle', [{ value: 'b' }]);
    await waitFor('second handled', () => handled === 2);
    await log.publish('trickle', [{ value: 'c' }]);
    await waitFor('third handled', () => handled === 3);
    expect(committedOffset(path, 'g')).toBe(1);
    // Idle, with work handled and not committed: the consumer wakes to commit it.
    await waitFor('the rest committed', () => committedOffset(path, 'g') === 3, 5000);
  });

  it('commits what it handled when it leaves, whatever the interval', async () => {
    const path = freshPath();
    const log = createSqliteLog({ path, defaultPartitions: 1, commitIntervalMs: 60_000 });
    onTestFinished(() => log.close());
    let handled = 0;
    const subscription = await log.subscribe({
      topic: 'leave',
      group: 'g',
      handler: (batch) => {
        handled += batch.records.length;
      },
    });
    await log.publish('leave', [{ value: 'a' }]);
    await waitFor('first handled', () => handled === 1);
    await log.publish('leave', [{ value: 'b' }]);
    await waitFor('second handled', () => handled === 2);
    expect(committedOffset(path, 'g')).toBe(1);
    await subscription.close();
    expect(committedOffset(path, 'g')).toBe(2);
  });

  it("wakes a caught-up consumer for another process's appends, and does not read the log while idle", async () => {
    const path = freshPath();
    const received = await caughtUpConsumer(path, 4);
    // Caught up and idle, its four partitions' consumers do not read: one check of SQLite's
    // data version every 2 ms stands in for every partition's poll.
    const reads = vi.spyOn(SqliteLogStorage.prototype, 'read');
    onTestFinished(() => reads.mockRestore());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(reads).not.toHaveBeenCalled();
    // Another connection with a notifier of its own, as another process has: its appends
    // wake the consumer through the data version.
    const wakes = vi.spyOn(AppendNotifier.prototype, 'notifyElsewhere');
    onTestFinished(() => wakes.mockRestore());
    const db = new Database(path);
    db.pragma('busy_timeout = 5000');
    const elsewhere = new EmbeddedEventLog('sqlite', new SqliteLogStorage(db), new AppendNotifier());
    onTestFinished(() => elsewhere.close());
    await elsewhere.publish('shared', [{ value: 'theirs' }]);
    await waitFor("the other connection's record", () => received.length === 2);
    expect(received).toEqual(['mine', 'theirs']);
    expect(wakes).toHaveBeenCalled();
  });

  it("checks for other processes' appends ten times less often after a quiet second", async () => {
    const consumer = createSqliteLog({ path: freshPath(), defaultPartitions: 1 });
    onTestFinished(() => consumer.close());
    const checks = vi.spyOn(SqliteLogStorage.prototype, 'appendedElsewhere');
    onTestFinished(() => checks.mockRestore());
    await consumer.subscribe({ topic: 'quiet', group: 'g', handler: () => undefined });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const before = checks.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const quietChecks = checks.mock.calls.length - before;
    // Every 20 ms now: some 25 checks in half a second, where every 2 ms would be 250.
    expect(quietChecks).toBeGreaterThan(0);
    expect(quietChecks).toBeLessThanOrEqual(40);
  });

  it("tells another connection's append from its other commits, also after retention emptied the log", () => {
    const path = freshPath();
    mkdirSync(dirname(path), { recursive: true });
    const watcherDb = new Database(path);
    const watching = new SqliteLogStorage(watcherDb);
    const appending = new SqliteLogStorage(new Database(path));
    onTestFinished(async () => {
      await watching.close();
      await appending.close();
    });
    appending.ensureTopic('shared', 1);
    const append = () =>
      appending.append([
        {
          topic: 'shared',
          records: [
            { partition: 0, key: null, value: Buffer.from('theirs'), headers: {}, timestamp: Date.now() },
          ],
        },
      ]);
    const newestRowid = () => watcherDb.prepare('SELECT max(rowid) FROM herald_log_batches').pluck().get();

    append();
    expect(watching.appendedElsewhere()).toBe(true);
    // A commit that appends nothing (a member's heartbeat) moves the data version only.
    appending.heartbeat('g', 'shared', 'member-1', Date.now() + 1000, Date.now());
    expect(watching.appendedElsewhere()).toBe(false);
    // Retention on the watcher's own connection (which moves no data version of its own) deletes
    // every batch row, so the next append's row comes back with the same rowid.
    const rowidBefore = newestRowid();
    watcherDb.exec('DELETE FROM herald_log_batches');
    append();
    expect(newestRowid()).toBe(rowidBefore);
    expect(watching.appendedElsewhere()).toBe(true);
  });

  it('finds records another process appended', async () => {
    const path = freshPath();
    const received = await caughtUpConsumer(path, 1);
    const child = spawnLogChild({ url: `sqlite:${path}`, mode: 'publish', topic: 'shared', count: 2 });
    onTestFinished(() => child.kill());
    await waitFor('records of the other process', () => received.length === 3, 20_000);
    expect(received).toEqual(['mine', 'durable-0', 'durable-1']);
  });

  it('refuses a poll interval under 1 ms', () => {
    expect(() => createSqliteLog({ path: freshPath(), pollIntervalMs: 0 })).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: 'pollIntervalMs must be at least 1, got 0.',
      }),
    );
  });

  it('several processes opening one fresh file at the same moment all publish', async () => {
    const path = freshPath();
    expect(await publishTogether(path, 'shared', 4)).toEqual(Array(4).fill('published'));
    const db = new Database(path, { readonly: true });
    onTestFinished(() => {
      db.close();
    });
    expect(
      db.prepare('SELECT sum(last_offset - base_offset + 1) FROM herald_log_batches').pluck().get(),
    ).toBe(8);
  }, 40_000);

  it('refuses a negative commitIntervalMs', () => {
    expect(() => createSqliteLog({ path: freshPath(), commitIntervalMs: -1 })).toThrow(/commitIntervalMs/);
  });

  it('checkpoints the WAL into the database from a worker thread', async () => {
    const path = freshPath();
    const log = createSqliteLog({ path, defaultPartitions: 1, checkpointIntervalMs: 50 });
    const before = statSync(path).size;
    await log.publish(
      'bulk',
      Array.from({ length: 2000 }, (_, i) => ({ value: `record-${i}`.padEnd(200, '.') })),
    );
    // The publishing connection never checkpoints itself, so only the worker can grow the file.
    await waitFor(
      'the database file to take the records',
      () => statSync(path).size > before + 200_000,
      5000,
    );
    await log.close();
  });

  it('refuses a log written by a newer Herald', () => {
    const path = freshPath();
    createSqliteLog({ path })
      .close()
      .catch(() => {});
    const db = new Database(path);
    db.prepare("UPDATE herald_log_meta SET value = '99' WHERE key = 'schema_version'").run();
    db.close();
    expect(() => createSqliteLog({ path })).toThrow(expect.objectContaining({ code: 'SCHEMA_TOO_NEW' }));
  });

  it('says clearly when the file is not a database', () => {
    const path = join(dir, 'garbage.db');
    writeFileSync(path, Buffer.alloc(8192, 0x5a));
    expect(() => createSqliteLog({ path })).toThrow(expect.objectContaining({ code: 'CORRUPT' }));
  });
});
