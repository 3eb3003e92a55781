import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { verifyWebhook } from '@herald/push';
import { mintSubscriberToken } from '@herald/gateway';
import { describe, expect, it } from 'vitest';
import { postEvent, startTestHerald, watch } from './harness.js';

describe('herald start, end to end', () => {
  it('turns an order over HTTP into the owner’s notification on a socket, once', async () => {
    await using herald = await startTestHerald();
    const rep = await watch(herald);
    const event = {
      id: 'evt-order-1001',
      type: 'order.created',
      data: { orderId: '1001', total: 99.5, currency: 'EUR' },
    };
    expect(await postEvent(herald, event)).toMatchObject({ status: 202, body: { status: 'accepted' } });
    await rep.until(() => rep.seen.length === 1);
    expect(rep.seen[0]).toMatchObject({
      recipient: herald.credentials.subscriber,
      title: 'New order #1001',
      body: 'Ada Lovelace placed an order of €99.50.',
      rule: 'order-created',
    });
    // The same event again is a duplicate at ingest, and nothing new reaches the socket.
    expect(await postEvent(herald, event)).toMatchObject({ status: 202, body: { status: 'duplicate' } });
    await sleep(300);
    expect(rep.seen).toHaveLength(1);
    await rep.client.close();
  });

  it('lets a person keep their preferences through the SDK, which delivery then follows', async () => {
    await using herald = await startTestHerald();
    const rep = await watch(herald);
    expect(await rep.client.preferences()).toEqual({ optOuts: [], quietHours: null, updatedAt: null });
    const set = await rep.client.setPreferences({ optOuts: [{ category: 'orders' }] });
    expect(set).toMatchObject({ optOuts: [{ category: 'orders' }], quietHours: null });
    expect(set.updatedAt).toEqual(expect.any(Number));
    expect(await rep.client.preferences()).toEqual(set);
    const refused = await rep.client
      .setPreferences({ quietHours: { start: '22:00', end: '07:00', timezone: 'Mars/Olympus' } })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toMatchObject({ status: 400, code: 'invalid_field', field: 'quietHours.timezone' });

    await postEvent(herald, { type: 'order.created', data: { orderId: '7', total: 1, currency: 'EUR' } });
    await postEvent(herald, {
      type: 'refund.requested',
      data: { orderId: '7', refundId: 'R7', amount: 1, currency: 'EUR', reason: 'late' },
    });
    // The refund (billing) arrives; the order (orders) was opted out of, and never does.
    await rep.until(() => rep.seen.length === 1);
    await sleep(300);
    expect(rep.seen.map((n) => n.rule)).toEqual(['refund-requested']);
    await rep.client.close();
  });

  it('keeps tenants apart: another tenant’s key writes only to its own tenant', async () => {
    await using herald = await startTestHerald();
    herald.store.tenants.create({ id: 'globex', name: 'Globex' });
    const globexKey = herald.store.tenants.createApiKey('globex').key;
    herald.store.customers.upsert({
      tenantId: 'globex',
      id: 'cust-1',
      name: 'Grace',
      ownerId: 'rep-1',
      version: 1,
      attributes: {},
    });
    const devRep = await watch(herald);
    const globexRep = await watch(
      herald,
      (await mintSubscriberToken({ tenant: 'globex', subscriber: 'rep-1' }, herald.credentials.tokenSecret))
        .token,
    );
    await postEvent(
      herald,
      { type: 'order.created', data: { orderId: 'G-1', total: 1, currency: 'USD' } },
      globexKey,
    );
    await globexRep.until(() => globexRep.seen.length === 1);
    await sleep(200);
    expect(globexRep.seen[0]).toMatchObject({ tenant: 'globex', body: 'Grace placed an order of $1.00.' });
    expect(devRep.seen).toHaveLength(0);
    await devRep.client.close();
    await globexRep.client.close();
  });

  it('fires the payment-due reminder an order schedules, as a notification on the socket', async () => {
    await using herald = await startTestHerald();
    const rep = await watch(herald);
    // Due in one hour and one second: the rule reminds one hour before, so in about a second.
    const dueAt = new Date(Date.now() + 3_600_000 + 1_000).toISOString();
    await postEvent(herald, {
      type: 'order.created',
      data: { orderId: '2002', total: 10, currency: 'EUR', dueAt },
    });
    await rep.until(() => rep.seen.some((n) => n.rule === 'payment-due'), 15_000);
    expect(rep.seen.find((n) => n.rule === 'payment-due')).toMatchObject({
      title: 'Payment for order #2002 is due in 1 hour',
      priority: 'high',
      category: 'billing',
    });
    await rep.client.close();
  });

  it('cancels the payment-due reminder when the order is paid', async () => {
    await using herald = await startTestHerald();
    const dueAt = new Date(Date.now() + 3_600_000 + 1_500).toISOString();
    await postEvent(herald, {
      type: 'order.created',
      data: { orderId: '3003', total: 10, currency: 'EUR', dueAt },
    });
    const pending = async () => {
      const response = await fetch(`${herald.url}/v1/reminders?record=order:3003`, {
        headers: { authorization: `Bearer ${herald.credentials.apiKey}` },
      });
      return ((await response.json()) as { items: { status: string }[] }).items.map((r) => r.status);
    };
    for (let i = 0; i < 100 && (await pending()).length === 0; i++) await sleep(20);
    expect(await pending()).toEqual(['pending']);
    await postEvent(herald, { type: 'order.paid', data: { orderId: '3003' } });
    for (let i = 0; i < 100 && (await pending())[0] === 'pending'; i++) await sleep(20);
    expect(await pending()).toEqual(['cancelled']);
    const rep = await watch(herald);
    await sleep(2_000);
    expect(rep.seen.filter((n) => n.rule === 'payment-due')).toEqual([]);
    await rep.client.close();
  });

  it('times each stage of an event to a fraction of a millisecond, ingest included', async () => {
    await using herald = await startTestHerald();
    const rep = await watch(herald);
    for (let i = 0; i < 10; i++) {
      const event = { type: 'order.created', data: { orderId: `70${i}`, total: 1, currency: 'EUR' } };
      expect((await postEvent(herald, event)).status).toBe(202);
    }
    await rep.until(() => rep.seen.length === 10);
    const response = await fetch(`${herald.url}/v1/stats/latency`, {
      headers: { authorization: `Bearer ${herald.credentials.apiKey}` },
    });
    const { stages } = (await response.json()) as {
      stages: Record<'ingest' | 'log' | 'process' | 'deliver' | 'total', { count: number; p50: number }>;
    };
    expect(stages.total.count).toBe(10);
    // Received → appended is ingest's work on one request: far under a millisecond, which
    // whole-millisecond stamps read as 0.
    expect(stages.ingest.p50).toBeGreaterThan(0);
    expect(stages.ingest.p50).toBeLessThan(0.99);
    expect(stages.log.p50).toBeGreaterThan(0);
    await rep.client.close();
  });

  it('serves one OpenAPI document, readiness of every app, and merged metrics on its one port', async () => {
    await using herald = await startTestHerald();
    const document = (await (await fetch(`${herald.url}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/v1/events', '/v1/inbox', '/v1/reminders']),
    );
    expect(await (await fetch(`${herald.url}/readyz`)).json()).toEqual({
      status: 'ready',
      apps: { ingest: true, push: true, scheduler: true },
    });
    const metrics = await (await fetch(`${herald.url}/metrics`)).text();
    expect(metrics).toContain('herald_ingest_events_total');
    expect(metrics).toContain('herald_push_notifications_total');
    const unknown = await fetch(`${herald.url}/v1/nothing-here`, {
      headers: { authorization: `Bearer ${herald.sampleToken}` },
    });
    expect(unknown.status).toBe(404);
  });
});

describe('herald start with a webhook', () => {
  it('posts the default refund rule’s notification, signed, to the configured webhook', async () => {
    const received: { signature: string; timestamp: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({
          signature: String(req.headers['herald-signature']),
          timestamp: String(req.headers['herald-timestamp']),
          body,
        });
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const secret = 'whsec-herald-start-test';
    try {
      await using herald = await startTestHerald({ webhook: { url, secret } });
      await postEvent(herald, {
        type: 'refund.requested',
        data: { orderId: '1001', refundId: 'r-1', amount: 5, currency: 'EUR' },
      });
      for (let i = 0; i < 200 && received.length === 0; i++) await sleep(20);
      expect(received).toHaveLength(1);
      const hook = received[0]!;
      expect(verifyWebhook(secret, Number(hook.timestamp), hook.body, hook.signature)).toBe(true);
      expect(JSON.parse(hook.body)).toMatchObject({
        type: 'notification',
        notification: { rule: 'refund-requested' },
      });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
