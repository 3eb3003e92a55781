import { apiError } from '@herald/protocol';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { nodeRequest } from './node-request.js';

/**
 * Middleware refusing bodies larger than `maxBytes` with `413 payload_too_large` JSON, before
 * they are read into memory. A node request framed by `Content-Length` is judged by that header
 * alone (node's parser holds the body to it); chunked bodies are counted as they arrive.
 *
 * @example
 * app.use('/v1/*', limitBody(64 * 1024));
 */
export function limitBody(maxBytes: number): MiddlewareHandler {
  const tooLarge = (c: Context) =>
    c.json(apiError('payload_too_large', `the body is larger than ${maxBytes} bytes`), 413);
  const counting = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    const incoming = nodeRequest(c);
    if (incoming === undefined || incoming.headers['transfer-encoding'] !== undefined) {
      return counting(c, next);
    }
    const length = Number(incoming.headers['content-length'] ?? 0);
    if (length > maxBytes) return tooLarge(c);
    await next();
  };
}
