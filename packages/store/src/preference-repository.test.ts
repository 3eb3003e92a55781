import { describe, expect, it } from 'vitest';
import { manualClock, openWithTenant, storeTargets } from '../test/store-targets.js';

describe.each(storeTargets)('preferences on $name', (target) => {
  it('has none until set, then returns what was set', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    expect(store.preferences.get('acme', 'rep-7')).toBeUndefined();
    const set = store.preferences.set({
      tenantId: 'acme',
      recipientId: 'rep-7',
      optOuts: [{ category: 'marketing' }, { channel: 'sms' }, { category: 'billing', channel: 'email' }],
      quietHours: { start: '22:30', end: '07:05', timezone: 'Europe/Paris' },
    });
    const expected = {
      tenantId: 'acme',
      recipientId: 'rep-7',
      optOuts: [{ category: 'marketing' }, { channel: 'sms' }, { category: 'billing', channel: 'email' }],
      quietHours: { start: '22:30', end: '07:05', timezone: 'Europe/Paris' },
      updatedAt: clock.now(),
    };
    expect(set).toEqual(expected);
    expect(store.preferences.get('acme', 'rep-7')).toEqual(expected);
    expect(store.preferences.get('acme', 'rep-8')).toBeUndefined();
  });

  it('replaces the whole document on set, and removes it', async () => {
    await using store = openWithTenant(target);
    store.preferences.set({
      tenantId: 'acme',
      recipientId: 'rep-7',
      optOuts: [{ category: 'marketing' }],
      quietHours: { start: '22:00', end: '07:00', timezone: 'UTC' },
    });
    store.preferences.set({ tenantId: 'acme', recipientId: 'rep-7', optOuts: [{ channel: 'email' }] });
    expect(store.preferences.get('acme', 'rep-7')).toMatchObject({
      optOuts: [{ channel: 'email' }],
      quietHours: null,
    });
    expect(store.preferences.remove('acme', 'rep-7')).toBe(true);
    expect(store.preferences.get('acme', 'rep-7')).toBeUndefined();
  });

  it('refuses malformed quiet hours and unknown time zones', async () => {
    await using store = openWithTenant(target);
    const bad = [
      { start: '24:00', end: '07:00', timezone: 'UTC' },
      { start: '7:00', end: '08:00', timezone: 'UTC' },
      { start: '22:00', end: '22:00', timezone: 'UTC' },
      { start: '22:00', end: '07:00', timezone: 'Mars/Olympus_Mons' },
    ];
    for (const quietHours of bad) {
      expect(() => store.preferences.set({ tenantId: 'acme', recipientId: 'rep-7', quietHours })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
    expect(store.preferences.get('acme', 'rep-7')).toBeUndefined();
  });
});
