import type { MiddlewareHandler } from 'hono';
import { ErrorResponse } from './error-response.js';

/**
 * Lets requests through until `close()`, then answers 503 with `Retry-After`; `close()`
 * resolves once the requests already in progress are done — how an app stops taking work
 * without cutting any off.
 *
 * @example
 * const gate = new RequestGate(5);
 * app.use('/v1/*', gate.middleware);
 * await gate.close(); // at shutdown
 */
export class RequestGate {
  readonly middleware: MiddlewareHandler;
  #closing = false;
  #active = 0;
  #idle: (() => void) | undefined;
  #closed: Promise<void> | undefined;

  constructor(retryAfterSeconds: number) {
    this.middleware = async (_c, next) => {
      if (this.#closing) {
        throw ErrorResponse.of(503, 'unavailable', 'shutting down', undefined, {
          'Retry-After': String(retryAfterSeconds),
        });
      }
      this.#active += 1;
      try {
        await next();
      } finally {
        this.#active -= 1;
        if (this.#active === 0) this.#idle?.();
      }
    };
  }

  /** True once `close()` was called. */
  get closing(): boolean {
    return this.#closing;
  }

  /** Refuses new requests and resolves when those in progress finish. Idempotent. */
  close(): Promise<void> {
    this.#closing = true;
    this.#closed ??=
      this.#active === 0 ? Promise.resolve() : new Promise<void>((resolve) => (this.#idle = resolve));
    return this.#closed;
  }
}
