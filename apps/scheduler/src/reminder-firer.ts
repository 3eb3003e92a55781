import { Histogram, IndexedPriorityQueue, PriorityQueue } from '@herald/core';
import type { Reminder, Store } from '@herald/store';
import type { EventLog, LogRecord } from '@herald/transport';
import type { Logger } from 'pino';
import { nextOccurrence } from './recurrence.js';
import { reminderDueRecord } from './reminder-due-record.js';

/** The timer functions the firer arms; tests pass a manual clock's. */
export interface Timers {
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

/** How the firer works; every field is set by `createSchedulerApp`. */
export interface ReminderFirerOptions {
  store: Store;
  log: EventLog;
  topic: string;
  logger: Logger;
  /** This instance's lease owner name: unique per process. */
  owner: string;
  now: () => number;
  timers: Timers;
  /** How far ahead reminders are held in memory. */
  horizonMs: number;
  /** How long a claim lasts before another instance may take it over. */
  leaseMs: number;
  /** Most reminders claimed and published at once. */
  batchSize: number;
  /** How often the store is swept: refill the horizon, take over expired leases, catch others' reminders. */
  sweepIntervalMs: number;
  /** How late a fire may be before `skip` drops it as missed. */
  missedAfterMs: number;
  /** Most reminders held in memory. */
  maxHeld: number;
  /** Delay before a reminder whose publish failed is tried again. */
  retryDelayMs: number;
  /**
   * How far ahead of their due time reminders are claimed, so the claim is off the critical path
   * and the fire lands on the dot. Far below `leaseMs`.
   */
  claimAheadMs: number;
}

/** What the firer did since it started. */
export interface FirerStats {
  /** Reminders held in the in-memory queue. */
  held: number;
  fired: number;
  /** Occurrences dropped by their missed-fire policy. */
  skipped: number;
  /** Publish failures (each retried later). */
  failed: number;
  /** Fire time − due time (ms), over every fire. */
  lateness: { p50: number | undefined; p99: number | undefined; max: number | undefined };
}

interface Watermark {
  dueAt: number;
  tenantId: string;
  id: string;
}

const refillPage = 128;
/**
 * Most reminders claimed in one transaction ahead of their due time. A claim rewrites each row
 * and its status indexes (~10 µs a row on a quiet machine, several times that on a busy one):
 * a claim of a whole batch held the event loop for tens of milliseconds, and every fire due in
 * that time waited for it. At 10,000 fires/s, chunks of 32 gave a lateness p99 of 3–5 ms where
 * chunks of 128 gave 4–7.
 */
const claimChunk = 32;
/**
 * Most claimed at once while working off reminders that are already overdue (after downtime):
 * nothing due later waits behind them, and chunks of 32 halved the catch-up rate.
 */
const catchUpChunk = 128;

/** A reminder's key in the queue and the hand: unique across tenants. */
function keyFor(tenantId: string, id: string): string {
  return `${tenantId}\u0000${id}`;
}

function keyOf(reminder: { tenantId: string; id: string }): string {
  return keyFor(reminder.tenantId, reminder.id);
}

/** Whether (dueAt, id, tenantId) comes after the watermark, in the store's paging order. */
function after(a: Watermark, dueAt: number, tenantId: string, id: string): boolean {
  if (dueAt !== a.dueAt) return dueAt > a.dueAt;
  if (id !== a.id) return id > a.id;
  return tenantId > a.tenantId;
}

/**
 * Fires reminders at their due time. Only those due within the horizon are held, in an
 * `IndexedPriorityQueue` refilled from the store by an index scan; one timer waits for the head.
 * Shortly before the head is due it claims, in batches, every reminder in the store due within
 * `claimAheadMs` (a lease, so a second instance never takes the same one); at each one's due time
 * it applies the missed-fire policy, appends `reminder.due` events to the log, then marks them
 * fired (recurring ones move to their next occurrence).
 *
 * @example
 * const firer = new ReminderFirer({ store, log, topic: 'herald.events', logger, owner: 'scheduler-1', now: Date.now, timers, ...tuning });
 * await firer.start();
 * firer.track('acme', reminder.id, reminder.dueAt); // after creating or moving one
 */
export class ReminderFirer {
  readonly #o: ReminderFirerOptions;
  readonly #queue = new IndexedPriorityQueue<string, number>(); // due times: the numeric fast path
  readonly #lateness = new Histogram();
  /** Claimed ahead, waiting for their due time; at most `batchSize`. */
  readonly #inHand = new Map<string, Reminder>();
  /**
   * The same reminders in due order, so a fire takes the due ones off the top instead of scanning
   * (and allocating an entry per reminder in hand) a thousand times a second. Lazy: one that left
   * `#inHand` (moved, cancelled) stays here until it surfaces and is skipped; it was due within
   * `claimAheadMs`, so that is soon.
   */
  readonly #inHandByDue = new PriorityQueue<Reminder>((a, b) => a.dueAt - b.dueAt);
  #watermark: Watermark = { dueAt: Number.NEGATIVE_INFINITY, tenantId: '', id: '' };
  #timer: unknown;
  #timerAt = Number.POSITIVE_INFINITY;
  #sweepTimer: unknown;
  #firing: Promise<void> | undefined;
  #again = false;
  /** The last claim was full of overdue reminders: a backlog, claimed in larger chunks. */
  #catchingUp = false;
  #refilling: Promise<void> | undefined;
  #closed = false;
  #fired = 0;
  #skipped = 0;
  #failed = 0;

