import { and, asc, eq, ne, sql, type SQL } from 'drizzle-orm';
import { assertArgument, assertTime } from './assert-argument.js';
import { limitParameter } from './limit-parameter.js';
import { deliveries } from './schema.js';
import type { StoreDatabase } from './store-database.js';

/** One notification's delivery on one channel, as stored. */
export type Delivery = typeof deliveries.$inferSelect;

/** Which delivery: a notification on a channel (`in-app`, `webhook`, `email`, `sms`, …). */
export interface DeliveryKey {
  tenantId: string;
  notificationId: string;
  channel: string;
}

/** Measurements that come with a status change. */
export interface DeliveryOutcome {
  /** Measured latency in ms, fractions allowed (e.g. event received → handed over, or → delivered). Kept when omitted. */
  latencyMs?: number;
}

/** A failed try, and whether another one is due. */
export interface FailedDeliveryOutcome extends DeliveryOutcome {
  /** When to try again (epoch ms); omitted, the delivery is finished. @defaultValue no retry */
  retryAt?: number;
}

const p = sql.placeholder;
const param = (name: string): SQL => sql`${p(name)}`;

/**
 * Delivery status per notification per channel. `delivered` is final: later `markSent` or
 * `markFailed` calls change nothing. `attempts` counts tries: each `markSent` counts one, and
 * `markFailed` or `markDelivered` count one unless they conclude a try `markSent` already counted.
 */
export class DeliveryRepository {
  readonly #now: () => number;
  readonly #insert;
  readonly #get;
  readonly #list;
  readonly #sent;
  readonly #delivered;
  readonly #failed;
  readonly #claimDue;

  constructor(db: StoreDatabase, now: () => number) {
    this.#now = now;
    const d = deliveries;
    const one = and(
      eq(d.tenantId, p('tenantId')),
      eq(d.notificationId, p('notificationId')),
      eq(d.channel, p('channel')),
    );
    const notDelivered = ne(d.status, 'delivered');
    const latency = sql`coalesce(${p('latencyMs')}, ${d.latencyMs})`;
    const unlessSent = sql`${d.attempts} + (CASE WHEN ${d.status} = 'sent' THEN 0 ELSE 1 END)`;
    this.#insert = db
      .insert(d)
      .values({
        tenantId: p('tenantId'),
        notificationId: p('notificationId'),
        channel: p('channel'),
        status: 'pending',
        attempts: 0,
        createdAt: p('at'),
        updatedAt: p('at'),
        nextAttemptAt: p('nextAttemptAt'),
      })
      .onConflictDoNothing()
      .prepare();
    this.#get = db.select().from(d).where(one).prepare();
    this.#list = db
      .select()
      .from(d)
      .where(and(eq(d.tenantId, p('tenantId')), eq(d.notificationId, p('notificationId'))))
      .orderBy(asc(d.channel))
      .prepare();
    this.#sent = db
      .update(d)
      .set({
        status: 'sent',
        attempts: sql`${d.attempts} + 1`,
        sentAt: param('at'),
        updatedAt: param('at'),
        latencyMs: latency,
      })
      .where(and(one, notDelivered))
      .prepare();
    this.#delivered = db
      .update(d)
      .set({
        status: 'delivered',
        attempts: unlessSent,
        deliveredAt: param('at'),
        updatedAt: param('at'),
        latencyMs: latency,
        nextAttemptAt: null,
      })
      .where(and(one, notDelivered))
      .prepare();
    this.#failed = db
      .update(d)
      .set({
        status: 'failed',
        attempts: unlessSent,
        lastError: param('error'),
        updatedAt: param('at'),
        latencyMs: latency,
        nextAttemptAt: param('retryAt'),
      })
      .where(and(one, notDelivered))
      .prepare();
    // Taking a due try moves its time forward by the lease: no other instance takes it while it
    // runs, and if this one dies the try comes due again. The partial index serves the scan.
    this.#claimDue = db
      .update(d)
      .set({ nextAttemptAt: sql`${p('now')} + ${p('leaseMs')}`, updatedAt: param('now') })
      .where(
        sql`rowid IN (SELECT rowid FROM deliveries WHERE channel = ${p('channel')} AND next_attempt_at <= ${p('now')}
          AND status <> 'delivered' ORDER BY next_attempt_at LIMIT ${limitParameter})`,
      )
      .returning()
      .prepare();
  }

