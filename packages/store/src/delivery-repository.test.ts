import { describe, expect, it } from 'vitest';
import type { DeliveryKey } from './delivery-repository.js';
import { manualClock, openWithTenant, storeTargets } from '../test/store-targets.js';

const email: DeliveryKey = { tenantId: 'acme', notificationId: 'n1', channel: 'email' };
const inApp: DeliveryKey = { tenantId: 'acme', notificationId: 'n1', channel: 'in-app' };

describe.each(storeTargets)('deliveries on $name', (target) => {
  function open(clock = manualClock()) {
    const store = openWithTenant(target, clock);
    store.inbox.insert({ tenantId: 'acme', id: 'n1', recipientId: 'rep-7', title: 'Order paid' });
    return store;
  }

  it('creates one pending delivery per notification and channel', async () => {
    const clock = manualClock();
    await using store = open(clock);
    expect(store.deliveries.createPending(email)).toBe(true);
    expect(store.deliveries.createPending(email)).toBe(false);
    expect(store.deliveries.createPending(inApp)).toBe(true);
    expect(store.deliveries.get(email)).toEqual({
      ...email,
      status: 'pending',
      attempts: 0,
      lastError: null,
      latencyMs: null,
      createdAt: clock.now(),
      updatedAt: clock.now(),
      sentAt: null,
      deliveredAt: null,
      nextAttemptAt: null,
    });
    expect(store.deliveries.listForNotification('acme', 'n1').map((d) => d.channel)).toEqual([
      'email',
      'in-app',
    ]);
  });

  it('goes failed → sent → delivered, counting attempts and keeping the last error and latency', async () => {
    const clock = manualClock();
    await using store = open(clock);
    store.deliveries.createPending(email);
    clock.advance(10);
    expect(store.deliveries.markFailed(email, 'SMTP 451 try later', { latencyMs: 8.5 })).toBe(true);
    expect(store.deliveries.get(email)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'SMTP 451 try later',
      latencyMs: 8.5,
    });
    clock.advance(10);
    expect(store.deliveries.markSent(email, { latencyMs: 30 })).toBe(true);
    expect(store.deliveries.get(email)).toMatchObject({ status: 'sent', attempts: 2, sentAt: clock.now() });
    clock.advance(10);
    expect(store.deliveries.markDelivered(email)).toBe(true);
    expect(store.deliveries.get(email)).toMatchObject({
      status: 'delivered',
      attempts: 2,
      latencyMs: 30,
      deliveredAt: clock.now(),
      lastError: 'SMTP 451 try later',
    });
  });

  it('counts a direct delivery as one attempt and treats delivered as final', async () => {
    await using store = open();
    store.deliveries.createPending(inApp);
    expect(store.deliveries.markDelivered(inApp, { latencyMs: 3 })).toBe(true);
    expect(store.deliveries.get(inApp)).toMatchObject({ status: 'delivered', attempts: 1, latencyMs: 3 });
    expect(store.deliveries.markFailed(inApp, 'late bounce')).toBe(false);
    expect(store.deliveries.markSent(inApp)).toBe(false);
    expect(store.deliveries.markDelivered(inApp)).toBe(false);
    expect(store.deliveries.get(inApp)).toMatchObject({ status: 'delivered', attempts: 1, lastError: null });
  });

  it('ignores unknown deliveries and refuses a delivery for an unknown notification', async () => {
    await using store = open();
    expect(store.deliveries.markSent(email)).toBe(false);
    expect(store.deliveries.get(email)).toBeUndefined();
    expect(() => store.deliveries.createPending({ ...email, notificationId: 'nope' })).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    store.deliveries.createPending(email);
    expect(() => store.deliveries.markSent(email, { latencyMs: -1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('keeps the next try in the store and hands each due one to one taker, under a lease', async () => {
    const clock = manualClock();
    await using store = open(clock);
    store.inbox.insert({ tenantId: 'acme', id: 'n2', recipientId: 'rep-7', title: 'Later' });
    const hook = (notificationId: string): DeliveryKey => ({
      tenantId: 'acme',
      notificationId,
      channel: 'webhook',
    });
    const start = clock.now();
    store.deliveries.createPending(hook('n1'), { nextAttemptAt: start + 1000 });
    store.deliveries.createPending(hook('n2'), { nextAttemptAt: start + 5000 });
    store.deliveries.createPending(email);
    expect(store.deliveries.claimDue('webhook', start + 999, 30_000, 10)).toEqual([]);
    const [taken, ...more] = store.deliveries.claimDue('webhook', start + 1000, 30_000, 10);
    expect(more).toEqual([]);
    expect(taken).toMatchObject({ notificationId: 'n1', nextAttemptAt: start + 31_000 });
    // Leased: a second taker finds nothing until the lease runs out.
    expect(store.deliveries.claimDue('webhook', start + 2000, 30_000, 10)).toEqual([]);
    store.deliveries.markFailed(hook('n1'), 'HTTP 503', { retryAt: start + 3000 });
    expect(store.deliveries.get(hook('n1'))).toMatchObject({
      status: 'failed',
      attempts: 1,
      nextAttemptAt: start + 3000,
    });
    expect(
      store.deliveries.claimDue('webhook', start + 6000, 30_000, 10).map((d) => d.notificationId),
    ).toEqual(['n1', 'n2']);
    store.deliveries.markDelivered(hook('n1'));
    store.deliveries.markFailed(hook('n2'), 'HTTP 404');
    expect(store.deliveries.get(hook('n1'))?.nextAttemptAt).toBeNull();
    expect(store.deliveries.get(hook('n2'))).toMatchObject({ status: 'failed', nextAttemptAt: null });
    expect(store.deliveries.claimDue('webhook', start + 100_000, 30_000, 10)).toEqual([]);
    expect(store.deliveries.claimDue('email', start + 100_000, 30_000, 10)).toEqual([]);
    expect(() => store.deliveries.claimDue('webhook', start, 0, 10)).toThrow(/leaseMs/);
    expect(() => store.deliveries.createPending(hook('n3'), { nextAttemptAt: 1.5 })).toThrow(/nextAttemptAt/);
  });
});
