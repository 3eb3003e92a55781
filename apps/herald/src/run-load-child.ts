// `herald bench` runs its load from this process, so that sending requests and reading
// notifications do not share the event loop of the Herald it measures. The parent sends one
// job; this process answers with progress (at most every 100 ms) and then the result.
import { runLoad, type LoadOptions, type LoadResult, type LoadTarget } from './run-load.js';

/** What the parent sends. */
export interface LoadJob {
  target: LoadTarget;
  options: Omit<LoadOptions, 'onProgress'>;
}

/** What this process answers. */
export type LoadMessage =
  | { progress: { sent: number; received: number; failed: number } }
  | { result: LoadResult }
  | { error: string };

const send = (message: LoadMessage, then: () => void = () => undefined) => process.send?.(message, then);

process.once('message', (job: LoadJob) => {
  let reportedAt = 0;
  runLoad(job.target, {
    ...job.options,
    onProgress: (progress) => {
      const now = performance.now();
      if (now - reportedAt < 100) return;
      reportedAt = now;
      send({ progress });
    },
  }).then(
    (result) => send({ result }, () => process.exit(0)),
    (error: unknown) =>
      send({ error: error instanceof Error ? error.message : String(error) }, () => process.exit(1)),
  );
});
