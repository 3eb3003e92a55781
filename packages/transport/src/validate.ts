import type { LogRecord, SubscribeOptions } from './event-log.js';
import { TransportError } from './transport-error.js';

const topicPattern = /^[a-zA-Z0-9._-]{1,249}$/;

/** Kafka's topic-name rules, applied to every driver so a topic name moves between them. */
export function assertTopicName(topic: unknown): asserts topic is string {
  if (typeof topic !== 'string' || !topicPattern.test(topic) || topic === '.' || topic === '..') {
    throw new TransportError(
      'INVALID_TOPIC',
      `Topic name ${JSON.stringify(topic)} is invalid: use 1–249 characters of letters, digits, '.', '_' and '-'.`,
    );
  }
}

/**
 * Checks a publish's records and returns their values as the bytes every driver stores, in
 * order. Rejects the whole publish before anything is written when any record is malformed or
 * too large (key, value and headers counted as Kafka counts them). The size is read off the
 * bytes made for storing: measuring a string value first cost a second pass over it.
 */
export function recordValues(topic: string, records: readonly LogRecord[], maxRecordBytes: number): Buffer[] {
  assertTopicName(topic);
  const list: unknown = records;
  if (!Array.isArray(list)) {
    throw new TransportError('INVALID_ARGUMENT', 'publish() takes an array of records.');
  }
  const values: Buffer[] = [];
  for (let index = 0; index < records.length; index++) {
    const record = records[index]!;
    if (record === null || typeof record !== 'object') {
      throw new TransportError('INVALID_ARGUMENT', `Record ${index} is not an object.`);
    }
    if (typeof record.value !== 'string' && !(record.value instanceof Uint8Array)) {
      throw new TransportError(
        'INVALID_ARGUMENT',
        `Record ${index} has no value: give a string or a Uint8Array.`,
      );
    }
    if (record.key !== undefined && record.key !== null && typeof record.key !== 'string') {
      throw new TransportError('INVALID_ARGUMENT', `Record ${index} has a key that is not a string.`);
    }
    const value = valueBytes(record.value);
    let size = value.length;
    if (record.key) size += Buffer.byteLength(record.key);
    for (const name in record.headers) {
      size += Buffer.byteLength(name) + Buffer.byteLength(record.headers[name]!);
    }
    if (size > maxRecordBytes) {
      throw new TransportError(
        'RECORD_TOO_LARGE',
        `Record ${index} is ${size} bytes, over the limit of ${maxRecordBytes} bytes (maxRecordBytes).`,
      );
    }
    values.push(value);
  }
  return values;
}

/** Checks a subscription's settings before the member joins. */
export function assertSubscribeOptions(options: SubscribeOptions): void {
  assertTopicName(options.topic);
  if (typeof options.group !== 'string' || options.group.length === 0) {
    throw new TransportError('INVALID_ARGUMENT', 'subscribe() needs a non-empty group.');
  }
  if (typeof options.handler !== 'function') {
    throw new TransportError('INVALID_ARGUMENT', 'subscribe() needs a handler function.');
  }
  const { maxBatchSize, maxInFlightBatches, batchWaitMs, retry } = options;
  if (batchWaitMs !== undefined && !(batchWaitMs >= 0 && batchWaitMs <= 60_000)) {
    throw new TransportError(
      'INVALID_ARGUMENT',
      `batchWaitMs must be a number of milliseconds from 0 to 60000, got ${batchWaitMs}.`,
    );
  }
  if (
    maxInFlightBatches !== undefined &&
    (!Number.isInteger(maxInFlightBatches) || maxInFlightBatches < 1 || maxInFlightBatches > 1024)
  ) {
    throw new TransportError(
      'INVALID_ARGUMENT',
      `maxInFlightBatches must be an integer from 1 to 1024, got ${maxInFlightBatches}.`,
    );
  }
  if (maxBatchSize !== undefined && (!Number.isInteger(maxBatchSize) || maxBatchSize < 1)) {
    throw new TransportError(
      'INVALID_ARGUMENT',
      `maxBatchSize must be a positive integer, got ${maxBatchSize}.`,
    );
  }
  if (retry?.maxAttempts !== undefined && (!Number.isInteger(retry.maxAttempts) || retry.maxAttempts < 1)) {
    throw new TransportError(
      'INVALID_ARGUMENT',
      `retry.maxAttempts must be a positive integer, got ${retry.maxAttempts}.`,
    );
  }
  if (options.deadLetterTopic !== undefined && options.deadLetterTopic !== false) {
    assertTopicName(options.deadLetterTopic);
  }
}

/** Turns a record's value into the bytes every driver stores. */
function valueBytes(value: LogRecord['value']): Buffer {
  return typeof value === 'string'
    ? Buffer.from(value, 'utf8')
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}
