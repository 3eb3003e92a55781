import { describe, expect, it } from 'vitest';
import { quietUntil } from './quiet-hours.js';

describe('quietUntil', () => {
  const paris = { start: '22:00', end: '07:00', timezone: 'Europe/Paris' };

  it('ends a window spanning midnight at its local end', () => {
    expect(quietUntil(Date.parse('2030-01-01T23:30:00+01:00'), paris)).toBe(
      Date.parse('2030-01-02T07:00:00+01:00'),
    );
    expect(quietUntil(Date.parse('2030-01-02T03:15:42.500+01:00'), paris)).toBe(
      Date.parse('2030-01-02T07:00:00+01:00'),
    );
  });

  it('is undefined outside the window, at its end, and for an empty window', () => {
    expect(quietUntil(Date.parse('2030-01-01T12:00:00+01:00'), paris)).toBeUndefined();
    expect(quietUntil(Date.parse('2030-01-02T07:00:00+01:00'), paris)).toBeUndefined();
    expect(quietUntil(Date.parse('2030-01-01T21:59:59+01:00'), paris)).toBeUndefined();
    expect(quietUntil(0, { start: '09:00', end: '09:00', timezone: 'UTC' })).toBeUndefined();
  });

  it('handles a daytime window in another zone', () => {
    const shanghai = { start: '12:00', end: '13:30', timezone: 'Asia/Shanghai' };
    expect(quietUntil(Date.parse('2030-06-01T12:45:00+08:00'), shanghai)).toBe(
      Date.parse('2030-06-01T13:30:00+08:00'),
    );
  });

  it('ends at the local clock time across a DST change inside the window', () => {
    // Europe/Paris springs forward at 02:00 on 2030-03-31: the night is an hour shorter.
    expect(quietUntil(Date.parse('2030-03-30T23:00:00+01:00'), paris)).toBe(
      Date.parse('2030-03-31T07:00:00+02:00'),
    );
    // And falls back at 03:00 on 2030-10-27: an hour longer.
    expect(quietUntil(Date.parse('2030-10-26T23:00:00+02:00'), paris)).toBe(
      Date.parse('2030-10-27T07:00:00+01:00'),
    );
  });
});
