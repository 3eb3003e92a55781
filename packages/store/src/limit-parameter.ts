import { sql, type SQL } from 'drizzle-orm';

/**
 * `LIMIT` from the `limit` placeholder, as an expression: SQLite's planner reads a bare LIMIT
 * parameter's value, so a statement with `LIMIT ?` is re-prepared at every execution (several
 * times the cost of a small query). Use it in `sql` templates: `… LIMIT ${limitParameter}`.
 */
export const limitParameter: SQL = sql`CAST(${sql.placeholder('limit')} AS INTEGER)`;
