import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
const herald = (...args: string[]) =>
  run(process.execPath, ['--conditions=@herald/source', '--import', 'tsx', cli, ...args]);

describe('herald CLI', () => {
  it('start says what the build contains', async () => {
    const { stdout } = await herald('start');
    expect(stdout).toContain('@herald/transport');
    expect(stdout).toContain('@herald/core');
    expect(stdout).toContain('@herald/ingest');
  });

  it('refuses an unknown command with exit code 2 and the usage', async () => {
    const error = await herald('launch').then(
      () => undefined,
      (caught: unknown) => caught as { code: number; stderr: string },
    );
    expect(error?.code).toBe(2);
    expect(error?.stderr).toContain('unknown command "launch"');
    expect(error?.stderr).toContain('Usage: herald');
  });
});
