// A separate process that uses the log and is then killed with SIGKILL by a test, to
// prove what survives a crash. Reads one JSON argument; reports on stdout, a line each.
import { setTimeout as sleep } from 'node:timers/promises';
import { createEventLog } from '@herald/transport';

interface ChildCommand {
  url: string;
  mode: 'publish' | 'consume-and-hang' | 'consume';
  topic: string;
  group?: string;
  count?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Opens the log at this time (epoch ms), so that several children open it together. */
  openAt?: number;
}

const command = JSON.parse(process.argv[2] ?? '{}') as ChildCommand;
if (command.openAt !== undefined) await sleep(Math.max(0, command.openAt - Date.now()));
const log = await createEventLog(command.url, {
  sessionTimeoutMs: command.sessionTimeoutMs ?? 1000,
  heartbeatIntervalMs: command.heartbeatIntervalMs ?? 100,
  kafka: {
    sessionTimeoutMs: command.sessionTimeoutMs ?? 1000,
    heartbeatIntervalMs: command.heartbeatIntervalMs ?? 100,
    rebalanceTimeoutMs: 1000,
  },
});

if (command.mode === 'publish') {
  const records = Array.from({ length: command.count ?? 1 }, (_, i) => ({
    key: `k${i % 7}`,
    value: `durable-${i}`,
  }));
  const published = await log.publish(command.topic, records);
  process.stdout.write(`published ${JSON.stringify(published)}\n`);
} else {
  await log.subscribe({
    topic: command.topic,
    group: command.group ?? 'child',
    handler: async (batch) => {
      for (const record of batch.records) process.stdout.write(`got ${record.partition}:${record.offset}\n`);
      // consume-and-hang never finishes its batch, so nothing it received is committed.
      if (command.mode === 'consume-and-hang') await new Promise(() => {});
    },
  });
  process.stdout.write('subscribed\n');
}
// Stay alive until killed.
setInterval(() => {}, 60_000);
