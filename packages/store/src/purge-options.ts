import { assertArgument } from './assert-argument.js';

/** How much one purge call may delete. */
export interface PurgeOptions {
  /**
   * The most rows this call deletes, the oldest first: a backlog purged in bounded transactions
   * holds the write lock (and the event loop) for a bounded time each. @defaultValue every one
   */
  limit?: number;
}

/** The row limit of a purge call, checked. */
export function purgeLimit(options: PurgeOptions): number {
  const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
  assertArgument(Number.isSafeInteger(limit) && limit > 0, `limit must be a positive integer, got ${limit}`);
  return limit;
}

/**
 * A statement deleting the first rows of `table` matching `condition` (one parameter), oldest by
 * `orderBy` first, at most as many as its second parameter. SQLite's `DELETE … LIMIT` is a
 * compile-time option, so the rows are picked by rowid in a subquery; the CAST keeps the planner
 * from preparing the statement again for each limit.
 */
export function boundedDeleteSql(table: string, condition: string, orderBy: string): string {
  return `DELETE FROM ${table} WHERE rowid IN (
    SELECT rowid FROM ${table} WHERE ${condition} ORDER BY ${orderBy} LIMIT CAST(? AS INTEGER))`;
}
