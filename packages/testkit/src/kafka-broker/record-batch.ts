import { crc32c } from './crc32c.js';

/** Size of the fixed v2 record-batch header, up to and including the record count. */
export const RECORD_BATCH_HEADER_SIZE = 61;

/** The bytes covered by the CRC start at the attributes field. */
const CRC_START = 21;

/** Header fields of one magic-v2 record batch, plus the batch's own bytes. */
export interface RecordBatch {
  readonly baseOffset: number;
  /** Bytes after the length field: the batch is `12 + batchLength` bytes long. */
  readonly batchLength: number;
  readonly partitionLeaderEpoch: number;
  readonly magic: number;
  readonly crc: number;
  readonly attributes: number;
  readonly lastOffsetDelta: number;
  readonly firstTimestamp: number;
  readonly maxTimestamp: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordCount: number;
  /** The whole batch, header included; a view into the buffer it was parsed from. */
  readonly bytes: Buffer;
}

/**
 * Splits a `records` field into record batches and reads their headers.
 *
 * Returns `undefined` when the framing is broken (a truncated batch, a length too small
 * for a header, or a message format older than v2, whose header differs); the caller
 * answers CORRUPT_MESSAGE. The CRC is checked separately by {@link hasValidCrc}.
 *
 * @example
 * const batches = parseRecordBatches(records);
 * if (!batches || !batches.every(hasValidCrc)) return ErrorCode.CORRUPT_MESSAGE;
 */
export function parseRecordBatches(records: Buffer): RecordBatch[] | undefined {
  const batches: RecordBatch[] = [];
  let offset = 0;
  while (offset < records.length) {
    if (records.length - offset < RECORD_BATCH_HEADER_SIZE) return undefined;
    const batchLength = records.readInt32BE(offset + 8);
    const end = offset + 12 + batchLength;
    if (batchLength < RECORD_BATCH_HEADER_SIZE - 12 || end > records.length) return undefined;
    const bytes = records.subarray(offset, end);
    const magic = bytes.readInt8(16);
    if (magic !== 2) return undefined;
    batches.push({
      baseOffset: Number(bytes.readBigInt64BE(0)),
      batchLength,
      partitionLeaderEpoch: bytes.readInt32BE(12),
      magic,
      crc: bytes.readUInt32BE(17),
      attributes: bytes.readInt16BE(21),
      lastOffsetDelta: bytes.readInt32BE(23),
      firstTimestamp: Number(bytes.readBigInt64BE(27)),
      maxTimestamp: Number(bytes.readBigInt64BE(35)),
      producerId: Number(bytes.readBigInt64BE(43)),
      producerEpoch: bytes.readInt16BE(51),
      baseSequence: bytes.readInt32BE(53),
      recordCount: bytes.readInt32BE(57),
      bytes,
    });
    offset = end;
  }
  return batches;
}

/**
 * Whether the batch's stored CRC-32C matches its bytes from the attributes to the end.
 *
 * @example
 * hasValidCrc(batch); // false after any byte from offset 21 on is flipped
 */
export function hasValidCrc(batch: RecordBatch): boolean {
  return crc32c(batch.bytes, CRC_START) === batch.crc;
}
