import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { enableWal } from './enable-wal.js';

const dir = mkdtempSync(join(tmpdir(), 'herald-enable-wal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** A fresh database file (rollback journal, as SQLite creates it) with one table. */
function freshDatabase(): { db: Database.Database; path: string } {
  const path = join(dir, `fresh-${++files}.db`);
  const db = new Database(path);
  db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY)');
  db.pragma('busy_timeout = 5000');
  return { db, path };
}

// Another connection, on a thread of its own, starts a write transaction on the file and holds
// it for `holdMs`: what a second process migrating the same fresh file does.
const writerSource = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.path);
db.exec('BEGIN IMMEDIATE');
parentPort.postMessage('holding');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.holdMs);
db.exec('COMMIT');
db.close();
`;

async function holdWriteLock(path: string, holdMs: number): Promise<{ released: Promise<void> }> {
  const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(writerSource, { eval: true, workerData: { path, holdMs, driverPath } });
  const released = new Promise<void>((resolve, reject) => {
    worker.once('exit', () => resolve());
    worker.once('error', reject);
  });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  return { released };
}

describe('enableWal', () => {
  it('switches a database to WAL', () => {
    const { db } = freshDatabase();
    expect(enableWal(db, 1000)).toBe('wal');
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('waits for a writer that SQLite alone refuses at once, busy timeout or not', async () => {
    const { db, path } = freshDatabase();
    const writer = await holdWriteLock(path, 300);
    // What SQLite does without help: SQLITE_BUSY straight away, the 5 s busy timeout unused.
    expect(() => db.pragma('journal_mode = WAL')).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
    const started = performance.now();
    expect(enableWal(db, 5000)).toBe('wal');
    expect(performance.now() - started).toBeGreaterThan(100);
    await writer.released;
    db.close();
  });

  it('gives up with SQLITE_BUSY once its time is over', async () => {
    const { db, path } = freshDatabase();
    const writer = await holdWriteLock(path, 1500);
    const started = performance.now();
    expect(() => enableWal(db, 100)).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(90);
    expect(waited).toBeLessThan(1000);
    await writer.released;
    expect(enableWal(db, 1000)).toBe('wal');
    db.close();
  });

  it('throws other errors at once', () => {
    const { db } = freshDatabase();
    db.close();
    const started = performance.now();
    expect(() => enableWal(db, 5000)).toThrow(/not open/);
    expect(performance.now() - started).toBeLessThan(100);
  });
});
