import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { AppendNotifier } from '../embedded/append-notifier.js';
import { EmbeddedEventLog, type EmbeddedLogOptions } from '../embedded/embedded-event-log.js';
import type { EventLog } from '../event-log.js';
import { TransportError } from '../transport-error.js';
import { SqliteLogStorage } from './sqlite-log-storage.js';
import { enableWal, makeParentDirectory, WalCheckpointer } from '@herald/sqlite';

/** Settings of the embedded SQLite log. */
export interface SqliteLogOptions extends EmbeddedLogOptions {
  /** The database file (created with its folder if missing), or `:memory:`. */
  path: string;
  /**
   * `normal`: an acknowledged append is committed to the write-ahead log and survives any
   * crash of the process (kill -9 included), like a Kafka broker's page cache; an OS crash
   * or power cut may lose the last commits. `full` fsyncs every commit, so appends also
   * survive a power cut, at the cost of one disk flush per group commit (milliseconds).
   * @defaultValue 'normal'
   */
  synchronous?: 'full' | 'normal';
  /** How long a write waits for another process's transaction. @defaultValue 5000 */
  busyTimeoutMs?: number;
  /**
   * How often a worker thread checkpoints the WAL into the database, keeping that work
   * off the event loop; 0 leaves it to SQLite's automatic checkpoint inside commits. Short, so
   * each checkpoint has little to flush to the disk.
   * @defaultValue 100
   */
  checkpointIntervalMs?: number;
}

// Logs opened on the same file in one process wake each other's consumers directly.
const notifiers = new Map<string, AppendNotifier>();

function notifierFor(path: string): AppendNotifier {
  if (path === ':memory:') return new AppendNotifier();
  let notifier = notifiers.get(path);
  if (!notifier) notifiers.set(path, (notifier = new AppendNotifier()));
  return notifier;
}

function openDatabase(path: string, options: SqliteLogOptions): Database.Database {
  let db: Database.Database | undefined;
  try {
    makeParentDirectory(path);
    db = new Database(path);
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    enableWal(db, busyTimeoutMs);
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    return db;
  } catch (error) {
    db?.close();
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new TransportError('CORRUPT', `${path} is not a readable SQLite database (${code}).`, {
        cause: error,
      });
    }
    throw new TransportError(
      'UNAVAILABLE',
      `Cannot open the log database ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * The embedded, durable event log: a SQLite file in WAL mode. Several processes on one
 * machine may share the file; their consumer groups split partitions through leases.
 *
 * @example
 * await using log = createSqliteLog({ path: './data/herald.db' });
 * await log.publish('herald.events', [{ key: 'acme:c1', value: JSON.stringify(event) }]);
 */
export function createSqliteLog(options: SqliteLogOptions): EventLog {
  const path = options.path === ':memory:' ? ':memory:' : resolve(options.path);
  const db = openDatabase(path, options);
  let storage: SqliteLogStorage;
  let checkpointer: WalCheckpointer | undefined;
  try {
    const interval = options.checkpointIntervalMs ?? 100;
    if (path !== ':memory:' && interval > 0) checkpointer = new WalCheckpointer(db, path, interval);
    storage = new SqliteLogStorage(db, checkpointer);
  } catch (error) {
    void checkpointer?.close();
    db.close();
    if (TransportError.isInstance(error)) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new TransportError('CORRUPT', `${path} is not a readable SQLite database (${code}).`, {
        cause: error,
      });
    }
    throw error;
  }
  return new EmbeddedEventLog('sqlite', storage, notifierFor(path), options);
}
