import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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
