import type { EmbeddedLogOptions } from './embedded/embedded-event-log.js';
import type { EventLog } from './event-log.js';
import type { KafkaLogOptions } from './kafka/create-kafka-log.js';
import { parseLogUrl } from './parse-log-url.js';
import { TransportError } from './transport-error.js';

/** Settings for whichever driver the URL picks; each driver reads its own. */
export interface CreateEventLogOptions extends EmbeddedLogOptions {
  /** SQLite only: `full` also survives power loss (see `SqliteLogOptions`). @defaultValue 'normal' */
  synchronous?: 'full' | 'normal';
  /** Kafka only: client id, TLS, SASL and timeouts passed through to kafkajs. */
  kafka?: Omit<KafkaLogOptions, 'brokers'>;
}

function numberParam(params: URLSearchParams, name: string, min = 1): number | undefined {
  const raw = params.get(name);
  if (raw === null) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < min) {
    const expected = min === 1 ? 'a positive integer' : `an integer of at least ${min}`;
    throw new TransportError('INVALID_URL', `The log URL setting ${name}=${raw} must be ${expected}.`);
  }
  return value;
}

/**
 * Opens the event log a URL names, loading only that driver. Settings in the URL
 * (`?partitions=8`, `?commitIntervalMs=0`) fill in what `options` leaves out.
 *
 * @example
 * const log = await createEventLog('sqlite:./data/herald.db');
 * const log = await createEventLog('kafka://localhost:9092', { kafka: { clientId: 'herald-push' } });
 */
export async function createEventLog(url: string, options: CreateEventLogOptions = {}): Promise<EventLog> {
  const location = parseLogUrl(url);
  const partitions = options.defaultPartitions ?? numberParam(location.params, 'partitions');
  const commitIntervalMs = options.commitIntervalMs ?? numberParam(location.params, 'commitIntervalMs', 0);
  const embedded: EmbeddedLogOptions = {
    ...options,
    ...(partitions === undefined ? {} : { defaultPartitions: partitions }),
    ...(commitIntervalMs === undefined ? {} : { commitIntervalMs }),
  };
  switch (location.driver) {
    case 'memory': {
      const { createMemoryLog } = await import('./memory/create-memory-log.js');
      return createMemoryLog(embedded);
    }
    case 'sqlite': {
      const { createSqliteLog } = await import('./sqlite/create-sqlite-log.js');
      const synchronous = options.synchronous ?? location.params.get('synchronous') ?? 'normal';
      if (synchronous !== 'full' && synchronous !== 'normal') {
        throw new TransportError('INVALID_URL', `synchronous must be full or normal, got ${synchronous}.`);
      }
      return createSqliteLog({ ...embedded, path: location.path, synchronous });
    }
    case 'kafka': {
      const { createKafkaLog } = await import('./kafka/create-kafka-log.js');
      const clientId = options.kafka?.clientId ?? location.params.get('clientId') ?? undefined;
      return createKafkaLog({
        ...options.kafka,
        ...(clientId === undefined ? {} : { clientId }),
        ...(partitions === undefined ? {} : { defaultPartitions: partitions }),
        ...(options.maxRecordBytes === undefined ? {} : { maxRecordBytes: options.maxRecordBytes }),
        brokers: location.brokers,
      });
    }
  }
}
