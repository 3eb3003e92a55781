import { describe, expect, test } from 'vitest';
import { buildRecordBatch } from '../../test/support/record-batch-builder.js';
import { PartitionLog } from './partition-log.js';
import { hasValidCrc, parseRecordBatches, type RecordBatch } from './record-batch.js';

function batchOf(count: number, options: Parameters<typeof buildRecordBatch>[1] = {}): RecordBatch {
  const records = Array.from({ length: count }, (_, index) => ({ value: `v${index}` }));
  const [batch] = parseRecordBatches(buildRecordBatch(records, options)) ?? [];
  if (!batch) throw new Error('unparseable test batch');
  return batch;
}

describe('PartitionLog', () => {
  test('assigns base offsets and rewrites only bytes outside the CRC', () => {
    const log = new PartitionLog('t', 0);
    expect(log.append(batchOf(3))).toEqual({ errorCode: 0, baseOffset: 0 });
    expect(log.append(batchOf(2))).toEqual({ errorCode: 0, baseOffset: 3 });
    expect(log.highWatermark).toBe(5);
    const [first, second] = parseRecordBatches(Buffer.concat(log.read(0, 1 << 20))) ?? [];
    expect(first).toMatchObject({ baseOffset: 0, partitionLeaderEpoch: 0, recordCount: 3 });
    expect(second).toMatchObject({ baseOffset: 3, recordCount: 2 });
    expect(first && hasValidCrc(first)).toBe(true);
  });

  test('reads whole batches containing the offset and always the first one', () => {
    const log = new PartitionLog('t', 0);
    log.append(batchOf(3));
    log.append(batchOf(3));
    log.append(batchOf(3));
    expect(log.read(4, 1 << 20)).toHaveLength(2);
    expect(parseRecordBatches(log.read(4, 1)[0] ?? Buffer.alloc(0))?.[0]?.baseOffset).toBe(3);
    expect(log.read(4, 1)).toHaveLength(1);
    expect(log.read(9, 1 << 20)).toEqual([]);
  });

  test('finds the first batch holding a timestamp at or after the one asked for', () => {
    const log = new PartitionLog('t', 0);
    log.append(batchOf(2, { timestamp: 1000 }));
    log.append(batchOf(2, { timestamp: 2000 }));
    expect(log.offsetForTimestamp(0)).toEqual({ offset: 0, timestamp: 1000 });
    expect(log.offsetForTimestamp(1500)).toEqual({ offset: 2, timestamp: 2000 });
    expect(log.offsetForTimestamp(2001)).toBeUndefined();
  });

  test('deduplicates a retried idempotent batch and refuses sequence gaps', () => {
    const log = new PartitionLog('t', 0);
    const producer = { producerId: 7, producerEpoch: 0 };
    expect(log.append(batchOf(2, { ...producer, baseSequence: 0 }))).toEqual({ errorCode: 0, baseOffset: 0 });
    expect(log.append(batchOf(2, { ...producer, baseSequence: 0 }))).toEqual({ errorCode: 0, baseOffset: 0 });
    expect(log.append(batchOf(1, { ...producer, baseSequence: 3 }))).toMatchObject({ errorCode: 45 });
    expect(log.append(batchOf(1, { ...producer, baseSequence: 2 }))).toEqual({ errorCode: 0, baseOffset: 2 });
    expect(log.append(batchOf(1, { producerId: 8, producerEpoch: 0, baseSequence: 1 }))).toMatchObject({
      errorCode: 45,
    });
    expect(log.highWatermark).toBe(3);
  });

  test('notifies append listeners until they unsubscribe', () => {
    const log = new PartitionLog('t', 0);
    let calls = 0;
    const unsubscribe = log.onAppend(() => calls++);
    log.append(batchOf(1));
    unsubscribe();
    log.append(batchOf(1));
    expect(calls).toBe(1);
  });
});
