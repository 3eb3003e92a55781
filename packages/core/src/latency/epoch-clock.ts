/** What an epoch clock reads: the wall clock and a monotonic one, both in ms. */
export interface EpochClockSources {
  /** Whole epoch milliseconds. @defaultValue `Date.now` */
  wall?: () => number;
  /** Milliseconds since some origin, with a fraction, never going back. @defaultValue `performance.now` */
  monotonic?: () => number;
  /** The epoch time of the monotonic clock's zero. @defaultValue `performance.timeOrigin` */
  origin?: number;
}

/**
 * A clock of epoch milliseconds with a sub-millisecond fraction, for stamps compared across
 * processes on one machine: `Date.now()` counts whole milliseconds, which quantised every stage
 * of an event that takes less. It reads the monotonic clock from an anchor on the wall clock, and
 * re-anchors when the two part by more than a millisecond or so (the wall clock was stepped), so
 * that two processes' stamps stay as comparable as their `Date.now()`s.
 *
 * @example
 * const clock = createEpochClock();
 * const receivedAt = clock(); // 1796573618123.437
 */
export function createEpochClock(sources: EpochClockSources = {}): () => number {
  const wall = sources.wall ?? Date.now;
  const monotonic = sources.monotonic ?? (() => performance.now());
  let anchor =
    sources.origin ?? (sources.monotonic === undefined ? performance.timeOrigin : wall() - monotonic());
  return () => {
    const since = monotonic();
    const now = wall();
    const value = anchor + since;
    // A true reading lies in [now, now + 1): `Date.now()` drops the fraction.
    if (value >= now - 1 && value < now + 2) return value;
    anchor = now + 0.5 - since;
    return now + 0.5;
  };
}

/** The process's {@link createEpochClock}. */
export const epochClock: () => number = createEpochClock();
