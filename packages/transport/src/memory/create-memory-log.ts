import { AppendNotifier } from '../embedded/append-notifier.js';
import { EmbeddedEventLog, type EmbeddedLogOptions } from '../embedded/embedded-event-log.js';
import type { EventLog } from '../event-log.js';
import { MemoryLogStorage } from './memory-log-storage.js';

/**
 * An event log held in this process's memory: the full semantics (partitions, groups,
 * retries, dead letters) without durability. For tests and throwaway runs.
 *
 * @example
 * await using log = createMemoryLog();
 * await log.publish('herald.events', [{ key: 'acme:c1', value: '{}' }]);
 */
export function createMemoryLog(options: EmbeddedLogOptions = {}): EventLog {
  return new EmbeddedEventLog('memory', new MemoryLogStorage(), new AppendNotifier(), options);
}
