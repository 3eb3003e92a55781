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
    const checkpointer = new WalCheckpointer(db, path, 50, { restartAfterPages: 1000 });
    const insert = db.prepare('INSERT INTO rows (text) VALUES (?)');
    const row = 'x'.repeat(5000); // two WAL pages a commit, at least
    let written = 0;
    // A burst of commits every millisecond or so, like a busy service's: a passive checkpoint
    // never finds the WAL fully copied, so without a restart it would hold every page written.
    const until = Date.now() + 1500;
    while (Date.now() < until) {
      for (let i = 0; i < 10; i++) insert.run(row);
      written += 10 * row.length;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const wal = statSync(`${path}-wal`).size;
    expect(written).toBeGreaterThan(10_000_000);
    expect(wal).toBeLessThan(written / 2);
    expect(db.prepare('SELECT count(*) AS n FROM rows').get()).toEqual({ n: written / row.length });
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
