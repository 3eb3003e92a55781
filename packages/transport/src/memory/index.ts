export { createMemoryLog } from './create-memory-log.js';
export type { EmbeddedLogOptions } from '../embedded/embedded-event-log.js';
