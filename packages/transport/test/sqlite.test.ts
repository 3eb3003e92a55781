import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createSqliteLog } from '@herald/transport/sqlite';
import { describeEventLogContract } from './event-log-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'herald-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

describeEventLogContract('sqlite', () => {
  const path = join(dir, `log-${++counter}.db`);
  return {
    sessionTimeoutMs: 1000,
    childUrl: () => `sqlite:${path}`,
    open: (options = {}) =>
      Promise.resolve(createSqliteLog({ path, sessionTimeoutMs: 1000, heartbeatIntervalMs: 50, ...options })),
  };
});
