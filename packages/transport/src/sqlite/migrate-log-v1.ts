import type { Database } from 'better-sqlite3';
import { maxBatchBytes, packRecords, packedSize, type BatchedRecord } from './record-batch.js';

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
  const insert = db.prepare<[string, number, number, number, number, Buffer], never>(
    'INSERT INTO herald_log_batches (topic, partition, last_offset, base_offset, max_timestamp, records) VALUES (?, ?, ?, ?, ?, ?)',
  );
  let moved = 0;
  for (const { topic, partition } of partitions) {
    let run: BatchedRecord[] = [];
    let runBase = 0;
    let runBytes = 0;
    let runNewest = 0;
    const flush = () => {
      if (run.length === 0) return;
      insert.run(topic, partition, runBase + run.length - 1, runBase, runNewest, packRecords(run, runBytes));
      moved += run.length;
      run = [];
      runBytes = 0;
      runNewest = 0;
    };
    let from = 0;
    for (
      let rows = page.all(topic, partition, from);
      rows.length > 0;
      rows = page.all(topic, partition, from)
    ) {
      for (const [offset, key, value, headers, timestamp] of rows) {
        const record: BatchedRecord = { key, value, headers, timestamp };
        const size = packedSize(record);
        const contiguous = run.length > 0 && offset === runBase + run.length;
        if (!contiguous || runBytes + size > maxBatchBytes) {
          flush();
          runBase = offset;
        }
        run.push(record);
        runBytes += size;
        runNewest = Math.max(runNewest, timestamp);
        from = offset + 1;
      }
    }
    flush();
  }
  db.exec('DROP TABLE herald_log_records');
  return moved;
}
