import type { CacheErrorHandler, MessageHandler } from './cache.js';
import { CacheError } from './cache-error.js';

/** Runs one handler so that neither a throw nor a rejection escapes to the delivering loop. */
export function deliverMessage(
  handler: MessageHandler,
  message: string,
  channel: string,
  onError: CacheErrorHandler,
): void {
  const report = (cause: unknown) =>
    onError(new CacheError('HANDLER_FAILED', `A handler for channel "${channel}" failed`, { cause }));
  try {
    const result = handler(message, channel);
    if (result instanceof Promise) result.catch(report);
  } catch (error) {
    report(error);
  }
}

/** The default `onError`: nobody awaits these failures, so they go to stderr rather than vanish. */
export function logCacheError(error: CacheError): void {
  console.error(`[@herald/cache] ${error.code}: ${error.message}`, error.cause ?? '');
}
