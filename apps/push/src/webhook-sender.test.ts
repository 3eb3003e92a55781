import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openStore } from '@herald/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toNotification } from './to-notification.js';
import { WebhookSender, type WebhookOutcome } from './webhook-sender.js';

// Deferred sends and resumed tries, against a real HTTP receiver and a real store.
const received: { attempt: string; id: string }[] = [];
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received.push({ attempt: String(req.headers['herald-attempt']), id: String(req.headers['herald-id']) });
    res.end();
  });
});
let url: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function setUp() {
  const store = openStore({ path: ':memory:' });
  store.tenants.create({ id: 'acme', name: 'Acme' });
  const outcomes: WebhookOutcome[] = [];
  const sender = (endpoint = true) =>
    new WebhookSender(
      store,
      { sweepIntervalMs: 30 },
      {
        endpointFor: () => (endpoint ? { url, secret: 'whsec-test' } : undefined),
        load: (tenant, id) => {
          const row = store.inbox.get(tenant, id);
          return row === undefined ? undefined : toNotification(row);
        },
        onOutcome: (outcome) => outcomes.push(outcome),
      },
    );
  const notification = (id: string) =>
    toNotification(
      store.inbox.insert({ tenantId: 'acme', id, recipientId: 'rep-7', title: `Ping ${id}` }).notification,
    );
  const delivery = (id: string) =>
    store.deliveries.get({ tenantId: 'acme', notificationId: id, channel: 'webhook' });
  return { store, outcomes, sender, notification, delivery };
}

describe('WebhookSender', () => {
  it('sends a deferred notification at its time, from the store, even after the sender that deferred it is gone', async () => {
    const { store, sender, notification, delivery } = setUp();
    const first = sender();
    first.start();
    const at = Date.now() + 200;
    first.send({ url, secret: 'whsec-test' }, notification('deferred'), { at });
    expect(delivery('deferred')).toMatchObject({ status: 'pending', nextAttemptAt: at });
    await first.close();
    const second = sender();
    second.start();
    await expect.poll(() => received.some((r) => r.id === 'deferred'), { timeout: 5_000 }).toBe(true);
    expect(Date.now()).toBeGreaterThanOrEqual(at);
    expect(received.filter((r) => r.id === 'deferred')).toEqual([{ attempt: '1', id: 'deferred' }]);
    await expect.poll(() => delivery('deferred')?.status, { timeout: 5_000 }).toBe('delivered');
    await second.close();
    await store.close();
  });

  it('fails a resumed try whose notification is gone or whose tenant has no endpoint any more', async () => {
    const { store, outcomes, sender, notification, delivery } = setUp();
    notification('kept');
    const soon = Date.now() + 50;
    store.deliveries.createPending(
      { tenantId: 'acme', notificationId: 'kept', channel: 'webhook' },
      { nextAttemptAt: soon },
    );
    const noEndpoint = sender(false);
    noEndpoint.start();
    await expect.poll(() => delivery('kept')?.status, { timeout: 5_000 }).toBe('failed');
    expect(delivery('kept')).toMatchObject({
      lastError: 'no webhook endpoint for the tenant',
      nextAttemptAt: null,
    });
    // A delivery goes with its notification (cascade); only a row deleted behind the store's
    // back leaves one behind, which must end, not loop.
    notification('gone');
    store.deliveries.createPending(
      { tenantId: 'acme', notificationId: 'gone', channel: 'webhook' },
      { nextAttemptAt: soon },
    );
    store.db.$client.pragma('foreign_keys = OFF');
    store.db.$client.prepare("DELETE FROM notifications WHERE id = 'gone'").run();
    store.db.$client.pragma('foreign_keys = ON');
    await expect.poll(() => delivery('gone')?.status, { timeout: 5_000 }).toBe('failed');
    expect(delivery('gone')?.lastError).toBe('the notification is no longer in the inbox');
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['failed', 'failed']);
    expect(received.some((r) => r.id === 'kept' || r.id === 'gone')).toBe(false);
    await noEndpoint.close();
    await store.close();
  });
});
