export type {
  Cache,
  CacheErrorHandler,
  HsetIfNewerOptions,
  MessageHandler,
  TtlOptions,
  Unsubscribe,
} from './cache.js';
export { CacheError, type CacheErrorCode } from './cache-error.js';
export { createCache, type CreateCacheOptions } from './create-cache.js';
