import type { Database } from 'better-sqlite3';

/** A slot to sleep on: `Atomics.wait` blocks the thread for a while, as SQLite's busy handler does. */
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const longestPauseMs = 50;

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * Puts the database in WAL mode, waiting up to `timeoutMs` for other connections to let go.
 *
 * Switching a database file to WAL takes an exclusive lock, and SQLite answers `SQLITE_BUSY` at
 * once, without calling the busy handler, while another connection writes: four processes
 * opening one fresh store file at the same moment failed in about one run of six. So this
 * retries, pausing 1, 2, 4… up to 50 ms between tries, until `timeoutMs` has passed; then the
 * last `SQLITE_BUSY` is thrown. Any other error is thrown at once. Returns the journal mode SQLite reports (`'memory'` for an in-memory database).
 *
 * @example
 * const db = new Database('./data/herald.db');
 * db.pragma('busy_timeout = 5000');
 * enableWal(db, 5000); // 'wal'
 */
export function enableWal(db: Database, timeoutMs: number): string {
  const deadline = performance.now() + timeoutMs;
  for (let pauseMs = 1; ; pauseMs = Math.min(pauseMs * 2, longestPauseMs)) {
    try {
      return db.pragma('journal_mode = WAL', { simple: true }) as string;
    } catch (error) {
      const leftMs = deadline - performance.now();
      if (!isBusy(error) || leftMs <= 0) throw error;
      Atomics.wait(sleeper, 0, 0, Math.min(pauseMs, leftMs));
    }
  }
}
