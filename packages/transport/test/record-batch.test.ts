import { describe, expect, it } from 'vitest';
import type { ConsumedRecord } from '@herald/transport';
import { packRecords, packedSize, unpackRecords, type BatchedRecord } from '../src/sqlite/record-batch.js';

const records: BatchedRecord[] = [
  { key: 'acme:c1', value: Buffer.from('{"a":1}'), headers: null, timestamp: 1_700_000_000_000 },
  { key: null, value: Buffer.from('zwei'), headers: '{"trace":"t-1"}', timestamp: 1_700_000_000_001.5 },
  { key: '', value: new Uint8Array(0), headers: null, timestamp: 0 },
  { key: 'kunde:李雷', value: Buffer.from('drei ✓'), headers: '{"ü":"ß"}', timestamp: 42 },
];
const batch = { topic: 'events', partition: 3, baseOffset: 100 };

function pack(list: readonly BatchedRecord[]): Buffer {
  return packRecords(
    list,
    list.reduce((sum, record) => sum + packedSize(record), 0),
  );
}

function unpack(blob: Buffer, fromOffset = 0, limit = Infinity): ConsumedRecord[] {
  const out: ConsumedRecord[] = [];
  unpackRecords(blob, batch, fromOffset, out, limit);
  return out;
}

describe('record batches', () => {
  it('give back every record as it was packed, at consecutive offsets', () => {
    expect(unpack(pack(records))).toEqual([
      {
        topic: 'events',
        partition: 3,
        offset: 100,
        key: 'acme:c1',
        value: Buffer.from('{"a":1}'),
        headers: {},
        timestamp: 1_700_000_000_000,
      },
      {
        topic: 'events',
        partition: 3,
        offset: 101,
        key: null,
        value: Buffer.from('zwei'),
        headers: { trace: 't-1' },
        timestamp: 1_700_000_000_001.5,
      },
      {
        topic: 'events',
        partition: 3,
        offset: 102,
        key: '',
        value: Buffer.alloc(0),
        headers: {},
        timestamp: 0,
      },
      {
        topic: 'events',
        partition: 3,
        offset: 103,
        key: 'kunde:李雷',
        value: Buffer.from('drei ✓'),
        headers: { ü: 'ß' },
        timestamp: 42,
      },
    ]);
  });

  it('start at an offset inside the batch and stop when the caller has enough', () => {
    const blob = pack(records);
    expect(unpack(blob, 102).map((record) => record.offset)).toEqual([102, 103]);
    expect(unpack(blob, 101, 2).map((record) => record.offset)).toEqual([101, 102]);
    // The limit counts what the caller already holds.
    const out = [unpack(blob)[0]!];
    unpackRecords(blob, batch, 100, out, 3);
    expect(out.map((record) => record.offset)).toEqual([100, 100, 101]);
    expect(unpack(blob, 104)).toEqual([]);
  });

  it('refuse a size that does not match the records', () => {
    expect(() => packRecords(records, packedSize(records[0]!))).toThrow(RangeError);
  });

  it('refuse a damaged batch as CORRUPT instead of reading past its end', () => {
    const blob = pack(records);
    expect(() => unpack(blob.subarray(0, blob.length - 3))).toThrow(
      expect.objectContaining({
        code: 'CORRUPT',
        message: expect.stringContaining('events/3@100') as string,
      }),
    );
    expect(() => unpack(blob.subarray(0, 7))).toThrow(expect.objectContaining({ code: 'CORRUPT' }));
  });
});
