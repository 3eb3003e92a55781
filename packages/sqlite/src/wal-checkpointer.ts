import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';

// Runs in a worker thread, on its own connection, so copying the WAL back into the
// database never stalls the event loop that publishes and consumes.
const workerSource = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (error) { parentPort.postMessage(String(error)); }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); process.exit(0); });
`;

/**
 * Moves SQLite's WAL checkpoints off the main thread: the connection's automatic
 * checkpoint (which runs inside a commit, every 1000 pages, and fsyncs with
 * `synchronous = NORMAL`: milliseconds on a real disk) is turned off and a worker
 * checkpoints every `intervalMs`. If the worker cannot run, automatic checkpoints come back.
 *
 * @example
 * const db = new Database('./data/herald.db');
 * db.pragma('journal_mode = WAL');
 * const checkpointer = new WalCheckpointer(db, './data/herald.db', 1000);
 * // … on shutdown, before db.close():
 * await checkpointer.close();
 */
export class WalCheckpointer {
  readonly #worker: Worker | undefined;
  readonly #db: Database;
  #closing: Promise<void> | undefined;
  #exited = false;

  constructor(db: Database, path: string, intervalMs: number) {
    this.#db = db;
    try {
      const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
      this.#worker = new Worker(workerSource, { eval: true, workerData: { path, intervalMs, driverPath } });
      this.#worker.unref();
      this.#worker.on('error', () => this.#fallBack());
      this.#worker.on('exit', (code) => {
        this.#exited = true;
        if (code !== 0) this.#fallBack();
      });
      db.pragma('wal_autocheckpoint = 0');
    } catch {
      this.#worker = undefined;
    }
  }

  #fallBack(): void {
    if (this.#db.open) this.#db.pragma('wal_autocheckpoint = 1000');
  }

  /** Stops the worker; the database's own close checkpoints what is left. Safe to call more than once. */
  close(): Promise<void> {
    const worker = this.#worker;
    if (!worker || this.#exited) return Promise.resolve();
    this.#closing ??= new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      // Held while it stops: an unref'd worker would let the process exit in the middle of close().
      worker.ref();
      worker.postMessage('close');
    });
    return this.#closing;
  }
}
