import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { migrationsFolder } from './migrations-folder.js';
import { openStore } from './open-store.js';
import { raceChildren, spawnChild } from '../test/spawn-child.js';
import { manualClock, tempDatabasePath, tempDirectory } from '../test/store-targets.js';

const run = promisify(execFile);
const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const drizzleKit = join(packageRoot, 'node_modules', 'drizzle-kit', 'bin.cjs');

function snapshot(folder: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[relative(folder, path)] = readFileSync(path, 'utf8');
  }
  return files;
}

describe('migrations', () => {
  it('are up to date with the schema: drizzle-kit generate finds nothing to add', async () => {
    const out = join(tempDirectory(), 'drizzle');
    cpSync(migrationsFolder, out, { recursive: true });
    // drizzle-kit prefixes `./` to --out, so it must be relative to the working directory.
    const { stdout, stderr } = await run(
      process.execPath,
      [
        drizzleKit,
        'generate',
        '--dialect',
        'sqlite',
        '--schema',
        './src/schema.ts',
        '--out',
        relative(packageRoot, out),
      ],
      { cwd: packageRoot },
    );
    expect(stderr).not.toMatch(/error/i);
    expect(stdout).toContain('No schema changes');
    expect(snapshot(out)).toEqual(snapshot(migrationsFolder));
  }, 60_000);

  it('are found from the build too, laid out as the published package', async () => {
    const root = join(tempDirectory(), 'store');
    const dist = join(root, 'dist');
    mkdirSync(dist, { recursive: true });
    // Transpiled file by file as `tsc -p tsconfig.build.json` emits them: this checks the layout, typecheck checks the types.
    const sources = readdirSync(join(packageRoot, 'src')).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
    );
    for (const file of sources) {
      const source = readFileSync(join(packageRoot, 'src', file), 'utf8');
      const { outputText } = ts.transpileModule(source, {
        fileName: file,
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2023,
          verbatimModuleSyntax: true,
        },
      });
      writeFileSync(join(dist, file.replace(/\.ts$/, '.js')), outputText);
    }
    cpSync(join(packageRoot, 'package.json'), join(root, 'package.json'));
    cpSync(migrationsFolder, join(root, 'drizzle'), { recursive: true });
    symlinkSync(join(packageRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
    const script = `
      const { openStore, migrationsFolder } = await import(${JSON.stringify(join(dist, 'index.js'))});
      const store = openStore({ path: ':memory:' });
      store.tenants.create({ id: 'acme', name: 'Acme' });
      console.log(JSON.stringify({ folder: migrationsFolder, tenant: store.tenants.get('acme') }));
      await store.close();
    `;
    // The store comes from the transpiled files; its workspace dependencies from their source.
    const { stdout } = await run(
      process.execPath,
      ['--conditions=@herald/source', '--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: packageRoot },
    );
    expect(JSON.parse(stdout)).toMatchObject({
      folder: join(root, 'drizzle'),
      tenant: { id: 'acme', name: 'Acme' },
    });
  }, 60_000);

  it('survive several processes opening a fresh file at the same moment', async () => {
    const path = tempDatabasePath();
    const outputs = await raceChildren(
      Array.from({ length: 4 }, () => spawnChild('open-child.ts', { path })),
    );
    expect(outputs).toEqual(Array.from({ length: 4 }, () => ['opened']));
    await using store = openStore({ path });
    expect(store.db.$client.prepare('SELECT count(*) FROM tenants').pluck().get()).toBe(4);
  }, 60_000);
});

describe('the 0001 migration', () => {
  it('carries reminders written under 0000 over to the new policy names', async () => {
    const path = tempDatabasePath();
    const old = new Database(path);
    const [init] = readMigrationFiles({ migrationsFolder });
    for (const statement of init!.sql) old.exec(statement);
    old.exec(`INSERT INTO tenants VALUES ('acme', 'Acme', 1)`);
    const insert = old.prepare(
      `INSERT INTO reminders (tenant_id, id, due_at, timezone, missed_fire_policy, payload, status, attempts, created_at, updated_at)
       VALUES ('acme', ?, 5, 'UTC', ?, '{}', 'pending', 0, 1, 1)`,
    );
    insert.run('once', 'fire-once');
    insert.run('all', 'fire-all');
    insert.run('skipped', 'skip');
    old.exec(`INSERT INTO notifications (tenant_id, id, recipient_id, seq, title, data, priority, category, created_at)
              VALUES ('acme', 'n1', 'rep-7', 1, 'Hello', '{}', 0, 'general', 1)`);
    // Recorded as applied, the way drizzle's migrator records it, so only 0001 runs on open.
    old.exec(
      'CREATE TABLE __drizzle_migrations (id INTEGER PRIMARY KEY, hash text NOT NULL, created_at numeric)',
    );
    old
      .prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)')
      .run(init!.hash, init!.folderMillis);
    old.close();

    await using store = openStore({ path });
    const policies = Object.fromEntries(
      ['once', 'all', 'skipped'].map((id) => [id, store.reminders.get('acme', id)?.missedFirePolicy]),
    );
    expect(policies).toEqual({ once: 'fire_now', all: 'fire_now', skipped: 'skip' });
    expect(store.inbox.get('acme', 'n1')).toMatchObject({
      eventId: '',
      rule: '',
      channels: ['in_app'],
      stages: null,
    });
  });
});

