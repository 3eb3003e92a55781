import { apiError } from '@herald/protocol';
import type { Hono, Env } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ErrorResponse } from './error-response.js';

/** Where unexpected errors are reported (a pino logger fits). */
export interface ErrorLogger {
  error(details: Record<string, unknown>, message: string): void;
}

/**
 * Makes every error answer JSON: an `ErrorResponse` with its status, body and headers; anything
 * else a logged 500; unknown routes a 404 naming the method and path.
 *
 * @example
 * const app = new Hono();
 * answerErrorsAsJson(app, logger);
 */
export function answerErrorsAsJson<E extends Env>(app: Hono<E>, logger: ErrorLogger): void {
  app.onError((error, c) => {
    if (error instanceof ErrorResponse) {
      return c.json(error.body, error.status as ContentfulStatusCode, error.headers);
    }
    logger.error({ err: error, path: c.req.path }, 'unhandled error');
    return c.json(apiError('internal', 'internal error'), 500);
  });
  app.notFound((c) => c.json(apiError('not_found', `no route ${c.req.method} ${c.req.path}`), 404));
}
