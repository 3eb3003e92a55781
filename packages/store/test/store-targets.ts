import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openStore, type OpenStoreOptions, type Store } from '../src/index.js';

const directories: string[] = [];

afterAll(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/** A fresh, empty directory under the OS temp dir, removed after the test file. */
export function tempDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'herald-store-'));
  directories.push(directory);
  return directory;
}

/** A path to a database file that does not exist yet. */
export function tempDatabasePath(): string {
  return join(tempDirectory(), 'herald.db');
}

/** Where a test's store lives. Every repository test runs against both. */
export interface StoreTarget {
  name: string;
  open(options?: Omit<OpenStoreOptions, 'path'>): Store;
}

export const storeTargets: StoreTarget[] = [
  { name: ':memory:', open: (options = {}) => openStore({ ...options, path: ':memory:' }) },
  { name: 'temp file', open: (options = {}) => openStore({ ...options, path: tempDatabasePath() }) },
];

/** A clock tests move by hand. */
export interface ManualClock {
  now: () => number;
  set(time: number): void;
  advance(ms: number): void;
}

export function manualClock(start = Date.UTC(2030, 0, 1)): ManualClock {
  let time = start;
  return {
    now: () => time,
    set: (value) => {
      time = value;
    },
    advance: (ms) => {
      time += ms;
    },
  };
}

/** Opens a store on `target` on `clock`, with one tenant, `acme`. */
export function openWithTenant(
  target: StoreTarget,
  clock: ManualClock = manualClock(),
  options: Omit<OpenStoreOptions, 'path' | 'now'> = {},
): Store {
  const store = target.open({ ...options, now: clock.now });
  store.tenants.create({ id: 'acme', name: 'Acme Corp' });
  return store;
}

/** SQLite's plan for `query` with these parameters, its steps joined by `; `, for index assertions. */
export function queryPlan(store: Store, query: string, ...parameters: unknown[]): string {
  const steps = store.db.$client.prepare(`EXPLAIN QUERY PLAN ${query}`).all(...parameters) as {
    detail: string;
  }[];
  return steps.map((step) => step.detail).join('; ');
}