  constructor(options: ReminderFirerOptions) {
    this.#o = options;
  }

  /** Catches up on what came due while nothing ran (by policy), fills the horizon, arms the timers. */
  async start(): Promise<void> {
    await this.fireDue();
    await this.refill();
    this.#arm();
    this.#scheduleSweep();
  }

  /** A reminder was created or moved to `dueAt` here: hold it if it falls within what is loaded. */
  track(tenantId: string, id: string, dueAt: number): void {
    const key = keyFor(tenantId, id);
    // Moved here, so its claim is gone from the store: it must not fire at the old time.
    this.#inHand.delete(key);
    if (after(this.#watermark, dueAt, tenantId, id)) {
      this.#queue.remove(key);
      return;
    }
    if (this.#queue.has(key)) this.#queue.update(key, dueAt);
    else this.#queue.push(key, dueAt);
    if (dueAt - this.#o.claimAheadMs / 2 < this.#timerAt) this.#arm();
  }

  /** A reminder was cancelled here. */
  untrack(tenantId: string, id: string): void {
    const key = keyFor(tenantId, id);
    this.#queue.remove(key);
    this.#inHand.delete(key);
  }

  /** Every reminder with this cancellation key was cancelled here. */
  untrackKey(tenantId: string, cancelKey: string): void {
    for (const [key, reminder] of this.#inHand) {
      if (reminder.tenantId === tenantId && reminder.cancelKey === cancelKey) this.#inHand.delete(key);
    }
  }

  /** What it did since it started, and how many reminders it holds. */
  stats(): FirerStats {
    return {
      held: this.#queue.size + this.#inHand.size,
      fired: this.#fired,
      skipped: this.#skipped,
      failed: this.#failed,
      lateness: {
        p50: this.#lateness.percentile(50),
        p99: this.#lateness.percentile(99),
        max: this.#lateness.max,
      },
    };
  }

  /** Stops the timers and waits for the batch in flight. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#clearTimer();
    if (this.#sweepTimer !== undefined) this.#o.timers.clearTimeout(this.#sweepTimer);
    this.#sweepTimer = undefined;
    await this.#firing;
    await this.#refilling;
    for (const reminder of this.#inHand.values()) {
      try {
        this.#o.store.reminders.release(reminder.tenantId, reminder.id, this.#o.owner);
      } catch {
        // Its lease runs out and another instance takes it.
      }
    }
    this.#inHand.clear();
    this.#inHandByDue.clear();
  }

  /** Claims and fires everything due now; resolves when no due reminder is left unclaimed. */
  fireDue(): Promise<void> {
    if (this.#firing !== undefined) {
      this.#again = true;
      return this.#firing;
    }
    this.#firing = (async () => {
      try {
        do {
          this.#again = false;
          try {
            await this.#drain();
          } catch (error) {
            // Leases not marked run out and those reminders are claimed again: nothing is lost.
            this.#o.logger.error({ err: error }, 'firing reminders failed');
            return;
          }
        } while (this.#again && !this.#closed);
      } finally {
        this.#firing = undefined;
        this.#arm();
      }
    })();
    return this.#firing;
  }

  /** Loads pending reminders due within the horizon into memory, page by page. */
  refill(): Promise<void> {
    this.#refilling ??= (async () => {
      try {
        const target = this.#o.now() + this.#o.horizonMs;
        while (!this.#closed && this.#queue.size < this.#o.maxHeld) {
          const cursor = this.#watermark.dueAt === Number.NEGATIVE_INFINITY ? undefined : this.#watermark;
          const page = this.#o.store.reminders.pendingDueBefore(target, refillPage, cursor);
          for (const reminder of page) {
            const key = keyOf(reminder);
            if (this.#queue.has(key)) this.#queue.update(key, reminder.dueAt);
            else this.#queue.push(key, reminder.dueAt);
          }
          const last = page.at(-1);
          if (page.length < refillPage || last === undefined) {
            if (!after(this.#watermark, target, '', '')) break;
            this.#watermark = { dueAt: target, tenantId: '', id: '' };
            break;
          }
          this.#watermark = { dueAt: last.dueAt, tenantId: last.tenantId, id: last.id };
          // Let the timer in between pages: filling the horizon must not make a fire late.
          await new Promise((resolve) => setImmediate(resolve));
        }
      } catch (error) {
        this.#o.logger.warn({ err: error }, 'could not refill reminders from the store');
      } finally {
        this.#refilling = undefined;
      }
      this.#arm();
    })();
    return this.#refilling;
  }

  #scheduleSweep(): void {
    if (this.#closed) return;
    this.#sweepTimer = this.#o.timers.setTimeout(() => {
      void this.#sweep();
    }, this.#o.sweepIntervalMs);
  }

  async #sweep(): Promise<void> {
    try {
      await this.fireDue();
      await this.refill();
    } finally {
      this.#scheduleSweep();
    }
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#o.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  #nextWake(): number | undefined {
    let next = this.#queue.peek()?.value;
    // Claim when the head is half the window away, for a whole window: each claim then covers
    // many due times, instead of one claim per millisecond of due reminders.
    if (next !== undefined) next -= this.#o.claimAheadMs / 2;
    const firstInHandDue = this.#firstInHand()?.dueAt;
    if (firstInHandDue !== undefined && (next === undefined || firstInHandDue < next)) next = firstInHandDue;
    return next;
  }

  /** The reminder in hand due first, dropping those that left the hand since they were claimed. */
  #firstInHand(): Reminder | undefined {
    for (let head = this.#inHandByDue.peek(); head !== undefined; head = this.#inHandByDue.peek()) {
      if (this.#inHand.get(keyOf(head)) === head) return head;
      this.#inHandByDue.pop();
    }
    return undefined;
  }

  /** Takes the reminder in hand due first out of the hand, if it is due by `now`. */
  #takeDueInHand(now: number): Reminder | undefined {
    // A head that left the hand is dropped on the way; one due later than `now` ends the search
    // whether it left or not, as everything behind it is due later still.
    for (
      let head = this.#inHandByDue.peek();
      head !== undefined && head.dueAt <= now;
      head = this.#inHandByDue.peek()
    ) {
      this.#inHandByDue.pop();
      const key = keyOf(head);
      if (this.#inHand.get(key) === head) {
        this.#inHand.delete(key);
        return head;
      }
    }
    return undefined;
  }

