import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '@herald/store';
import { runAppMain } from '@herald/testkit';
import { describe, expect, it } from 'vitest';
import { parseIngestEnv } from '../src/parse-ingest-env.js';
import { event } from './harness.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const runMain = (env: Record<string, string>) => runAppMain(appDir, env);

describe('parseIngestEnv', () => {
  it('fills in the defaults', () => {
    const parsed = parseIngestEnv({});
    expect(parsed).toMatchObject({
      ok: true,
      config: {
        PORT: 8080,
        HERALD_LOG_URL: 'sqlite:./data/herald-log.db',
        HERALD_DB: './data/herald-store.db',
        HERALD_CACHE_URL: 'memory:',
        HERALD_INGEST_MAX_BATCH_EVENTS: 1000,
        HERALD_PURGE_INTERVAL_MS: 60_000,
      },
    });
    expect(parseIngestEnv({ HERALD_PURGE_INTERVAL_MS: '0' })).toMatchObject({
      ok: true,
      config: { HERALD_PURGE_INTERVAL_MS: 0 },
    });
  });

  it('names the bad variable', () => {
    expect(parseIngestEnv({ PORT: 'eighty' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('PORT=eighty') as string,
    });
    expect(parseIngestEnv({ HERALD_INGEST_MAX_BATCH_EVENTS: '5000' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('HERALD_INGEST_MAX_BATCH_EVENTS') as string,
    });
  });
});

describe('main', () => {
  it('exits 1 with a clear message on a bad environment', async () => {
    const run = runMain({ PORT: 'nope' });
    expect(await run.exited).toBe(1);
    expect(run.output().stderr).toContain('Invalid environment variable PORT=nope');
  }, 20_000);

  it('serves events from its environment and shuts down cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-ingest-main-'));
    try {
      const storePath = join(dir, 'store.db');
      let key: string;
      {
        await using store = openStore({ path: storePath });
        store.tenants.create({ id: 'acme', name: 'Acme' });
        key = store.tenants.createApiKey('acme').key;
      }
      const run = runMain({
        PORT: '0',
        HOST: '127.0.0.1',
        HERALD_DB: storePath,
        HERALD_LOG_URL: `sqlite:${join(dir, 'log.db')}`,
      });
      const port = await run.port();
      const response = await fetch(`http://127.0.0.1:${port}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(event('c-main', { id: 'evt-main' })),
      });
      expect(response.status).toBe(202);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(run.output().stdout).not.toContain(key);
      await using store = openStore({ path: storePath });
      expect(store.processedEvents.isProcessed('acme', 'evt-main')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
