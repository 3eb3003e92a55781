import { describe, expect, it } from 'vitest';
import { openWithTenant, storeTargets } from '../test/store-targets.js';

describe.each(storeTargets)('processed events on $name', (target) => {
  it('says an event is new exactly once', async () => {
    await using store = openWithTenant(target);
    expect(store.processedEvents.isProcessed('acme', 'evt-1')).toBe(false);
    expect(store.processedEvents.markProcessed('acme', 'evt-1', 10_000)).toBe(true);
    expect(store.processedEvents.markProcessed('acme', 'evt-1', 20_000)).toBe(false);
    expect(store.processedEvents.isProcessed('acme', 'evt-1')).toBe(true);
  });

  it('records a batch in one go, counting only the new ones, and all or nothing', async () => {
    await using store = openWithTenant(target);
    store.processedEvents.markProcessed('acme', 'evt-2', 10_000);
    const keys = ['evt-1', 'evt-2', 'evt-3'].map((eventId) => ({ tenantId: 'acme', eventId }));
    expect(store.processedEvents.markProcessedMany(keys, 10_000)).toBe(2);
    expect(store.processedEvents.markProcessedMany(keys, 10_000)).toBe(0);
    expect(['evt-1', 'evt-3'].map((id) => store.processedEvents.isProcessed('acme', id))).toEqual([
      true,
      true,
    ]);
    // An unknown tenant breaks the foreign key: nothing of that batch is kept.
    const broken = [
      { tenantId: 'acme', eventId: 'evt-4' },
      { tenantId: 'nobody', eventId: 'evt-5' },
    ];
    expect(() => store.processedEvents.markProcessedMany(broken, 10_000)).toThrow();
    expect(store.processedEvents.isProcessed('acme', 'evt-4')).toBe(false);
  });

  it('keeps tenants apart', async () => {
    await using store = openWithTenant(target);
    store.tenants.create({ id: 'globex', name: 'Globex' });
    expect(store.processedEvents.markProcessed('acme', 'evt-1', 10_000)).toBe(true);
    expect(store.processedEvents.markProcessed('globex', 'evt-1', 10_000)).toBe(true);
  });

  it('forgets an event so a retry counts as new', async () => {
    await using store = openWithTenant(target);
    store.processedEvents.markProcessed('acme', 'evt-1', 10_000);
    expect(store.processedEvents.forget('acme', 'evt-1')).toBe(true);
    expect(store.processedEvents.forget('acme', 'evt-1')).toBe(false);
    expect(store.processedEvents.markProcessed('acme', 'evt-1', 10_000)).toBe(true);
  });

  it('purges what expired at or before now, and only that', async () => {
    await using store = openWithTenant(target);
    for (let i = 0; i < 10; i++) store.processedEvents.markProcessed('acme', `evt-${i}`, 1000 * i);
    expect(store.processedEvents.purgeExpired(4000)).toBe(5);
    expect(store.processedEvents.isProcessed('acme', 'evt-4')).toBe(false);
    expect(store.processedEvents.isProcessed('acme', 'evt-5')).toBe(true);
    expect(store.processedEvents.markProcessed('acme', 'evt-0', 99_000)).toBe(true);
    expect(store.processedEvents.purgeExpired(4000)).toBe(0);
  });

  it('purges at most `limit` records a call, the longest expired first', async () => {
    await using store = openWithTenant(target);
    for (const [index, expiresAt] of [3000, 1000, 4000, 2000, 9000].entries()) {
      store.processedEvents.markProcessed('acme', `evt-${index}`, expiresAt);
    }
    expect(store.processedEvents.purgeExpired(5000, { limit: 2 })).toBe(2);
    expect(store.processedEvents.isProcessed('acme', 'evt-1')).toBe(false);
    expect(store.processedEvents.isProcessed('acme', 'evt-3')).toBe(false);
    expect(store.processedEvents.isProcessed('acme', 'evt-0')).toBe(true);
    expect(store.processedEvents.purgeExpired(5000, { limit: 2 })).toBe(2);
    expect(store.processedEvents.purgeExpired(5000, { limit: 2 })).toBe(0);
    expect(store.processedEvents.isProcessed('acme', 'evt-4')).toBe(true);
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      expect(() => store.processedEvents.purgeExpired(5000, { limit })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
  });
});
