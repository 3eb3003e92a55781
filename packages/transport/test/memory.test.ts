import { createMemoryLog } from '@herald/transport/memory';
import { describeEventLogContract } from './event-log-contract.js';

describeEventLogContract('memory', () => {
  // One log per test: the memory driver's storage lives in its instance.
  let log: ReturnType<typeof createMemoryLog> | undefined;
  return {
    sessionTimeoutMs: 1000,
    open: (options = {}) => {
      log ??= createMemoryLog({ sessionTimeoutMs: 1000, heartbeatIntervalMs: 50, ...options });
      return Promise.resolve(log);
    },
  };
});
