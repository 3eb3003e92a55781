// Runs one comparison of a suite in a child process of its own. V8 specialises a
// function on the types and callbacks it has met, so in one process a row's figures
// depend on the rows that ran before it: a heap that had queued objects ran 5× slower on
// numbers afterwards, ours and fastpriorityqueue alike (measured). A fresh process per
// row gives every row the same clean start.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { recordResult, type ComparisonResult } from './harness.js';

/** A suite module whose rows can run one per process. */
export interface RowModule {
  rows: Record<string, () => Promise<ComparisonResult>>;
}

/**
 * Runs `rows[row]` of the module at `suite` in a fresh Node process with this process's
 * flags (the TypeScript loader, the source condition). Its printing goes to this stdout;
 * its result joins this run's JSON report.
 */
export async function compareInFreshProcess(suite: string | URL, row: string): Promise<void> {
  const child = fork(
    fileURLToPath(new URL('./fresh-process-row.ts', import.meta.url)),
    [String(suite), row],
    {
      execArgv: process.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  let result: ComparisonResult | undefined;
  child.on('message', (message) => {
    result = message as ComparisonResult;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0 || result === undefined) {
    throw new Error(`Benchmark row "${row}" of ${String(suite)} failed (exit code ${String(code)})`);
  }
  recordResult(result);
}
