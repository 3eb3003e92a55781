import type Database from 'better-sqlite3';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';

/** The drizzle database the store runs on, with its better-sqlite3 client as `$client`. */
export type StoreDatabase = BetterSQLite3Database & { $client: Database.Database };
