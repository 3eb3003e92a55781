import { apiError } from '@herald/protocol';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/**
 * Middleware refusing bodies larger than `maxBytes` with `413 payload_too_large` JSON, before
 * they are read into memory.
 *
 * @example
 * app.use('/v1/*', limitBody(64 * 1024));
 */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) => c.json(apiError('payload_too_large', `the body is larger than ${maxBytes} bytes`), 413),
  });
}
