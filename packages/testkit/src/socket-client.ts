import { closeCodeInfo, decodeServerFrame, type Notification, type ServerFrame } from '@herald/protocol';
import WebSocket from 'ws';

export interface Closed {
  code: number;
  reason: string;
}

/** A real `ws` client that records every frame it gets. */
export class TestClient implements AsyncDisposable {
  readonly ws: WebSocket;
  readonly frames: ServerFrame[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<Closed>;
  #waiters: (() => void)[] = [];

  constructor(url: string, options: WebSocket.ClientOptions = {}) {
    this.ws = new WebSocket(url, options);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => {
      this.ws.once('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.#wake();
      });
    });
    this.ws.on('error', () => {});
    this.ws.on('message', (data) => {
      const bytes = Array.isArray(data)
        ? Buffer.concat(data)
        : data instanceof ArrayBuffer
          ? Buffer.from(data)
          : data;
      const text = bytes.toString('utf8');
      const decoded = decodeServerFrame(text);
      if (!decoded.success) throw new Error(`bad server frame: ${text}`);
      this.frames.push(decoded.frame);
      this.#wake();
    });
  }

  static async connect(port: number, query = '', options: WebSocket.ClientOptions = {}): Promise<TestClient> {
    const client = new TestClient(`ws://127.0.0.1:${port}/v1/ws${query}`, options);
    await client.opened;
    return client;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  notifications(): Notification[] {
    return this.frames.flatMap((frame) =>
      frame.type === 'notification' || frame.type === 'replace' ? [frame.notification] : [],
    );
  }

  seqs(): number[] {
    return this.notifications().map((item) => item.seq);
  }

  /** Resolves once `predicate` holds over the frames so far; rejects after `timeoutMs`. */
  async until(predicate: (frames: ServerFrame[]) => boolean, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.frames)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; frames: ${JSON.stringify(this.frames.map((f) => f.type))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends `hello` and waits for `resume-complete`. */
  async hello(token?: string, lastSeq?: number): Promise<void> {
    const frame: Record<string, unknown> = { type: 'hello' };
    if (token !== undefined) frame['token'] = token;
    if (lastSeq !== undefined) frame['lastSeq'] = lastSeq;
    this.send(frame);
    await this.until((frames) => frames.some((f) => f.type === 'resume-complete'));
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.terminate();
    await this.closed;
  }
}

/** Waits for a client's close and names its code. */
export async function closeOf(client: TestClient, timeoutMs = 5_000): Promise<Closed & { name?: string }> {
  const closed = await Promise.race([
    client.closed,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('no close in time')), timeoutMs).unref(),
    ),
  ]);
  const name = closeCodeInfo(closed.code)?.name;
  return name === undefined ? closed : { ...closed, name };
}
