// The client side of the pipeline benchmark, run in a child process so that load generation and
// the sockets do not share the servers' event loop. The parent sends one job, the child answers
// with its figures and exits. Requests go through node:http with a keep-alive agent (fetch costs
// more per request than the floor server itself).
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { frameText, openSocket, pacedLoad, saturate, type PacedResult } from './pipeline-load.js';
import { openRawWs } from './raw-ws-counter.js';

export type ClientJob =
  | {
      kind: 'paced';
      url: string;
      headers: Record<string, string>;
      wsUrl: string;
      hello?: string;
      events: number;
      rate: number;
      /** Sent first at the same pace, not measured. @defaultValue 0 */
      warmUpEvents?: number;
      prefix: string;
      /** How many of the slowest events to send back with their times. @defaultValue 0 */
      keepSlowest?: number;
    }
  | {
      kind: 'saturate';
      url: string;
      headers: Record<string, string>;
      count: number;
      concurrency: number;
      batch: number;
      /** Events carry their own random ids (as a CRM that retries safely sends them), so ingest deduplicates. */
      withIds?: boolean;
    }
  | { kind: 'sockets'; wsUrl: string; hello?: string; count: number; expected: number };

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(url: string, headers: Record<string, string>, body: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 202));
      },
    );
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

export function eventBody(orderId: string, id?: string): Record<string, unknown> {
  return {
    ...(id === undefined ? {} : { id }),
    type: 'order.created',
    customerId: 'bench-customer',
    occurredAt: new Date().toISOString(),
    data: { orderId, total: 10, currency: 'EUR' },
  };
}

async function helloSocket(wsUrl: string, hello: string | undefined) {
  const socket = await openSocket(wsUrl);
  if (hello === undefined) return socket;
  await new Promise<void>((resolve) => {
    socket.on('message', function ready(data) {
      if (frameText(data).includes('"resume-complete"')) {
        socket.off('message', ready);
        resolve();
      }
    });
    socket.send(hello);
  });
  return socket;
}

async function run(job: ClientJob): Promise<unknown> {
  switch (job.kind) {
    case 'paced': {
      const socket = await helloSocket(job.wsUrl, job.hello);
      const result: PacedResult = await pacedLoad(
        {
          socket,
          marker: (frame) => {
            const f = frame as { type?: string; notification?: { data?: { orderId?: unknown } } };
            const id = f.notification?.data?.orderId;
            return f.type === 'notification' && typeof id === 'string' ? id : undefined;
          },
          stages: (frame) =>
            (frame as { notification?: { stages?: Record<string, number> } }).notification?.stages,
          send: (_i, marker) => post(job.url, job.headers, JSON.stringify(eventBody(marker))),
        },
        {
          events: job.events,
          rate: job.rate,
          concurrency: 64,
          warmUpEvents: job.warmUpEvents,
          prefix: job.prefix,
          keepSlowest: job.keepSlowest,
        },
      );
      socket.terminate();
      return result;
    }
    case 'saturate': {
      // Random, as the ids CRMs send mostly are (UUIDs): sequential ids would flatter the store,
      // whose index then only grows at its end.
      const event = (orderId: string) => eventBody(orderId, job.withIds === true ? randomUUID() : undefined);
      const body = (i: number) =>
        job.batch > 1
          ? JSON.stringify({ events: Array.from({ length: job.batch }, (_, j) => event(`b-${i}-${j}`)) })
          : JSON.stringify(event(`s-${i}`));
      return saturate(job.count, job.concurrency, (i) => post(job.url, job.headers, body(i)));
    }
    case 'sockets': {
      // Counted without decoding (see raw-ws-counter.ts), so the servers are what is measured.
      let received = 0;
      let first = 0;
      let resolveAll!: () => void;
      const all = new Promise<void>((resolve) => (resolveAll = resolve));
      const onFrame = () => {
        if (received === 0) first = performance.now();
        received += 1;
        if (received === job.expected) resolveAll();
      };
      const sockets = [];
      for (let i = 0; i < job.count; i++) {
        const socket = await openRawWs(job.wsUrl, onFrame);
        if (job.hello !== undefined) {
          const ready = socket.countAfter('"resume-complete"');
          socket.send(job.hello);
          await ready;
        }
        sockets.push(socket);
      }
      process.send!({ ready: true });
      await Promise.race([all, new Promise((resolve) => setTimeout(resolve, 60_000).unref())]);
      const elapsed = performance.now() - first;
      for (const socket of sockets) socket.close();
      return { received, perSecond: (received / elapsed) * 1000 };
    }
  }
}

process.once('message', (job: ClientJob) => {
  run(job).then(
    (result) => process.send!({ result }, () => process.exit(0)),
    (error: unknown) => process.send!({ error: String(error) }, () => process.exit(1)),
  );
});
