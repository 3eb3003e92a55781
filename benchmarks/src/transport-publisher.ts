// The publisher of the transport bench's cross-process measurement, run in a child process: it
// opens the same SQLite log file and publishes one record per call at the rate it is given,
// each stamped with its send time on the epoch clock (shared by both processes).
import { createSqliteLog } from '@herald/transport/sqlite';

export interface PublisherJob {
  path: string;
  rate: number;
  seconds: number;
  payload: string;
}

async function publish(job: PublisherJob): Promise<void> {
  const log = createSqliteLog({ path: job.path });
  const tickMs = 5;
  const perTick = (job.rate * tickMs) / 1000;
  const start = performance.now();
  const sends: Promise<unknown>[] = [];
  let n = 0;
  for (let tick = 0; tick < (job.seconds * 1000) / tickMs; tick++) {
    const wait = start + tick * tickMs - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    for (let i = 0; i < perTick; i++) {
      const sent = String(performance.timeOrigin + performance.now());
      sends.push(
        log.publish('latency', [{ key: `acme:c-${n++ % 97}`, value: job.payload, headers: { sent } }]),
      );
    }
  }
  await Promise.all(sends);
  await log.close();
}

process.once('message', (job: PublisherJob) => {
  publish(job).then(
    () => process.send!('done', () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
