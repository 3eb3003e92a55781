import { describe, expect, test } from 'vitest';
import { ProtocolReader } from './protocol-reader.js';
import { ProtocolWriter } from './protocol-writer.js';

describe('ProtocolWriter and ProtocolReader', () => {
  test('round-trip fixed-width integers, strings, bytes and arrays', () => {
    const buffer = new ProtocolWriter()
      .int8(-3)
      .int16(-300)
      .int32(-70000)
      .uint32(0xe3069283)
      .int64(2 ** 40 + 1)
      .bool(true)
      .string('héllo')
      .nullableString(null)
      .bytes(Buffer.from([1, 2, 3]))
      .nullableBytes(null)
      .array([1, 2, 3], (w, n) => w.int32(n))
      .nullableArray(null, () => undefined)
      .toBuffer();
    const reader = new ProtocolReader(buffer);
    expect(reader.int8()).toBe(-3);
    expect(reader.int16()).toBe(-300);
    expect(reader.int32()).toBe(-70000);
    expect(reader.uint32()).toBe(0xe3069283);
    expect(reader.int64()).toBe(2 ** 40 + 1);
    expect(reader.bool()).toBe(true);
    expect(reader.string()).toBe('héllo');
    expect(reader.nullableString()).toBeNull();
    expect([...reader.bytes()]).toEqual([1, 2, 3]);
    expect(reader.nullableBytes()).toBeNull();
    expect(reader.array((r) => r.int32())).toEqual([1, 2, 3]);
    expect(reader.nullableArray((r) => r.int32())).toBeNull();
    expect(reader.remaining).toBe(0);
  });

  test('encode record varints with zigzag and flexible lengths as unsigned varints', () => {
    expect([...new ProtocolWriter().varint(0).varint(-1).varint(1).varint(-2).toBuffer()]).toEqual([
      0, 1, 2, 3,
    ]);
    expect([...new ProtocolWriter().varint(-65).toBuffer()]).toEqual([0x81, 0x01]);
    expect([...new ProtocolWriter().uvarint(300).toBuffer()]).toEqual([0xac, 0x02]);
    const values = [0, 1, -1, 63, -64, 64, 300, -300, 2 ** 31 - 1, -(2 ** 31), 2 ** 45, -(2 ** 45)];
    const writer = new ProtocolWriter();
    for (const value of values) writer.varint(value);
    const reader = new ProtocolReader(writer.toBuffer());
    expect(values.map(() => reader.varint())).toEqual(values);
  });

  test('round-trip compact strings, compact arrays and empty tagged fields', () => {
    const buffer = new ProtocolWriter()
      .compactString('abc')
      .compactNullableString(null)
      .compactArray(['x', 'y'], (w, s) => w.compactString(s))
      .taggedFields()
      .toBuffer();
    expect(buffer[0]).toBe(4);
    const reader = new ProtocolReader(buffer);
    expect(reader.compactString()).toBe('abc');
    expect(reader.compactNullableString()).toBeNull();
    expect(reader.compactArray((r) => r.compactString())).toEqual(['x', 'y']);
    reader.taggedFields();
    expect(reader.remaining).toBe(0);
  });

  test('skips tagged fields it does not understand', () => {
    const buffer = new ProtocolWriter()
      .uvarint(2)
      .uvarint(0)
      .uvarint(2)
      .int16(7)
      .uvarint(5)
      .uvarint(0)
      .int8(9)
      .toBuffer();
    const reader = new ProtocolReader(buffer);
    reader.taggedFields();
    expect(reader.int8()).toBe(9);
  });

  test('grows past its initial buffer without losing bytes, whatever the write width', () => {
    const values = Array.from({ length: 1000 }, (_, index) => index - 500);
    const writer = new ProtocolWriter();
    for (const value of values)
      writer
        .int8(Math.abs(value) % 100)
        .int16(value)
        .int32(value * 1000)
        .int64(value)
        .varint(value);
    const reader = new ProtocolReader(writer.toBuffer());
    for (const value of values) {
      expect([reader.int8(), reader.int16(), reader.int32(), reader.int64(), reader.varint()]).toEqual([
        Math.abs(value) % 100,
        value,
        value * 1000,
        value,
        value,
      ]);
    }
  });

  test('reader refuses to read past the end', () => {
    const reader = new ProtocolReader(new ProtocolWriter().int16(5).raw(Buffer.from('ab')).toBuffer());
    expect(() => reader.string()).toThrow(RangeError);
    expect(() => new ProtocolReader(Buffer.from([0, 0, 0, 9])).array((r) => r.int8())).toThrow(RangeError);
  });
});
