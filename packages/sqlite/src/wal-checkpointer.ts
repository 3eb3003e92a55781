import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';

// Runs in a worker thread, on its own connection, so copying the WAL back into the
// database never stalls the event loop that publishes and consumes. When the WAL should start
// over, it asks the writing connection to do that (see `WalCheckpointer`) and waits for its answer.
const workerSource = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
let restartAsked = false;
// The WAL's length when the last restart was asked for: until a writer comes, it stays the same.
let askedAtLength = -1;
const timer = setInterval(() => {
  if (restartAsked) return;
  try {
    let [passive] = db.pragma('wal_checkpoint(PASSIVE)');
    if (passive.busy !== 0 || passive.log < workerData.restartAfterPages) return;
    // Copy what was written during that pass as well, so the restart has little left to copy.
    [passive] = db.pragma('wal_checkpoint(PASSIVE)');
    // Frames left behind mean a reader holds an older snapshot: a restart would wait for it.
    if (passive.busy !== 0 || passive.checkpointed < passive.log || passive.log === askedAtLength) return;
    askedAtLength = passive.log;
    restartAsked = true;
    parentPort.postMessage('restart');
  } catch (error) { parentPort.postMessage(String(error)); }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'restarted') restartAsked = false;
  else { clearInterval(timer); db.close(); process.exit(0); }
});
`;

/**
 * WAL pages (64 MiB of 4 KiB pages) past which the WAL starts over. Not much less: a restart
 * holds writers off while it copies the last pages and syncs, and `herald start` at 1,000
 * events/s writes ~2,500 log pages and ~6,500 store pages a second.
 */
const defaultRestartAfterPages = 16_384;
/** Restarts given up in a row (readers in other processes) before the next one waits for them. */
const restartMissesBeforeWaiting = 3;
/** How long such a restart waits for readers to let go, holding writers off meanwhile. */
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
 * all of it. So once the WAL is past `restartAfterPages`, the worker runs a second passive
 * checkpoint and asks this connection for a `RESTART` one, between two of its own transactions:
 * it copies the few pages written meanwhile and syncs while other writers wait, and the next
 * transaction starts the WAL again at the beginning of the file. Run from the worker, the
 * restart made this connection's writers sleep in SQLite's busy handler (1, 2, 5, 10 ms…) for
 * longer than it held them off. A reader in another process makes the restart give up at once
 * (the event loop does not wait); after three such misses in a row, one waits up to 20 ms.
 *
 * @example
 * const db = new Database('./data/herald.db');
 * enableWal(db, 5000);
 * const checkpointer = new WalCheckpointer(db, './data/herald.db', 100);
 * // … on shutdown, before db.close():
 * await checkpointer.close();
 */
export class WalCheckpointer {
  readonly #worker: Worker | undefined;
  readonly #db: Database;
  #restartMisses = 0;
  #restartsDone = 0;
  #restartsMissed = 0;
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
        workerData: { path, intervalMs, driverPath, restartAfterPages },
      });
      this.#worker.unref();
      this.#worker.on('message', (message: unknown) => {
        if (message !== 'restart') return;
        this.#restartWal();
        this.#worker?.postMessage('restarted');
      });
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

  /** Copies what is left of the WAL and starts it over, unless readers hold it. */
  #restartWal(): void {
    const db = this.#db;
    if (!db.open || db.inTransaction) return;
    const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;
    const waitMs = this.#restartMisses >= restartMissesBeforeWaiting ? restartWaitMs : 0;
    db.pragma(`busy_timeout = ${waitMs}`);
    try {
      const [result] = db.pragma('wal_checkpoint(RESTART)') as { busy: number }[];
      if (result?.busy === 0) {
        this.#restartMisses = 0;
        this.#restartsDone += 1;
        return;
      }
    } catch {
      // Busy or briefly unavailable, as below.
    } finally {
      db.pragma(`busy_timeout = ${busyTimeout}`);
    }
    // The worker asks again after its next checkpoint.
    this.#restartMisses += 1;
    this.#restartsMissed += 1;
  }

  /** WAL restarts done on this connection, and given up because readers held the WAL. */
  get restarts(): { done: number; missed: number } {
    return { done: this.#restartsDone, missed: this.#restartsMissed };
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
