import { TimeWindowedBloomFilter } from '@herald/core';
import type { Store } from '@herald/store';

/** Settings of a {@link Deduplicator}. */
export interface DeduplicatorOptions {
  /** How long an accepted event id counts as seen, in ms. @defaultValue 86_400_000 (24 h) */
  windowMs?: number;
  /**
   * Distinct events expected per window, for sizing the Bloom filter; `warm` raises it to twice
   * the ids the store holds when they are more. @defaultValue 1_000_000
   */
  expectedItems?: number;
  /** False-positive rate of the Bloom filter. @defaultValue 0.001 */
  falsePositiveRate?: number;
  /**
   * `'on-bloom-hit'` trusts a "definitely new" answer of the filter (warmed from the store at
   * start). `'always'` is for several ingest instances sharing one store: before checking claims
   * it also adds to the filter what the others recorded since it last looked (read by `seq`,
   * at least once per batch), so their events are caught as this instance's own are.
   * @defaultValue 'on-bloom-hit'
   */
  exactCheck?: 'on-bloom-hit' | 'always';
  /** @defaultValue `Date.now` */
  now?: () => number;
  /** Told when recording claims as processed failed (their events are in the log already). */
  onCommitError?: (error: unknown) => void;
  /** Told each time a key is looked up in the store (a metric). */
  onExactCheck?: () => void;
  /**
   * Told when the filter holds far more keys than `expectedItems` (its estimated false-positive
   * rate over ten times `falsePositiveRate`), so that most new keys cost a store lookup: checked
   * at most once a minute, on a lookup, and told at most once every ten minutes.
   */
  onOverfull?: (fill: FilterFill) => void;
}

/** What `onOverfull` is told: the filter's estimate against what it was sized for. */
export interface FilterFill {
  estimatedFalsePositiveRate: number;
  falsePositiveRate: number;
  expectedItems: number;
}

/** How often a lookup may check the filter's fill (the estimate reads all its bits), in ms. */
const fillCheckEveryMs = 60_000;
/** How often an overfull filter is told again while it stays so, in ms. */
const overfullToldEveryMs = 600_000;
/** Records read from the store at a time when catching up with other instances. */
const catchUpPage = 1000;

/** What {@link Deduplicator.claim} answers. */
export type ClaimResult =
  | { duplicate: true }
  | { duplicate: false; tenantId: string; keys: readonly string[]; commit: () => void; release: () => void };

const sep = '\u0000';
const nothing = (): void => undefined;

/** Keys held in flight by one claim; `released` exists once someone waits for them. */
interface Hold {
  released?: Promise<void>;
  wake?: () => void;
}

/**
 * Idempotency for incoming events: a time-windowed Bloom filter as the fast path, the store's
 * `processed_events` table as the exact answer behind a "probably seen", and an in-flight set
 * so two concurrent requests with one id append once. With `exactCheck: 'always'` the filter
 * also takes in what other instances sharing the store record.
 *
 * @example
 * const claim = await dedup.claim('acme', ['evt-1']);
 * if (claim.duplicate) return duplicate();
 * try { await publish(); claim.commit(); } finally { claim.release(); }
 */
export class Deduplicator {
  readonly #store: Store;
  #bloom: TimeWindowedBloomFilter;
  readonly #windowMs: number;
  readonly #exactCheck: 'on-bloom-hit' | 'always';
  readonly #now: () => number;
  readonly #inFlight = new Map<string, Hold>();
  readonly #onCommitError: (error: unknown) => void;
  readonly #onExactCheck: () => void;
  readonly #onOverfull: (fill: FilterFill) => void;
  readonly #falsePositiveRate: number;
  #expectedItems: number;
  #nextFillCheck = -Infinity;
  #nextOverfullTold = -Infinity;
  /** The newest store record (`seq`) the filter holds, with `exactCheck: 'always'`. */
  #seenSeq = 0;
  /** Set until the current run of synchronous claims ends: one catch-up serves a whole batch. */
  #caughtUp = false;
  /** Committed claims waiting for the next group write; their keys count as processed meanwhile. */
  #toRecord: Pick<Extract<ClaimResult, { duplicate: false }>, 'tenantId' | 'keys'>[] = [];
  readonly #recording = new Set<string>();

