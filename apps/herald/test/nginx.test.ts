import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  connectSdk,
  hasChromium,
  openBrowserPages,
  openEventSource,
  receivedOnceSettled,
  type BrowserPages,
  type PageGlobals,
} from './browser-page.js';
import { postEvent, startRestartableHerald, startTestHerald } from './harness.js';

// Debian's package; `scripts/test.sh` installs it.
const nginxPath = process.env.HERALD_NGINX ?? '/usr/sbin/nginx';
/** The configuration the documentation ships. */
const shippedConfig = fileURLToPath(new URL('../../../docs/nginx/herald.conf', import.meta.url));

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * nginx in front of Herald's port with the shipped configuration, only its upstream address and
 * `listen` changed; stopped when the test ends.
 */
async function startNginx(heraldPort: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-nginx-'));
  mkdirSync(join(dir, 'logs'));
  const port = await freePort();
  const site = readFileSync(shippedConfig, 'utf8')
    .replace('server 127.0.0.1:8080;', `server 127.0.0.1:${heraldPort};`)
    .replace('listen 80;', `listen 127.0.0.1:${port};`);
  writeFileSync(join(dir, 'herald.conf'), site);
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/logs/error.log;`,
      'worker_processes 1;',
      'events {}',
      'http {',
      '  access_log off;',
      `  client_body_temp_path ${dir}/body;`,
      `  proxy_temp_path ${dir}/proxy;`,
      `  include ${dir}/herald.conf;`,
      '}',
    ].join('\n'),
  );
  const started = spawnSync(nginxPath, ['-p', dir, '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' });
  if (started.status !== 0) throw new Error(`nginx did not start: ${started.stderr}`);
  onTestFinished(() => {
    spawnSync(nginxPath, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-s', 'stop']);
    rmSync(dir, { recursive: true, force: true });
  });
  return `http://127.0.0.1:${port}`;
}

describe.skipIf(!hasChromium || !existsSync(nginxPath))(
  'behind nginx with docs/nginx/herald.conf, a browser on another origin',
  { timeout: 30_000 },
  () => {
    let pages: BrowserPages;
    beforeAll(async () => {
      pages = await openBrowserPages();
    }, 60_000);
    afterAll(() => pages?.close());

    it('goes live over the proxied WebSocket and gets an order sent through the proxy', async () => {
      const { page, origin } = await pages.open();
      await using herald = await startTestHerald({ corsOrigins: [origin] });
      const proxy = await startNginx(herald.port);
      await page.evaluate(connectSdk, { url: proxy, token: herald.sampleToken });
      const answer = await fetch(`${proxy}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${herald.credentials.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'order.created',
          customerId: herald.credentials.customer,
          occurredAt: new Date().toISOString(),
          data: { orderId: 'N-1', total: 5 },
        }),
      });
      expect(answer.status).toBe(202);
      await page.waitForFunction(() => (globalThis as unknown as PageGlobals).seen.length === 1);
      const result = await page.evaluate(async () => {
        const { client, seen } = globalThis as unknown as PageGlobals;
        const unread = await client.unreadCount();
        await client.close();
        return { seen, unread };
      });
      expect(result).toEqual({ seen: ['New order #N-1'], unread: 1 });
    });

    it('keeps EventSource reconnecting while Herald is down, then resumes with no gap', async () => {
      const { page, origin } = await pages.open();
      const { first, restart } = await startRestartableHerald({ corsOrigins: [origin] });
      const proxy = await startNginx(first.port);
      await page.evaluate(openEventSource, { url: proxy, token: first.sampleToken });
      await postEvent(first, { type: 'order.created', data: { orderId: 'D-1', total: 5 } });
      await page.waitForFunction(() => (globalThis as unknown as PageGlobals).received.length === 1);
      await first.close();
      // Down for longer than a retry: nginx answers for Herald, and the browser must keep trying.
      await new Promise((resolve) => setTimeout(resolve, 4_500));
      await using second = await restart();
      await postEvent(second, { type: 'order.created', data: { orderId: 'D-2', total: 5 } });
      expect(await receivedOnceSettled(page, 2)).toEqual([
        { id: '1', title: 'New order #D-1' },
        { id: '2', title: 'New order #D-2' },
      ]);
    });
  },
);
