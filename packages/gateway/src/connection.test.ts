import type { ServerFrame } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { Connection, type FrameTransport } from './connection.js';

function transport(kind: 'ws' | 'sse', written: string[][], encoded: ServerFrame[]): FrameTransport {
  return {
    kind,
    write: (frames) => written.push(frames.map((frame) => Buffer.from(frame).toString())),
    bufferedBytes: () => 0,
    onceDrained: (listener) => setImmediate(listener),
    encode: (frame) => {
      encoded.push(frame);
      return Buffer.from(`${kind}:${JSON.stringify(frame)}`);
    },
    close: () => undefined,
  };
}

const limits = { maxQueuedFrames: 100, maxBufferedBytes: 1 << 20 };
const hooks = { onFramesWritten: () => undefined, onTooSlow: () => undefined };

describe('Connection', () => {
  it('encodes a frame shared by many connections once per transport kind', async () => {
    const written: string[][] = [];
    const encoded: ServerFrame[] = [];
    const connections = [
      ...Array.from(
        { length: 5 },
        () => new Connection('acme', 'rep-7', transport('ws', written, encoded), limits, hooks),
      ),
      ...Array.from(
        { length: 3 },
        () => new Connection('acme', 'rep-7', transport('sse', written, encoded), limits, hooks),
      ),
    ];
    const frame: ServerFrame = { type: 'resume-complete', count: 0, lastSeq: 0 };
    for (const connection of connections) connection.send(frame);
    await Promise.all(connections.map((connection) => connection.whenFlushed()));
    expect(encoded).toHaveLength(2);
    expect(written.flat().filter((text) => text.startsWith('ws:'))).toHaveLength(5);
    expect(written.flat().filter((text) => text.startsWith('sse:'))).toHaveLength(3);
    // A different frame object is encoded on its own, even with the same content.
    connections[0]!.send({ ...frame });
    expect(encoded).toHaveLength(3);
  });

  it('writes a frame to an idle connection at the end of the task, before I/O waiting in the loop', async () => {
    await new Promise((resolve) => setTimeout(resolve, 5)); // idle: no flush for a while
    const order: string[] = [];
    const written: string[][] = [];
    const connection = new Connection('acme', 'rep-7', transport('ws', written, []), limits, {
      ...hooks,
      onFramesWritten: () => order.push('written'),
    });
    setImmediate(() => order.push('immediate queued before'));
    connection.send({ type: 'resume-complete', count: 0, lastSeq: 0 });
    await connection.whenFlushed();
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['written', 'immediate queued before']);
  });

  it('coalesces frames that follow a flush closely into one write for the loop turn', async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const written: string[][] = [];
    const connection = new Connection('acme', 'rep-7', transport('ws', written, []), limits, hooks);
    connection.send({ type: 'resume-complete', count: 0, lastSeq: 0 });
    await connection.whenFlushed();
    // A burst right after: it waits for setImmediate and leaves together.
    for (let i = 1; i <= 50; i++) connection.send({ type: 'resume-complete', count: i, lastSeq: i });
    await Promise.resolve();
    expect(written).toHaveLength(1);
    await connection.whenFlushed();
    expect(written.map((batch) => batch.length)).toEqual([1, 50]);
  });
});
