import type { Preferences } from '@herald/store';
import { describe, expect, it } from 'vitest';
import { decideDelivery } from './delivery-decision.js';

const base: Preferences = {
  tenantId: 'acme',
  recipientId: 'rep-7',
  optOuts: [],
  quietHours: null,
  updatedAt: 0,
};
const note = {
  priority: 'normal' as const,
  category: 'orders',
  channels: ['in_app', 'webhook'] as ('in_app' | 'webhook')[],
};
const noon = Date.parse('2030-01-01T12:00:00Z');

describe('decideDelivery', () => {
  it('keeps every channel without preferences', () => {
    expect(decideDelivery(note, undefined, noon)).toEqual({
      channels: ['in_app', 'webhook'],
      deferUntil: undefined,
    });
  });

  it('drops opted-out channels by category, by channel, or both', () => {
    const byChannel = { ...base, optOuts: [{ channel: 'webhook' }] };
    expect(decideDelivery(note, byChannel, noon).channels).toEqual(['in_app']);
    const byCategory = { ...base, optOuts: [{ category: 'orders' }] };
    expect(decideDelivery(note, byCategory, noon).channels).toEqual([]);
    const other = { ...base, optOuts: [{ category: 'tickets', channel: 'in_app' }] };
    expect(decideDelivery(note, other, noon).channels).toEqual(['in_app', 'webhook']);
  });

  it('defers during quiet hours until their end', () => {
    const quiet = { ...base, quietHours: { start: '11:00', end: '13:00', timezone: 'UTC' } };
    expect(decideDelivery(note, quiet, noon).deferUntil).toBe(Date.parse('2030-01-01T13:00:00Z'));
  });

  it('lets critical through opt-outs and quiet hours', () => {
    const strict = {
      ...base,
      optOuts: [{ category: 'orders' }],
      quietHours: { start: '00:00', end: '23:59', timezone: 'UTC' },
    };
    expect(decideDelivery({ ...note, priority: 'critical' }, strict, noon)).toEqual({
      channels: ['in_app', 'webhook'],
      deferUntil: undefined,
    });
  });
});
