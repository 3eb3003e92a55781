import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeParentDirectory } from './make-parent-directory.js';

const dir = mkdtempSync(join(tmpdir(), 'herald-parent-directory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('makeParentDirectory', () => {
  it('creates the missing directories of a file path, and accepts them once they exist', () => {
    const path = join(dir, 'a', 'b', 'c', 'herald.db');
    makeParentDirectory(path);
    expect(statSync(join(dir, 'a', 'b', 'c')).isDirectory()).toBe(true);
    expect(() => makeParentDirectory(path)).not.toThrow();
    expect(existsSync(path)).toBe(false);
  });

  it('leaves in-memory databases alone', () => {
    expect(() => makeParentDirectory(':memory:')).not.toThrow();
    expect(() => makeParentDirectory('')).not.toThrow();
  });

  it('throws the file system error when a parent is a file', () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'x');
    expect(() => makeParentDirectory(join(file, 'herald.db'))).toThrow(
      expect.objectContaining({ code: 'EEXIST' }),
    );
    expect(() => makeParentDirectory(join(file, 'sub', 'herald.db'))).toThrow(
      expect.objectContaining({ code: 'ENOTDIR' }),
    );
  });

  // Node 20's recursive mkdir loops forever on such a path, so the call runs in a child
  // process with a deadline: a hang fails the test instead of stalling the run.
  it.runIf(existsSync('/proc/self'))(
    'fails at once where mkdir answers ENOENT under an existing parent (/proc)',
    () => {
      const module = new URL('./make-parent-directory.ts', import.meta.url).href;
      const code = `import(${JSON.stringify(module)}).then(({ makeParentDirectory }) => {
      try { makeParentDirectory('/proc/herald-data/herald.db'); console.log('no error'); }
      catch (error) { console.log(error.code + ' ' + error.message); }
    })`;
      const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
        encoding: 'utf8',
        timeout: 15_000,
      });
      expect(child.error).toBeUndefined();
      expect(child.stdout.trim()).toBe("ENOENT ENOENT: no such file or directory, mkdir '/proc/herald-data'");
    },
  );
});
