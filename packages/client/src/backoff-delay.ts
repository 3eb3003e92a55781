/** How reconnecting waits between attempts. */
export interface BackoffOptions {
  /**
   * The delay cap of the first retry; it doubles with each failed attempt.
   *
   * @defaultValue 500
   */
  initialDelayMs?: number;
  /**
   * The largest delay cap.
   *
   * @defaultValue 30_000
   */
  maxDelayMs?: number;
  /**
   * How much of the cap is random: 1 is "full jitter" (anywhere from 0 to the cap), 0 is none
   * (exactly the cap). Spreads the reconnects of many clients after a server restart.
   *
   * @defaultValue 1
   */
  jitter?: number;
}

/**
 * The delay before reconnect attempt `attempt` (0 for the first retry): exponential backoff,
 * `min(maxDelayMs, initialDelayMs × 2^attempt)`, of which a `jitter` share is random.
 *
 * @example
 * backoffDelay(3, { initialDelayMs: 100, maxDelayMs: 10_000, jitter: 0 }) // 800
 * backoffDelay(3, { initialDelayMs: 100, maxDelayMs: 10_000 }) // anywhere in [0, 800)
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const initial = options.initialDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 1));
  // Past 2^31 the cap is max anyway; the clamp keeps 2 ** attempt finite.
  const cap = Math.min(max, initial * 2 ** Math.min(Math.max(0, attempt), 31));
  return Math.round(cap * (1 - jitter * random()));
}
