import { setTimeout } from 'node:timers/promises';
import type { ConsumedBatch, ConsumedRecord, LogRecord, SubscribeOptions } from './event-log.js';

/** Headers a dead-lettered record carries, besides its own. */
export const deadLetterHeaders = {
  error: 'herald-error',
  attempts: 'herald-attempts',
  topic: 'herald-original-topic',
  partition: 'herald-original-partition',
  offset: 'herald-original-offset',
  failedAt: 'herald-failed-at',
} as const;

/** What the consumer loop needs to deliver a batch by the subscription's retry policy. */
export interface DeliveryContext {
  options: SubscribeOptions;
  /** Appends to the dead-letter topic; resolves when durable. */
  publishDeadLetter: (topic: string, record: LogRecord) => Promise<void>;
  /** True once the member is leaving: stop retrying and leave the batch uncommitted. */
  isStopping: () => boolean;
}

/** How a delivery ended: every record handled (or dead-lettered), or abandoned because the member stops. */
export type DeliveryOutcome = 'delivered' | 'stopped';

function backoff(attempt: number, initialMs: number, maxMs: number): number {
  const exponential = Math.min(maxMs, initialMs * 2 ** (attempt - 1));
  // Full jitter keeps a fleet of members from retrying a shared dependency in lock-step.
  return Math.round(exponential / 2 + (Math.random() * exponential) / 2);
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 1024 ? `${text.slice(0, 1021)}...` : text;
}

function toDeadLetter(record: ConsumedRecord, error: unknown, attempts: number): LogRecord {
  return {
    key: record.key,
    value: record.value,
    timestamp: record.timestamp,
    headers: {
      ...record.headers,
      [deadLetterHeaders.error]: describeError(error),
      [deadLetterHeaders.attempts]: String(attempts),
      [deadLetterHeaders.topic]: record.topic,
      [deadLetterHeaders.partition]: String(record.partition),
      [deadLetterHeaders.offset]: String(record.offset),
      [deadLetterHeaders.failedAt]: new Date().toISOString(),
    },
  };
}

/**
 * Hands a batch to the handler. When the batch fails, its records are retried one at a
 * time so a single poison record is isolated: it alone goes to the dead-letter topic
 * after `maxAttempts`, and the partition moves on.
 */
export async function deliverBatch(batch: ConsumedBatch, context: DeliveryContext): Promise<DeliveryOutcome> {
  const { options } = context;
  try {
    await options.handler(batch);
    return 'delivered';
  } catch (error) {
    options.onError?.(error, batch.records.length === 1 ? batch.records[0] : undefined);
    if (batch.records.length === 1) {
      return retryRecord(batch, batch.records[0]!, context, 1, error);
    }
  }
  for (const record of batch.records) {
    const outcome = await retryRecord(batch, record, context, 0, undefined);
    if (outcome === 'stopped') return outcome;
  }
  return 'delivered';
}

async function retryRecord(
  batch: ConsumedBatch,
  record: ConsumedRecord,
  context: DeliveryContext,
  failedAttempts: number,
  lastError: unknown,
): Promise<DeliveryOutcome> {
  const { options } = context;
  const maxAttempts = options.retry?.maxAttempts ?? 5;
  const initialMs = options.retry?.initialDelayMs ?? 100;
  const maxMs = options.retry?.maxDelayMs ?? 5000;
  const deadLetterTopic = options.deadLetterTopic ?? `${batch.topic}.dlq`;
  let attempts = failedAttempts;
  let error = lastError;
  for (;;) {
    if (attempts >= maxAttempts && deadLetterTopic !== false) {
      await context.publishDeadLetter(deadLetterTopic, toDeadLetter(record, error, attempts));
      return 'delivered';
    }
    if (attempts > 0) {
      if (context.isStopping()) return 'stopped';
      await setTimeout(backoff(Math.min(attempts, 30), initialMs, maxMs));
      if (context.isStopping()) return 'stopped';
    }
    try {
      await options.handler({ topic: batch.topic, partition: batch.partition, records: [record] });
      return 'delivered';
    } catch (caught) {
      attempts++;
      error = caught;
      options.onError?.(caught, record);
    }
  }
}
