import type Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { enableWal } from '@herald/sqlite';
import { assertArgument } from './assert-argument.js';
import { CustomerRepository } from './customer-repository.js';
import { DeliveryRepository } from './delivery-repository.js';
import { guardMethods } from './guard-methods.js';
import { InboxRepository } from './inbox-repository.js';
import { PreferenceRepository } from './preference-repository.js';
import { defaultProcessedEventBucketRows } from './processed-event-buckets.js';
import { ProcessedEventRepository } from './processed-event-repository.js';
import { ReminderRepository } from './reminder-repository.js';
import { runMigrations } from './run-migrations.js';
import type { StoreDatabase } from './store-database.js';
import { StoreError } from './store-error.js';
import { SubscriberRepository } from './subscriber-repository.js';
import { TeamRepository } from './team-repository.js';
import { TenantRepository } from './tenant-repository.js';
import { translateError } from './translate-error.js';

/** How a store runs on its database. */
export interface StoreOptions {
  /** The clock stamping `createdAt`, `updatedAt`, `seenAt`… (epoch ms). @defaultValue `Date.now` */
  now?: () => number;
  /** How long a write, or the switch to WAL on open, waits for another connection's lock before failing with `BUSY`, in ms. @defaultValue `5000` */
  busyTimeoutMs?: number;
  /** Apply this package's migrations on open. @defaultValue `true` */
  migrate?: boolean;
  /**
   * Set the pragmas the store relies on: `journal_mode = WAL`, `busy_timeout`, `foreign_keys = ON`
   * (tenant deletion cascades through them), `synchronous = NORMAL`. @defaultValue `true`
   */
  configure?: boolean;
  /** Check the file on open, `quick` (`PRAGMA quick_check`) or `full` (`integrity_check`): O(size). @defaultValue `'none'` */
  integrityCheck?: 'none' | 'quick' | 'full';
  /** Close the database in `close()`. `openStore` always closes the one it opened. @defaultValue `false` */
  closeDatabase?: boolean;
  /**
   * How long `tenants.verifyApiKey` remembers a verified key (0: never). Revocations through this
   * store apply at once; through another process, within this time. @defaultValue `5000`
   */
  rememberVerifiedKeysMs?: number;
  /**
   * Records per bucket of `processed_events`: fewer make recording a batch of random ids cheaper
   * and a lookup of an id not there dearer (it probes every bucket). Takes effect for the records
   * written from then on. @defaultValue 16_384 (`defaultProcessedEventBucketRows`)
   */
  processedEventBucketRows?: number;
}

/** Herald's durable state: one repository per table family, on one SQLite database. */
export interface Store extends AsyncDisposable {
  /** The drizzle database, for queries the repositories do not offer (`db.$client` is the better-sqlite3 one). */
  readonly db: StoreDatabase;
  readonly tenants: TenantRepository;
  readonly customers: CustomerRepository;
  readonly processedEvents: ProcessedEventRepository;
  readonly inbox: InboxRepository;
  readonly deliveries: DeliveryRepository;
  readonly reminders: ReminderRepository;
  readonly preferences: PreferenceRepository;
  readonly subscribers: SubscriberRepository;
  readonly teams: TeamRepository;
  /** True once `close()` was called. */
  readonly closed: boolean;
  /**
   * Runs `fn` in one immediate (write-locked) transaction: repository calls inside it commit or
   * roll back together; nested calls become savepoints. `fn` must be synchronous.
   */
  transaction<T>(fn: () => T): T;
  /** Closes the store (and the database, if it owns it). Safe to call more than once. */
  close(): Promise<void>;
}

function configure(sqlite: Database.Database, options: StoreOptions): void {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  assertArgument(
    Number.isSafeInteger(busyTimeoutMs) && busyTimeoutMs >= 0,
    'busyTimeoutMs must be an integer ≥ 0',
  );
  sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
  enableWal(sqlite, busyTimeoutMs);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
}

function checkIntegrity(sqlite: Database.Database, kind: 'quick' | 'full'): void {
  const result: unknown = sqlite.pragma(kind === 'quick' ? 'quick_check' : 'integrity_check', {
    simple: true,
  });
  if (result !== 'ok') {
    throw new StoreError(
      'CORRUPT',
      `The database ${sqlite.name} failed its integrity check: ${String(result)}`,
    );
  }
}

