import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

function errorCode(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/** `mkdir` of one directory that may already be there; any other failure is thrown. */
function makeOne(dir: string): 'made' | 'parent missing' {
  try {
    mkdirSync(dir);
    return 'made';
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST' && statSync(dir).isDirectory()) return 'made';
    if (code === 'ENOENT') return 'parent missing';
    throw error;
  }
}

function makeDirectory(dir: string): void {
  if (makeOne(dir) === 'made') return;
  const parent = dirname(dir);
  if (parent !== dir) makeDirectory(parent);
  // Once more, now that the parent is there: a second ENOENT is the file system refusing.
  if (makeOne(dir) === 'parent missing') mkdirSync(dir);
}

/**
 * Creates the directory a database file goes in, and its missing parents, like `mkdir -p`.
 *
 * Node 20's `mkdirSync(dir, { recursive: true })` never returns where `mkdir` answers `ENOENT`
 * although the parent exists (under `/proc`, say): it takes that for a missing parent and tries
 * again forever. Here each directory is tried at most twice, so such a path fails with the
 * file system's own error. An in-memory database (`:memory:` or `''`) needs no directory.
 *
 * @example
 * makeParentDirectory('./data/herald-store.db'); // ./data exists now
 * makeParentDirectory('/proc/herald/store.db'); // throws ENOENT: no such file or directory, mkdir '/proc/herald'
 */
export function makeParentDirectory(path: string): void {
  if (path === ':memory:' || path === '') return;
  makeDirectory(dirname(path));
}
