import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLoggedEvent, encodeLoggedEvent } from '@herald/protocol';
import { openStore } from '@herald/store';
import { runAppMain, TestClient } from '@herald/testkit';
import { createEventLog } from '@herald/transport';
import { describe, expect, it } from 'vitest';
import { parsePushEnv } from '../src/parse-push-env.js';
import { crmEvent, secret } from './harness.js';
import { mintSubscriberToken } from '@herald/gateway';

const appDir = fileURLToPath(new URL('..', import.meta.url));

describe('parsePushEnv', () => {
  it('needs a token secret and fills in the rest', () => {
    expect(parsePushEnv({})).toMatchObject({
      ok: false,
      message: expect.stringContaining('HERALD_TOKEN_SECRET=(unset)') as string,
    });
    expect(parsePushEnv({ HERALD_TOKEN_SECRET: secret })).toMatchObject({
      ok: true,
      config: {
        PORT: 8081,
        HERALD_LOG_URL: 'sqlite:./data/herald-log.db',
        HERALD_PUSH_THROTTLE_LIMIT: 30,
        HERALD_PURGE_INTERVAL_MS: 60_000,
        HERALD_REPLACED_RETENTION_MS: 86_400_000,
      },
    });
    expect(
      parsePushEnv({ HERALD_TOKEN_SECRET: secret, HERALD_REPLACED_RETENTION_MS: '1 day' }),
    ).toMatchObject({
      ok: false,
      message: expect.stringContaining('HERALD_REPLACED_RETENTION_MS=1 day') as string,
    });
  });

  it('names the bad variable and hides secrets', () => {
    const short = parsePushEnv({ HERALD_TOKEN_SECRET: 'short' });
    expect(short).toMatchObject({
      ok: false,
      message: expect.stringContaining('HERALD_TOKEN_SECRET=(hidden)') as string,
    });
    const half = parsePushEnv({
      HERALD_TOKEN_SECRET: secret,
      HERALD_WEBHOOK_URL: 'https://crm.example/hook',
    });
    expect(half).toMatchObject({ ok: false, message: expect.stringContaining('go together') as string });
  });

  it('reads browser origins as a comma-separated list and names one that is not an origin', () => {
    expect(parsePushEnv({ HERALD_TOKEN_SECRET: secret })).toMatchObject({
      config: { HERALD_CORS_ORIGINS: [] },
    });
    expect(
      parsePushEnv({
        HERALD_TOKEN_SECRET: secret,
        HERALD_CORS_ORIGINS: 'https://crm.example.com, http://localhost:5173',
      }),
    ).toMatchObject({
      config: { HERALD_CORS_ORIGINS: ['https://crm.example.com', 'http://localhost:5173'] },
    });
    const bad = parsePushEnv({
      HERALD_TOKEN_SECRET: secret,
      HERALD_CORS_ORIGINS: 'https://crm.example.com/app',
    });
    expect(bad).toMatchObject({ ok: false });
    if (bad.ok) return;
    expect(bad.message).toContain('HERALD_CORS_ORIGINS');
    expect(bad.message).toContain('https://crm.example.com/app has a path');
  });
});

describe('main', () => {
  it('exits 1 with a clear message on a bad environment', async () => {
    const run = runAppMain(appDir, { HERALD_TOKEN_SECRET: secret, PORT: 'nope' });
    expect(await run.exited).toBe(1);
    expect(run.output().stderr).toContain('Invalid environment variable PORT=nope');
  }, 20_000);

  it('delivers from the log to a socket, and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-push-main-'));
    try {
      const storePath = join(dir, 'store.db');
      const logUrl = `sqlite:${join(dir, 'log.db')}`;
      {
        await using store = openStore({ path: storePath });
        store.tenants.create({ id: 'acme', name: 'Acme' });
        store.customers.upsert({
          tenantId: 'acme',
          id: 'cust-1',
          name: 'Ada',
          ownerId: 'rep-7',
          version: 1,
          attributes: {},
        });
      }
      const run = runAppMain(appDir, {
        PORT: '0',
        HOST: '127.0.0.1',
        HERALD_DB: storePath,
        HERALD_LOG_URL: logUrl,
        HERALD_TOKEN_SECRET: secret,
      });
      const port = await run.port();
      await using client = await TestClient.connect(port);
      await client.hello((await mintSubscriberToken({ tenant: 'acme', subscriber: 'rep-7' }, secret)).token);
      {
        await using log = await createEventLog(logUrl);
        const event = crmEvent({
          type: 'order.created',
          data: { orderId: '1001', total: 42, currency: 'EUR' },
        });
        await log.publish('herald.events', [
          { key: 'acme:cust-1', value: encodeLoggedEvent(createLoggedEvent(event, { tenant: 'acme' })) },
        ]);
      }
      // The default rule set tells the customer's owner about a new order; across processes the log is polled.
      await client.until(() => client.notifications().length === 1, 10_000);
      expect(client.notifications()[0]).toMatchObject({
        title: 'New order #1001',
        body: 'Ada placed an order of €42.00.',
      });
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(run.output().stdout, run.output().stdout).toContain('shutting down');
      expect((await client.closed).code).toBe(4010);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
