import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Whether kcat tests run: kcat must be on PATH and HERALD_SKIP_KCAT unset. */
export const kcatAvailable =
  process.env['HERALD_SKIP_KCAT'] !== '1' &&
  (process.env['PATH'] ?? '').split(delimiter).some((directory) => {
    try {
      accessSync(join(directory, 'kcat'), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });

/** What a kcat run printed. */
export interface KcatResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs kcat asynchronously: a synchronous spawn would block the event loop that the
 * in-process broker needs to answer it, and deadlock.
 */
export function kcat(
  args: readonly string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<KcatResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
