import { encodeSseFrame, type CloseCode } from '@herald/protocol';
import type { FrameTransport } from './connection.js';

/** An SSE comment: keeps proxies from closing an idle stream. */
const keepAliveBytes = new TextEncoder().encode(': keep-alive\n\n');

/**
 * The headers of an SSE answer: not cached, not transformed, not buffered by nginx. A new object
 * each time: `@hono/node-server` writes `Content-Length` into the headers object of a response
 * with a string body, and a shared one would then cut every later stream short.
 */
export function sseHeaders(): Record<string, string> {
  return {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
  };
}

/**
 * How long a browser's `EventSource` waits before it reconnects a stream that ended: 1–3 s,
 * spread at random so the clients of a restarted instance do not all come back at once (the
 * browsers' own default is a fixed 3 s or so).
 */
export function sseRetryMs(random: () => number = Math.random): number {
  return 1000 + Math.floor(random() * 2000);
}

/**
 * The answer to a stream request while the gateway shuts down: a stream that says when to come
 * back and ends at once. `EventSource` takes any status but 200 as final and never retries, so a
 * 503 would leave a browser without notifications until the page reloads; with this it
 * reconnects after the `retry` delay, with its `Last-Event-ID`, to whichever instance is up.
 *
 * @example
 * if (closing) return reconnectLaterResponse(4010, 'server shutting down, resume elsewhere');
 */
export function reconnectLaterResponse(code: CloseCode, reason: string): Response {
  // The connection closes too: reused for the retries, a keep-alive connection would hold the
  // closing server open for as long as the browser keeps coming back.
  return new Response(`retry: ${sseRetryMs()}\n: close ${code} ${reason}\n\n`, {
    headers: { ...sseHeaders(), connection: 'close' },
  });
}

/** An SSE response body and the transport that writes to it. */
export interface SseStream {
  body: ReadableStream<Uint8Array>;
  transport: FrameTransport & { keepAlive(): void };
}

/**
 * An SSE body stream whose queue is bounded in bytes: the server reads it only as fast as the
 * client takes it, so `desiredSize` is the backpressure signal. It opens with the `retry` delay
 * ({@link sseRetryMs}).
 *
 * `destroy` cuts the underlying response (a slow reader is dropped at once, its buffers with it);
 * without it, the stream errors, which the server reports as a failed response.
 *
 * @example
 * const { body, transport } = createSseStream(1 << 20, () => gone(), () => outgoing.destroy());
 */
export function createSseStream(
  maxBufferedBytes: number,
  onCancel: () => void,
  destroy?: () => void,
): SseStream {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let drained: (() => void) | undefined;
  let open = true;
  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        // First, so a browser reconnects after this delay whenever the stream ends.
        c.enqueue(encoder.encode(`retry: ${sseRetryMs()}\n\n`));
      },
      pull() {
        const listener = drained;
        drained = undefined;
        listener?.();
      },
      cancel() {
        open = false;
        const listener = drained;
        drained = undefined;
        listener?.();
        onCancel();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: maxBufferedBytes }),
  );
  const enqueue = (bytes: Uint8Array): void => {
    if (open) controller.enqueue(bytes);
  };
  return {
    body,
    transport: {
      kind: 'sse',
      write: (frames) => enqueue(frames.length === 1 ? frames[0]! : Buffer.concat(frames)),
      bufferedBytes: () => (open ? Math.max(0, maxBufferedBytes - (controller.desiredSize ?? 0)) : 0),
      onceDrained(listener) {
        if (!open || (controller.desiredSize ?? 0) > 0) setImmediate(listener);
        else drained = listener;
      },
      encode: (frame) => encoder.encode(encodeSseFrame(frame)),
      keepAlive: () => enqueue(keepAliveBytes),
      close(code: CloseCode, reason: string) {
        if (!open) return;
        open = false;
        if (code === 4008) {
          // Drop what the client has not taken: it resumes from its Last-Event-ID.
          if (destroy !== undefined) destroy();
          else controller.error(new Error(reason));
        } else {
          controller.enqueue(encoder.encode(`: close ${code} ${reason}\n\n`));
          controller.close();
        }
      },
    },
  };
}