describe('the 0005 migration', () => {
  it('starts each unread counter from the items already there', async () => {
    const path = tempDatabasePath();
    const old = new Database(path);
    const migrations = readMigrationFiles({ migrationsFolder });
    const before = migrations.slice(0, 5);
    for (const migration of before) for (const statement of migration.sql) old.exec(statement);
    old.exec(`INSERT INTO tenants VALUES ('acme', 'Acme', 1)`);
    old.exec(`INSERT INTO inbox_sequences VALUES ('acme', 'rep-7', 5), ('acme', 'rep-8', 1)`);
    const insert = old.prepare(
      `INSERT INTO notifications (tenant_id, id, recipient_id, seq, title, data, priority, category, created_at, read_at, archived_at, replaced_at, expires_at)
       VALUES ('acme', ?, ?, ?, 'Hello', '{}', 0, 'general', 1, ?, ?, ?, ?)`,
    );
    insert.run('unread', 'rep-7', 1, null, null, null, null);
    insert.run('unread-expiring', 'rep-7', 2, null, null, null, Date.now() + 60_000);
    insert.run('read', 'rep-7', 3, 5, null, null, null);
    insert.run('archived', 'rep-7', 4, null, 5, null, null);
    insert.run('replaced', 'rep-7', 5, null, null, 5, null);
    insert.run('other', 'rep-8', 1, null, null, null, null);
    old.exec(
      'CREATE TABLE __drizzle_migrations (id INTEGER PRIMARY KEY, hash text NOT NULL, created_at numeric)',
    );
    const record = old.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)');
    for (const migration of before) record.run(migration.hash, migration.folderMillis);
    old.close();

    await using store = openStore({ path });
    expect(store.inbox.unreadCount('acme', 'rep-7')).toBe(2);
    expect(store.inbox.unreadCount('acme', 'rep-8')).toBe(1);
    expect(store.inbox.markRead('acme', 'rep-7', 'unread')).toBe(true);
    expect(store.inbox.unreadCount('acme', 'rep-7')).toBe(1);
  });
});

describe('the 0008 migration', () => {
  it('carries processed events over in the order they were recorded, 16,384 to a bucket', async () => {
    const path = tempDatabasePath();
    const old = new Database(path);
    const migrations = readMigrationFiles({ migrationsFolder });
    const before = migrations.slice(0, 8);
    for (const migration of before) for (const statement of migration.sql) old.exec(statement);
    const clock = manualClock();
    const now = clock.now();
    old.exec(`INSERT INTO tenants VALUES ('acme', 'Acme', 1)`);
    const insert = old.prepare(
      'INSERT INTO processed_events (rowid, tenant_id, event_id, processed_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    );
    insert.run(1, 'acme', 'live-late', now, now + 86_400_000);
    insert.run(16_383, 'acme', 'live-soon', now, now + 1);
    insert.run(16_384, 'acme', 'expired', now, now - 1);
    insert.run(40_000, 'acme', 'before-1970', 0, -1);
    old.exec(
      'CREATE TABLE __drizzle_migrations (id INTEGER PRIMARY KEY, hash text NOT NULL, created_at numeric)',
    );
    const record = old.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)');
    for (const migration of before) record.run(migration.hash, migration.folderMillis);
    old.close();

    await using store = openStore({ path, now: clock.now });
    const buckets = store.db.$client
      .prepare('SELECT seq, event_id AS eventId, bucket FROM processed_events ORDER BY seq')
      .all();
    expect(buckets).toEqual([
      { seq: 1, eventId: 'live-late', bucket: 0 },
      { seq: 16_383, eventId: 'live-soon', bucket: 0 },
      { seq: 16_384, eventId: 'expired', bucket: 1 },
      { seq: 40_000, eventId: 'before-1970', bucket: 2 },
    ]);
    const counted = (id: string) => store.processedEvents.isProcessed('acme', id);
    // Counted until purged, as before the migration.
    expect(['live-late', 'live-soon', 'expired', 'before-1970'].map(counted)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(store.processedEvents.markProcessed('acme', 'live-late', now + 60_000)).toBe(false);
    expect(store.processedEvents.recordedSince(0, 10).map((row) => row.eventId)).toEqual([
      'live-late',
      'live-soon',
      'expired',
      'before-1970',
    ]);
    const carried = store.processedEvents.newestSeq();
    expect(store.processedEvents.markProcessed('acme', 'new', now + 60_000)).toBe(true);
    expect(store.processedEvents.recordedSince(carried, 10)).toEqual([
      { seq: carried + 1, tenantId: 'acme', eventId: 'new' },
    ]);
    expect(store.processedEvents.purgeExpired(now)).toBe(2);
    store.tenants.remove('acme');
    expect(store.processedEvents.newestSeq()).toBe(0);
  });
});
