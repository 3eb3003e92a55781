/**
 * The offsets a partition's consumer has handled, committed at most every `intervalMs`. A commit
 * is a write transaction of its own: at a steady trickle (one record per batch) it cost as much
 * as the record. Handled offsets wait and go in together; a crash in between hands those records
 * out again, which at-least-once allows. The first offset after a quiet spell commits at once, so
 * a trickle slower than one batch per interval commits as before.
 */
export class PacedCommits {
  readonly #intervalMs: number;
  readonly #write: (nextOffset: number) => boolean;
  #uncommitted: number | undefined;
  #committedAt = Number.NEGATIVE_INFINITY;

  /** @param write Commits the offset; false when this member no longer holds the partition. */
  constructor(intervalMs: number, write: (nextOffset: number) => boolean) {
    this.#intervalMs = intervalMs;
    this.#write = write;
  }

  /** Whether handled offsets wait for their commit. */
  get pending(): boolean {
    return this.#uncommitted !== undefined;
  }

  /** Takes a handled offset (if any) and commits what waits once the interval has passed. False when refused. */
  offer(nextOffset: number | undefined): boolean {
    if (nextOffset !== undefined) this.#uncommitted = nextOffset;
    return performance.now() - this.#committedAt < this.#intervalMs || this.flush();
  }

  /** Takes a handled offset (if any) and commits what waits now (leaving, losing the partition). False when refused. */
  flush(nextOffset?: number): boolean {
    if (nextOffset !== undefined) this.#uncommitted = nextOffset;
    if (this.#uncommitted === undefined) return true;
    const next = this.#uncommitted;
    this.#uncommitted = undefined;
    this.#committedAt = performance.now();
    return this.#write(next);
  }

  /** How long a consumer may wait, at most `longest` ms, and still wake in time to commit. */
  waitMs(longest: number): number {
    if (this.#uncommitted === undefined) return longest;
    return Math.max(0, Math.min(longest, this.#committedAt + this.#intervalMs - performance.now()));
  }
}
