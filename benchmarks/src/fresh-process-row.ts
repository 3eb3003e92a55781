// The child side of compareInFreshProcess: runs one row and sends its result back.
import type { RowModule } from './fresh-process.js';

const [suite, row] = process.argv.slice(2);
const module = (await import(suite as string)) as RowModule;
const run = module.rows[row as string];
if (run === undefined) throw new Error(`No row "${String(row)}" in ${String(suite)}`);
const result = await run();
process.send?.(result, () => process.exit(0));
