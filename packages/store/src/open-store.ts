import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { createStore, type Store, type StoreOptions } from './create-store.js';
import { StoreError } from './store-error.js';

/** Where to open the store, and how. */
export interface OpenStoreOptions extends Omit<StoreOptions, 'closeDatabase'> {
  /** A file path (its directory is created if missing) or `':memory:'`. */
  path: string;
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
    if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
    sqlite = new Database(path);
  } catch (error) {
    throw new StoreError('OPEN_FAILED', `Cannot open the store at ${path}: ${String(error)}`, {
      cause: error,
    });
  }
  try {
    return createStore(sqlite, { ...options, closeDatabase: true });
  } catch (error) {
    sqlite.close();
    throw error;
  }
}
