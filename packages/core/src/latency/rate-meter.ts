import { CoreError } from '../core-error.js';

/** How a {@link RateMeter} averages. */
export interface RateMeterOptions {
  /**
   * Time constant τ of the exponential average, in milliseconds: an event's weight falls
   * to 1/e after τ (half-life τ·ln 2). 60 000, 300 000 and 900 000 give the "1, 5 and
   * 15-minute rates" of Unix load averages and Dropwizard meters.
   * @defaultValue 60_000
   */
  window?: number;
  /**
   * The clock, in milliseconds; it should not go backwards.
   * @defaultValue `performance.now`
   */
  now?: () => number;
}

/**
 * An exponentially weighted moving average of events per second, in continuous time: each
 * event weighs e^(−age/τ), so marks need no ticking timer. The average is normalised by
 * the weight of the time observed so far, τ·(1 − e^(−elapsed/τ)), which removes the
 * start-up bias of a meter that assumes an idle past (its first minute is then a plain
 * average, noisy for the first few events).
 *
 * @example
 * const oneMinute = new RateMeter({ window: 60_000 });
 * socket.on('message', () => oneMinute.mark());
 * oneMinute.rate(); // messages per second, averaged over about a minute
 */
export class RateMeter {
  /** The time constant τ in milliseconds. */
  readonly window: number;
  readonly #now: () => number;
  readonly #start: number;
  #last: number;
  // Σ n·e^{−(last − t)/τ} over the marks so far, as of #last.
  #weighted = 0;
  #count = 0;

  constructor(options: RateMeterOptions = {}) {
    const { window = 60_000, now = () => performance.now() } = options;
    if (!(window > 0 && Number.isFinite(window))) {
      throw new CoreError('INVALID_ARGUMENT', `window must be a finite number of ms > 0, got ${window}`);
    }
    this.window = window;
    this.#now = now;
    this.#start = now();
    this.#last = this.#start;
  }

  /** How many events were marked since creation. */
  get count(): number {
    return this.#count;
  }

  /**
   * Counts `n` events happening now.
   *
   * @example
   * meter.mark(batch.length);
   */
  mark(n = 1): void {
    if (!(n >= 0 && Number.isFinite(n))) {
      throw new CoreError('INVALID_ARGUMENT', `n must be a finite number ≥ 0, got ${n}`);
    }
    const now = this.#now();
    this.#weighted = this.#decayed(now) + n;
    if (now > this.#last) this.#last = now;
    this.#count += n;
  }

  /**
   * The exponentially weighted rate in events per second; 0 before any time has passed.
   *
   * @example
   * if (meter.rate() > 1_000) shed();
   */
  rate(): number {
    const now = this.#now();
    const elapsed = now - this.#start;
    if (!(elapsed > 0)) return 0;
    const observed = -this.window * Math.expm1(-elapsed / this.window);
    return (this.#decayed(now) / observed) * 1000;
  }

  /**
   * The plain average since creation, in events per second.
   *
   * @example
   * meter.meanRate();
   */
  meanRate(): number {
    const elapsed = this.#now() - this.#start;
    return elapsed > 0 ? (this.#count / elapsed) * 1000 : 0;
  }

  #decayed(now: number): number {
    const age = now - this.#last;
    return age > 0 ? this.#weighted * Math.exp(-age / this.window) : this.#weighted;
  }
}
