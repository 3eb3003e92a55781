import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectSdk,
  hasChromium,
  openBrowserPages,
  openEventSource,
  receivedOnceSettled,
  seenOnceSettled,
  type BrowserPages,
  type PageGlobals,
} from './browser-page.js';
import { postEvent, startRestartableHerald, startTestHerald } from './harness.js';

// A page, a Herald and a browser round trip each: generous beside other suites on two cores.
describe.skipIf(!hasChromium)('the client SDK in a browser on another origin', { timeout: 30_000 }, () => {
  let pages: BrowserPages;
  beforeAll(async () => {
    pages = await openBrowserPages();
  }, 60_000);
  afterAll(() => pages?.close());
  const openPage = (tokens?: string[]) => pages.open(tokens);

  it('goes live, receives an order, lists, marks it read and counts unread, from an allowed origin', async () => {
    const { page, origin } = await openPage();
    await using herald = await startTestHerald({ corsOrigins: [origin] });
    await page.evaluate(connectSdk, { url: herald.url, token: herald.sampleToken });
    const posted = await postEvent(herald, { type: 'order.created', data: { orderId: 'B-1', total: 5 } });
    expect(posted.status).toBe(202);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).seen.length === 1);
    const result = await page.evaluate(async () => {
      const { client, seen } = globalThis as unknown as PageGlobals;
      const before = await client.unreadCount();
      const { items } = await client.list({ limit: 10 });
      const marked = await client.mark('read', [items[0]!.id]);
      return {
        seen,
        before,
        titles: items.map((item) => item.title),
        marked,
        after: await client.unreadCount(),
      };
    });
    expect(result.seen).toEqual(['New order #B-1']);
    expect(result.titles).toEqual(['New order #B-1']);
    expect(result.before).toBe(1);
    expect(result.marked).toEqual({ updated: 1, unreadCount: 0 });
    expect(result.after).toBe(0);
    await page.evaluate(() => (globalThis as unknown as PageGlobals).client.close());
  });

  it('after a reload, resumes from the seq kept in localStorage: the missed ones, once', async () => {
    const { page, origin } = await openPage();
    await using herald = await startTestHerald({ corsOrigins: [origin] });
    const target = { url: herald.url, token: herald.sampleToken, keepSeq: true };
    await page.evaluate(connectSdk, target);
    await postEvent(herald, { type: 'order.created', data: { orderId: 'R-1', total: 5 } });
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).seen.length === 1);
    await page.evaluate(() => (globalThis as unknown as PageGlobals).client.close());
    // Closed tab, meanwhile two more orders: the reloaded page gets exactly those.
    await postEvent(herald, { type: 'order.created', data: { orderId: 'R-2', total: 5 } });
    await postEvent(herald, { type: 'order.created', data: { orderId: 'R-3', total: 5 } });
    await page.reload();
    await page.waitForFunction(() => 'herald' in globalThis);
    await page.evaluate(connectSdk, target);
    // A repeat of R-1 would come with the missed ones, before connect resolves: nothing more arrives.
    const { seen } = await seenOnceSettled(page, 2);
    expect(seen).toEqual(['New order #R-2', 'New order #R-3']);
  });

  it('the SDK reconnects by itself across a restart of Herald and gets the missed ones, once', async () => {
    const { page, origin } = await openPage();
    const { first, restart } = await startRestartableHerald({ corsOrigins: [origin] });
    const { url, sampleToken } = first;
    await page.evaluate(connectSdk, { url, token: sampleToken });
    await postEvent(first, { type: 'order.created', data: { orderId: 'W-1', total: 5 } });
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).seen.length === 1);
    await first.close();
    await using second = await restart();
    await postEvent(second, { type: 'order.created', data: { orderId: 'W-2', total: 5 } });
    await postEvent(second, { type: 'order.created', data: { orderId: 'W-3', total: 5 } });
    expect(await seenOnceSettled(page, 3)).toEqual({
      seen: ['New order #W-1', 'New order #W-2', 'New order #W-3'],
      status: 'live',
    });
  });

  it('two pages of one person: what one marks read, the other is told; both badges follow the count', async () => {
    // Two pages of the same person, say the CRM and its mobile web view.
    const { page: first } = await openPage();
    const { page: second } = await openPage();
    await using herald = await startTestHerald({ corsOrigins: ['*'] });
    const target = { url: herald.url, token: herald.sampleToken };
    for (const tab of [first, second]) {
      await tab.evaluate(connectSdk, target);
      await tab.evaluate(() => {
        const globals = globalThis as unknown as PageGlobals & { changes: string[]; badge: number[] };
        globals.changes = [];
        globals.badge = [];
        globals.client.on('state', ({ action, ids, unreadCount }) =>
          globals.changes.push(`${action} ${ids?.length ?? 0}, unread ${unreadCount}`),
        );
        globals.client.on('unread-count', (count) => globals.badge.push(count));
      });
    }
    await postEvent(herald, { type: 'order.created', data: { orderId: 'T-1', total: 5 } });
    for (const tab of [first, second]) {
      await tab.waitForFunction(() => (globalThis as unknown as PageGlobals).seen.length === 1);
    }
    await first.evaluate(async () => {
      const { client } = globalThis as unknown as PageGlobals;
      const { items } = await client.list();
      await client.mark('read', [items[0]!.id]);
    });
    await second.waitForFunction(() => (globalThis as unknown as { changes: string[] }).changes.length > 0);
    const [changes, badge] = await second.evaluate(async () => {
      const globals = globalThis as unknown as PageGlobals & { changes: string[]; badge: number[] };
      await new Promise((resolve) => setTimeout(resolve, 100));
      await globals.client.close();
      return [globals.changes, globals.badge] as const;
    });
    // With the count the server has after the mark.
    expect(changes).toEqual(['read 1, unread 0']);
    // The order raised the badge as it arrived, the mark on the other page took it back.
    expect(badge).toEqual([1, 0]);
    const firstBadge = await first.evaluate(async () => {
      const globals = globalThis as unknown as PageGlobals & { badge: number[] };
      await globals.client.close();
      return globals.badge;
    });
    expect(firstBadge).toEqual([1, 0]);
  });

  it('renews a refused token through getToken: the browser can read the 401', async () => {
    await using herald = await startTestHerald({ corsOrigins: ['*'] });
    const { page } = await openPage(['not-a-valid-token', herald.sampleToken]);
    const result = await page.evaluate(async (url) => {
      const { createHeraldClient } = (globalThis as unknown as PageGlobals).herald;
      const client = createHeraldClient({
        url,
        getToken: () => fetch('/token').then((answer) => answer.text()),
      });
      const count = await client.unreadCount();
      await client.close();
      return count;
    }, herald.url);
    expect(result).toBe(0);
  });

  it('streams over SSE (EventSource) from an allowed origin, with the sequence as the event id', async () => {
    const { page, origin } = await openPage();
    await using herald = await startTestHerald({ corsOrigins: [origin] });
    await page.evaluate(openEventSource, { url: herald.url, token: herald.sampleToken });
    expect(
      (await postEvent(herald, { type: 'order.created', data: { orderId: 'S-1', total: 5 } })).status,
    ).toBe(202);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).received.length === 1);
    const received = await page.evaluate(() => {
      const { source, received } = globalThis as unknown as PageGlobals;
      source.close();
      return received;
    });
    expect(received).toEqual([{ id: '1', title: 'New order #S-1' }]);
  });

  it('EventSource comes back after a restart with its Last-Event-ID: the missed ones, once', async () => {
    const { page, origin } = await openPage();
    const { first, restart } = await startRestartableHerald({ corsOrigins: [origin] });
    const { url, sampleToken } = first;
    // The browser's own reconnection, nothing of the SDK: it sends Last-Event-ID by itself.
    await page.evaluate(openEventSource, { url, token: sampleToken });
    expect(
      (await postEvent(first, { type: 'order.created', data: { orderId: 'E-1', total: 5 } })).status,
    ).toBe(202);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).received.length === 1);
    await first.close();
    // Same port and files; the orders land in the inbox while the browser waits to reconnect.
    await using second = await restart();
    await postEvent(second, { type: 'order.created', data: { orderId: 'E-2', total: 5 } });
    await postEvent(second, { type: 'order.created', data: { orderId: 'E-3', total: 5 } });
    expect(await receivedOnceSettled(page, 3)).toEqual([
      { id: '1', title: 'New order #E-1' },
      { id: '2', title: 'New order #E-2' },
      { id: '3', title: 'New order #E-3' },
    ]);
  }, 30_000);

  it('without the origin allowed, the socket still goes live but the browser refuses the inbox calls', async () => {
    await using herald = await startTestHerald();
    const { page } = await openPage();
    const result = await page.evaluate(
      async ({ url, token }) => {
        const { createHeraldClient, HeraldClientError } = (globalThis as unknown as PageGlobals).herald;
        const client = createHeraldClient({ url, token });
        await client.connect();
        const status = client.status;
        const error = await client.list().then(
          () => undefined,
          (thrown: unknown) => (HeraldClientError.isInstance(thrown) ? thrown.code : String(thrown)),
        );
        await client.close();
        return { status, error };
      },
      { url: herald.url, token: herald.sampleToken },
    );
    expect(result).toEqual({ status: 'live', error: 'network' });
  });
});
