import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * The floor of the pipeline benchmark: node:http + ws with nothing else. `POST /v1/events`
 * parses the JSON, answers 202 and writes a frame with the event's order id to every socket;
 * `POST /v1/events/batch` does the same per event.
 */
export async function startFloor(): Promise<{ url: string; wss: WebSocketServer; close(): Promise<void> }> {
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true });
  const broadcast = (event: { data?: { orderId?: unknown } }) => {
    const frame = JSON.stringify({
      type: 'notification',
      notification: { data: { orderId: event.data?.orderId } },
    });
    for (const socket of sockets) socket.send(frame);
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      try {
        const parsed = JSON.parse(body) as {
          events?: { data?: { orderId?: unknown } }[];
          data?: { orderId?: unknown };
        };
        if (req.url === '/v1/events/batch') for (const event of parsed.events ?? []) broadcast(event);
        else broadcast(parsed);
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end('{"status":"accepted"}');
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
    },
  };
}
