import { and, eq, sql } from 'drizzle-orm';
import { boundedDeleteSql, purgeLimit, type PurgeOptions } from './purge-options.js';
import { processedEvents } from './schema.js';
import type { StoreDatabase } from './store-database.js';

const p = sql.placeholder;

/** One event to record, for `markProcessedMany`. */
export interface ProcessedEventKey {
  tenantId: string;
  eventId: string;
}

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
  readonly #insertMany;

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
    // Asked for each event whose id the Bloom filter may have seen: a direct statement, as
    // drizzle's placeholder filling and row mapping cost more than the lookup.
    this.#exists = db.$client
      .prepare<[string, string], number>(
        'SELECT 1 FROM processed_events WHERE tenant_id = ? AND event_id = ?',
      )
      .pluck();
    this.#delete = db.delete(processedEvents).where(byKey).prepare();
    // A batch of a few hundred ids per request: direct statements, as drizzle's placeholder
    // filling per row cost more than the insert.
    const insertRow = db.$client.prepare<[string, string, number, number]>(
      'INSERT INTO processed_events (tenant_id, event_id, processed_at, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    const insertMany = db.$client.transaction(
      (keys: readonly ProcessedEventKey[], processedAt: number, expiresAt: number): number => {
        let inserted = 0;
        for (const key of keys)
          inserted += insertRow.run(key.tenantId, key.eventId, processedAt, expiresAt).changes;
        return inserted;
      },
    );
    this.#insertMany = (keys: readonly ProcessedEventKey[], processedAt: number, expiresAt: number) =>
      insertMany.immediate(keys, processedAt, expiresAt);
    this.#purge = db.$client.prepare<[now: number, limit: number]>(
      boundedDeleteSql('processed_events', 'expires_at <= ?', 'expires_at'),
    );
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
   * Records several events as processed until `expiresAt`, in one transaction (a savepoint
   * inside a caller's). Returns how many were new.
   *
   * @example
   * store.processedEvents.markProcessedMany([{ tenantId: 'acme', eventId: 'evt-1' }, { tenantId: 'acme', eventId: 'evt-2' }], expiresAt);
   */
  markProcessedMany(keys: readonly ProcessedEventKey[], expiresAt: number): number {
    return this.#insertMany(keys, this.#now(), expiresAt);
  }

  /**
   * True when the event is recorded.
   *
   * @example
   * store.processedEvents.isProcessed('acme', 'evt-1');
   */
  isProcessed(tenantId: string, eventId: string): boolean {
    return this.#exists.get(tenantId, eventId) !== undefined;
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
   * Deletes records with `expiresAt <= now`, the oldest first, at most `limit` of them; returns
   * how many. A record counts until it is purged, so purging late only keeps repeats out longer.
   *
   * @example
   * while (store.processedEvents.purgeExpired(Date.now(), { limit: 500 }) === 500) await setImmediate();
   */
  purgeExpired(now: number, options: PurgeOptions = {}): number {
    return this.#purge.run(now, purgeLimit(options)).changes;
  }
}
