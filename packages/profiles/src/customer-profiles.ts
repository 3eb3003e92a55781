import { CacheError, type Cache } from '@herald/cache';
import { CustomerLatencyModel } from '@herald/core/latency';
import type { Customer, CustomerRepository } from '@herald/store';
import { StoreError } from '@herald/store';
import type { CustomerProfile, ProfileUpdate } from './customer-profile.js';
import { ProfileError } from './profile-error.js';
import { decodeProfile, encodeProfile, versionField } from './profile-hash.js';
import { profileKey } from './profile-key.js';
import { profileLatency, type ProfileLatency } from './profile-latency.js';
import { runBounded } from './run-bounded.js';
import { assertKeyPart, validateProfileUpdate, type ValidProfileUpdate } from './validate-profile-update.js';

/** What the profiles need of the store: its `customers` repository (`store.customers`). */
export type ProfileStore = Pick<CustomerRepository, 'get' | 'upsert'>;

/** Dependencies and settings of {@link CustomerProfiles}. */
export interface CustomerProfilesOptions {
  /** The source of truth: `store.customers` of an `@herald/store` store. The profiles never close it. */
  customers: ProfileStore;
  /** Where profiles are cached, as `customer:{tenantId}:{id}` hashes. The profiles never close it. */
  cache: Cache;
  /**
   * How long a cached profile lives, renewed by every write of a newer version and by every
   * populate after a miss: it bounds how long a stale entry can survive a failed cache write.
   *
   * @defaultValue 3_600_000 (one hour)
   */
  ttlMs?: number;
  /**
   * Where T_update and T_response are recorded, e.g. a model shared by the whole app.
   *
   * @defaultValue a new model of the profiles' own
   */
  latency?: CustomerLatencyModel;
  /**
   * The clock (epoch ms, an integer) that stamps `updatedAt` when an update has none.
   *
   * @defaultValue `Date.now`
   */
  now?: () => number;
  /**
   * Receives the cache failures that never fail a call (`CACHE_FAILED`, the `CacheError` as
   * `cause`): a write the store accepted whose cache write failed, a cache read that fell
   * back to the store, a cache entry that could not be decoded. An error it throws is ignored.
   *
   * @defaultValue logs them with `console.error`
   */
  onError?: (error: ProfileError) => void;
}

/** What {@link CustomerProfiles.update} did. */
export type ProfileUpdateResult =
  /** The update was the newest version: it is in the store, and in the cache unless `onError` said otherwise. */
  | { applied: true; profile: CustomerProfile }
  /**
   * The store already held this version or a newer one; `profile` is that current version
   * (`undefined` only if another process deleted the customer in between).
   */
  | { applied: false; profile: CustomerProfile | undefined };

/** Options of {@link CustomerProfiles.updateMany}. */
export interface UpdateManyOptions {
  /**
   * Most updates in progress at once (each is a store write, then a cache round trip).
   *
   * @defaultValue 16
   */
  concurrency?: number;
}

const defaultTtlMs = 3_600_000;

