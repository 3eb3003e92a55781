import { and, asc, eq, ne, sql, type SQL } from 'drizzle-orm';
import { assertArgument } from './assert-argument.js';
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
      })
      .where(and(one, notDelivered))
      .prepare();
  }

  /**
   * Records a pending delivery. False when this notification already has one on this channel.
   *
   * @example
   * store.deliveries.createPending({ tenantId: 'acme', notificationId, channel: 'in-app' });
   */
  createPending(key: DeliveryKey): boolean {
    return this.#insert.run({ ...key, at: this.#now() }).changes > 0;
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
   * The attempt failed with `error`. False when unknown or already delivered.
   *
   * @example
   * store.deliveries.markFailed({ tenantId: 'acme', notificationId, channel: 'webhook' }, 'HTTP 503');
   */
  markFailed(key: DeliveryKey, error: string, outcome: DeliveryOutcome = {}): boolean {
    return this.#failed.run({ ...this.#params(key, outcome), error }).changes > 0;
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
