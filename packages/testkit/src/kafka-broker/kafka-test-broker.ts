import { createServer, type Server, type Socket } from 'node:net';
import { TestkitError } from '../testkit-error.js';
import type { BrokerContext, KafkaTestBrokerLogger } from './broker-context.js';
import { BrokerConnection } from './broker-connection.js';
import { GroupCoordinator } from './group-coordinator.js';
import { ProducerRegistry } from './producer-registry.js';
import { routeRequest } from './request-router.js';
import { TopicStore } from './topic-store.js';

/** Settings of a {@link KafkaTestBroker}; every field is optional. */
export interface KafkaTestBrokerOptions {
  /**
   * TCP port to listen on; 0 lets the system pick a free one (read it from `port`).
   * @defaultValue 0
   */
  port?: number;
  /**
   * Address to listen on. It is also the host advertised in metadata, except that a
   * wildcard address (`0.0.0.0`, `::`) is advertised as `127.0.0.1`.
   * @defaultValue '127.0.0.1'
   */
  host?: string;
  /**
   * Whether a Metadata request for an unknown topic creates it (as Kafka's
   * `auto.create.topics.enable`), when the request allows it too.
   * @defaultValue true
   */
  autoCreateTopics?: boolean;
  /**
   * Partitions of auto-created topics, and of topics created with −1 partitions or
   * through {@link KafkaTestBroker.createTopic} without a count.
   * @defaultValue 1
   */
  defaultPartitions?: number;
  /**
   * Receives debug lines (every request) and warnings (a connection closed because a
   * request could not be served: malformed, unsupported, or a broker bug); `console` fits.
   * @defaultValue debug lines dropped, warnings to `console.warn`
   */
  logger?: KafkaTestBrokerLogger;
}

// Warnings stay visible by default: they mean a client was cut off, which a test should not miss.
const defaultLogger: KafkaTestBrokerLogger = {
  debug: () => undefined,
  warn: (message, context) => console.warn(`[kafka-test-broker] ${message}`, context ?? ''),
};

/**
 * A single-node Kafka broker speaking the wire protocol in-process, for tests (in the
 * spirit of franz-go's kfake). It serves what kafkajs and librdkafka need for
 * producing, fetching, consumer groups and offsets; everything lives in memory.
 *
 * @example
 * await using broker = new KafkaTestBroker();
 * await broker.start();
 * broker.createTopic('orders', 3);
 * const kafka = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING });
 */
export class KafkaTestBroker implements AsyncDisposable {
  readonly #host: string;
  readonly #requestedPort: number;
  readonly #autoCreateTopics: boolean;
  readonly #defaultPartitions: number;
  readonly #logger: KafkaTestBrokerLogger;
  readonly #topics = new TopicStore();
  readonly #groups = new GroupCoordinator();
  readonly #producers = new ProducerRegistry();
  readonly #connections = new Set<BrokerConnection>();
  readonly #closed = new AbortController();
  #server: Server | undefined;
  #port: number | undefined;
  #starting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: KafkaTestBrokerOptions = {}) {
    const defaultPartitions = options.defaultPartitions ?? 1;
    if (!Number.isInteger(defaultPartitions) || defaultPartitions < 1) {
      throw new TestkitError(
        'INVALID_ARGUMENT',
        `defaultPartitions must be a positive integer, got ${defaultPartitions}`,
      );
    }
    this.#host = options.host ?? '127.0.0.1';
    this.#requestedPort = options.port ?? 0;
    this.#autoCreateTopics = options.autoCreateTopics ?? true;
    this.#defaultPartitions = defaultPartitions;
    this.#logger = options.logger ?? defaultLogger;
  }

  /**
   * The port the broker listens on.
   *
   * @throws {TestkitError} `NOT_STARTED` before `start()` has resolved.
   */
  get port(): number {
    if (this.#port === undefined) throw new TestkitError('NOT_STARTED', 'the broker has not been started');
    return this.#port;
  }

  /**
   * The bootstrap list for clients, e.g. `['127.0.0.1:54321']`.
   *
   * @example
   * spawn('kcat', ['-b', broker.brokers.join(','), '-L']);
   */
  get brokers(): string[] {
    return [`${this.#advertisedHost()}:${this.port}`];
  }

  /**
   * Starts listening. Calling it again returns the same promise.
   *
   * @throws {TestkitError} `CLOSED` once `close()` has been called.
   */
  start(): Promise<void> {
    if (this.#closing) return Promise.reject(new TestkitError('CLOSED', 'the broker has been closed'));
    this.#starting ??= this.#listen();
    return this.#starting;
  }

  /**
   * Creates a topic, without a client round trip; `false` if it already exists.
   *
   * @example
   * broker.createTopic('orders', 4); // true
   * broker.createTopic('orders', 4); // false
   */
  createTopic(name: string, partitions: number = this.#defaultPartitions): boolean {
    if (!TopicStore.isValidName(name)) {
      throw new TestkitError('INVALID_ARGUMENT', `illegal topic name '${name}'`);
    }
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new TestkitError('INVALID_ARGUMENT', `partitions must be a positive integer, got ${partitions}`);
    }
    return this.#topics.create(name, partitions);
  }

  /**
   * Stops the broker: destroys every connection, releases waiting joins, syncs and
   * long polls, clears group timers and closes the listener. Safe to call twice.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /** `await using broker = new KafkaTestBroker()` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #listen(): Promise<void> {
    const server = createServer((socket) => this.#accept(socket));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#requestedPort, this.#host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new TypeError('expected a TCP address');
    this.#port = address.port;
    this.#logger.debug('kafka test broker listening', { brokers: this.brokers });
  }

  async #shutdown(): Promise<void> {
    // Let a start in progress finish, so that its listener is closed below.
    await this.#starting?.catch(() => undefined);
    this.#closed.abort();
    this.#groups.close();
    for (const connection of this.#connections) connection.destroy();
    this.#connections.clear();
    const server = this.#server;
    if (server?.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #accept(socket: Socket): void {
    if (this.#closed.signal.aborted) {
      socket.destroy();
      return;
    }
    const context = this.#context();
    const connection = new BrokerConnection(socket, (frame) => routeRequest(frame, context), this.#logger);
    this.#connections.add(connection);
    socket.once('close', () => this.#connections.delete(connection));
  }

  #context(): BrokerContext {
    return {
      nodeId: 0,
      host: this.#advertisedHost(),
      port: this.port,
      clusterId: 'herald-kafka-test-broker',
      autoCreateTopics: this.#autoCreateTopics,
      defaultPartitions: this.#defaultPartitions,
      topics: this.#topics,
      groups: this.#groups,
      producers: this.#producers,
      logger: this.#logger,
      closed: this.#closed.signal,
    };
  }

  #advertisedHost(): string {
    return this.#host === '0.0.0.0' || this.#host === '::' ? '127.0.0.1' : this.#host;
  }
}
