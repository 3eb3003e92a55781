#!/usr/bin/env node
// The installed `herald` command. It runs the built CLI (`pnpm build` writes dist/); inside the
// repository, `pnpm herald …` runs the TypeScript source with no build. A file of its own, not
// dist/cli.js itself, so that installing the workspace before a build links the command
// instead of warning that its target is missing.
import console from 'node:console';
import process from 'node:process';
import { URL } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
try {
  await import(cli.href);
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(cli.pathname)) {
    console.error(
      'herald: the CLI is not built yet. Run `pnpm build`, or `pnpm herald …` in the repository.',
    );
    process.exit(1);
  }
  throw error;
}
