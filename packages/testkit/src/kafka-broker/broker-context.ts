import type { GroupCoordinator } from './group-coordinator.js';
import type { ProducerRegistry } from './producer-registry.js';
import type { ProtocolReader } from './protocol-reader.js';
import type { ProtocolWriter } from './protocol-writer.js';
import type { TopicStore } from './topic-store.js';

/**
 * Where the broker reports what it does; `console` fits.
 *
 * @example
 * new KafkaTestBroker({ logger: console });
 */
export interface KafkaTestBrokerLogger {
  debug(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
}

/** The broker state a request handler may read and change. */
export interface BrokerContext {
  readonly nodeId: number;
  /** The host advertised in Metadata and FindCoordinator. */
  readonly host: string;
  readonly port: number;
  readonly clusterId: string;
  readonly autoCreateTopics: boolean;
  readonly defaultPartitions: number;
  readonly topics: TopicStore;
  readonly groups: GroupCoordinator;
  readonly producers: ProducerRegistry;
  readonly logger: KafkaTestBrokerLogger;
  /** Aborted by `close()`, so that long polls answer at once. */
  readonly closed: AbortSignal;
}

/** The fields of a request header that handlers use. */
export interface RequestHeader {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
}

/**
 * Decodes one request body and returns the response body, or `undefined` when the
 * request gets no response (Produce with acks=0).
 */
export type RequestHandler = (
  body: ProtocolReader,
  header: RequestHeader,
  broker: BrokerContext,
) => ProtocolWriter | undefined | Promise<ProtocolWriter | undefined>;
