import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** An app's entry point running in a child process. */
export interface RunningMain {
  child: ChildProcessWithoutNullStreams;
  /** The exit code (`null` when killed by a signal). */
  exited: Promise<number | null>;
  output(): { stdout: string; stderr: string };
  /** The port from the app's `"port":N` log line; rejects when it exits or after `timeoutMs`. */
  port(timeoutMs?: number): Promise<number>;
}

/**
 * Runs `src/main.ts` (or `options.entry`, with `options.args`) of the app in `appDir` under tsx and the source condition, with only `PATH`
 * and `env` in its environment, capturing its output.
 *
 * @example
 * const run = runAppMain(appDir, { PORT: '0', HOST: '127.0.0.1' });
 * const port = await run.port();
 * run.child.kill('SIGTERM');
 * expect(await run.exited).toBe(0);
 */
export function runAppMain(
  appDir: string,
  env: Record<string, string>,
  options: { entry?: string; args?: readonly string[] } = {},
): RunningMain {
  // Node itself with tsx as a loader, not the tsx wrapper: signals (SIGKILL too) reach the app.
  const loader = ['--conditions=@herald/source', '--import', 'tsx'];
  const child = spawn(
    process.execPath,
    [...loader, options.entry ?? 'src/main.ts', ...(options.args ?? [])],
    {
      cwd: appDir,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    async port(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = /"port":(\d+)/.exec(stdout);
        if (match !== null) return Number(match[1]);
        if (exitCode !== undefined) throw new Error(`exited with ${exitCode} before listening: ${stderr}`);
        if (Date.now() > deadline) throw new Error(`not listening after ${timeoutMs} ms: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}
