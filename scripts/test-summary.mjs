// Totals the per-package vitest JSON reports into one closing line, so the whole
// matrix ends on a single "N passed, N failed" that people and CI can read at a glance.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const workspaces = ['packages', 'apps']
  .filter((dir) => existsSync(join(root, dir)))
  .flatMap((dir) => readdirSync(join(root, dir)).map((name) => join(root, dir, name)));

let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const workspace of workspaces) {
  const reportPath = join(workspace, 'test-results.json');
  if (!existsSync(reportPath)) continue;
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  const pending = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += pending;
  rows.push(
    `${workspace.slice(root.length).padEnd(28)} ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${pending} skipped`,
  );
}
console.log('\nTest matrix');
for (const row of rows) console.log(`  ${row}`);
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
// turbo's own exit status (passed as the first argument) also catches a package whose
// tests could not start, and so wrote no report.
const turboStatus = Number(process.argv[2] ?? 0);
if (turboStatus !== 0 && failed === 0)
  console.log(`(a package's test task failed before reporting: turbo exited ${turboStatus})`);
process.exitCode = failed > 0 || rows.length === 0 || turboStatus !== 0 ? 1 : 0;
