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
  try {
    const [passive] = db.pragma('wal_checkpoint(PASSIVE)');
    if (passive.busy === 0 && passive.log >= workerData.restartAfterPages) {
      // Holds writers off while pending, so it waits only briefly for a reader to let go.
      db.pragma('busy_timeout = ' + workerData.restartWaitMs);
      try { db.pragma('wal_checkpoint(RESTART)'); } finally { db.pragma('busy_timeout = 1000'); }
    }
  } catch (error) { parentPort.postMessage(String(error)); }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); process.exit(0); });
`;

/**
 * WAL pages (64 MiB of 4 KiB pages) past which a checkpoint also starts the WAL over. Not much
 * less: a restart holds writers off for milliseconds, and `herald start` at 1,000 events/s writes
 * ~2,500 log pages and ~6,500 store pages a second.
 */
const defaultRestartAfterPages = 16_384;
/** Longest a restarting checkpoint waits for readers, holding writers off meanwhile. */
const restartWaitMs = 20;

/** Tuning for `WalCheckpointer`. */
export interface WalCheckpointerOptions {
  /** WAL pages past which a checkpoint starts the WAL over. @defaultValue 16384 (64 MiB) */
  restartAfterPages?: number;
}

/**
 * Moves SQLite's WAL checkpoints off the main thread: the connection's automatic
 * checkpoint (which runs inside a commit, every 1000 pages, and fsyncs with
 * `synchronous = NORMAL`: milliseconds on a real disk) is turned off and a worker
 * checkpoints every `intervalMs`. If the worker cannot run, automatic checkpoints come back.
 *
 * The worker's checkpoints are `PASSIVE`, so they never hold a writer up. But under steady
 * writes a passive checkpoint never catches the writer, and SQLite starts the WAL over only
 * once everything in it was copied: the file grew without bound (the embedded log's WAL reached
 * 280 MB in five seconds of 10,000 reminder fires a second), and opening it after a crash reads
 * all of it. So once the WAL is past `restartAfterPages`, a `RESTART` checkpoint follows the
 * passive one: it copies the few pages written meanwhile while writers wait (milliseconds; at
 * most 20 for readers to let go, else it gives up until the next interval), and the next writer
 * starts again at the beginning of the file.
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

  constructor(db: Database, path: string, intervalMs: number, options: WalCheckpointerOptions = {}) {
    this.#db = db;
    const restartAfterPages = options.restartAfterPages ?? defaultRestartAfterPages;
    if (!Number.isSafeInteger(restartAfterPages) || restartAfterPages < 1) {
      throw new RangeError(`restartAfterPages must be a positive integer, got ${restartAfterPages}`);
    }
    try {
      const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
      this.#worker = new Worker(workerSource, {
        eval: true,
        workerData: { path, intervalMs, driverPath, restartAfterPages, restartWaitMs },
      });
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
