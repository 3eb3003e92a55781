/**
 * Reads Kafka protocol primitives front to back from one request or response.
 *
 * Every read throws a `RangeError` when the buffer is too short, so a malformed
 * request fails as a whole (the broker then drops the connection, as Kafka does).
 * 64-bit integers come back as numbers: offsets, timestamps and producer ids in a
 * test broker stay far below 2^53.
 *
 * @example
 * const reader = new ProtocolReader(frame);
 * const apiKey = reader.int16();
 * const topics = reader.array((r) => r.string());
 */
export class ProtocolReader {
  readonly #buffer: Buffer;
  #offset: number;

  constructor(buffer: Buffer, offset = 0) {
    this.#buffer = buffer;
    this.#offset = offset;
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.#buffer.length - this.#offset;
  }

  int8(): number {
    return this.#buffer.readInt8(this.#advance(1));
  }

  int16(): number {
    return this.#buffer.readInt16BE(this.#advance(2));
  }

  int32(): number {
    return this.#buffer.readInt32BE(this.#advance(4));
  }

  uint32(): number {
    return this.#buffer.readUInt32BE(this.#advance(4));
  }

  int64(): number {
    return Number(this.#buffer.readBigInt64BE(this.#advance(8)));
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  /** Unsigned LEB128 varint, used by flexible versions for lengths and tags. */
  uvarint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = this.#buffer.readUInt8(this.#advance(1));
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
      if (scale > 2 ** 63) throw new RangeError('varint is too long');
    }
  }

  /** Zigzag varint or varlong (record fields), exact up to 2^53. */
  varint(): number {
    const zigzag = this.uvarint();
    return zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
  }

  string(): string {
    const value = this.nullableString();
    if (value === null) throw new RangeError('unexpected null string');
    return value;
  }

  nullableString(): string | null {
    const length = this.int16();
    return length < 0 ? null : this.#slice(length).toString('utf8');
  }

  compactString(): string {
    const value = this.compactNullableString();
    if (value === null) throw new RangeError('unexpected null compact string');
    return value;
  }

  compactNullableString(): string | null {
    const length = this.uvarint() - 1;
    return length < 0 ? null : this.#slice(length).toString('utf8');
  }

  bytes(): Buffer {
    const value = this.nullableBytes();
    if (value === null) throw new RangeError('unexpected null bytes');
    return value;
  }

  nullableBytes(): Buffer | null {
    const length = this.int32();
    return length < 0 ? null : this.#slice(length);
  }

  array<T>(read: (reader: ProtocolReader) => T): T[] {
    return this.nullableArray(read) ?? [];
  }

  nullableArray<T>(read: (reader: ProtocolReader) => T): T[] | null {
    const length = this.int32();
    return length < 0 ? null : this.#repeat(length, read);
  }

  compactArray<T>(read: (reader: ProtocolReader) => T): T[] {
    const length = this.uvarint() - 1;
    return length < 0 ? [] : this.#repeat(length, read);
  }

  /** Skips a tagged-field section: the broker understands no tags. */
  taggedFields(): void {
    const count = this.uvarint();
    for (let index = 0; index < count; index++) {
      this.uvarint();
      this.#slice(this.uvarint());
    }
  }

  #repeat<T>(length: number, read: (reader: ProtocolReader) => T): T[] {
    // Each element takes at least one byte, so a longer count is a corrupt length.
    if (length > this.remaining) throw new RangeError(`array length ${length} exceeds the frame`);
    const items: T[] = [];
    for (let index = 0; index < length; index++) items.push(read(this));
    return items;
  }

  #slice(length: number): Buffer {
    const start = this.#advance(length);
    return this.#buffer.subarray(start, start + length);
  }

  #advance(length: number): number {
    const start = this.#offset;
    if (start + length > this.#buffer.length) {
      throw new RangeError(`read of ${length} bytes at ${start} passes the end (${this.#buffer.length})`);
    }
    this.#offset += length;
    return start;
  }
}