  #takeInHand(key: string, reminder: Reminder): void {
    this.#inHand.set(key, reminder);
    this.#inHandByDue.push(reminder);
  }

  #arm(): void {
    if (this.#closed || this.#firing !== undefined) return;
    const at = this.#nextWake();
    if (at === undefined) {
      this.#clearTimer();
      return;
    }
    if (this.#timer !== undefined && this.#timerAt === at) return;
    this.#clearTimer();
    this.#timerAt = at;
    const delay = Math.max(0, at - this.#o.now());
    this.#timer = this.#o.timers.setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Number.POSITIVE_INFINITY;
      void this.fireDue();
    }, delay);
  }

  async #drain(): Promise<void> {
    const { store, owner, leaseMs, batchSize, claimAheadMs } = this.#o;
    while (!this.#closed) {
      const now = this.#o.now();
      // Fire what is due before claiming more: a claim costs ~10 µs a row, and a fire that is
      // due must not wait behind one.
      const due: Reminder[] = [];
      for (let head = this.#takeDueInHand(now); head !== undefined; head = this.#takeDueInHand(now)) {
        due.push(head);
      }
      if (due.length > 0) {
        await this.#fire(due, now);
        continue;
      }
      const dueBy = now + claimAheadMs;
      for (
        let head = this.#queue.peek();
        head !== undefined && head.value <= dueBy;
        head = this.#queue.peek()
      ) {
        this.#queue.pop();
      }
      const room = Math.min(batchSize - this.#inHand.size, this.#catchingUp ? catchUpChunk : claimChunk);
      if (room <= 0) return;
      let claimed: Reminder[];
      try {
        claimed = store.reminders.claimDue(now, owner, leaseMs, room, { dueBy });
      } catch (error) {
        this.#o.logger.warn({ err: error }, 'could not claim due reminders; retrying at the next sweep');
        return;
      }
      for (const reminder of claimed) {
        const key = keyOf(reminder);
        this.#queue.remove(key);
        this.#takeInHand(key, reminder);
      }
      const overdue = claimed.some((reminder) => reminder.dueAt <= now);
      this.#catchingUp = overdue && claimed.length === room;
      if (claimed.length < room && !overdue) return;
      // More to claim, or claimed ones to fire: let timers and log flushes in between.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  #missed(reminder: Reminder, lateMs: number): boolean {
    switch (reminder.missedFirePolicy) {
      case 'fire_now':
        return false;
      case 'fire_if_late_within':
        return lateMs > (reminder.lateWithinMs ?? 0);
      case 'skip':
        return lateMs > this.#o.missedAfterMs;
    }
  }

  #next(reminder: Reminder, now: number): number | undefined {
    if (reminder.recurrenceKind === null || reminder.recurrence === null) return undefined;
    try {
      // From the later of the occurrence and now: a recurrence that missed several fires once.
      return nextOccurrence(
        { kind: reminder.recurrenceKind, rule: reminder.recurrence },
        reminder.timezone,
        Math.max(reminder.dueAt, now),
      );
    } catch (error) {
      this.#o.logger.warn(
        { err: error, tenant: reminder.tenantId, reminder: reminder.id },
        'recurrence failed; no next occurrence',
      );
      return undefined;
    }
  }

  async #fire(inHand: Reminder[], now: number): Promise<void> {
    const { store, log, topic, owner, logger } = this.#o;
    // Claimed up to `claimAheadMs` ago: one read drops those cancelled or moved since, through
    // any instance (this one's own changes already left `inHand`).
    let claimed = inHand;
    try {
      const held = new Set(store.reminders.stillClaimed(owner, inHand).map(keyOf));
      claimed = inHand.filter((reminder) => held.has(keyOf(reminder)));
    } catch (error) {
      // The store did not answer: fire what is in hand (the mark after the append tells the rest).
      logger.warn({ err: error }, 'could not re-check claims before firing');
    }
    const records: LogRecord[] = [];
    const firing: { reminder: Reminder; next: number | undefined }[] = [];
    for (const reminder of claimed) {
      const lateMs = Math.max(0, now - reminder.dueAt);
      const next = this.#next(reminder, now);
      if (this.#missed(reminder, lateMs)) {
        const reason = `missed by ${lateMs} ms; dropped by its ${reminder.missedFirePolicy} policy`;
        store.reminders.markFailed(
          reminder.tenantId,
          reminder.id,
          owner,
          reason,
          next === undefined ? {} : { retryAt: next },
        );
        if (next !== undefined) this.track(reminder.tenantId, reminder.id, next);
        this.#skipped += 1;
        logger.info({ tenant: reminder.tenantId, reminder: reminder.id, lateMs }, 'missed reminder skipped');
        continue;
      }
      records.push(reminderDueRecord(reminder, now));
      firing.push({ reminder, next });
    }
    if (records.length === 0) return;
    try {
      await log.publish(topic, records);
    } catch (error) {
      logger.warn({ err: error, count: records.length }, 'could not publish reminder.due events; will retry');
      const retryAt = this.#o.now() + this.#o.retryDelayMs;
      for (const { reminder } of firing) {
        try {
          store.reminders.markFailed(reminder.tenantId, reminder.id, owner, String(error), { retryAt });
          this.track(reminder.tenantId, reminder.id, retryAt);
        } catch {
          // The lease runs out and the reminder is claimed again: nothing is lost.
        }
      }
      this.#failed += firing.length;
      return;
    }
    const publishedAt = this.#o.now();
    store.reminders.markFiredMany(
      owner,
      firing.map(({ reminder, next }) => ({
        tenantId: reminder.tenantId,
        id: reminder.id,
        ...(next === undefined ? {} : { nextDueAt: next }),
      })),
    );
    for (const { reminder, next } of firing) {
      this.#lateness.record(Math.max(0, publishedAt - reminder.dueAt));
      if (next !== undefined) this.track(reminder.tenantId, reminder.id, next);
    }
    this.#fired += firing.length;
  }
}
