import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { readMigrationFiles, type MigrationMeta } from 'drizzle-orm/migrator';
import { migrationsFolder } from './migrations-folder.js';
import type { StoreDatabase } from './store-database.js';
import { StoreError } from './store-error.js';
import { translateError } from './translate-error.js';

interface AppliedMigration {
  hash: string;
  createdAt: number | string;
}

function appliedMigrations(db: StoreDatabase): AppliedMigration[] {
  const sqlite = db.$client;
  const table = sqlite
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'")
    .get();
  if (table === undefined) return [];
  return sqlite
    .prepare('SELECT hash, created_at AS createdAt FROM __drizzle_migrations')
    .all() as AppliedMigration[];
}

// Migrations are told apart by their journal timestamp, which is also what drizzle's migrator
// compares; hashes are not compared, as a checkout with other line endings changes them.
function unknownMigrations(applied: AppliedMigration[], known: MigrationMeta[]): AppliedMigration[] {
  const knownTimes = new Set(known.map((migration) => migration.folderMillis));
  return applied.filter((migration) => !knownTimes.has(Number(migration.createdAt)));
}

function allApplied(db: StoreDatabase, known: MigrationMeta[]): boolean {
  try {
    const appliedTimes = new Set(appliedMigrations(db).map((migration) => Number(migration.createdAt)));
    return known.every((migration) => appliedTimes.has(migration.folderMillis));
  } catch {
    return false;
  }
}

/**
 * Brings the database to this package's schema with drizzle's migrator. Refuses a database that
 * records migrations this code does not know (`SCHEMA_TOO_NEW`): a newer Herald wrote it.
 *
 * @example
 * runMigrations(drizzle(new Database('herald.db'))); // openStore and createStore do this unless `migrate: false`
 */
export function runMigrations(db: StoreDatabase): void {
  const known = readMigrationFiles({ migrationsFolder });
  const unknown = unknownMigrations(appliedMigrations(db), known);
  if (unknown.length > 0) {
    const newest = Math.max(...unknown.map((migration) => Number(migration.createdAt)));
    throw new StoreError(
      'SCHEMA_TOO_NEW',
      `The database ${db.$client.name} has ${unknown.length} migration(s) this version of @herald/store ` +
        `does not know (it knows ${known.length}; the newest unknown one dates from ` +
        `${new Date(newest).toISOString()}). A newer Herald migrated it: upgrade @herald/store, or open another database.`,
    );
  }
  try {
    migrate(db, { migrationsFolder });
  } catch (error) {
    // Another connection may have applied the same migrations in between: then all is well.
    if (allApplied(db, known)) return;
    const translated = translateError(error, 'migrate');
    if (StoreError.isInstance(translated) && translated.code !== 'QUERY_FAILED') throw translated;
    throw new StoreError(
      'MIGRATION_FAILED',
      `Applying migrations from ${migrationsFolder} to ${db.$client.name} failed: ${String(error)}`,
      { cause: error },
    );
  }
}
