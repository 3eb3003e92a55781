// A separate process racing other processes for due reminders on one database file.
// Argument: JSON { path, owner, batch }. Prints "ready", waits for a line on stdin, claims
// until nothing is left, then prints the claimed reminder ids as one JSON line.
import { createInterface } from 'node:readline';
import { openStore } from '../src/index.js';

interface ChildCommand {
  path: string;
  owner: string;
  batch: number;
}

const command = JSON.parse(process.argv[2] ?? '{}') as ChildCommand;
const store = openStore({ path: command.path, busyTimeoutMs: 30_000 });
const lines = createInterface({ input: process.stdin });
const go = new Promise<void>((resolve) => lines.once('line', () => resolve()));
process.stdout.write('ready\n');
await go;
lines.close();

const claimed: string[] = [];
for (;;) {
  const batch = store.reminders.claimDue(Date.now(), command.owner, 60_000, command.batch);
  if (batch.length === 0) break;
  for (const reminder of batch) {
    claimed.push(reminder.id);
    store.reminders.markFired(reminder.tenantId, reminder.id, command.owner);
  }
  // A scheduler pauses between claims; a tight loop could keep the write lock from the others
  // (SQLite's busy handler sleeps), and then one process would claim everything.
  await new Promise((resolve) => setTimeout(resolve, 1));
}
process.stdout.write(`${JSON.stringify(claimed)}\n`);
await store.close();
