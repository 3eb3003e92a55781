import { defineHeraldProject } from '../../vitest.shared.js';

// Consumer-group tests wait for rebalances and child processes: generous per-test time.
export default defineHeraldProject('transport', { test: { testTimeout: 30_000, hookTimeout: 30_000 } });
