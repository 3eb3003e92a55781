/**
 * Builds Kafka protocol messages from primitives into a growing buffer.
 *
 * Methods chain, and `array`-style methods take a callback that writes one item.
 * 64-bit integers are accepted as numbers (exact up to 2^53) or bigints.
 *
 * @example
 * const body = new ProtocolWriter()
 *   .int16(0)
 *   .array(topics, (w, topic) => w.string(topic.name))
 *   .toBuffer();
 */
export class ProtocolWriter {
  #buffer = Buffer.allocUnsafe(256);
  #length = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.#length;
  }

  int8(value: number): this {
    const offset = this.#reserve(1);
    this.#buffer.writeInt8(value, offset);
    return this;
  }

  int16(value: number): this {
    const offset = this.#reserve(2);
    this.#buffer.writeInt16BE(value, offset);
    return this;
  }

  int32(value: number): this {
    const offset = this.#reserve(4);
    this.#buffer.writeInt32BE(value, offset);
    return this;
  }

  uint32(value: number): this {
    const offset = this.#reserve(4);
    this.#buffer.writeUInt32BE(value, offset);
    return this;
  }

  int64(value: number | bigint): this {
    const offset = this.#reserve(8);
    this.#buffer.writeBigInt64BE(BigInt(value), offset);
    return this;
  }

  bool(value: boolean): this {
    return this.int8(value ? 1 : 0);
  }

  /** Unsigned LEB128 varint, used by flexible versions for lengths and tags. */
  uvarint(value: number): this {
    let rest = value;
    while (rest >= 0x80) {
      const offset = this.#reserve(1);
      this.#buffer.writeUInt8((rest % 0x80) | 0x80, offset);
      rest = Math.floor(rest / 0x80);
    }
    const offset = this.#reserve(1);
    this.#buffer.writeUInt8(rest, offset);
    return this;
  }

  /** Zigzag varint or varlong (record fields), exact up to 2^53. */
  varint(value: number): this {
    return this.uvarint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  string(value: string): this {
    return this.nullableString(value);
  }

  nullableString(value: string | null): this {
    if (value === null) return this.int16(-1);
    const bytes = Buffer.from(value, 'utf8');
    return this.int16(bytes.length).raw(bytes);
  }

  compactString(value: string): this {
    return this.compactNullableString(value);
  }

  compactNullableString(value: string | null): this {
    if (value === null) return this.uvarint(0);
    const bytes = Buffer.from(value, 'utf8');
    return this.uvarint(bytes.length + 1).raw(bytes);
  }

  bytes(value: Uint8Array): this {
    return this.nullableBytes(value);
  }

  nullableBytes(value: Uint8Array | null): this {
    if (value === null) return this.int32(-1);
    return this.int32(value.length).raw(value);
  }

  /** Appends bytes as they are, without a length prefix. */
  raw(value: Uint8Array): this {
    const start = this.#reserve(value.length);
    this.#buffer.set(value, start);
    return this;
  }

  array<T>(items: readonly T[], write: (writer: this, item: T) => void): this {
    this.int32(items.length);
    for (const item of items) write(this, item);
    return this;
  }

  nullableArray<T>(items: readonly T[] | null, write: (writer: this, item: T) => void): this {
    return items === null ? this.int32(-1) : this.array(items, write);
  }

  compactArray<T>(items: readonly T[], write: (writer: this, item: T) => void): this {
    this.uvarint(items.length + 1);
    for (const item of items) write(this, item);
    return this;
  }

  /** Writes an empty tagged-field section: the broker sends no tags. */
  taggedFields(): this {
    return this.uvarint(0);
  }

  /** A copy of the bytes written so far. */
  toBuffer(): Buffer {
    return Buffer.from(this.#buffer.subarray(0, this.#length));
  }

  /** Claims `length` bytes and returns where they start; call it before reading `#buffer`, which it may replace. */
  #reserve(length: number): number {
    const start = this.#length;
    const needed = start + length;
    if (needed > this.#buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.#buffer.length * 2));
      this.#buffer.copy(grown, 0, 0, start);
      this.#buffer = grown;
    }
    this.#length = needed;
    return start;
  }
}
