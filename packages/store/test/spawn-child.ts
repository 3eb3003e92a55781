import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A child process running one of the scripts beside this file. */
export interface Child {
  /** Resolves once the child printed `ready` (or died). */
  ready: Promise<void>;
  /** Lets it start the work it is waiting to do. */
  go(): void;
  /** Its stdout lines after `ready`, once it exits with code 0. */
  lines: Promise<string[]>;
}

/** Starts `test/<script>` under tsx (workspace packages from source) with `command` as its JSON argument. */
export function spawnChild(script: string, command: Record<string, unknown>): Child {
  const file = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const child = spawn(
    process.execPath,
    ['--conditions=@herald/source', '--import', 'tsx', file, JSON.stringify(command)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  child.stdin.on('error', () => undefined);
  let output = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.startsWith('ready\n')) markReady();
  });
  const lines = new Promise<string[]>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      markReady();
      if (code !== 0) return reject(new Error(`${script} exited with ${code}: ${output}`));
      resolve(output.trim().split('\n').slice(1));
    });
  });
  return { ready, go: () => child.stdin.end('go\n'), lines };
}

/** Starts every child, waits until all are ready, then lets them go at once. */
export async function raceChildren(children: Child[]): Promise<string[][]> {
  await Promise.all(children.map((child) => child.ready));
  for (const child of children) child.go();
  return Promise.all(children.map((child) => child.lines));
}
