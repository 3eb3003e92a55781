import { describe, expect, it } from 'vitest';
import type { ConsumedRecord } from '../event-log.js';
import { RecentRecords } from './recent-records.js';

const record = (offset: number, value = `v${offset}`, partition = 0, topic = 't'): ConsumedRecord => ({
  topic,
  partition,
  offset,
  key: null,
  value: Buffer.from(value),
  headers: {},
  timestamp: 0,
});
const offsetsOf = (records: ConsumedRecord[] | undefined) => records?.map((r) => r.offset);

describe('RecentRecords', () => {
  it('reads consecutive records from any offset it holds, at most maxRecords', () => {
    const recent = new RecentRecords();
    for (let offset = 5; offset < 10; offset++) recent.add(record(offset));
    expect(offsetsOf(recent.read('t', 0, 5, 100))).toEqual([5, 6, 7, 8, 9]);
    expect(offsetsOf(recent.read('t', 0, 7, 2))).toEqual([7, 8]);
    expect(recent.read('t', 0, 7, 1)![0]!.value.toString()).toBe('v7');
  });

  it('leaves offsets before, after and of other partitions to the database', () => {
    const recent = new RecentRecords();
    for (let offset = 5; offset < 8; offset++) recent.add(record(offset));
    expect(recent.read('t', 0, 4, 10)).toBeUndefined();
    expect(recent.read('t', 0, 8, 10)).toBeUndefined();
    expect(recent.read('t', 1, 5, 10)).toBeUndefined();
    expect(recent.read('other', 0, 5, 10)).toBeUndefined();
  });

  it('starts over when another process appended in between', () => {
    const recent = new RecentRecords();
    recent.add(record(0));
    recent.add(record(1));
    recent.add(record(3)); // offset 2 is another process's
    expect(recent.read('t', 0, 1, 10)).toBeUndefined();
    expect(recent.read('t', 0, 2, 10)).toBeUndefined();
    expect(offsetsOf(recent.read('t', 0, 3, 10))).toEqual([3]);
  });

  it('keeps at most maxRecords per partition, the newest', () => {
    const recent = new RecentRecords({ maxRecords: 3 });
    for (let offset = 0; offset < 10; offset++) recent.add(record(offset));
    expect(recent.read('t', 0, 6, 10)).toBeUndefined();
    expect(offsetsOf(recent.read('t', 0, 7, 10))).toEqual([7, 8, 9]);
  });

  it('keeps at most maxBytes of values per partition, and no record bigger than that', () => {
    const recent = new RecentRecords({ maxBytes: 10 });
    recent.add(record(0, 'aaaa'));
    recent.add(record(1, 'bbbb'));
    recent.add(record(2, 'cccc')); // 12 bytes: the oldest goes
    expect(recent.read('t', 0, 0, 10)).toBeUndefined();
    expect(offsetsOf(recent.read('t', 0, 1, 10))).toEqual([1, 2]);
    recent.add(record(3, 'x'.repeat(11)));
    expect(offsetsOf(recent.read('t', 0, 1, 10))).toEqual([1, 2]);
    expect(recent.read('t', 0, 3, 10)).toBeUndefined();
    recent.add(record(4, 'dd'));
    expect(offsetsOf(recent.read('t', 0, 4, 10))).toEqual([4]);
  });

  it('stays correct across many more records than it keeps', () => {
    const recent = new RecentRecords({ maxRecords: 4 });
    for (let offset = 0; offset < 1000; offset++) {
      recent.add(record(offset));
      expect(offsetsOf(recent.read('t', 0, Math.max(0, offset - 3), 10))).toEqual(
        Array.from({ length: Math.min(4, offset + 1) }, (_, i) => Math.max(0, offset - 3) + i),
      );
    }
  });

  it('forgets everything on clear', () => {
    const recent = new RecentRecords();
    recent.add(record(0));
    recent.clear();
    expect(recent.read('t', 0, 0, 10)).toBeUndefined();
  });
});
