// What the browser tests (browser.test.ts, nginx.test.ts) share: headless Chromium with pages of
// a web app that has the SDK bundled, and the functions they run inside those pages.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type * as HeraldSdk from '@herald/client';
import { chromium, type Browser, type Page } from 'playwright-core';

// Debian's package; `scripts/test.sh` installs it.
const chromiumPath = process.env.HERALD_CHROMIUM ?? '/usr/bin/chromium';

/** Whether this machine has the Chromium the browser tests drive. */
export const hasChromium = existsSync(chromiumPath);
const appDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * A web app's page on an origin of its own: it serves the SDK bundled for browsers and, as a
 * CRM backend would, hands out subscriber tokens from `/token` (the next of `tokens`).
 */
async function servePage(bundle: string, tokens: string[]): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    if (request.url === '/herald-client.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    } else if (request.url === '/token') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end(tokens.shift() ?? 'no-more-tokens');
    } else {
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          '<!doctype html><title>CRM</title><script type="module">' +
            "import * as herald from '/herald-client.js'; window.herald = herald;</script>",
        );
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The browser's `EventSource`, as far as the tests use it (this package has no DOM types). */
interface SseSource {
  addEventListener(type: string, listener: (event: { data: string; lastEventId: string }) => void): void;
  onerror: (() => void) | null;
  readyState: number;
  close(): void;
}

/** The page's globals: the SDK it imported, the browser's `EventSource`, what a test keeps there. */
export interface PageGlobals {
  herald: typeof HeraldSdk;
  EventSource: new (url: string) => SseSource;
  localStorage: HeraldSdk.HeraldStorage;
  client: HeraldSdk.HeraldClient;
  seen: string[];
  source: SseSource;
  received: { id: string; title: string }[];
}

/**
 * Run inside the page (`page.evaluate(connectSdk, …)`): an SDK client that collects the titles
 * of what it is told in `seen`, live once this resolves. `keepSeq` keeps its seq in localStorage.
 */
export const connectSdk = ({ url, token, keepSeq }: { url: string; token: string; keepSeq?: boolean }) => {
  const globals = globalThis as unknown as PageGlobals;
  const client = globals.herald.createHeraldClient({
    url,
    token,
    reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
    ...(keepSeq === true ? { storage: globals.localStorage } : {}),
  });
  globals.client = client;
  globals.seen = [];
  client.on('notification', (notification) => globals.seen.push(notification.title));
  return client.connect();
};

/**
 * Run inside the page: the browser's own `EventSource` on the stream, collecting notifications
 * with their event ids in `received`; resolves once it has resumed, fails if it errs before.
 */
export const openEventSource = ({ url, token }: { url: string; token: string }) =>
  new Promise<void>((resolve, reject) => {
    const globals = globalThis as unknown as PageGlobals;
    const source = new globals.EventSource(`${url}/v1/stream?token=${encodeURIComponent(token)}`);
    globals.source = source;
    globals.received = [];
    source.addEventListener('notification', (event) => {
      const frame = JSON.parse(event.data) as { notification: { title: string } };
      globals.received.push({ id: event.lastEventId, title: frame.notification.title });
    });
    source.addEventListener('resume-complete', () => resolve());
    // After it resumed, errors are its reconnections: no longer a failure of the opening.
    source.onerror = () => reject(new Error(`EventSource failed (readyState ${source.readyState})`));
  });

/**
 * Waits until the page's SDK client has been told `count` notifications, then, after a moment
 * in which a repeat would have come, closes it and returns their titles and its last status.
 */
export async function seenOnceSettled(
  page: Page,
  count: number,
): Promise<{ seen: string[]; status: HeraldSdk.HeraldClientStatus }> {
  await page.waitForFunction((n) => (globalThis as unknown as PageGlobals).seen.length >= n, count, {
    timeout: 15_000,
  });
  return page.evaluate(async () => {
    const globals = globalThis as unknown as PageGlobals;
    await new Promise((resolve) => setTimeout(resolve, 200));
    const status = globals.client.status;
    await globals.client.close();
    return { seen: globals.seen, status };
  });
}

/** The same for the page's `EventSource`: what it received, with event ids, once settled. */
export async function receivedOnceSettled(page: Page, count: number): Promise<PageGlobals['received']> {
  await page.waitForFunction((n) => (globalThis as unknown as PageGlobals).received.length >= n, count, {
    timeout: 15_000,
  });
  return page.evaluate(async () => {
    const globals = globalThis as unknown as PageGlobals;
    await new Promise((resolve) => setTimeout(resolve, 200));
    globals.source.close();
    return globals.received;
  });
}

/** Headless Chromium with pages of a web app that has the SDK bundled, as in `openBrowserPages`. */
export interface BrowserPages {
  /** A new page of a new web app's origin; `tokens` are what its `/token` hands out, in turn. */
  open(tokens?: string[]): Promise<{ page: Page; origin: string }>;
  close(): Promise<void>;
}

/**
 * Bundles the SDK as a web app's bundler would (the package entry, for the browser platform),
 * launches headless Chromium, and serves each page from an origin of its own.
 */
export async function openBrowserPages(): Promise<BrowserPages> {
  const built = await build({
    stdin: { contents: "export * from '@herald/client';", resolveDir: appDir, loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['@herald/source'],
    write: false,
    logLevel: 'silent',
  });
  const bundle = built.outputFiles[0]!.text;
  const browser: Browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const servers: Server[] = [];
  return {
    async open(tokens = []) {
      const { server, origin } = await servePage(bundle, tokens);
      servers.push(server);
      const page = await browser.newPage();
      await page.goto(origin);
      await page.waitForFunction(() => 'herald' in globalThis);
      return { page, origin };
    },
    async close() {
      await browser.close();
      for (const server of servers) server.close();
    },
  };
}
