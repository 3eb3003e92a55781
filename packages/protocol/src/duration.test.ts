import { describe, expect, test } from 'vitest';
import { durationMs, durationSchema, parseDuration } from './duration.js';
import { ProtocolError } from './protocol-error.js';

describe('parseDuration', () => {
  test.each([
    ['PT1H', 3_600_000],
    ['pt1h', 3_600_000],
    ['PT90M', 5_400_000],
    ['P1D', 86_400_000],
    ['P1DT12H', 129_600_000],
    ['P2W', 1_209_600_000],
    ['PT0.5S', 500],
    ['-PT1H', -3_600_000],
    ['90m', 5_400_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['45s', 45_000],
    ['500ms', 500],
    ['-1h', -3_600_000],
    ['1w', 604_800_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test.each(['', 'P', 'PT', 'P1Y', 'P1M', 'P1DT', '1 hour', 'h', '1x', '--PT1H', 'PT1H2D'])(
    'refuses %j',
    (text) => {
      expect(durationMs(text)).toBeUndefined();
      expect(() => parseDuration(text)).toThrow(ProtocolError);
    },
  );

  test('durationSchema keeps the text and needs a positive duration', () => {
    expect(durationSchema.parse('PT1H')).toBe('PT1H');
    expect(durationSchema.safeParse('-PT1H').success).toBe(false);
    expect(durationSchema.safeParse('PT0S').success).toBe(false);
    expect(durationSchema.safeParse('soon').success).toBe(false);
  });
});
