import type { Database } from 'better-sqlite3';
import { BatchRun, prepareInsertBatch } from './batch-run.js';

/** A version 1 record row, columns in order. */
type V1Row = [offset: number, key: string | null, value: Buffer, headers: string | null, timestamp: number];

// Rows read at a time: a large log is moved without holding it all in memory.
const pageRows = 10_000;

/**
 * Moves a version 1 log's records (a row each in `herald_log_records`) into batches and drops
 * the old table, in the caller's transaction. Offsets, keys, values, headers and timestamps
 * are kept; runs of consecutive offsets become one batch each, up to `maxBatchBytes`.
 * Returns how many records were moved.
 */
export function migrateLogV1(db: Database): number {
  const hasV1 = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'herald_log_records'")
    .get();
  if (hasV1 === undefined) return 0;
  const partitions = db
    .prepare<[], { topic: string; partition: number }>(
      'SELECT DISTINCT topic, partition FROM herald_log_records ORDER BY topic, partition',
    )
    .all();
  const page = db
    .prepare<[string, number, number], V1Row>(
      `SELECT offset, key, value, headers, timestamp FROM herald_log_records
       WHERE topic = ? AND partition = ? AND offset >= ? ORDER BY offset LIMIT ${pageRows}`,
    )
    .raw();
  const insert = prepareInsertBatch(db);
  let moved = 0;
  for (const { topic, partition } of partitions) {
    const run = new BatchRun(insert, topic, partition, 0);
    let from = 0;
    for (
      let rows = page.all(topic, partition, from);
      rows.length > 0;
      rows = page.all(topic, partition, from)
    ) {
      for (const [offset, key, value, headers, timestamp] of rows) {
        // Retention may have left gaps: a batch holds consecutive offsets only.
        if (offset !== run.next) run.continueAt(offset);
        run.add({ key, value, headers, timestamp });
        moved += 1;
        from = offset + 1;
      }
    }
    run.flush();
  }
  db.exec('DROP TABLE herald_log_records');
  return moved;
}
