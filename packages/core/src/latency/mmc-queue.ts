import { CoreError } from '../core-error.js';
import { erlangC } from './erlang-c.js';

/** An M/M/c queue: Poisson arrivals, exponential service, `servers` identical servers. */
export interface MmcQueueOptions {
  /** λ: arrivals per unit of time (≥ 0). */
  arrivalRate: number;
  /** μ: completions per unit of time of one busy server (> 0); 1/μ is the mean service time. */
  serviceRate: number;
  /** c: the number of servers, a positive integer. */
  servers: number;
}

function checkPercentile(q: number): void {
  if (!(q >= 0 && q <= 100)) {
    throw new CoreError('INVALID_ARGUMENT', `a percentile must be in [0, 100], got ${q}`);
  }
}

/**
 * The steady state of an M/M/c queue, FCFS. Times are in the unit the rates use
 * (rates per second give seconds).
 *
 * - utilisation ρ = λ/(cμ); offered load A = λ/μ erlangs
 * - probability of waiting C = Erlang C(c, A), computed through the Erlang B recursion
 * - mean wait Wq = C/(cμ − λ); mean response W = Wq + 1/μ
 * - Little's law: Lq = λWq waiting, L = λW in the system
 * - P(Wq > t) = C·e^{−(cμ−λ)t}; the response time is Wq + Exp(μ), whose survival is
 *   P(T > t) = (1 − C)e^{−μt} + C·P(Exp(cμ−λ) + Exp(μ) > t), inverted by bisection
 *
 * Throws `UNSTABLE_SYSTEM` when λ ≥ cμ and `INVALID_ARGUMENT` for bad rates or servers.
 *
 * @example
 * const q = new MmcQueue({ arrivalRate: 2, serviceRate: 1, servers: 3 });
 * q.probabilityOfWaiting; // 0.444…
 * q.meanResponse; // 1.444… seconds
 * q.responsePercentile(99); // the p99 response time
 */
export class MmcQueue {
  /** λ, as given. */
  readonly arrivalRate: number;
  /** μ per server, as given. */
  readonly serviceRate: number;
  /** c, as given. */
  readonly servers: number;
  /** A = λ/μ: the mean number of busy servers, in erlangs. */
  readonly offeredLoad: number;
  /** ρ = λ/(cμ): the fraction of time a server is busy. */
  readonly utilisation: number;
  /** C: the probability that an arrival waits (Erlang C). */
  readonly probabilityOfWaiting: number;
  /** Wq = C/(cμ − λ): the mean time spent waiting for a server. */
  readonly meanWait: number;
  /** W = Wq + 1/μ: the mean time from arrival to completion. */
  readonly meanResponse: number;
  /** Lq = λWq: the mean number waiting. */
  readonly meanQueueLength: number;
  /** L = λW: the mean number in the system. */
  readonly meanInSystem: number;
  // θ = cμ − λ: the rate at which the queue drains, and of the conditional wait.
  readonly #drainRate: number;

  constructor(options: MmcQueueOptions) {
    const { arrivalRate, serviceRate, servers } = options;
    if (!(arrivalRate >= 0 && Number.isFinite(arrivalRate))) {
      throw new CoreError('INVALID_ARGUMENT', `arrivalRate must be a finite number ≥ 0, got ${arrivalRate}`);
    }
    if (!(serviceRate > 0 && Number.isFinite(serviceRate))) {
      throw new CoreError('INVALID_ARGUMENT', `serviceRate must be a finite number > 0, got ${serviceRate}`);
    }
    if (!(Number.isSafeInteger(servers) && servers >= 1)) {
      throw new CoreError('INVALID_ARGUMENT', `servers must be a positive integer, got ${servers}`);
    }
    const capacity = servers * serviceRate;
    if (arrivalRate >= capacity) {
      throw new CoreError(
        'UNSTABLE_SYSTEM',
        `arrival rate λ = ${arrivalRate} ≥ c·μ = ${servers} × ${serviceRate} = ${capacity} ` +
          `(utilisation ${(arrivalRate / capacity).toFixed(3)}): the queue grows without bound`,
      );
    }
    this.arrivalRate = arrivalRate;
    this.serviceRate = serviceRate;
    this.servers = servers;
    this.offeredLoad = arrivalRate / serviceRate;
    this.utilisation = arrivalRate / capacity;
    this.probabilityOfWaiting = erlangC(servers, this.offeredLoad);
    this.#drainRate = capacity - arrivalRate;
    this.meanWait = this.probabilityOfWaiting / this.#drainRate;
    this.meanResponse = this.meanWait + 1 / serviceRate;
    this.meanQueueLength = arrivalRate * this.meanWait;
    this.meanInSystem = arrivalRate * this.meanResponse;
  }

