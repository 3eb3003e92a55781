import { and, eq, sql } from 'drizzle-orm';
import { assertArgument } from './assert-argument.js';
import { isTimeZone } from './is-time-zone.js';
import { subscribers } from './schema.js';
import type { StoreDatabase } from './store-database.js';

/** A person notifications go to, as the tenant's backend describes them. */
export interface Subscriber {
  tenantId: string;
  id: string;
  /** Canonical BCP 47 tag (`zh-CN`): which template variant they read, and how dates and numbers look. */
  locale: string | null;
  /** IANA time zone (`Asia/Shanghai`) the dates in their notifications are written in. */
  timezone: string | null;
  updatedAt: number;
}

/** What `set` replaces. */
export interface SubscriberInput {
  tenantId: string;
  id: string;
  /** A BCP 47 tag; stored in its canonical form (`zh-cn` → `zh-CN`). @defaultValue `null` */
  locale?: string | null;
  /** @defaultValue `null` */
  timezone?: string | null;
}

const p = sql.placeholder;

function canonicalLocale(tag: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/** Subscribers' locale and time zone: one document per subscriber, replaced as a whole. */
export class SubscriberRepository {
  readonly #now: () => number;
  readonly #upsert;
  readonly #get;
  readonly #delete;

  constructor(db: StoreDatabase, now: () => number) {
    this.#now = now;
    this.#upsert = db
      .insert(subscribers)
      .values({
        tenantId: p('tenantId'),
        id: p('id'),
        locale: p('locale'),
        timezone: p('timezone'),
        updatedAt: p('updatedAt'),
      })
      .onConflictDoUpdate({
        target: [subscribers.tenantId, subscribers.id],
        set: {
          locale: sql.raw('excluded.locale'),
          timezone: sql.raw('excluded.timezone'),
          updatedAt: sql.raw('excluded.updated_at'),
        },
      })
      .returning()
      .prepare();
    // Read for each recipient of every notification: a direct statement with positional
    // parameters (drizzle's placeholder filling costs more than the lookup).
    this.#get = db.$client.prepare<[tenantId: string, id: string], Subscriber>(
      `SELECT tenant_id AS tenantId, id, locale, timezone, updated_at AS updatedAt
       FROM subscribers WHERE tenant_id = ? AND id = ?`,
    );
    this.#delete = db
      .delete(subscribers)
      .where(and(eq(subscribers.tenantId, p('tenantId')), eq(subscribers.id, p('id'))))
      .prepare();
  }

  /**
   * The subscriber, or `undefined` when the backend never described them.
   *
   * @example
   * store.subscribers.get('acme', 'rep-7')?.locale; // 'zh-CN'
   */
  get(tenantId: string, id: string): Subscriber | undefined {
    return this.#get.get(tenantId, id);
  }

  /**
   * Replaces what is known of the subscriber. Throws `INVALID_ARGUMENT` for a locale that is not
   * a BCP 47 tag or a time zone `Intl` does not know.
   *
   * @example
   * store.subscribers.set({ tenantId: 'acme', id: 'rep-7', locale: 'zh-CN', timezone: 'Asia/Shanghai' });
   */
  set(input: SubscriberInput): Subscriber {
    let locale: string | null = null;
    if (input.locale !== undefined && input.locale !== null) {
      const canonical = typeof input.locale === 'string' ? canonicalLocale(input.locale) : undefined;
      assertArgument(canonical !== undefined, `invalid locale '${String(input.locale)}'`);
      locale = canonical;
    }
    const timezone = input.timezone ?? null;
    if (timezone !== null) {
      assertArgument(
        typeof timezone === 'string' && isTimeZone(timezone),
        `unknown time zone '${String(timezone)}'`,
      );
    }
    return this.#upsert.get({
      tenantId: input.tenantId,
      id: input.id,
      locale,
      timezone,
      updatedAt: this.#now(),
    });
  }

  /**
   * Forgets the subscriber. True when there was one.
   *
   * @example
   * store.subscribers.remove('acme', 'rep-7');
   */
  remove(tenantId: string, id: string): boolean {
    return this.#delete.run({ tenantId, id }).changes > 0;
  }
}
