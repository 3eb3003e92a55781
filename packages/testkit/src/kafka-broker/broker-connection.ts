import type { Socket } from 'node:net';
import type { KafkaTestBrokerLogger } from './broker-context.js';

/** Far above any request a test sends; a larger size means the stream is not Kafka. */
const MAX_FRAME_BYTES = 100 * 1024 * 1024;

/**
 * One client connection: splits the byte stream into size-prefixed request frames and
 * answers them strictly in arrival order, as Kafka does per connection. A request that
 * waits (JoinGroup, a long-poll Fetch) holds back only later requests on the same
 * connection; other connections carry on.
 *
 * @example
 * const connection = new BrokerConnection(socket, (frame) => routeRequest(frame, broker), logger);
 * connection.destroy();
 */
export class BrokerConnection {
  readonly #socket: Socket;
  readonly #handle: (frame: Buffer) => Promise<Buffer | undefined>;
  readonly #logger: KafkaTestBrokerLogger;
  #pending: Buffer = Buffer.alloc(0);
  #queue: Promise<void> = Promise.resolve();

  constructor(
    socket: Socket,
    handle: (frame: Buffer) => Promise<Buffer | undefined>,
    logger: KafkaTestBrokerLogger,
  ) {
    this.#socket = socket;
    this.#handle = handle;
    this.#logger = logger;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    // A client killed mid-request resets the connection; that is routine here.
    socket.on('error', (error) => this.#logger.debug('connection error', { error: error.message }));
  }

  /** Closes the socket at once; queued requests are dropped unanswered. */
  destroy(): void {
    this.#socket.destroy();
  }

  #receive(chunk: Buffer): void {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    while (this.#pending.length >= 4) {
      const size = this.#pending.readInt32BE(0);
      if (size < 0 || size > MAX_FRAME_BYTES) {
        this.#logger.warn('closing a connection that sent an invalid frame size', { size });
        this.destroy();
        return;
      }
      if (this.#pending.length < 4 + size) return;
      const frame = this.#pending.subarray(4, 4 + size);
      this.#pending = this.#pending.subarray(4 + size);
      this.#queue = this.#queue.then(() => this.#process(frame));
    }
  }

  async #process(frame: Buffer): Promise<void> {
    if (this.#socket.destroyed) return;
    try {
      const response = await this.#handle(frame);
      if (response && !this.#socket.destroyed) this.#socket.write(response);
    } catch (error) {
      this.#logger.warn('closing a connection after a request it could not serve', {
        error: error instanceof Error ? error.message : String(error),
      });
      this.destroy();
    }
  }
}
