/** Where shutdown progress is told (a pino logger fits). */
export interface ShutdownLogger {
  info(details: Record<string, unknown>, message: string): void;
  info(message: string): void;
  error(details: Record<string, unknown>, message: string): void;
  flush?(callback: (error?: Error) => void): void;
}

/**
 * On the first SIGTERM or SIGINT, runs `close` and exits 0 once it is done (after the logs are
 * flushed), or 1 when it fails or outlasts `timeoutMs`. A second signal changes nothing.
 *
 * @example
 * stopOnSignals({ logger, timeoutMs: 10_000, close: async () => { await app.close(); await store.close(); } });
 */
export function stopOnSignals(options: {
  logger: ShutdownLogger;
  timeoutMs: number;
  close: () => Promise<void>;
}): void {
  const { logger, timeoutMs, close } = options;
  let stopping = false;
  const exit = (code: number) => {
    if (logger.flush === undefined) process.exit(code);
    else logger.flush(() => process.exit(code));
  };
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out');
      exit(1);
    }, timeoutMs);
    timer.unref();
    close().then(
      () => {
        clearTimeout(timer);
        logger.info('stopped');
        exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop(signal));
}

/** A Node HTTP or HTTP/2 server, as `@hono/node-server`'s `serve` returns. */
export interface ClosableServer {
  close(callback?: (error?: Error) => void): unknown;
}

/** A Node HTTP or HTTP/2 server, as `@hono/node-server`'s `serve` returns. */
export interface ClosableServer {
  close(callback?: (error?: Error) => void): unknown;
}

/**
 * Stops accepting connections and resolves once the open ones are done (idle keep-alive
 * connections are closed at once).
 *
 * @example
 * await closeServer(server);
 */
export function closeServer(server: ClosableServer): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const idle = (server as { closeIdleConnections?: () => void }).closeIdleConnections;
  idle?.call(server);
  return closed;
}
