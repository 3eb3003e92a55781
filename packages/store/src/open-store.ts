import { resolve } from 'node:path';
import { makeParentDirectory, WalCheckpointer } from '@herald/sqlite';
import Database from 'better-sqlite3';
import { createStore, type Store, type StoreOptions } from './create-store.js';
import { StoreError } from './store-error.js';

/** Where to open the store, and how. */
export interface OpenStoreOptions extends Omit<StoreOptions, 'closeDatabase'> {
  /** A file path (its directory is created if missing) or `':memory:'`. */
  path: string;
  /**
   * How often a worker thread checkpoints the WAL into the database file, keeping that work (and
   * its fsync) out of the commits on the event loop; 0 leaves it to SQLite's automatic
   * checkpoint inside commits. Short, so each checkpoint has little to flush to the disk.
   * @defaultValue `100`
   */
  checkpointIntervalMs?: number;
}

/**
 * Opens (or creates) the SQLite database at `path` and builds a store on it: WAL, pragmas,
 * migrations, prepared statements. `close()` closes the database.
 *
 * @example
 * await using store = openStore({ path: './data/herald.db' });
 * const { key } = store.tenants.createApiKey('acme');
 */
export function openStore(options: OpenStoreOptions): Store {
  const { path } = options;
  let sqlite: Database.Database;
  try {
    makeParentDirectory(path);
    sqlite = new Database(path);
  } catch (error) {
    throw new StoreError('OPEN_FAILED', `Cannot open the store at ${path}: ${String(error)}`, {
      cause: error,
    });
  }
  let store: Store;
  try {
    store = createStore(sqlite, { ...options, closeDatabase: true });
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const interval = options.checkpointIntervalMs ?? 100;
  if (path === ':memory:' || path === '' || interval <= 0) return store;
  // Absolute: the worker opens its own connection, and must find the same file.
  const checkpointer = new WalCheckpointer(sqlite, resolve(path), interval);
  const closeStore = store.close.bind(store);
  const close = async () => {
    await checkpointer.close();
    await closeStore();
  };
  return Object.assign(store, { close, [Symbol.asyncDispose]: close });
}
