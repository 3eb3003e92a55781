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
});
