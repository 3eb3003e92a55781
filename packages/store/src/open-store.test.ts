import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { describe, expect, it } from 'vitest';
import { createStore } from './create-store.js';
import { migrationsFolder } from './migrations-folder.js';
import { openStore } from './open-store.js';
import { runMigrations } from './run-migrations.js';
import { StoreError } from './store-error.js';
import { storeTargets, tempDatabasePath, tempDirectory } from '../test/store-targets.js';

function captureError(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (error) {
    if (StoreError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a StoreError, nothing was thrown');
}

const expectedTables = [
  'api_keys',
  'customers',
  'deliveries',
  'inbox_sequences',
  'notifications',
  'preferences',
  'processed_events',
  'reminders',
  'subscribers',
  'team_members',
  'tenants',
];

describe.each(storeTargets)('opening a store on $name', (target) => {
  it('creates every table through the migrations', async () => {
    await using store = target.open();
    const tables = store.db.$client
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .pluck()
      .all();
    expect(tables).toEqual(['__drizzle_migrations', ...expectedTables]);
  });

  it('sets the pragmas it relies on', async () => {
    await using store = target.open({ busyTimeoutMs: 1234 });
    const sqlite = store.db.$client;
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(sqlite.pragma('synchronous', { simple: true })).toBe(1);
    expect(sqlite.pragma('busy_timeout', { simple: true })).toBe(1234);
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe(
      target.name === ':memory:' ? 'memory' : 'wal',
    );
  });

  it('checkpoints a file from a worker thread, not inside commits (unless told not to)', async () => {
    await using store = target.open();
    await using selfCheckpointing = target.open({ checkpointIntervalMs: 0 });
    const automatic = (s: typeof store) => s.db.$client.pragma('wal_autocheckpoint', { simple: true });
    expect(automatic(store)).toBe(target.name === ':memory:' ? 1000 : 0);
    expect(automatic(selfCheckpointing)).toBe(1000);
  });

  it('closes idempotently, and refuses calls once closed', async () => {
    const store = target.open();
    expect(store.closed).toBe(false);
    await store.close();
    await store.close();
    await store[Symbol.asyncDispose]();
    expect(store.closed).toBe(true);
    expect(store.db.$client.open).toBe(false);
    expect(captureError(() => store.tenants.get('acme')).code).toBe('CLOSED');
    expect(captureError(() => store.transaction(() => 1)).code).toBe('CLOSED');
  });
});

describe('openStore on a file', () => {
  it('creates missing directories and keeps data across reopenings without migrating twice', async () => {
    const path = join(tempDirectory(), 'nested', 'deeper', 'herald.db');
    {
      await using store = openStore({ path });
      store.tenants.create({ id: 'acme', name: 'Acme' });
    }
    expect(existsSync(path)).toBe(true);
    await using store = openStore({ path });
    expect(store.tenants.get('acme')?.name).toBe('Acme');
    const applied = store.db.$client.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get();
    expect(applied).toBe(readMigrationFiles({ migrationsFolder }).length);
  });

  it('gives CORRUPT, not a raw SQLite error, for a file of random bytes', () => {
    const path = tempDatabasePath();
    writeFileSync(path, randomBytes(64 * 1024));
    const error = captureError(() => openStore({ path }));
    expect(error.code).toBe('CORRUPT');
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/not a SQLite database/);
    expect(error.cause).toBeInstanceOf(Database.SqliteError);
  });

  it('finds a damaged page with integrityCheck', async () => {
    const path = tempDatabasePath();
    {
      await using store = openStore({ path });
      store.tenants.create({ id: 'acme', name: 'Acme' });
      store.transaction(() => {
        for (let i = 0; i < 2000; i++)
          store.customers.upsert({ tenantId: 'acme', id: `c${i}`, name: 'x'.repeat(100), version: 1 });
      });
    }
    const bytes = readFileSync(path);
    const pageSize = bytes.readUInt16BE(16);
    expect(bytes.length).toBeGreaterThan(pageSize * 20);
    for (let page = 10; page < 20; page++) randomBytes(pageSize).copy(bytes, page * pageSize);
    writeFileSync(path, bytes);
    expect(captureError(() => openStore({ path, integrityCheck: 'quick' })).code).toBe('CORRUPT');
  });

  it('gives SCHEMA_TOO_NEW for a database migrated by a newer version, and leaves it alone', async () => {
    const path = tempDatabasePath();
    {
      await using store = openStore({ path });
      store.tenants.create({ id: 'acme', name: 'Acme' });
      const newest = Math.max(...readMigrationFiles({ migrationsFolder }).map((m) => m.folderMillis));
      store.db.$client
        .prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)')
        .run('f'.repeat(64), newest + 86_400_000);
    }
    const before = statSync(path).mtimeMs;
    const error = captureError(() => openStore({ path }));
    expect(error.code).toBe('SCHEMA_TOO_NEW');
    expect(error.message).toMatch(/1 migration\(s\) this version of @herald\/store does not know/);
    expect(error.message).toMatch(/upgrade @herald\/store/);
    expect(statSync(path).mtimeMs).toBe(before);
  });

  it('gives OPEN_FAILED for a path that cannot be a database', () => {
    const directory = tempDirectory();
    mkdirSync(join(directory, 'taken'));
    expect(captureError(() => openStore({ path: join(directory, 'taken') })).code).toBe('OPEN_FAILED');
    writeFileSync(join(directory, 'file'), 'x');
    expect(captureError(() => openStore({ path: join(directory, 'file', 'herald.db') })).code).toBe(
      'OPEN_FAILED',
    );
  });
});

