import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, asc, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { assertArgument } from './assert-argument.js';
import { apiKeys, tenants } from './schema.js';
import type { StoreDatabase } from './store-database.js';

/** A tenant: one CRM platform account. */
export type Tenant = typeof tenants.$inferSelect;

/** An API key as stored: never the key itself, only its hash (kept out of this type) and a prefix. */
export interface ApiKey {
  id: string;
  tenantId: string;
  name: string;
  /** The first characters of the key, safe to show so people can tell keys apart. */
  prefix: string;
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

/** What `createApiKey` returns: the plaintext `key`, which nothing can show again. */
export interface CreatedApiKey {
  key: string;
  apiKey: ApiKey;
}

const keyPrefix = 'hrld_';
const shownLength = keyPrefix.length + 8;

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

const p = sql.placeholder;

/** How many verified keys are remembered; past this the memory is cleared (keys are few per tenant). */
const maxRememberedKeys = 10_000;

/**
 * Tenants and their API keys. Keys are 256 random bits, so one unsalted SHA-256 is enough:
 * verification looks the hash up by index, and the key's bytes never meet a comparison.
 */
export class TenantRepository {
  readonly #now: () => number;
  readonly #insertTenant;
  readonly #getTenant;
  readonly #listTenants;
  readonly #deleteTenant;
  readonly #insertKey;
  readonly #keyByHash;
  readonly #revokeKey;
  readonly #touchKey;
  readonly #listKeys;
  readonly #rememberMs: number;
  /** Verified keys by plaintext, so a busy API does not hash and look up the same key per request. */
  readonly #verified = new Map<string, { apiKey: ApiKey; until: number }>();
  /** When {@link TenantRepository.noteKeyUse} last wrote each key's use. */
  readonly #useWritten = new Map<string, number>();

