import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { pino } from 'pino';
import type { LoadJob, LoadMessage } from './run-load-child.js';
import { runLoad, type LoadOptions, type LoadResult, type LoadTarget } from './run-load.js';
import { fetchServerStages, formatServerStages } from './server-stages.js';
import { startHerald } from './start-herald.js';
import { mintToken, resolveTarget } from './target.js';

/** The settings `herald bench` takes. */
export interface BenchCommandOptions {
  url?: string;
  apiKey?: string;
  dataDir: string;
  events: number;
  rate: number;
  concurrency: number;
  /** Events sent first and not measured. */
  warmUp: number;
  json: boolean;
}

function summary(result: LoadResult, rate: number): string {
  const { latencyMs: l } = result;
  return [
    `events    ${result.sent} sent at ${rate > 0 ? `${rate}/s` : 'full speed'}, ${result.accepted} accepted (${result.acceptedPerSecond}/s), ${result.failed} refused`,
    `delivered ${result.received} on the socket, ${result.lost} lost`,
    `latency   event → socket p50 ${l.p50} ms · p90 ${l.p90} ms · p99 ${l.p99} ms · max ${l.max} ms`,
  ].join('\n');
}

/**
 * Runs the load in a child process (the same runtime and loader as this one): in this process
 * it shared one event loop with the Herald it measured, and timed its own queueing.
 */
function runLoadInChild(target: LoadTarget, options: LoadOptions): Promise<LoadResult> {
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const child = fork(new URL(`./run-load-child${extension}`, import.meta.url), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { onProgress, ...rest } = options;
  return new Promise<LoadResult>((resolve, reject) => {
    child.on('message', (message: LoadMessage) => {
      if ('progress' in message) onProgress?.(message.progress);
      else if ('result' in message) resolve(message.result);
      else reject(new Error(`the load process failed: ${message.error}`));
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the load process exited with ${code}`)));
    child.send({ target, options: rest } satisfies LoadJob);
  });
}

/**
 * `herald bench`: sends `order.created` events at a steady rate and times each to its
 * notification on a subscriber's socket, after a warm-up that is not measured. Against `--url`
 * (with its key), or, without one, against a Herald it starts in this process on a temporary
 * directory, loaded from a child process.
 */
export async function commandBench(options: BenchCommandOptions): Promise<void> {
  let own: Awaited<ReturnType<typeof startHerald>> | undefined;
  let ownDir: string | undefined;
  let target;
  if (options.url === undefined) {
    ownDir = mkdtempSync(join(tmpdir(), 'herald-bench-'));
    own = await startHerald({ dataDir: ownDir, port: 0, logger: pino({ level: 'silent' }) });
    target = { url: own.url, apiKey: own.credentials.apiKey, credentials: own.credentials };
    if (!options.json) console.error(`· benchmarking a Herald started on ${own.url} (data in ${ownDir})`);
  } else {
    target = resolveTarget(options);
  }
  const subscriber = `bench-${process.pid}`;
  const bar = new SingleBar({
    format: '{bar} {percentage}% | sent {sent}/{total} | on socket {received} | refused {failed}',
    stream: process.stderr,
    noTTYOutput: false,
    hideCursor: true,
  });
  if (!options.json) bar.start(options.events, 0, { sent: 0, received: 0, failed: 0 });
  try {
    const load = own === undefined ? runLoad : runLoadInChild;
    const result = await load(
      { url: target.url, apiKey: target.apiKey, token: await mintToken(target, subscriber), subscriber },
      {
        events: options.events,
        rate: options.rate,
        concurrency: options.concurrency,
        warmUp: options.warmUp,
        onProgress: (progress) => {
          if (!options.json) bar.update(progress.received, progress);
        },
      },
    );
    if (!options.json) bar.stop();
    const stages = await fetchServerStages(target.url, target.apiKey);
    if (options.json) {
      console.log(JSON.stringify(stages === undefined ? result : { ...result, server: { stages } }));
    } else {
      console.log(summary(result, options.rate));
      if (stages !== undefined) console.log(formatServerStages(stages));
    }
    if (result.lost > 0 || result.failed > 0) process.exitCode = 1;
  } finally {
    if (!options.json) bar.stop();
    await own?.close();
    if (ownDir !== undefined) rmSync(ownDir, { recursive: true, force: true });
  }
}
