import { describe, expect, it } from 'vitest';
import { manualClock, openWithTenant, storeTargets } from '../test/store-targets.js';

describe.each(storeTargets)('subscribers on $name', (target) => {
  it('knows none until set, then returns what was set with the locale in canonical form', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    expect(store.subscribers.get('acme', 'rep-7')).toBeUndefined();
    const expected = {
      tenantId: 'acme',
      id: 'rep-7',
      locale: 'zh-CN',
      timezone: 'Asia/Shanghai',
      updatedAt: clock.now(),
    };
    expect(
      store.subscribers.set({ tenantId: 'acme', id: 'rep-7', locale: 'zh-cn', timezone: 'Asia/Shanghai' }),
    ).toEqual(expected);
    expect(store.subscribers.get('acme', 'rep-7')).toEqual(expected);
    expect(store.subscribers.get('acme', 'rep-8')).toBeUndefined();
  });

  it('replaces the whole document on set, and removes it', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    store.subscribers.set({ tenantId: 'acme', id: 'rep-7', locale: 'en', timezone: 'Europe/Paris' });
    clock.advance(1000);
    store.subscribers.set({ tenantId: 'acme', id: 'rep-7', locale: 'de' });
    expect(store.subscribers.get('acme', 'rep-7')).toEqual({
      tenantId: 'acme',
      id: 'rep-7',
      locale: 'de',
      timezone: null,
      updatedAt: clock.now(),
    });
    expect(store.subscribers.remove('acme', 'rep-7')).toBe(true);
    expect(store.subscribers.remove('acme', 'rep-7')).toBe(false);
    expect(store.subscribers.get('acme', 'rep-7')).toBeUndefined();
  });

  it('refuses locales that are not BCP 47 tags and unknown time zones, keeping what was there', async () => {
    await using store = openWithTenant(target);
    store.subscribers.set({ tenantId: 'acme', id: 'rep-7', locale: 'en' });
    for (const input of [
      { locale: 'not a locale' },
      { locale: '' },
      { timezone: 'Mars/Olympus_Mons' },
      { locale: 'en', timezone: 'Europe/Pariss' },
    ]) {
      expect(() => store.subscribers.set({ tenantId: 'acme', id: 'rep-7', ...input })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
    expect(store.subscribers.get('acme', 'rep-7')?.locale).toBe('en');
  });

  it('goes with its tenant', async () => {
    await using store = openWithTenant(target);
    store.subscribers.set({ tenantId: 'acme', id: 'rep-7', locale: 'en' });
    store.tenants.remove('acme');
    expect(store.subscribers.get('acme', 'rep-7')).toBeUndefined();
  });
});
