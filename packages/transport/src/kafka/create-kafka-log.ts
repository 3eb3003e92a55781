import type { SASLOptions } from 'kafkajs';
import type { ConnectionOptions } from 'node:tls';
import type { EventLog } from '../event-log.js';
import { TransportError } from '../transport-error.js';
import { KafkaEventLog } from './kafka-event-log.js';

/** Settings of the Kafka driver; anything a real cluster needs passes through to kafkajs. */
export interface KafkaLogOptions {
  /** `host:port` of one or more brokers. */
  brokers: string[];
  /** @defaultValue 'herald' */
  clientId?: string;
  /** TLS: `true`, or Node TLS options (CA, client certificate). */
  ssl?: boolean | ConnectionOptions;
  sasl?: SASLOptions;
  /** Partitions of a topic Herald creates. @defaultValue 4 */
  defaultPartitions?: number;
  /** Replication factor of a topic Herald creates; -1 lets the cluster decide. @defaultValue -1 */
  replicationFactor?: number;
  /** Largest record accepted before it reaches the broker. @defaultValue 1048576 */
  maxRecordBytes?: number;
  /** Time to open a connection to a broker. @defaultValue 3000 */
  connectionTimeoutMs?: number;
  /** Retries of a failing broker call before it is reported as unavailable. @defaultValue 5 */
  retries?: number;
  /** Consumer session timeout: a crashed member's partitions move after this. @defaultValue 10000 */
  sessionTimeoutMs?: number;
  /** @defaultValue 1000 */
  heartbeatIntervalMs?: number;
  /** Longest a fetch waits for new records. @defaultValue 100 */
  maxWaitTimeMs?: number;
  /** Time the group waits for members to rejoin during a rebalance. @defaultValue 10000 */
  rebalanceTimeoutMs?: number;
  /**
   * Receives kafkajs's own log lines (connection errors, rebalances) at `warn` and above.
   * Failures that matter to a caller also reach it as a `TransportError`. @defaultValue none: silent
   */
  logger?: (entry: { level: 'error' | 'warn'; message: string; detail: Record<string, unknown> }) => void;
}

/**
 * The Kafka driver: an idempotent producer (acks=all) and kafkajs consumer groups, with
 * the same retry and dead-letter behaviour as the embedded log.
 *
 * @example
 * await using log = createKafkaLog({ brokers: ['localhost:9092'], clientId: 'herald-ingest' });
 */
export function createKafkaLog(options: KafkaLogOptions): EventLog {
  if (!Array.isArray(options.brokers) || options.brokers.length === 0) {
    throw new TransportError('INVALID_ARGUMENT', 'The Kafka driver needs at least one broker (host:port).');
  }
  return new KafkaEventLog(options);
}
