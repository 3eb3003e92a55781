import { describe, expect, test } from 'vitest';
import { selectVariant, variantTable } from './select-variant.js';

const table = variantTable(
  [
    ['en', 'EN'],
    ['zh-CN', 'ZH-CN'],
    ['zh-Hant', 'ZH-HANT'],
    ['default', 'DEFAULT'],
  ],
  'en',
);

describe('selectVariant', () => {
  test.each([
    ['zh-CN', 'ZH-CN'],
    ['zh-cn', 'ZH-CN'],
    ['zh_CN', 'ZH-CN'],
    ['en', 'EN'],
    ['en-US', 'EN'],
    ['en-GB', 'EN'],
    ['zh-Hant-TW', 'ZH-HANT'],
    ['zh-TW', 'ZH-CN'],
    ['zh', 'ZH-CN'],
    ['fr-FR', 'DEFAULT'],
    ['not a locale', 'DEFAULT'],
  ])('%s → %s', (locale, expected) => {
    expect(selectVariant(table, locale).variant).toBe(expected);
  });

  test('no locale gets the default variant', () => {
    expect(selectVariant(table, undefined)).toEqual({ variant: 'DEFAULT', tag: 'default' });
  });

  test('without a default variant, the rule set default locale, then its language, then the first', () => {
    const noDefault = variantTable(
      [
        ['zh-CN', 'ZH'],
        ['en-US', 'EN-US'],
      ],
      'en',
    );
    expect(selectVariant(noDefault, 'fr').variant).toBe('EN-US');
    expect(
      selectVariant(
        variantTable(
          [
            ['zh-CN', 'ZH'],
            ['ja', 'JA'],
          ],
          'en',
        ),
        'fr',
      ).variant,
    ).toBe('ZH');
    expect(
      selectVariant(
        variantTable(
          [
            ['zh-CN', 'ZH'],
            ['en', 'EN'],
          ],
          'zh-CN',
        ),
        undefined,
      ).variant,
    ).toBe('ZH');
  });

  test('zh-CN falls back to zh, then to the default', () => {
    const zh = variantTable(
      [
        ['zh', 'ZH'],
        ['en', 'EN'],
      ],
      'en',
    );
    expect(selectVariant(zh, 'zh-CN').variant).toBe('ZH');
    const none = variantTable([['en', 'EN']], 'en');
    expect(selectVariant(none, 'zh-CN').variant).toBe('EN');
  });

  test('reports the tag of the chosen variant', () => {
    expect(selectVariant(table, 'zh-TW').tag).toBe('zh-CN');
  });
});
