import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { waitFor } from './wait-for.js';

const script = fileURLToPath(new URL('./log-child.ts', import.meta.url));

/** A child process running `log-child.ts`, with its stdout lines collected. */
export interface LogChild {
  process: ChildProcess;
  lines: string[];
  kill(): Promise<void>;
}

/** Starts `log-child.ts` with the workspace's source resolution. */
export function spawnLogChild(command: Record<string, unknown>): LogChild {
  const child = spawn(
    process.execPath,
    ['--conditions=@herald/source', '--import', 'tsx', script, JSON.stringify(command)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines: string[] = [];
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    lines,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Starts `processes` children that open the SQLite log at `path` at the same moment and
 * publish two records each to `topic`; resolves with each child's first word once every one
 * published or exited (`published`, or undefined for a child that failed).
 */
export async function publishTogether(
  path: string,
  topic: string,
  processes: number,
): Promise<(string | undefined)[]> {
  // Far enough ahead for every child to have started: they open the file within a millisecond.
  const openAt = Date.now() + 4000;
  const children = Array.from({ length: processes }, () =>
    spawnLogChild({ url: `sqlite:${path}`, mode: 'publish', topic, count: 2, openAt }),
  );
  for (const child of children) onTestFinished(() => child.kill());
  await waitFor(
    'every child to publish or fail',
    () => children.every((child) => child.lines.length > 0 || child.process.exitCode !== null),
    30_000,
  );
  return children.map((child) => child.lines[0]?.split(' ')[0]);
}