  constructor(store: Store, options: DeduplicatorOptions = {}) {
    this.#store = store;
    this.#windowMs = options.windowMs ?? 86_400_000;
    this.#exactCheck = options.exactCheck ?? 'on-bloom-hit';
    this.#now = options.now ?? Date.now;
    this.#onCommitError = options.onCommitError ?? (() => undefined);
    this.#onExactCheck = options.onExactCheck ?? (() => undefined);
    this.#onOverfull = options.onOverfull ?? (() => undefined);
    this.#falsePositiveRate = options.falsePositiveRate ?? 0.001;
    this.#expectedItems = options.expectedItems ?? 1_000_000;
    this.#bloom = this.#newFilter();
  }

  /** The distinct ids per window the filter is sized for (see `expectedItems`). */
  get expectedItems(): number {
    return this.#expectedItems;
  }

  /** The filter's memory, in bytes. */
  get filterBytes(): number {
    return this.#bloom.byteLength;
  }

  /**
   * Loads the ids the store still remembers into the filter, so that after a restart a
   * "definitely new" answer stays true, and notes the newest record's `seq`, from which
   * `exactCheck: 'always'` reads what others record. Returns how many were loaded. When the
   * store holds more ids than the filter was sized for, the filter is sized for twice as many
   * first: overfull, it would send most new ids to the store, where a new id's lookup probes
   * every bucket.
   *
   * @example
   * dedup.warm(); // 1234
   */
  warm(): number {
    // Noted before the scan: a record committed meanwhile is read again later, never skipped.
    this.#seenSeq = this.#store.processedEvents.newestSeq();
    const now = this.#now();
    const recorded = this.#store.processedEvents.countUnexpired(now);
    if (recorded > this.#expectedItems) {
      this.#expectedItems = 2 * recorded;
      this.#bloom = this.#newFilter();
    }
    const bloom = this.#bloom;
    const windowMs = this.#windowMs;
    // Each id into the generation of the time it was recorded (its expiry less the window), as
    // it was before the restart: all in the newest, a day's ids would overfill a generation
    // sized for a third of them.
    return this.#store.processedEvents.forEachUnexpired(now, (tenantId, eventId, expiresAt) => {
      bloom.addSeenAt(tenantId + sep + eventId, expiresAt - windowMs);
    });
  }

  /**
   * Checks the keys of one event (its id, and its `Idempotency-Key` if any). A duplicate when
   * any was processed (no keys — an id Herald generated — is never one, and records nothing);
   * otherwise the keys are held in flight until `release`, and `commit` records them as
   * processed (call it only once the event is durable in the log). Commits of one event-loop
   * turn are written together, in one transaction: from `commit` on, the keys count as
   * processed here; a failed write goes to `onCommitError`.
   *
   * @example
   * const claim = await dedup.claim('acme', ['evt-1']);
   */
  async claim(tenantId: string, keys: readonly string[]): Promise<ClaimResult> {
    for (;;) {
      const claim = this.tryClaim(tenantId, keys);
      if (claim !== undefined) return claim;
      const held = keys.map((key) => this.#inFlight.get(tenantId + sep + key)).find((h) => h !== undefined);
      if (held !== undefined) await (held.released ??= new Promise<void>((resolve) => (held.wake = resolve)));
    }
  }

  /**
   * `claim` without waiting: `undefined` while another request holds one of the keys in flight
   * (then `await claim(…)`). A batch checks its events this way, without a promise per event.
   *
   * @example
   * const claim = dedup.tryClaim('acme', ['evt-1']) ?? (await dedup.claim('acme', ['evt-1']));
   */
  tryClaim(tenantId: string, keys: readonly string[]): ClaimResult | undefined {
    if (keys.length === 0) return { duplicate: false, tenantId, keys, commit: nothing, release: nothing };
    const full = keys.map((key) => tenantId + sep + key);
    if (full.some((key) => this.#inFlight.has(key))) return undefined;
    if (full.some((key) => this.#recording.has(key))) return { duplicate: true };
    if (this.#exactCheck === 'always' && !this.#caughtUp) {
      this.#catchUp();
      this.#caughtUp = true;
      queueMicrotask(() => (this.#caughtUp = false));
    }
    for (const [index, key] of full.entries()) {
      if (!this.#bloom.has(key)) continue;
      this.#onExactCheck();
      this.#checkFill();
      if (this.#store.processedEvents.isProcessed(tenantId, keys[index]!)) {
        this.#bloom.add(key);
        return { duplicate: true };
      }
    }
    // Waiters make the promise only when there is one to wait: most claims are never waited on.
    const hold: Hold = {};
    for (const key of full) this.#inFlight.set(key, hold);
    let released = false;
    return {
      duplicate: false,
      tenantId,
      keys,
      commit: () => this.#recordSoon(tenantId, keys, full),
      release: () => {
        if (released) return;
        released = true;
        for (const key of full) if (this.#inFlight.get(key) === hold) this.#inFlight.delete(key);
        hold.wake?.();
      },
    };
  }

  /**
   * The Bloom filter's estimated false-positive rate: near `falsePositiveRate` at the designed
   * load, far above it when more keys arrive per window than `expectedItems` (every "probably
   * seen" then costs a store lookup). Counts the filter's bits: for scrapes, not requests.
   *
   * @example
   * dedup.estimatedFalsePositiveRate(); // 0.0004
   */
  estimatedFalsePositiveRate(): number {
    return this.#bloom.estimatedFalsePositiveRate();
  }

  /** Writes the commits still waiting for their group write now (on close). */
  flush(): void {
    const claims = this.#toRecord;
    if (claims.length === 0) return;
    this.#toRecord = [];
    try {
      this.commitMany(claims);
    } catch (error) {
      this.#onCommitError(error);
    } finally {
      for (const claim of claims)
        for (const key of claim.keys) this.#recording.delete(claim.tenantId + sep + key);
    }
  }

  /**
   * Adds to the filter what was recorded in the store since the newest record it holds: with
   * other instances' records in it, a "definitely new" is as true as for this instance's own. A
   * record another instance commits after this read is missed, as a lookup would have missed it.
   */
  #catchUp(): void {
    for (;;) {
      const records = this.#store.processedEvents.recordedSince(this.#seenSeq, catchUpPage);
      for (const record of records) this.#bloom.add(record.tenantId + sep + record.eventId);
      if (records.length > 0) this.#seenSeq = records.at(-1)!.seq;
      if (records.length < catchUpPage) return;
    }
  }

  #newFilter(): TimeWindowedBloomFilter {
    return new TimeWindowedBloomFilter({
      window: this.#windowMs,
      expectedItems: this.#expectedItems,
      falsePositiveRate: this.#falsePositiveRate,
      now: this.#now,
    });
  }

  /** Tells `onOverfull` when "probably seen" has become the usual answer for new keys. */
  #checkFill(): void {
    const now = this.#now();
    if (now < this.#nextFillCheck) return;
    this.#nextFillCheck = now + fillCheckEveryMs;
    const rate = this.#bloom.estimatedFalsePositiveRate();
    if (rate <= 10 * this.#falsePositiveRate || now < this.#nextOverfullTold) return;
    this.#nextOverfullTold = now + overfullToldEveryMs;
    this.#onOverfull({
      estimatedFalsePositiveRate: rate,
      falsePositiveRate: this.#falsePositiveRate,
      expectedItems: this.#expectedItems,
    });
  }

  #recordSoon(tenantId: string, keys: readonly string[], full: readonly string[]): void {
    for (const key of full) this.#recording.add(key);
    // One transaction per turn: the requests whose appends one group commit made durable
    // resolve together, and their records go in together.
    if (this.#toRecord.push({ tenantId, keys }) === 1) setImmediate(() => this.flush());
  }

  /**
   * Records several claims as processed in one transaction (a batch's events): one commit per
   * event cost more than appending the whole batch.
   *
   * @example
   * dedup.commitMany(fresh.map((entry) => entry.claim));
   */
  commitMany(claims: readonly Pick<Extract<ClaimResult, { duplicate: false }>, 'tenantId' | 'keys'>[]): void {
    if (!claims.some((claim) => claim.keys.length > 0)) return;
    const expiresAt = this.#now() + this.#windowMs;
    const keys = claims.flatMap((claim) =>
      claim.keys.map((eventId) => ({ tenantId: claim.tenantId, eventId })),
    );
    if (this.#exactCheck === 'always') {
      // Under the write lock nobody else records: after reading the others' records up to now,
      // the newest `seq` is this write's, so its own records are not read back later.
      this.#store.transaction(() => {
        this.#catchUp();
        this.#store.processedEvents.markProcessedMany(keys, expiresAt);
        this.#seenSeq = this.#store.processedEvents.newestSeq();
      });
    } else {
      this.#store.processedEvents.markProcessedMany(keys, expiresAt);
    }
    for (const claim of claims) for (const key of claim.keys) this.#bloom.add(claim.tenantId + sep + key);
  }
}
