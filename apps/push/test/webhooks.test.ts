import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { verifyWebhook } from '../src/index.js';
import { openStore } from '@herald/store';
import { createEventLog } from '@herald/transport';
import { startPush } from './harness.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP receiver that answers with the next status of `statuses` (then 200). */
async function receiver(statuses: number[]) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/herald`;
  return {
    url,
    received,
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

const secretFor = 'whsec-acme-0123456789';

describe('webhooks', () => {
  it('posts a signed notification, retries 5xx with backoff, and records the delivery', async () => {
    await using hook = await receiver([500, 503]);
    await using h = await startPush({
      webhookEndpoint: (tenant) => (tenant === 'acme' ? { url: hook.url, secret: secretFor } : undefined),
      webhooks: { initialDelayMs: 20, maxDelayMs: 50 },
    });
    await h.publish('acme', [{ data: { to: 'rep-7', n: 1 } }]);
    await until(() => hook.received.length === 3);
    const [first, , last] = hook.received;
    expect(first!.headers['herald-attempt']).toBe('1');
    expect(last!.headers['herald-attempt']).toBe('3');
    const body = JSON.parse(last!.body) as { type: string; notification: { id: string; title: string } };
    expect(body).toMatchObject({
      type: 'notification',
      notification: { title: 'Note 1', recipient: 'rep-7' },
    });
    expect(
      verifyWebhook(
        secretFor,
        Number(last!.headers['herald-timestamp']),
        last!.body,
        String(last!.headers['herald-signature']),
      ),
    ).toBe(true);
    expect(last!.headers['herald-id']).toBe(body.notification.id);
    await until(
      () =>
        h.store.deliveries.get({ tenantId: 'acme', notificationId: body.notification.id, channel: 'webhook' })
          ?.status === 'delivered',
    );
    expect(
      h.store.deliveries.get({ tenantId: 'acme', notificationId: body.notification.id, channel: 'webhook' }),
    ).toMatchObject({
      status: 'delivered',
      attempts: 3,
    });
  });

  it('gives up at once on a 4xx, and after the retry budget on 5xx, recording the failure', async () => {
    await using hook = await receiver([404, 500, 500, 500]);
    await using h = await startPush({
      webhookEndpoint: () => ({ url: hook.url, secret: secretFor }),
      webhooks: { initialDelayMs: 5, maxDelayMs: 10, maxAttempts: 3 },
    });
    await h.publish('acme', [{ data: { to: 'rep-7', n: 1 } }]);
    await until(() => hook.received.length === 1);
    await h.publish('acme', [{ data: { to: 'rep-7', n: 2 } }]);
    await until(() => hook.received.length === 4);
    await sleep(100);
    expect(hook.received).toHaveLength(4);
    const ids = hook.received.map(
      (r) => (JSON.parse(r.body) as { notification: { id: string } }).notification.id,
    );
    const refused = h.store.deliveries.get({ tenantId: 'acme', notificationId: ids[0]!, channel: 'webhook' });
    expect(refused).toMatchObject({ status: 'failed', attempts: 1, lastError: 'HTTP 404' });
    const exhausted = h.store.deliveries.get({
      tenantId: 'acme',
      notificationId: ids[1]!,
      channel: 'webhook',
    });
    expect(exhausted).toMatchObject({ status: 'failed', attempts: 3, lastError: 'HTTP 500' });
  });

  it('skips the webhook for a recipient who opted out of that channel', async () => {
    await using hook = await receiver([]);
    await using h = await startPush({ webhookEndpoint: () => ({ url: hook.url, secret: secretFor }) });
    h.store.preferences.set({ tenantId: 'acme', recipientId: 'rep-7', optOuts: [{ channel: 'webhook' }] });
    const client = await h.connect('acme', 'rep-7');
    await h.publish('acme', [{ data: { to: 'rep-7', n: 1 } }, { data: { to: 'rep-8', n: 2 } }]);
    await client.until(() => client.notifications().length === 1);
    await until(() => hook.received.length === 1);
    await sleep(100);
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.body).toContain('"recipient":"rep-8"');
  });

  it('keeps a retry across a restart: the next instance sends it when it comes due', async () => {
    await using hook = await receiver([503]);
    await using store = openStore({ path: ':memory:' });
    await using log = await createEventLog('memory:');
    const webhookEndpoint = () => ({ url: hook.url, secret: secretFor });
    // The longest jitter, so the retry is due well after the first instance has gone.
    const webhooks = { initialDelayMs: 400, random: () => 0.99, sweepIntervalMs: 50 };
    {
      await using first = await startPush({ store, log, webhookEndpoint, webhooks });
      await first.publish('acme', [{ data: { to: 'rep-7', n: 1 } }]);
      await until(() => hook.received.length === 1);
      const id = (JSON.parse(hook.received[0]!.body) as { notification: { id: string } }).notification.id;
      await until(
        () =>
          store.deliveries.get({ tenantId: 'acme', notificationId: id, channel: 'webhook' })?.status ===
          'failed',
      );
    }
    await sleep(450);
    expect(hook.received).toHaveLength(1);
    await using second = await startPush({ store, log, webhookEndpoint, webhooks, seed: false });
    const key = (notificationId: string) => ({ tenantId: 'acme', notificationId, channel: 'webhook' });
    await until(() => hook.received.length === 2);
    const [first, again] = hook.received;
    expect(again!.headers['herald-id']).toBe(first!.headers['herald-id']);
    expect(again!.headers['herald-attempt']).toBe('2');
    // The resumed try sends the same body as the first.
    expect(again!.body).toBe(first!.body);
    const id = String(again!.headers['herald-id']);
    await until(() => second.store.deliveries.get(key(id))?.status === 'delivered');
    expect(second.store.deliveries.get(key(id))).toMatchObject({
      attempts: 2,
      nextAttemptAt: null,
    });
  });
});
