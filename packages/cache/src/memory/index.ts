export { MemoryCache, type MemoryCacheOptions } from './memory-cache.js';
export { MemoryStore, type MemoryStoreOptions, type MemoryEntry } from './memory-store.js';
export { MemoryBus, type MemorySubscription } from './memory-bus.js';
