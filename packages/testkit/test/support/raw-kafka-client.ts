import { connect, type Socket } from 'node:net';
import { ProtocolReader } from '../../src/kafka-broker/protocol-reader.js';
import { ProtocolWriter } from '../../src/kafka-broker/protocol-writer.js';

interface Waiter {
  readonly correlationId: number;
  readonly resolve: (body: ProtocolReader) => void;
  readonly reject: (error: Error) => void;
}

/** Options of one raw request. */
export interface RawRequestOptions {
  /** Request header v2 (with tagged fields), as flexible versions use. */
  readonly flexibleHeader?: boolean;
}

/**
 * A bare Kafka protocol client for tests that need requests no real client would send
 * (corrupt batches, sequence gaps, versions beyond the broker's). Responses are matched
 * in order, which is what the broker guarantees per connection.
 */
export class RawKafkaClient implements AsyncDisposable {
  readonly #socket: Socket;
  readonly #waiters: Waiter[] = [];
  #pending = Buffer.alloc(0);
  #nextCorrelationId = 1;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('close', () => {
      for (const waiter of this.#waiters.splice(0)) waiter.reject(new Error('connection closed'));
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<RawKafkaClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawKafkaClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends a request and resolves with a reader positioned at the response body. */
  request(
    apiKey: number,
    apiVersion: number,
    writeBody: (writer: ProtocolWriter) => void,
    options: RawRequestOptions = {},
  ): Promise<ProtocolReader> {
    const correlationId = this.send(apiKey, apiVersion, writeBody, options);
    return new Promise((resolve, reject) => this.#waiters.push({ correlationId, resolve, reject }));
  }

  /** Sends a request without waiting for a response (acks=0); returns its correlation id. */
  send(
    apiKey: number,
    apiVersion: number,
    writeBody: (writer: ProtocolWriter) => void,
    options: RawRequestOptions = {},
  ): number {
    const correlationId = this.#nextCorrelationId++;
    const writer = new ProtocolWriter().int16(apiKey).int16(apiVersion).int32(correlationId);
    writer.nullableString('raw-test-client');
    if (options.flexibleHeader) writer.taggedFields();
    writeBody(writer);
    const payload = writer.toBuffer();
    const frame = Buffer.allocUnsafe(4 + payload.length);
    frame.writeInt32BE(payload.length, 0);
    payload.copy(frame, 4);
    this.#socket.write(frame);
    return correlationId;
  }

  /** Resolves when the broker closes the connection. */
  closed(): Promise<void> {
    if (this.#socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => this.#socket.once('close', () => resolve()));
  }

  close(): void {
    this.#socket.destroy();
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  #receive(chunk: Buffer): void {
    this.#pending = Buffer.concat([this.#pending, chunk]);
    while (this.#pending.length >= 4 && this.#pending.length >= 4 + this.#pending.readInt32BE(0)) {
      const size = this.#pending.readInt32BE(0);
      const frame = this.#pending.subarray(4, 4 + size);
      this.#pending = this.#pending.subarray(4 + size);
      const reader = new ProtocolReader(frame);
      const correlationId = reader.int32();
      const waiter = this.#waiters.shift();
      if (!waiter) {
        this.#socket.destroy(new Error(`unexpected response ${correlationId}`));
        return;
      }
      if (waiter.correlationId !== correlationId) {
        waiter.reject(new Error(`expected correlation id ${waiter.correlationId}, got ${correlationId}`));
      } else {
        waiter.resolve(reader);
      }
    }
  }
}
