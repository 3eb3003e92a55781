import { crc32c } from '../../src/kafka-broker/crc32c.js';
import { ProtocolWriter } from '../../src/kafka-broker/protocol-writer.js';

/** One record to encode; strings are written as UTF-8. */
export interface TestRecord {
  readonly key?: string | null;
  readonly value: string | null;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Batch header fields a test may set; the rest follow from the records. */
export interface TestBatchOptions {
  readonly producerId?: number;
  readonly producerEpoch?: number;
  readonly baseSequence?: number;
  readonly timestamp?: number;
}

function writeVarBytes(writer: ProtocolWriter, value: string | null | undefined): void {
  if (value === null || value === undefined) {
    writer.varint(-1);
    return;
  }
  const bytes = Buffer.from(value, 'utf8');
  writer.varint(bytes.length).raw(bytes);
}

/** Encodes an uncompressed magic-v2 record batch with a correct CRC-32C, as clients do. */
export function buildRecordBatch(records: readonly TestRecord[], options: TestBatchOptions = {}): Buffer {
  const timestamp = options.timestamp ?? Date.now();
  const encodedRecords = records.map((record, index) => {
    const body = new ProtocolWriter().int8(0).varint(0).varint(index);
    writeVarBytes(body, record.key);
    writeVarBytes(body, record.value);
    const headers = Object.entries(record.headers ?? {});
    body.varint(headers.length);
    for (const [name, value] of headers) {
      writeVarBytes(body, name);
      writeVarBytes(body, value);
    }
    const bytes = body.toBuffer();
    return new ProtocolWriter().varint(bytes.length).raw(bytes).toBuffer();
  });

  const afterCrc = new ProtocolWriter()
    .int16(0)
    .int32(records.length - 1)
    .int64(timestamp)
    .int64(timestamp)
    .int64(options.producerId ?? -1)
    .int16(options.producerEpoch ?? -1)
    .int32(options.baseSequence ?? -1)
    .int32(records.length);
  for (const record of encodedRecords) afterCrc.raw(record);
  const tail = afterCrc.toBuffer();

  return new ProtocolWriter()
    .int64(0)
    .int32(4 + 1 + 4 + tail.length)
    .int32(-1)
    .int8(2)
    .uint32(crc32c(tail))
    .raw(tail)
    .toBuffer();
}
