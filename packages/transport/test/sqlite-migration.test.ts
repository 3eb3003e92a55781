import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import type { ConsumedRecord } from '@herald/transport';
import { createSqliteLog } from '@herald/transport/sqlite';
import { publishTogether } from './spawn-log-child.js';
import { waitFor } from './wait-for.js';

const dir = mkdtempSync(join(tmpdir(), 'herald-sqlite-migration-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A log as Herald's first schema wrote it: a row per record. */
const v1Schema = `
CREATE TABLE herald_log_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO herald_log_meta VALUES ('schema_version', '1');
CREATE TABLE herald_log_partitions (topic TEXT NOT NULL, partition INTEGER NOT NULL, next_offset INTEGER NOT NULL, PRIMARY KEY (topic, partition)) WITHOUT ROWID;
CREATE TABLE herald_log_records (topic TEXT NOT NULL, partition INTEGER NOT NULL, offset INTEGER NOT NULL, key TEXT, value BLOB NOT NULL, headers TEXT, timestamp INTEGER NOT NULL, PRIMARY KEY (topic, partition, offset)) WITHOUT ROWID;
CREATE TABLE herald_log_offsets (consumer_group TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL, next_offset INTEGER NOT NULL, committed_at INTEGER NOT NULL, PRIMARY KEY (topic, partition, consumer_group)) WITHOUT ROWID;
CREATE TABLE herald_log_members (consumer_group TEXT NOT NULL, topic TEXT NOT NULL, member TEXT NOT NULL, lease_until INTEGER NOT NULL, PRIMARY KEY (consumer_group, topic, member)) WITHOUT ROWID;
CREATE TABLE herald_log_leases (consumer_group TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL, owner TEXT NOT NULL, lease_until INTEGER NOT NULL, PRIMARY KEY (consumer_group, topic, partition)) WITHOUT ROWID;
`;

/** Partition 0 holds offsets 5–2,504 (0–4 were trimmed), partition 1 offsets 0–2. */
function writeV1Log(path: string): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(v1Schema);
  const insert = db.prepare('INSERT INTO herald_log_records VALUES (?, ?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    db.prepare("INSERT INTO herald_log_partitions VALUES ('events', 0, 2505), ('events', 1, 3)").run();
    for (let offset = 5; offset < 2505; offset++) {
      insert.run(
        'events',
        0,
        offset,
        `k${offset}`,
        Buffer.from(`value-${offset}`.padEnd(600, '.')),
        null,
        1000 + offset,
      );
    }
    insert.run('events', 1, 0, null, Buffer.from('one'), '{"trace":"t-0"}', 7);
    insert.run('events', 1, 1, 'kunde:李雷', Buffer.from('two'), null, 8);
    insert.run('events', 1, 2, '', Buffer.alloc(0), null, 9);
    // A group that had read partition 0 up to offset 2,000.
    db.prepare("INSERT INTO herald_log_offsets VALUES ('push', 'events', 0, 2000, 1)").run();
  })();
  db.close();
}

function collect(records: ConsumedRecord[]) {
  return (batch: { records: readonly ConsumedRecord[] }) => {
    records.push(...batch.records);
  };
}

describe('a log written by the first schema', () => {
  it('is moved into batches when opened, every record, offset and committed offset kept', async () => {
    mkdirSync(join(dir, 'v1'));
    const path = join(dir, 'v1', 'herald.db');
    writeV1Log(path);
    const log = createSqliteLog({ path, defaultPartitions: 2 });
    onTestFinished(() => log.close());

    const db = new Database(path, { readonly: true });
    onTestFinished(() => {
      db.close();
    });
    expect(db.prepare("SELECT value FROM herald_log_meta WHERE key = 'schema_version'").pluck().get()).toBe(
      '2',
    );
    expect(
      db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'herald_log_records'").pluck().get(),
    ).toBe(0);
    // 2,500 records of ~625 packed bytes: a full 1 MiB row and one of the rest in partition 0;
    // partition 1's three records in one row.
    const rows = db
      .prepare(
        'SELECT partition, base_offset AS base, last_offset AS last FROM herald_log_batches ORDER BY partition, last_offset',
      )
      .all() as { partition: number; base: number; last: number }[];
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ partition: 0, base: 5 });
    expect(rows[1]).toEqual({ partition: 0, base: rows[0]!.last + 1, last: 2504 });
    expect(rows[2]).toEqual({ partition: 1, base: 0, last: 2 });

    // A new group starts at each partition's first record; the old group resumes where it was.
    const fresh: ConsumedRecord[] = [];
    const resumed: ConsumedRecord[] = [];
    await log.subscribe({ topic: 'events', group: 'audit', handler: collect(fresh) });
    await log.subscribe({ topic: 'events', group: 'push', handler: collect(resumed) });
    await waitFor('every record for the new group', () => fresh.length === 2503, 10_000);
    const partition0 = fresh.filter((record) => record.partition === 0);
    expect(partition0.map((record) => record.offset)).toEqual(Array.from({ length: 2500 }, (_, i) => 5 + i));
    expect(partition0[17]).toMatchObject({ key: 'k22', timestamp: 1022, headers: {} });
    expect(Buffer.from(partition0[17]!.value).toString()).toBe('value-22'.padEnd(600, '.'));
    expect(
      fresh
        .filter((record) => record.partition === 1)
        .map(({ offset, key, headers, timestamp, value }) => ({
          offset,
          key,
          headers,
          timestamp,
          value: Buffer.from(value).toString(),
        })),
    ).toEqual([
      { offset: 0, key: null, headers: { trace: 't-0' }, timestamp: 7, value: 'one' },
      { offset: 1, key: 'kunde:李雷', headers: {}, timestamp: 8, value: 'two' },
      { offset: 2, key: '', headers: {}, timestamp: 9, value: '' },
    ]);
    await waitFor(
      'the old group caught up',
      () => resumed.filter((r) => r.partition === 0).length === 505,
      10_000,
    );
    expect(resumed.filter((r) => r.partition === 0)[0]!.offset).toBe(2000);

    // Appends go on from the old next offsets.
    const published = await log.publish('events', [{ key: 'k-new', value: 'after' }]);
    expect(published[0]!.offset).toBe(published[0]!.partition === 0 ? 2505 : 3);
  });

  it('opened by several processes at the same moment is moved once', async () => {
    mkdirSync(join(dir, 'together'));
    const path = join(dir, 'together', 'herald.db');
    writeV1Log(path);
    expect(await publishTogether(path, 'events', 3)).toEqual(Array(3).fill('published'));
    const db = new Database(path, { readonly: true });
    onTestFinished(() => {
      db.close();
    });
    // The 2,503 old records once, then the 6 new ones, at consecutive offsets per partition.
    expect(
      db.prepare('SELECT sum(last_offset - base_offset + 1) FROM herald_log_batches').pluck().get(),
    ).toBe(2509);
    for (const partition of [0, 1]) {
      const rows = db
        .prepare(
          'SELECT base_offset AS base, last_offset AS last FROM herald_log_batches WHERE partition = ? ORDER BY last_offset',
        )
        .all(partition) as { base: number; last: number }[];
      for (let i = 1; i < rows.length; i++) expect(rows[i]!.base).toBe(rows[i - 1]!.last + 1);
    }
  }, 40_000);
});
