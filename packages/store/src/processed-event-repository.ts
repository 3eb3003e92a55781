import { and, eq, lte, sql } from 'drizzle-orm';
import { processedEvents } from './schema.js';
import type { StoreDatabase } from './store-database.js';

const p = sql.placeholder;

/**
 * Exact idempotency for incoming events, behind the Bloom filter: the filter says "maybe seen",
 * this table says for sure. A row counts until it is purged, even past `expiresAt`, which errs
 * on the side of dropping a repeat.
 */
export class ProcessedEventRepository {
  readonly #now: () => number;
  readonly #insert;
  readonly #exists;
  readonly #delete;
  readonly #purge;

  constructor(db: StoreDatabase, now: () => number) {
    this.#now = now;
    const byKey = and(eq(processedEvents.tenantId, p('tenantId')), eq(processedEvents.eventId, p('eventId')));
    this.#insert = db
      .insert(processedEvents)
      .values({
        tenantId: p('tenantId'),
        eventId: p('eventId'),
        processedAt: p('processedAt'),
        expiresAt: p('expiresAt'),
      })
      .onConflictDoNothing()
      .prepare();
    this.#exists = db
      .select({ one: sql<number>`1` })
      .from(processedEvents)
      .where(byKey)
      .prepare();
    this.#delete = db.delete(processedEvents).where(byKey).prepare();
    this.#purge = db
      .delete(processedEvents)
      .where(lte(processedEvents.expiresAt, p('now')))
      .prepare();
  }

  /**
   * Records the event as processed until `expiresAt` (epoch ms). True when it was new, false
   * when it had been recorded before (`INSERT … ON CONFLICT DO NOTHING`, then the change count).
   *
   * @example
   * if (!store.processedEvents.markProcessed('acme', event.id, Date.now() + 7 * 86_400_000)) return; // duplicate
   */
  markProcessed(tenantId: string, eventId: string, expiresAt: number): boolean {
    return this.#insert.run({ tenantId, eventId, processedAt: this.#now(), expiresAt }).changes > 0;
  }

  /**
   * True when the event is recorded.
   *
   * @example
   * store.processedEvents.isProcessed('acme', 'evt-1');
   */
  isProcessed(tenantId: string, eventId: string): boolean {
    return this.#exists.get({ tenantId, eventId }) !== undefined;
  }

  /**
   * Forgets an event, so a retry is processed: for when the work after `markProcessed` failed.
   *
   * @example
   * try { await log.append(event) } catch (error) { store.processedEvents.forget('acme', event.id); throw error }
   */
  forget(tenantId: string, eventId: string): boolean {
    return this.#delete.run({ tenantId, eventId }).changes > 0;
  }

  /**
   * Deletes every record with `expiresAt <= now`; returns how many.
   *
   * @example
   * setInterval(() => store.processedEvents.purgeExpired(Date.now()), 60_000).unref();
   */
  purgeExpired(now: number): number {
    return this.#purge.run({ now }).changes;
  }
}
