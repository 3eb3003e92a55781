/** Reflected Castagnoli polynomial (0x1EDC6F41 bit-reversed). */
const POLYNOMIAL = 0x82f63b78;

const table = new Uint32Array(256);
for (let index = 0; index < 256; index++) {
  let crc = index;
  for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ POLYNOMIAL : crc >>> 1;
  table[index] = crc;
}

/**
 * CRC-32C (Castagnoli), the checksum of Kafka record batches, over `bytes[start, end)`.
 *
 * @example
 * crc32c(Buffer.from('123456789')); // 0xe3069283
 * crc32c(batch, 21); // what a v2 record batch stores at bytes 17..20
 */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffffffff;
  for (let index = start; index < end; index++) {
    crc = table[(crc ^ bytes[index]!) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}