function openError(error: unknown, sqlite: Database.Database, migrated: boolean): unknown {
  const translated = translateError(error, `opening ${sqlite.name}`);
  if (!StoreError.isInstance(translated) || translated.code !== 'QUERY_FAILED') return translated;
  const hint =
    !migrated && /no such (table|column)/.test(String(error))
      ? ' (migrate is false, but the database lacks the schema: run runMigrations(db) first)'
      : '';
  return new StoreError(
    'OPEN_FAILED',
    `Cannot open the store on ${sqlite.name}${hint}: ${translated.message}`,
    {
      cause: error,
    },
  );
}

function prepareRepositories(
  db: StoreDatabase,
  now: () => number,
  isClosed: () => boolean,
  options: Pick<StoreOptions, 'rememberVerifiedKeysMs' | 'processedEventBucketRows'>,
) {
  return {
    tenants: guardMethods('tenants', new TenantRepository(db, now, options.rememberVerifiedKeysMs), isClosed),
    customers: guardMethods('customers', new CustomerRepository(db, now), isClosed),
    processedEvents: guardMethods(
      'processedEvents',
      new ProcessedEventRepository(
        db,
        now,
        options.processedEventBucketRows ?? defaultProcessedEventBucketRows,
      ),
      isClosed,
    ),
    inbox: guardMethods('inbox', new InboxRepository(db, now), isClosed),
    deliveries: guardMethods('deliveries', new DeliveryRepository(db, now), isClosed),
    reminders: guardMethods('reminders', new ReminderRepository(db, now), isClosed),
    preferences: guardMethods('preferences', new PreferenceRepository(db, now), isClosed),
    subscribers: guardMethods('subscribers', new SubscriberRepository(db, now), isClosed),
    teams: guardMethods('teams', new TeamRepository(db, now), isClosed),
  };
}

/**
 * Builds a store on a better-sqlite3 database you created: configures it, migrates it and
 * prepares every statement once. The database stays yours unless `closeDatabase` is set.
 *
 * @example
 * import Database from 'better-sqlite3';
 * const sqlite = new Database('./data/herald.db');
 * await using store = createStore(sqlite, { closeDatabase: true });
 * store.tenants.create({ id: 'acme', name: 'Acme Corp' });
 */
export function createStore(sqlite: Database.Database, options: StoreOptions = {}): Store {
  const now = options.now ?? Date.now;
  let closed = false;
  const isClosed = () => closed;
  const migrate = options.migrate ?? true;
  let db: StoreDatabase;
  let repositories: ReturnType<typeof prepareRepositories>;
  try {
    if (options.configure ?? true) configure(sqlite, options);
    const integrity = options.integrityCheck ?? 'none';
    if (integrity !== 'none') checkIntegrity(sqlite, integrity);
    db = drizzle({ client: sqlite });
    if (migrate) runMigrations(db);
    repositories = prepareRepositories(db, now, isClosed, options);
  } catch (error) {
    throw openError(error, sqlite, migrate);
  }

  const close = (): Promise<void> => {
    if (closed) return Promise.resolve();
    closed = true;
    if (options.closeDatabase === true && sqlite.open) {
      try {
        sqlite.pragma('optimize');
      } catch {
        // Best effort: statistics for the next session, never a reason to keep the file open.
      }
      sqlite.close();
    }
    return Promise.resolve();
  };

  // One wrapper for every call: better-sqlite3 builds a transaction function (and its nested and
  // savepoint variants) per `transaction(fn)`, which cost more than a small transaction's work.
  const inTransaction = sqlite.transaction((fn: () => unknown) => fn());

  return {
    db,
    ...repositories,
    get closed() {
      return closed;
    },
    transaction<T>(fn: () => T): T {
      if (closed) throw new StoreError('CLOSED', 'store.transaction: the store is closed');
      try {
        return inTransaction.immediate(fn) as T;
      } catch (error) {
        throw translateError(error, 'store.transaction');
      }
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