  /**
   * P(Wq ≤ t) = 1 − C·e^{−(cμ−λ)t}: the probability of waiting at most `t` for a server.
   *
   * @example
   * queue.waitCdf(0); // 1 − C: the share served at once
   */
  waitCdf(t: number): number {
    if (!(t >= 0)) return 0;
    return 1 - this.probabilityOfWaiting * Math.exp(-this.#drainRate * t);
  }

  /**
   * P(T ≤ t): the probability that a request completes within `t` of arriving.
   *
   * @example
   * queue.responseCdf(0.5); // the share of requests answered within 0.5 s
   */
  responseCdf(t: number): number {
    if (!(t >= 0)) return 0;
    return 1 - this.#responseSurvival(t);
  }

  /**
   * The `q`-th percentile (0–100) of the time spent waiting for a server; 0 when at least
   * q % of arrivals find a free server.
   *
   * @example
   * queue.waitPercentile(95);
   */
  waitPercentile(q: number): number {
    checkPercentile(q);
    const tail = (100 - q) / 100;
    if (tail >= this.probabilityOfWaiting) return 0;
    if (tail === 0) return Infinity;
    return Math.log(this.probabilityOfWaiting / tail) / this.#drainRate;
  }

  /**
   * The `q`-th percentile (0–100) of the response time (wait + service), by bisection on
   * the closed-form distribution; `Infinity` for q = 100.
   *
   * @example
   * new MmcQueue({ arrivalRate: 0.5, serviceRate: 1, servers: 1 }).responsePercentile(50); // ln 2 / 0.5
   */
  responsePercentile(q: number): number {
    checkPercentile(q);
    // Working with the tail, not q/100, keeps p99.99 from drowning in 1 − 0.9999 rounding.
    const tail = (100 - q) / 100;
    if (tail >= 1) return 0;
    if (tail === 0) return Infinity;
    let low = 0;
    let high = 1 / Math.min(this.serviceRate, this.#drainRate);
    while (this.#responseSurvival(high) > tail) {
      low = high;
      high *= 2;
    }
    for (let i = 0; i < 200 && high - low > high * 1e-13; i++) {
      const middle = (low + high) / 2;
      if (this.#responseSurvival(middle) > tail) low = middle;
      else high = middle;
    }
    return (low + high) / 2;
  }

  // P(T > t) = (1 − C)·e^{−μt} + C·P(Exp(θ) + Exp(μ) > t), θ = cμ − λ. The sum of two
  // exponentials is written around the smaller rate a, with d = b − a ≥ 0:
  //   P = e^{−at}·(1 + a·(1 − e^{−dt})/d),  and (1 − e^{−dt})/d → t as d → 0,
  // which avoids dividing by θ − μ: the textbook form is 0/0 when cμ − λ = μ.
  #responseSurvival(t: number): number {
    const mu = this.serviceRate;
    const theta = this.#drainRate;
    const c = this.probabilityOfWaiting;
    const a = Math.min(mu, theta);
    const d = Math.max(mu, theta) - a;
    const spread = d === 0 ? t : -Math.expm1(-d * t) / d;
    const convolved = Math.exp(-a * t) * (1 + a * spread);
    return (1 - c) * Math.exp(-mu * t) + c * convolved;
  }
}
