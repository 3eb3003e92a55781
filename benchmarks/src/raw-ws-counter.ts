// A WebSocket client that counts the server's text frames without decoding them: the fan-out
// benchmark's receiving end. A `ws` client decodes and emits every message, and one process of
// them tops out near 100k messages/s on this machine, below what the servers send; skipping
// payloads by their length costs next to nothing per frame, so what is measured is the server.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** One connection: `frames` counts its text frames (after `countAfter`'s marker, if called). */
export interface RawWsCounter {
  frames: number;
  /** Counts only the frames after the first one containing `marker` (payloads are read until then). */
  countAfter(marker: string): Promise<void>;
  /** Sends a text frame (masked, as clients must). */
  send(text: string): void;
  close(): void;
}

/** Connects and upgrades; `onFrame` runs for every counted text frame. */
export function openRawWs(url: string, onFrame: () => void): Promise<RawWsCounter> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(Number(port), hostname);
    socket.setNoDelay(true);
    let handshake = '';
    let upgraded = false;
    // Frame parsing state: bytes of the current header gathered so far, and payload left to skip.
    const header = Buffer.alloc(14);
    let headerBytes = 0;
    let payloadLeft = 0;
    let opcode = 0;
    let capture: Buffer[] | undefined;
    let waiting: { marker: string; resolve: () => void } | undefined;
    const counter: RawWsCounter = {
      frames: 0,
      countAfter(marker) {
        capture = [];
        return new Promise((done) => (waiting = { marker, resolve: done }));
      },
      send(text) {
        const payload = Buffer.from(text);
        const mask = randomBytes(4);
        const head =
          payload.length < 126
            ? Buffer.from([0x81, 0x80 | payload.length])
            : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
        for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i & 3]!;
        socket.write(Buffer.concat([head, mask, payload]));
      },
      close: () => socket.destroy(),
    };
    const frameDone = (): void => {
      if (opcode !== 1) return;
      if (capture !== undefined && waiting !== undefined) {
        const text = Buffer.concat(capture).toString('utf8');
        capture.length = 0;
        if (text.includes(waiting.marker)) {
          capture = undefined;
          const { resolve: done } = waiting;
          waiting = undefined;
          done();
          return;
        }
      }
      if (capture === undefined) {
        counter.frames += 1;
        onFrame();
      }
    };
    const onData = (chunk: Buffer): void => {
      let at = 0;
      while (at < chunk.length) {
        if (payloadLeft > 0) {
          const take = Math.min(payloadLeft, chunk.length - at);
          if (capture !== undefined) capture.push(chunk.subarray(at, at + take));
          at += take;
          payloadLeft -= take;
          if (payloadLeft === 0) frameDone();
          continue;
        }
        header[headerBytes++] = chunk[at++]!;
        if (headerBytes < 2) continue;
        const short = header[1]! & 0x7f;
        const need = short < 126 ? 2 : short === 126 ? 4 : 10;
        if (headerBytes < need) continue;
        opcode = header[0]! & 0x0f;
        payloadLeft =
          short < 126 ? short : short === 126 ? header.readUInt16BE(2) : Number(header.readBigUInt64BE(2));
        headerBytes = 0;
        if (payloadLeft === 0) frameDone();
      }
    };
    socket.on('data', (chunk: Buffer) => {
      if (upgraded) return onData(chunk);
      handshake += chunk.toString('latin1');
      const end = handshake.indexOf('\r\n\r\n');
      if (end === -1) return;
      if (!handshake.startsWith('HTTP/1.1 101')) {
        reject(new Error(`no upgrade: ${handshake.split('\r\n')[0]}`));
        socket.destroy();
        return;
      }
      upgraded = true;
      resolve(counter);
      const rest = Buffer.from(handshake.slice(end + 4), 'latin1');
      if (rest.length > 0) onData(rest);
    });
    socket.once('error', reject);
    socket.write(
      `GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
}
