import { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/**
 * The `node:http` request behind `c` when it was served by `@hono/node-server`, else `undefined`
 * (`app.request()` in tests, other runtimes). Reading headers and the body straight from it
 * spares a request the web `Request`, `Headers` and `ReadableStream` the adapter otherwise builds
 * — the larger part of a small request's cost.
 */
export function nodeRequest(c: Context): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof IncomingMessage ? incoming : undefined;
}

/** A request header by lower-case name, from the node request when there is one. */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = nodeRequest(c);
  if (incoming === undefined) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * The body as text. A node request framed by `Content-Length` (its size already checked by
 * `limitBody`) is read directly; chunked bodies and every other runtime go through hono, where
 * `limitBody` counts the bytes as they arrive.
 */
export function requestText(c: Context): Promise<string> {
  const incoming = nodeRequest(c);
  if (
    incoming === undefined ||
    incoming.readableDidRead ||
    incoming.headers['transfer-encoding'] !== undefined
  ) {
    return c.req.text();
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let ended = false;
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.once('end', () => {
      ended = true;
      resolve((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8'));
    });
    incoming.once('error', reject);
    incoming.once('close', () => {
      if (!ended) reject(new Error('the request was aborted before its body arrived'));
    });
  });
}
