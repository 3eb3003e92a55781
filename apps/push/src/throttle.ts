import type { Cache } from '@herald/cache';

/** How many notifications of one category one recipient gets per window. */
export interface ThrottleOptions {
  /** Notifications per window; 0 turns throttling off. @defaultValue 30 */
  limit?: number;
  /** @defaultValue 60_000 */
  windowMs?: number;
}

/**
 * Per-recipient, per-category rate limit over fixed windows, counted in the cache so every push
 * instance shares it. Fails open: a cache outage must not silence notifications.
 *
 * @example
 * const throttle = new Throttle(cache, { limit: 10, windowMs: 60_000 }, onError);
 * if (await throttle.allow('acme', 'rep-7', 'orders', Date.now())) deliverLive();
 */
export class Throttle {
  readonly #cache: Cache;
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #onError: (error: unknown) => void;

  constructor(cache: Cache, options: ThrottleOptions, onError: (error: unknown) => void) {
    this.#cache = cache;
    this.#limit = options.limit ?? 30;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#onError = onError;
    if (!Number.isSafeInteger(this.#limit) || this.#limit < 0) {
      throw new RangeError(`throttle limit must be an integer ≥ 0, got ${this.#limit}`);
    }
    if (!Number.isSafeInteger(this.#windowMs) || this.#windowMs <= 0) {
      throw new RangeError(`throttle windowMs must be an integer > 0, got ${this.#windowMs}`);
    }
  }

  /** Counts one notification and says whether it is within the limit. */
  async allow(tenant: string, recipient: string, category: string, at: number): Promise<boolean> {
    if (this.#limit === 0) return true;
    const window = Math.floor(at / this.#windowMs);
    try {
      const count = await this.#cache.increment(
        `push:throttle:${tenant}:${recipient}:${category}:${window}`,
        1,
        {
          ttlMs: this.#windowMs * 2,
        },
      );
      return count <= this.#limit;
    } catch (error) {
      this.#onError(error);
      return true;
    }
  }
}
