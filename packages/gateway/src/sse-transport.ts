import { encodeSseFrame, type CloseCode } from '@herald/protocol';
import type { FrameTransport } from './connection.js';

/** An SSE comment: keeps proxies from closing an idle stream. */
const keepAliveBytes = new TextEncoder().encode(': keep-alive\n\n');

/** An SSE response body and the transport that writes to it. */
export interface SseStream {
  body: ReadableStream<Uint8Array>;
  transport: FrameTransport & { keepAlive(): void };
}

/**
 * An SSE body stream whose queue is bounded in bytes: the server reads it only as fast as the
 * client takes it, so `desiredSize` is the backpressure signal.
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
