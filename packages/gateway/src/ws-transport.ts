import type { Duplex } from 'node:stream';
import { encodeFrame, type CloseCode } from '@herald/protocol';
import type { WebSocket } from 'ws';
import type { FrameTransport } from './connection.js';

/**
 * A WebSocket as a frame transport. A batch is written with the upgraded socket corked, so the
 * frames of one tick leave in one `writev` instead of one syscall each. A socket closed while its
 * peer is not reading is terminated after `closeGraceMs`, so its buffers are released.
 *
 * @example
 * const transport = createWsTransport(ws, socket, 2_000);
 */
export function createWsTransport(ws: WebSocket, socket: Duplex, closeGraceMs: number): FrameTransport {
  return {
    kind: 'ws',
    write(frames) {
      socket.cork();
      try {
        // Text frames (opcode 1) from bytes: ws sends a buffer as it is, unmasked on a server.
        for (const frame of frames) ws.send(frame, { binary: false });
      } finally {
        socket.uncork();
      }
    },
    bufferedBytes: () => ws.bufferedAmount,
    onceDrained(listener) {
      if (!socket.writableNeedDrain) {
        setImmediate(listener);
        return;
      }
      const done = (): void => {
        socket.off('drain', done);
        socket.off('close', done);
        listener();
      };
      socket.on('drain', done);
      socket.on('close', done);
    },
    encode: (frame) => Buffer.from(encodeFrame(frame)),
    close(code: CloseCode, reason: string) {
      if (ws.readyState === ws.CLOSED) return;
      ws.close(code, reason);
      setTimeout(() => ws.terminate(), closeGraceMs).unref();
    },
  };
}