function logProfileError(error: ProfileError): void {
  console.error(error);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function toProfile(customer: Customer): CustomerProfile {
  return {
    tenantId: customer.tenantId,
    id: customer.id,
    name: customer.name,
    email: customer.email,
    phone: customer.phone,
    locale: customer.locale,
    timezone: customer.timezone,
    ownerId: customer.ownerId,
    attributes: customer.attributes,
    version: customer.version,
    updatedAt: customer.updatedAt,
  };
}

/**
 * Real-time customer profiles (seed 2): updates write through to the store, then to the
 * cache; reads come from the cache and fall back to the store. Both writes are version-guarded
 * (the store's `upsert`, the cache's `hsetIfNewer`), so concurrent updates, on any number of
 * instances and in any order, leave the newest version in both. The store is the source of
 * truth: a cache failure never fails a call, it goes to `onError`.
 *
 * Every `update` is timed into T_update and every `get` into T_response (µs), the seed's two
 * means, kept in a {@link CustomerLatencyModel} that also gives their percentiles.
 *
 * @example
 * await using store = openStore({ path: './data/herald.db' });
 * await using cache = await createCache('redis://127.0.0.1:6379', { prefix: 'herald:' });
 * await using profiles = new CustomerProfiles({ customers: store.customers, cache });
 *
 * await profiles.update({ tenantId: 'acme', id: 'c-42', name: 'Ada', email: 'ada@example.com', version: 7 });
 * const ada = await profiles.get('acme', 'c-42'); // from the cache
 * profiles.latency().tResponse.p99; // µs
 */
export class CustomerProfiles implements AsyncDisposable {
  /** The model T_update and T_response are recorded into. */
  readonly latencyModel: CustomerLatencyModel;
  readonly #customers: ProfileStore;
  readonly #cache: Cache;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #onError: (error: ProfileError) => void;
  readonly #running = new Set<Promise<unknown>>();
  #closing: Promise<void> | undefined;

  constructor(options: CustomerProfilesOptions) {
    const { customers, cache, ttlMs = defaultTtlMs } = options;
    if (typeof customers?.get !== 'function' || typeof customers.upsert !== 'function') {
      throw new ProfileError(
        'INVALID_ARGUMENT',
        'customers must be a store customer repository (store.customers)',
        {
          field: 'customers',
        },
      );
    }
    if (typeof cache?.hsetIfNewer !== 'function') {
      throw new ProfileError('INVALID_ARGUMENT', 'cache must be an @herald/cache Cache', { field: 'cache' });
    }
    if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
      throw new ProfileError(
        'INVALID_ARGUMENT',
        `ttlMs must be a positive finite number, got ${String(ttlMs)}`,
        {
          field: 'ttlMs',
        },
      );
    }
    this.#customers = customers;
    this.#cache = cache;
    this.#ttlMs = ttlMs;
    this.#now = options.now ?? Date.now;
    this.#onError = options.onError ?? logProfileError;
    this.latencyModel = options.latency ?? new CustomerLatencyModel();
  }

  /**
   * Writes a profile version through: to the store first (the source of truth; it keeps the
   * version only if newer than the stored one), then, only if the store took it, to the cache
   * hash, version-guarded there too. Resolves once both are done; a cache failure does not
   * reject (the store has the update): the cached entry is deleted, so reads fall back to the
   * store, and the failure goes to `onError`. Rejects with `INVALID_ARGUMENT` naming the field,
   * `NOT_FOUND` for an unknown tenant, `STORE_FAILED`, or `CLOSED`.
   *
   * @example
   * const { applied, profile } = await profiles.update({ tenantId: 'acme', id: 'c-42', name: 'Ada', version: 8 });
   * if (!applied) console.log(`stale: version ${profile?.version} is already stored`);
   */
  update(input: ProfileUpdate): Promise<ProfileUpdateResult> {
    return this.#track(() => this.#apply(validateProfileUpdate(input, this.#now)));
  }

  /**
   * Applies many updates as {@link CustomerProfiles.update} does, at most `concurrency` at a
   * time, and resolves to their results in input order. Every input is validated before any is
   * written (`INVALID_ARGUMENT` names it, e.g. `inputs[3].version`). Several versions of one
   * customer may run at once: the version guards still leave the newest. On a store failure it
   * starts no more updates and rejects once the running ones have settled.
   *
   * @example
   * const results = await profiles.updateMany(changesFromCrm, { concurrency: 32 });
   * const applied = results.filter((result) => result.applied).length;
   */
  updateMany(
    inputs: readonly ProfileUpdate[],
    options: UpdateManyOptions = {},
  ): Promise<ProfileUpdateResult[]> {
    return this.#track(async () => {
      const { concurrency = 16 } = options;
      if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
        throw new ProfileError(
          'INVALID_ARGUMENT',
          `concurrency must be a positive integer, got ${String(concurrency)}`,
          {
            field: 'concurrency',
          },
        );
      }
      const list: unknown = inputs;
      if (!Array.isArray(list)) {
        throw new ProfileError('INVALID_ARGUMENT', 'inputs must be an array of profile updates', {
          field: 'inputs',
        });
      }
      const updates = inputs.map((input, index) =>
        validateProfileUpdate(input, this.#now, `inputs[${index}].`),
      );
      return runBounded(updates, concurrency, (update) => this.#apply(update));
    });
  }

  /**
   * A profile, from the cache when it holds it, else from the store, which then populates the
   * cache (version-guarded, so a populate from an older read never lands over a newer write).
   * `undefined` for an unknown customer. A cache that fails or holds an undecodable entry is
   * reported to `onError` and the store answers. Rejects with `INVALID_ARGUMENT`,
   * `STORE_FAILED` (when the cache missed and the store failed) or `CLOSED`.
   *
   * @example
   * const profile = await profiles.get('acme', 'c-42');
   * if (profile?.timezone) scheduleInZone(profile.timezone);
   */
  get(tenantId: string, id: string): Promise<CustomerProfile | undefined> {
    return this.#track(async () => {
      const started = performance.now();
      assertKeyPart(tenantId, 'tenantId');
      assertKeyPart(id, 'id');
      const key = profileKey(tenantId, id);
      let populate = true;
      let cached: Record<string, string> | undefined;
      try {
        cached = await this.#cache.hgetall(key);
      } catch (error) {
        // A string where the profile hash belongs is repaired like an undecodable hash.
        const repaired =
          CacheError.isInstance(error) && error.code === 'WRONG_TYPE' && (await this.#deleteQuietly(key));
        populate = repaired;
        this.#report(
          `get ${key}: the cache read failed${repaired ? ' (the entry was deleted)' : ''}, answered from the store: ${messageOf(error)}`,
          error,
        );
      }
      if (cached !== undefined) {
        const profile = decodeProfile(tenantId, id, cached);
        if (profile !== undefined) {
          this.latencyModel.recordResponse((performance.now() - started) * 1000);
          return profile;
        }
        populate = await this.#deleteQuietly(key);
        this.#report(
          `get ${key}: the cached entry is not a profile (${populate ? 'deleted' : 'could not be deleted'}), answered from the store`,
        );
      }
      const customer = this.#store(`get ${key}`, () => this.#customers.get(tenantId, id));
      const profile = customer === undefined ? undefined : toProfile(customer);
      if (profile !== undefined && populate) {
        try {
          await this.#cache.hsetIfNewer(key, encodeProfile(profile, JSON.stringify(profile.attributes)), {
            versionField,
            version: profile.version,
            ttlMs: this.#ttlMs,
            replace: true,
          });
        } catch (error) {
          this.#report(`get ${key}: populating the cache failed: ${messageOf(error)}`, error);
        }
      }
      this.latencyModel.recordResponse((performance.now() - started) * 1000);
      return profile;
    });
  }

  /**
   * T_update and T_response so far, in µs: counts, means (the seed's T_update and
   * T_response) and percentiles, from {@link CustomerProfiles.latencyModel}.
   *
   * @example
   * const { tUpdate, tResponse } = profiles.latency();
   * console.log(`T_update ${tUpdate.mean} µs over ${tUpdate.count}, p99 ${tUpdate.p99} µs`);
   */
  latency(): ProfileLatency {
    return profileLatency(this.latencyModel);
  }

  /**
   * Stops taking calls and waits for those in progress, so their cache writes have landed
   * before the caller closes the cache and the store (which stay open: they are the caller's).
   * Safe to call twice; afterwards every method rejects with `CLOSED`.
   *
   * @example
   * await profiles.close();
   * await cache.close();
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
    })();
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #apply({ profile, attributesJson }: ValidProfileUpdate): Promise<ProfileUpdateResult> {
    const started = performance.now();
    const key = profileKey(profile.tenantId, profile.id);
    const applied = this.#store(`update ${key}`, () => this.#customers.upsert(profile));
    let result: ProfileUpdateResult;
    if (applied) {
      try {
        await this.#cache.hsetIfNewer(key, encodeProfile(profile, attributesJson), {
          versionField,
          version: profile.version,
          ttlMs: this.#ttlMs,
          replace: true,
        });
      } catch (error) {
        const deleted = await this.#deleteQuietly(key);
        this.#report(
          `update ${key}: version ${profile.version} is in the store but the cache write failed (${messageOf(error)}); ` +
            (deleted
              ? 'the cached entry was deleted, so reads fall back to the store'
              : 'deleting the cached entry failed too: it may serve an older version until its TTL'),
          error,
        );
      }
      result = { applied: true, profile };
    } else {
      const current = this.#store(`update ${key}`, () => this.#customers.get(profile.tenantId, profile.id));
      result = { applied: false, profile: current === undefined ? undefined : toProfile(current) };
    }
    this.latencyModel.recordUpdate((performance.now() - started) * 1000);
    return result;
  }

  async #deleteQuietly(key: string): Promise<boolean> {
    try {
      await this.#cache.delete(key);
      return true;
    } catch {
      return false;
    }
  }

  #store<T>(operation: string, call: () => T): T {
    try {
      return call();
    } catch (error) {
      if (StoreError.isInstance(error) && error.code === 'NOT_FOUND') {
        throw new ProfileError('NOT_FOUND', `${operation}: the tenant does not exist (${error.message})`, {
          cause: error,
          field: 'tenantId',
        });
      }
      if (StoreError.isInstance(error) && error.code === 'INVALID_ARGUMENT') {
        throw new ProfileError('INVALID_ARGUMENT', `${operation}: ${error.message}`, { cause: error });
      }
      throw new ProfileError('STORE_FAILED', `${operation}: the store failed: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }

  #report(message: string, cause?: unknown): void {
    try {
      this.#onError(new ProfileError('CACHE_FAILED', message, cause === undefined ? {} : { cause }));
    } catch {
      // A failing error handler must not turn a served request into a failed one.
    }
  }

  #track<T>(operation: () => Promise<T>): Promise<T> {
    if (this.#closing !== undefined) {
      return Promise.reject(new ProfileError('CLOSED', 'The customer profiles are closed'));
    }
    const running = (async () => operation())();
    this.#running.add(running);
    const forget = () => this.#running.delete(running);
    void running.then(forget, forget);
    return running;
  }
}