  constructor(db: StoreDatabase, now: () => number, rememberVerifiedKeysMs = 5_000) {
    this.#now = now;
    this.#rememberMs = rememberVerifiedKeysMs;
    const keyColumns = {
      id: apiKeys.id,
      tenantId: apiKeys.tenantId,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      createdAt: apiKeys.createdAt,
      revokedAt: apiKeys.revokedAt,
      lastUsedAt: apiKeys.lastUsedAt,
    };
    this.#insertTenant = db
      .insert(tenants)
      .values({ id: p('id'), name: p('name'), createdAt: p('createdAt') })
      .onConflictDoNothing()
      .returning()
      .prepare();
    this.#getTenant = db
      .select()
      .from(tenants)
      .where(eq(tenants.id, p('id')))
      .prepare();
    this.#listTenants = db.select().from(tenants).orderBy(asc(tenants.id)).prepare();
    this.#deleteTenant = db
      .delete(tenants)
      .where(eq(tenants.id, p('id')))
      .prepare();
    this.#insertKey = db
      .insert(apiKeys)
      .values({
        id: p('id'),
        tenantId: p('tenantId'),
        name: p('name'),
        prefix: p('prefix'),
        hash: p('hash'),
        createdAt: p('createdAt'),
      })
      .returning(keyColumns)
      .prepare();
    this.#keyByHash = db
      .select(keyColumns)
      .from(apiKeys)
      .where(and(eq(apiKeys.hash, p('hash')), isNull(apiKeys.revokedAt)))
      .prepare();
    this.#revokeKey = db
      .update(apiKeys)
      .set({ revokedAt: sql`${p('at')}` })
      .where(and(eq(apiKeys.tenantId, p('tenantId')), eq(apiKeys.id, p('id')), isNull(apiKeys.revokedAt)))
      .prepare();
    this.#touchKey = db
      .update(apiKeys)
      .set({ lastUsedAt: sql`${p('at')}` })
      .where(and(eq(apiKeys.id, p('id')), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, p('at')))))
      .prepare();
    this.#listKeys = db
      .select(keyColumns)
      .from(apiKeys)
      .where(eq(apiKeys.tenantId, p('tenantId')))
      .orderBy(desc(apiKeys.createdAt), apiKeys.id)
      .prepare();
  }

  /**
   * Creates a tenant; `undefined` when the id is taken.
   *
   * @example
   * const tenant = store.tenants.create({ id: 'acme', name: 'Acme Corp' });
   */
  create(input: { id: string; name: string }): Tenant | undefined {
    assertArgument(input.id.length > 0, 'tenant id must not be empty');
    return this.#insertTenant.get({ id: input.id, name: input.name, createdAt: this.#now() });
  }

  /**
   * The tenant with this id, or `undefined`.
   *
   * @example
   * const tenant = store.tenants.get('acme');
   */
  get(id: string): Tenant | undefined {
    return this.#getTenant.get({ id });
  }

  /**
   * Every tenant, by id.
   *
   * @example
   * for (const tenant of store.tenants.list()) console.log(tenant.id, tenant.name);
   */
  list(): Tenant[] {
    return this.#listTenants.all();
  }

  /**
   * Deletes a tenant and, by cascade, everything it owns. True when it existed.
   *
   * @example
   * store.tenants.remove('acme');
   */
  remove(id: string): boolean {
    this.#verified.clear();
    return this.#deleteTenant.run({ id }).changes > 0;
  }

  /**
   * Creates an API key for a tenant. The returned `key` is the only copy of the plaintext.
   *
   * @example
   * const { key, apiKey } = store.tenants.createApiKey('acme', { name: 'production' });
   * console.log(`give this to the CRM once: ${key} (shown later as ${apiKey.prefix}…)`);
   */
  createApiKey(tenantId: string, options: { name?: string } = {}): CreatedApiKey {
    const key = keyPrefix + randomBytes(32).toString('base64url');
    const apiKey = this.#insertKey.get({
      id: randomUUID(),
      tenantId,
      name: options.name ?? '',
      prefix: key.slice(0, shownLength),
      hash: hashKey(key),
      createdAt: this.#now(),
    });
    return { key, apiKey };
  }

  /**
   * The live (not revoked) key matching this plaintext, or `undefined`: its `tenantId` is the
   * only tenant the caller may reach. A verified key is remembered for a few seconds (the store's
   * `rememberVerifiedKeysMs`, 5 s by default): a revocation or tenant removal through this store
   * takes effect at once, one made through another process within that time.
   *
   * @example
   * const apiKey = store.tenants.verifyApiKey(request.header('x-api-key') ?? '');
   * if (!apiKey) return c.json({ error: { code: 'UNAUTHORIZED', message: 'bad API key' } }, 401);
   */
  verifyApiKey(key: string): ApiKey | undefined {
    if (!key.startsWith(keyPrefix)) return undefined;
    const now = this.#now();
    const remembered = this.#verified.get(key);
    if (remembered !== undefined && remembered.until > now) return remembered.apiKey;
    const apiKey = this.#keyByHash.get({ hash: hashKey(key) });
    if (apiKey === undefined || this.#rememberMs <= 0) {
      this.#verified.delete(key);
      return apiKey;
    }
    if (this.#verified.size >= maxRememberedKeys) this.#verified.clear();
    this.#verified.set(key, { apiKey, until: now + this.#rememberMs });
    return apiKey;
  }

  /**
   * Revokes one of a tenant's keys. True when a live key was revoked.
   *
   * @example
   * store.tenants.revokeApiKey('acme', apiKey.id);
   */
  revokeApiKey(tenantId: string, keyId: string): boolean {
    this.#verified.clear();
    return this.#revokeKey.run({ tenantId, id: keyId, at: this.#now() }).changes > 0;
  }

  /**
   * Records that a key was used at `at` (now by default); never moves `lastUsedAt` back.
   *
   * @example
   * store.tenants.touchApiKey(apiKey.id);
   */
  touchApiKey(keyId: string, at: number = this.#now()): void {
    this.#touchKey.run({ id: keyId, at });
  }

  /**
   * Records that a key was used now, for an API on every request: the write happens at most
   * once per `everyMs` per key (a write per request would be one per event), the rest are
   * counted as the same use.
   *
   * @example
   * store.tenants.noteKeyUse(apiKey.id); // lastUsedAt, to the minute
   */
  noteKeyUse(keyId: string, everyMs = 60_000): void {
    const at = this.#now();
    if (at - (this.#useWritten.get(keyId) ?? -Infinity) < everyMs) return;
    this.#useWritten.set(keyId, at);
    this.touchApiKey(keyId, at);
  }

  /**
   * A tenant's keys, revoked ones included, newest first.
   *
   * @example
   * for (const key of store.tenants.listApiKeys('acme')) console.log(key.prefix, key.revokedAt);
   */
  listApiKeys(tenantId: string): ApiKey[] {
    return this.#listKeys.all({ tenantId });
  }
}
