import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { WalCheckpointer } from './wal-checkpointer.js';

const dir = mkdtempSync(join(tmpdir(), 'herald-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openWal(name: string): { db: Database.Database; path: string } {
  const path = join(dir, name);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
  return { db, path };
}

async function waitFor(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('WalCheckpointer', () => {
  it('checkpoints from a worker while the connection never does', async () => {
    const { db, path } = openWal('worker.db');
    const checkpointer = new WalCheckpointer(db, path, 50);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const before = statSync(path).size;
    const insert = db.prepare('INSERT INTO rows (text) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run(`row-${i}`.padEnd(200, '.'));
    })();
    // Only a checkpoint moves pages from the WAL into the database file.
    await waitFor('the database file to take the rows', () => statSync(path).size > before + 200_000);
    await checkpointer.close();
    await checkpointer.close();
    db.close();
  });

  it('starts the WAL over under steady writes instead of letting it grow', async () => {
    const { db, path } = openWal('steady.db');
    db.pragma('busy_timeout = 4321');
    const checkpointer = new WalCheckpointer(db, path, 50, { restartAfterPages: 1000 });
    const insert = db.prepare('INSERT INTO rows (text) VALUES (?)');
    const row = 'x'.repeat(5000); // two WAL pages a commit, at least
    let written = 0;
    // A burst of commits every millisecond or so, like a busy service's: a passive checkpoint
    // never finds the WAL fully copied, so without a restart it would hold every page written.
    // Three seconds: on a busy machine the first restart comes late, and the WAL file keeps the
    // size it reached by then (a 1.5 s run measured it at 0.26–0.46 of what was written).
    const until = Date.now() + 3000;
    while (Date.now() < until) {
      for (let i = 0; i < 10; i++) insert.run(row);
      written += 10 * row.length;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const wal = statSync(`${path}-wal`).size;
    expect(written).toBeGreaterThan(10_000_000);
    expect(wal).toBeLessThan(written / 2);
    expect(db.prepare('SELECT count(*) AS n FROM rows').get()).toEqual({ n: written / row.length });
    // The restarts ran on this connection, which gets its own busy timeout back after each.
    expect(checkpointer.restarts.done).toBeGreaterThan(0);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(4321);
    await checkpointer.close();
    db.close();
  }, 15_000);

  it('leaves the WAL alone while a reader holds an old snapshot, and starts it over after', async () => {
    const { db, path } = openWal('pinned.db');
    const checkpointer = new WalCheckpointer(db, path, 20, { restartAfterPages: 100 });
    const insert = db.prepare('INSERT INTO rows (text) VALUES (?)');
    const row = 'y'.repeat(5000);
    const framesInWal = () => (db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]!.log;
    // Bursts of five rows (two pages each), with the event loop free in between for the worker.
    const writeBursts = async (bursts: number) => {
      for (let burst = 0; burst < bursts; burst++) {
        for (let i = 0; i < 5; i++) insert.run(row);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    };
    // Another connection (another process, in production) in the middle of a long read.
    const reader = new Database(path);
    reader.exec('BEGIN');
    expect(reader.prepare('SELECT count(*) AS n FROM rows').get()).toEqual({ n: 0 });
    await writeBursts(200);
    // Nothing may overwrite frames the reader may still need: the WAL only grew.
    const pinned = framesInWal();
    expect(pinned).toBeGreaterThan(1000);
    expect(reader.prepare('SELECT count(*) AS n FROM rows').get()).toEqual({ n: 0 });
    // Not even tried: it would only have held this connection up for nothing.
    expect(checkpointer.restarts).toEqual({ done: 0, missed: 0 });
    reader.exec('COMMIT');
    reader.close();
    await writeBursts(200);
    expect(checkpointer.restarts.done).toBeGreaterThan(0);
    expect(framesInWal()).toBeLessThan(pinned);
    await checkpointer.close();
    db.close();
  });

  it('gives a restart up at once while a reader is on the WAL, and does not ask again for it', async () => {
    const { db, path } = openWal('reader.db');
    const insert = db.prepare('INSERT INTO rows (text) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 200; i++) insert.run('z'.repeat(5000));
    })();
    const reader = new Database(path);
    reader.exec('BEGIN');
    expect(reader.prepare('SELECT count(*) AS n FROM rows').get()).toEqual({ n: 200 });
    // The reader has the latest snapshot, so checkpoints copy everything, but it still reads the WAL.
    const checkpointer = new WalCheckpointer(db, path, 10, { restartAfterPages: 100 });
    await waitFor('a restart given up', () => checkpointer.restarts.missed === 1);
    reader.exec('COMMIT');
    reader.close();
    // Not asked again for the same WAL: it grows only with writes, and they bring the next try.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(checkpointer.restarts).toEqual({ done: 0, missed: 1 });
    // All of it is copied and nobody reads it: the next commit starts the WAL over by itself.
    insert.run('one more');
    const [wal] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    expect(wal!.log).toBeLessThan(10);
    await checkpointer.close();
    db.close();
  });

  it('refuses a restart threshold that is not a positive number of pages', () => {
    const { db, path } = openWal('bad-option.db');
    for (const restartAfterPages of [0, -1, 1.5, Number.NaN]) {
      expect(() => new WalCheckpointer(db, path, 50, { restartAfterPages })).toThrow(
        /restartAfterPages must be a positive integer/,
      );
    }
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    db.close();
  });

  it('gives automatic checkpoints back when the worker cannot open the database', async () => {
    const db = new Database(':memory:');
    const checkpointer = new WalCheckpointer(db, join(dir, 'no', 'such', 'dir', 'x.db'), 50);
    await waitFor(
      'automatic checkpoints to come back',
      () => db.pragma('wal_autocheckpoint', { simple: true }) === 1000,
    );
    await checkpointer.close();
    db.close();
  });
});
