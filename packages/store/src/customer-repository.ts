import { and, eq, sql } from 'drizzle-orm';
import { assertArgument } from './assert-argument.js';
import { customers } from './schema.js';
import type { StoreDatabase } from './store-database.js';

/** A CRM customer profile as stored. */
export type Customer = typeof customers.$inferSelect;

/** A full customer profile at one version; fields left out are stored as `null` (an upsert replaces, it does not merge). */
export interface CustomerInput {
  tenantId: string;
  id: string;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  /** BCP 47 tag, e.g. `fr-FR`. */
  locale?: string | null;
  /** IANA time zone, e.g. `Europe/Paris`. */
  timezone?: string | null;
  /** The owner or sales rep, a recipient id of the same tenant. */
  ownerId?: string | null;
  /** @defaultValue `{}` */
  attributes?: Record<string, unknown>;
  /** The profile's version in the CRM (or its update time): a write lands only over a smaller one. */
  version: number;
  /** @defaultValue the store clock's now */
  updatedAt?: number;
}

const p = sql.placeholder;

/** Customer profiles, with last-version-wins writes. */
export class CustomerRepository {
  readonly #now: () => number;
  readonly #upsert;
  readonly #get;
  readonly #delete;

  constructor(db: StoreDatabase, now: () => number) {
    this.#now = now;
    const excluded = (column: string) => sql.raw(`excluded.${column}`);
    this.#upsert = db
      .insert(customers)
      .values({
        tenantId: p('tenantId'),
        id: p('id'),
        name: p('name'),
        email: p('email'),
        phone: p('phone'),
        locale: p('locale'),
        timezone: p('timezone'),
        ownerId: p('ownerId'),
        attributes: p('attributes'),
        version: p('version'),
        updatedAt: p('updatedAt'),
      })
      .onConflictDoUpdate({
        target: [customers.tenantId, customers.id],
        set: {
          name: excluded('name'),
          email: excluded('email'),
          phone: excluded('phone'),
          locale: excluded('locale'),
          timezone: excluded('timezone'),
          ownerId: excluded('owner_id'),
          attributes: excluded('attributes'),
          version: excluded('version'),
          updatedAt: excluded('updated_at'),
        },
        setWhere: sql`${excluded('version')} > ${customers.version}`,
      })
      .prepare();
    const byKey = and(eq(customers.tenantId, p('tenantId')), eq(customers.id, p('id')));
    this.#get = db.select().from(customers).where(byKey).prepare();
    this.#delete = db.delete(customers).where(byKey).prepare();
  }

  /**
   * Writes the profile if it is new or its `version` is greater than the stored one, in one
   * statement (`ON CONFLICT … DO UPDATE … WHERE excluded.version > version`), so concurrent
   * writers keep the newest. True when it was written, false when a same-or-newer version is stored.
   *
   * @example
   * if (store.customers.upsert({ tenantId: 'acme', id: 'c-42', name: 'Ada', version: 7 })) await cache.hset(...);
   */
  upsert(input: CustomerInput): boolean {
    assertArgument(Number.isSafeInteger(input.version), 'customer version must be a safe integer');
    assertArgument(input.id.length > 0, 'customer id must not be empty');
    return (
      this.#upsert.run({
        tenantId: input.tenantId,
        id: input.id,
        name: input.name ?? null,
        email: input.email ?? null,
        phone: input.phone ?? null,
        locale: input.locale ?? null,
        timezone: input.timezone ?? null,
        ownerId: input.ownerId ?? null,
        attributes: input.attributes ?? {},
        version: input.version,
        updatedAt: input.updatedAt ?? this.#now(),
      }).changes > 0
    );
  }

  /**
   * The stored profile, or `undefined`.
   *
   * @example
   * const customer = store.customers.get('acme', 'c-42');
   */
  get(tenantId: string, id: string): Customer | undefined {
    return this.#get.get({ tenantId, id });
  }

  /**
   * Deletes a profile. True when it existed.
   *
   * @example
   * store.customers.remove('acme', 'c-42');
   */
  remove(tenantId: string, id: string): boolean {
    return this.#delete.run({ tenantId, id }).changes > 0;
  }
}
