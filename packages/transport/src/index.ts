export { createEventLog, type CreateEventLogOptions } from './create-event-log.js';
export { parseLogUrl, type LogLocation } from './parse-log-url.js';
export { partitionForKey } from './partitioner.js';
export { deadLetterHeaders } from './deliver-batch.js';
export { TransportError, type TransportErrorCode } from './transport-error.js';
export type { EmbeddedLogOptions } from './embedded/embedded-event-log.js';
export type {
  BatchHandler,
  ConsumedBatch,
  ConsumedRecord,
  EventLog,
  LogRecord,
  PublishedRecord,
  RecordValue,
  RetryPolicy,
  SubscribeOptions,
  Subscription,
  TopicOptions,
} from './event-log.js';