  /**
   * Records a pending delivery. False when this notification already has one on this channel.
   * With `nextAttemptAt`, the delivery is due for a try then (see `claimDue`): give the moment a
   * deferred send is due, or, for a try starting now, now plus a lease.
   *
   * @example
   * store.deliveries.createPending({ tenantId: 'acme', notificationId, channel: 'in-app' });
   * store.deliveries.createPending({ tenantId: 'acme', notificationId, channel: 'webhook' }, { nextAttemptAt: quietHoursEnd });
   */
  createPending(key: DeliveryKey, options: { nextAttemptAt?: number } = {}): boolean {
    if (options.nextAttemptAt !== undefined) assertTime(options.nextAttemptAt, 'nextAttemptAt');
    return (
      this.#insert.run({ ...key, at: this.#now(), nextAttemptAt: options.nextAttemptAt ?? null }).changes > 0
    );
  }

  /**
   * Takes up to `limit` deliveries on `channel` whose next try is due at `now`, earliest first,
   * and moves their next try to `now + leaseMs`: another instance does not take them while this
   * one tries, and they come due again if it dies. Conclude each with `markDelivered` or
   * `markFailed` (with `retryAt` for another try).
   *
   * @example
   * for (const due of store.deliveries.claimDue('webhook', Date.now(), 30_000, 100)) retry(due);
   */
  claimDue(channel: string, now: number, leaseMs: number, limit: number): Delivery[] {
    assertTime(now, 'now');
    assertArgument(Number.isSafeInteger(leaseMs) && leaseMs > 0, 'leaseMs must be a positive integer');
    assertArgument(
      Number.isSafeInteger(limit) && limit > 0 && limit <= 1000,
      'limit must be an integer from 1 to 1000',
    );
    return this.#claimDue.all({ channel, now, leaseMs, limit });
  }

  /**
   * The delivery, or `undefined`.
   *
   * @example
   * store.deliveries.get({ tenantId: 'acme', notificationId, channel: 'email' })?.status;
   */
  get(key: DeliveryKey): Delivery | undefined {
    return this.#get.get({
      tenantId: key.tenantId,
      notificationId: key.notificationId,
      channel: key.channel,
    });
  }

  /**
   * Every channel's delivery of one notification.
   *
   * @example
   * const statuses = store.deliveries.listForNotification('acme', notificationId).map((d) => [d.channel, d.status]);
   */
  listForNotification(tenantId: string, notificationId: string): Delivery[] {
    return this.#list.all({ tenantId, notificationId });
  }

  /**
   * Handed to the channel (one more attempt). False when unknown or already delivered.
   *
   * @example
   * store.deliveries.markSent({ tenantId: 'acme', notificationId, channel: 'email' }, { latencyMs: 41 });
   */
  markSent(key: DeliveryKey, outcome: DeliveryOutcome = {}): boolean {
    return this.#sent.run(this.#params(key, outcome)).changes > 0;
  }

  /**
   * Confirmed delivered (final). False when unknown or already delivered.
   *
   * @example
   * store.deliveries.markDelivered({ tenantId: 'acme', notificationId, channel: 'in-app' }, { latencyMs: 12 });
   */
  markDelivered(key: DeliveryKey, outcome: DeliveryOutcome = {}): boolean {
    return this.#delivered.run(this.#params(key, outcome)).changes > 0;
  }

  /**
   * The attempt failed with `error`; with `retryAt`, another try is due then. False when
   * unknown or already delivered.
   *
   * @example
   * store.deliveries.markFailed({ tenantId: 'acme', notificationId, channel: 'webhook' }, 'HTTP 503', { retryAt: Date.now() + 2000 });
   */
  markFailed(key: DeliveryKey, error: string, outcome: FailedDeliveryOutcome = {}): boolean {
    if (outcome.retryAt !== undefined) assertTime(outcome.retryAt, 'retryAt');
    return (
      this.#failed.run({ ...this.#params(key, outcome), error, retryAt: outcome.retryAt ?? null }).changes > 0
    );
  }

  #params(key: DeliveryKey, outcome: DeliveryOutcome) {
    const latencyMs = outcome.latencyMs ?? null;
    assertArgument(
      latencyMs === null || (Number.isFinite(latencyMs) && latencyMs >= 0),
      'latencyMs must be a finite number ≥ 0',
    );
    return {
      tenantId: key.tenantId,
      notificationId: key.notificationId,
      channel: key.channel,
      latencyMs,
      at: this.#now(),
    };
  }
}
