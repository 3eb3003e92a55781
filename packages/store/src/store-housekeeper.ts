import { setImmediate as nextTurn } from 'node:timers/promises';
import { assertArgument } from './assert-argument.js';
import type { Store } from './create-store.js';

/** Every purge a {@link StoreHousekeeper} can run, named by what it deletes. */
export const housekeepingTasks = [
  'processedEvents',
  'expiredNotifications',
  'replacedNotifications',
  'finishedReminders',
] as const;

/** One purge: dedup records past their window, inbox items past `expiresAt` or replaced, ended reminders. */
export type HousekeepingTask = (typeof housekeepingTasks)[number];

/** Rows deleted by one pass, per task it ran. */
export type PurgeCounts = Partial<Record<HousekeepingTask, number>>;

/** What a {@link StoreHousekeeper} purges, how often and how much at a time. */
export interface StoreHousekeeperOptions {
  /** The purges this process runs: each app those of the tables it writes. */
  tasks: readonly HousekeepingTask[];
  /** Time between two passes, in ms. @defaultValue `60_000` */
  intervalMs?: number;
  /** Rows deleted per transaction; other work gets a turn of the event loop between two. @defaultValue `500` */
  batchSize?: number;
  /** How long an item replaced through its collapse key stays, with its deliveries, in ms. @defaultValue one day */
  replacedRetentionMs?: number;
  /** How long a reminder that fired, failed or was cancelled stays listed, in ms. @defaultValue 30 days */
  finishedReminderRetentionMs?: number;
  /** @defaultValue `Date.now` */
  now?: () => number;
  /** Told after each pass that deleted something. */
  onPurged?: (counts: PurgeCounts) => void;
  /** Told when a purge fails; the other tasks go on, and the next pass tries again. */
  onError?: (error: unknown, task: HousekeepingTask) => void;
}

const day = 86_400_000;

function assertDuration(value: number, name: string, min: number): void {
  assertArgument(
    Number.isSafeInteger(value) && value >= min,
    `${name} must be an integer ≥ ${min}, got ${value}`,
  );
}

/**
 * Keeps the store from growing without bound: every `intervalMs` it deletes what no query needs
 * any more — dedup records past their window, inbox items past their `expiresAt`, items replaced
 * longer ago than `replacedRetentionMs`, reminders that ended longer ago than
 * `finishedReminderRetentionMs`. Each purge deletes in transactions of `batchSize` rows, oldest
 * first, with a turn of the event loop between two, so a backlog (the first pass on a store
 * that never had one) slows deliveries a little for a while instead of stopping them. Several
 * processes on one store may each run one: deletes of rows already gone change nothing.
 *
 * @example
 * const housekeeper = new StoreHousekeeper(store, {
 *   tasks: ['expiredNotifications', 'replacedNotifications'],
 *   onPurged: (counts) => logger.info(counts, 'purged'),
 * });
 * housekeeper.start();
 * // on shutdown, before store.close():
 * await housekeeper.close();
 */
export class StoreHousekeeper {
  readonly #store: Store;
  readonly #tasks: readonly HousekeepingTask[];
  readonly #intervalMs: number;
  readonly #batchSize: number;
  readonly #replacedRetentionMs: number;
  readonly #finishedReminderRetentionMs: number;
  readonly #now: () => number;
  readonly #onPurged: (counts: PurgeCounts) => void;
  readonly #onError: (error: unknown, task: HousekeepingTask) => void;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<PurgeCounts> | undefined;
  #closed = false;

  constructor(store: Store, options: StoreHousekeeperOptions) {
    for (const task of options.tasks) {
      assertArgument(housekeepingTasks.includes(task), `unknown housekeeping task '${String(task)}'`);
    }
    this.#store = store;
    this.#tasks = [...new Set(options.tasks)];
    this.#intervalMs = options.intervalMs ?? 60_000;
    this.#batchSize = options.batchSize ?? 500;
    this.#replacedRetentionMs = options.replacedRetentionMs ?? day;
    this.#finishedReminderRetentionMs = options.finishedReminderRetentionMs ?? 30 * day;
    assertDuration(this.#intervalMs, 'intervalMs', 1);
    assertDuration(this.#batchSize, 'batchSize', 1);
    assertDuration(this.#replacedRetentionMs, 'replacedRetentionMs', 0);
    assertDuration(this.#finishedReminderRetentionMs, 'finishedReminderRetentionMs', 0);
    this.#now = options.now ?? Date.now;
    this.#onPurged = options.onPurged ?? (() => undefined);
    this.#onError = options.onError ?? (() => undefined);
  }

  /** Runs a pass every `intervalMs` from now on (the first one an interval from now). Idempotent. */
  start(): void {
    if (this.#closed || this.#timer !== undefined || this.#tasks.length === 0) return;
    this.#timer = setInterval(() => void this.runOnce(), this.#intervalMs);
    this.#timer.unref();
  }

  /**
   * One pass of every task, each until nothing is left to delete; while one runs, its promise.
   * Never rejects: failures go to `onError`.
   */
  runOnce(): Promise<PurgeCounts> {
    this.#running ??= this.#pass().finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Stops the timer and waits for a running pass to finish its current transaction. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  async #pass(): Promise<PurgeCounts> {
    const now = this.#now();
    const counts: PurgeCounts = {};
    let purged = false;
    for (const task of this.#tasks) {
      const purge = this.#purgeOf(task, now);
      let total = 0;
      try {
        for (;;) {
          if (this.#closed || this.#store.closed) break;
          const deleted = purge(this.#batchSize);
          total += deleted;
          if (deleted < this.#batchSize) break;
          await nextTurn();
        }
      } catch (error) {
        this.#onError(error, task);
      }
      counts[task] = total;
      if (total > 0) purged = true;
    }
    if (purged) this.#onPurged(counts);
    return counts;
  }

  #purgeOf(task: HousekeepingTask, now: number): (limit: number) => number {
    const store = this.#store;
    switch (task) {
      case 'processedEvents':
        return (limit) => store.processedEvents.purgeExpired(now, { limit });
      case 'expiredNotifications':
        return (limit) => store.inbox.purgeExpired(now, { limit });
      case 'replacedNotifications':
        return (limit) => store.inbox.purgeReplaced(now - this.#replacedRetentionMs, { limit });
      case 'finishedReminders':
        return (limit) => store.reminders.purgeFinished(now - this.#finishedReminderRetentionMs, { limit });
    }
  }
}