describe('createStore on a database the caller built', () => {
  it('leaves the database open on close unless told to close it', async () => {
    const sqlite = new Database(':memory:');
    const store = createStore(sqlite);
    store.tenants.create({ id: 'acme', name: 'Acme' });
    await store.close();
    expect(sqlite.open).toBe(true);
    expect(captureError(() => store.tenants.get('acme')).code).toBe('CLOSED');
    await using again = createStore(sqlite, { closeDatabase: true });
    expect(again.tenants.get('acme')?.name).toBe('Acme');
    await again.close();
    expect(sqlite.open).toBe(false);
  });

  it('skips migrations and pragmas when asked, and says so when the schema is missing', async () => {
    const sqlite = new Database(':memory:');
    sqlite.pragma('foreign_keys = OFF');
    const error = captureError(() => createStore(sqlite, { migrate: false, configure: false }));
    expect(error.code).toBe('OPEN_FAILED');
    expect(error.message).toContain('run runMigrations(db) first');
    expect(sqlite.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get()).toBe(0);

    runMigrations(drizzle({ client: sqlite }));
    await using store = createStore(sqlite, { migrate: false, configure: false, closeDatabase: true });
    expect(store.tenants.create({ id: 'acme', name: 'Acme' })).toBeDefined();
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(0);
  });

  it('refuses a bad busy timeout', () => {
    const sqlite = new Database(':memory:');
    expect(captureError(() => createStore(sqlite, { busyTimeoutMs: -1 })).code).toBe('INVALID_ARGUMENT');
    sqlite.close();
  });
});

describe('StoreError', () => {
  it('carries a code and a cause, and is recognised across package copies by its marker', () => {
    const cause = new Error('root');
    const error = new StoreError('BUSY', 'locked', { cause });
    expect(error).toMatchObject({ name: 'StoreError', code: 'BUSY', cause });
    const foreign = Object.assign(new Error('x'), { [Symbol.for('@herald/store/error')]: true });
    expect(StoreError.isInstance(foreign)).toBe(true);
    expect(StoreError.isInstance(new Error('plain'))).toBe(false);
    expect(StoreError.isInstance(undefined)).toBe(false);
  });
});
