// A separate process opening a store on a database file at the same moment as others.
// Argument: JSON { path }. Prints "ready", waits for a line on stdin, opens the store (which
// migrates), then prints "opened" or the error code.
import { createInterface } from 'node:readline';
import { openStore, StoreError } from '../src/index.js';

const { path } = JSON.parse(process.argv[2] ?? '{}') as { path: string };
const lines = createInterface({ input: process.stdin });
const go = new Promise<void>((resolve) => lines.once('line', () => resolve()));
process.stdout.write('ready\n');
await go;
lines.close();
try {
  const store = openStore({ path, busyTimeoutMs: 30_000 });
  store.tenants.create({ id: `tenant-${process.pid}`, name: 'racer' });
  await store.close();
  process.stdout.write('opened\n');
} catch (error) {
  process.stdout.write(`${StoreError.isInstance(error) ? error.code : 'raw'}: ${String(error)}\n`);
}
