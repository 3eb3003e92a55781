import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { WebSocketServer, type WebSocket } from 'ws';

type FloorEvent = { data?: { orderId?: unknown } };

/**
 * What a hand-rolled service with Herald's guarantees must write, with better-sqlite3 on its
 * defaults for a service (WAL, `synchronous = NORMAL`, SQLite's own checkpoints): the event is
 * appended and committed before the 202, and its notification committed before the frame.
 */
function durableWrites(path: string) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE events (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
    CREATE TABLE notifications (id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL, frame TEXT NOT NULL)`);
  const appendOne = db.prepare<[string]>('INSERT INTO events (body) VALUES (?)');
  const storeOne = db.prepare<[number | bigint, string]>(
    'INSERT INTO notifications (event_id, frame) VALUES (?, ?)',
  );
  return {
    append: db.transaction((bodies: string[]) => bodies.map((body) => appendOne.run(body).lastInsertRowid)),
    store: db.transaction((rows: [number | bigint, string][]) => {
      for (const [eventId, frame] of rows) storeOne.run(eventId, frame);
    }),
    close: () => db.close(),
  };
}

/**
 * Synthetic per-event work, in microseconds of the event loop's time, done before the 202 and
 * between the 202 and the frame: it stands in for a server's own work, to find how much of it
 * a latency target leaves room for.
 */
export interface FloorWork {
  beforeAnswerUs: number;
  afterAnswerUs: number;
}

/** Keeps the thread busy for `us` microseconds (a loop on the clock: nothing else runs meanwhile). */
function busyFor(us: number): void {
  const until = performance.now() + us / 1000;
  while (performance.now() < until);
}

/**
 * The floors of the pipeline benchmark, node:http + ws with nothing else. `POST /v1/events`
 * parses the JSON, answers 202 and writes a frame with the event's order id to every socket;
 * `POST /v1/events/batch` does the same per event. With `durable`, the floor also does the
 * two SQLite commits Herald's guarantees need (see `durableWrites`); with `work` instead, it
 * spends that long per event (see {@link FloorWork}). Either way it sends the frames after the 202, as
 * Herald does.
 */
export async function startFloor(
  options: { durable?: { path: string }; work?: FloorWork } = {},
): Promise<{ url: string; wss: WebSocketServer; close(): Promise<void> }> {
  if (options.durable !== undefined && options.work !== undefined) {
    throw new Error('a floor is durable or spends synthetic work, not both');
  }
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true });
  const durable = options.durable === undefined ? undefined : durableWrites(options.durable.path);
  const work = options.work;
  const frameOf = (event: FloorEvent) =>
    JSON.stringify({ type: 'notification', notification: { data: { orderId: event.data?.orderId } } });
  const broadcast = (frame: string) => {
    for (const socket of sockets) socket.send(frame);
  };
  const accept = (events: FloorEvent[], answer: () => void) => {
    if (work !== undefined) {
      busyFor(work.beforeAnswerUs * events.length);
      answer();
      setImmediate(() => {
        for (const event of events) {
          busyFor(work.afterAnswerUs);
          broadcast(frameOf(event));
        }
      });
      return;
    }
    if (durable === undefined) {
      for (const event of events) broadcast(frameOf(event));
      answer();
      return;
    }
    const ids = durable.append(events.map((event) => JSON.stringify(event)));
    answer();
    setImmediate(() => {
      const frames = events.map(frameOf);
      durable.store(frames.map((frame, i) => [ids[i] as number | bigint, frame]));
      for (const frame of frames) broadcast(frame);
    });
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      try {
        const parsed = JSON.parse(body) as { events?: FloorEvent[] } & FloorEvent;
        const events = req.url === '/v1/events/batch' ? (parsed.events ?? []) : [parsed];
        accept(events, () => {
          res.writeHead(202, { 'content-type': 'application/json' });
          res.end('{"status":"accepted"}');
        });
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    wss,
    async close() {
      for (const socket of sockets) socket.terminate();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      durable?.close();
    },
  };
}
