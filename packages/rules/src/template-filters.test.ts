import { beforeEach, describe, expect, test } from 'vitest';
import { clearFormatterCache, formatterCacheSize } from './template-filters.js';
import { compileTemplate, renderTemplate, type TemplateFormat, type Template } from './template.js';

function compile(source: string): Template {
  const template = compileTemplate(source);
  if (typeof template === 'string') throw new Error(template);
  return template;
}

const scope = {
  event: { id: 'e1', type: 'review.posted', occurredAt: '2030-01-05T10:30:00Z' },
  data: {
    comment: '',
    title: 'Great',
    nothing: null,
    dueAt: '2030-01-08T09:00:00Z',
    lateEvening: '2030-01-08T20:00:00Z', // Jan 9 in Shanghai, Jan 8 in Los Angeles
    day: '2030-01-08',
    wallTime: '2030-01-08T09:00:00',
    epoch: Date.UTC(2030, 0, 8, 9),
    total: 1234.5,
    totalText: '1234.5',
    price: 99.5,
    currency: 'EUR',
    lowerCurrency: 'usd',
    badCurrency: 'EURO',
    soon: 'soon',
    items: [{ sku: 'A-1' }],
  },
  customer: { name: 'Li Lei' },
  recipient: { id: 'rep-7' },
};

const en: TemplateFormat = { locale: 'en', timeZone: 'UTC' };
const zh: TemplateFormat = { locale: 'zh-CN', timeZone: 'UTC' };
const de: TemplateFormat = { locale: 'de', timeZone: 'UTC' };

function render(source: string, format?: TemplateFormat, data: Record<string, unknown> = scope.data) {
  return renderTemplate(compile(source), { ...scope, data }, format);
}

const text = (source: string, format?: TemplateFormat) => render(source, format).text;

const dateIn = (locale: string, options: Intl.DateTimeFormatOptions, value: string | number) =>
  new Intl.DateTimeFormat(locale, options).format(typeof value === 'string' ? Date.parse(value) : value);
const numberIn = (locale: string, value: number, options?: Intl.NumberFormatOptions) =>
  new Intl.NumberFormat(locale, options).format(value);

describe('default', () => {
  test('fills missing, null and empty values with a quoted string or a number', () => {
    expect(render(`“{{ data.comment | default: 'no comment' }}”`)).toEqual({
      text: '“no comment”',
      missing: undefined,
      problems: undefined,
    });
    expect(
      text(`[{{data.nope | default: "none"}}][{{data.nothing | default: 0}}][{{data.x|default:-1.5}}]`),
    ).toBe('[none][0][-1.5]');
    expect(text(`{{ data.title | default: 'none' }}`)).toBe('Great');
    expect(text(`{{ data.comment | default: 'a|b: c, d' }}`)).toBe('a|b: c, d');
  });

  test('a path default falls through to a later default; what stays missing is listed by its path', () => {
    expect(text(`{{ data.comment | default: customer.name }}`)).toBe('Li Lei');
    expect(render(`{{ data.comment | default: data.nope | default: 'no comment' }}`)).toEqual({
      text: 'no comment',
      missing: undefined,
      problems: undefined,
    });
    expect(render(`[{{ data.nope | default: data.nothing }}] {{customer.name}}`)).toEqual({
      text: '[] Li Lei',
      missing: ['data.nope'],
      problems: undefined,
    });
    // An empty value whose path default is missing stays empty, and empty is a value.
    expect(render(`[{{ data.comment | default: data.nope }}]`)).toMatchObject({
      text: '[]',
      missing: undefined,
    });
  });
});

describe('date and datetime', () => {
  test('format in the locale, medium by default', () => {
    expect(text('{{ data.dueAt | date }}', en)).toBe('Jan 8, 2030');
    expect(text('{{ data.dueAt | date }}', zh)).toBe('2030年1月8日');
    expect(text('{{ data.dueAt | date }}')).toBe('Jan 8, 2030'); // en and UTC by default
    expect(text(`{{ data.dueAt | date: 'long' }}`, en)).toBe('January 8, 2030');
    expect(text(`{{ data.dueAt | date: "full" }}`, en)).toBe('Tuesday, January 8, 2030');
    expect(text(`{{ data.dueAt | date: 'short' }}`, zh)).toBe(
      dateIn('zh-CN', { dateStyle: 'short', timeZone: 'UTC' }, scope.data.dueAt),
    );
    expect(text('{{ data.epoch | date }}', zh)).toBe('2030年1月8日');
  });

  test('datetime adds the time, short', () => {
    for (const locale of ['en', 'zh-CN']) {
      expect(text('{{ data.dueAt | datetime }}', { locale, timeZone: 'UTC' })).toBe(
        dateIn(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }, scope.data.dueAt),
      );
      expect(text(`{{ data.dueAt | datetime: 'long' }}`, { locale, timeZone: 'UTC' })).toBe(
        dateIn(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }, scope.data.dueAt),
      );
    }
    expect(text('{{ data.dueAt | datetime }}', en)).toMatch(/^Jan 8, 2030, 9:00\sAM$/);
    expect(text('{{ data.dueAt | datetime }}', zh)).toMatch(/^2030年1月8日 09:00$/);
  });

  test('apply the time zone', () => {
    const shanghai = { locale: 'en', timeZone: 'Asia/Shanghai' };
    const losAngeles = { locale: 'en', timeZone: 'America/Los_Angeles' };
    expect(text('{{ data.lateEvening | date }}', shanghai)).toBe('Jan 9, 2030');
    expect(text('{{ data.lateEvening | date }}', losAngeles)).toBe('Jan 8, 2030');
    expect(text('{{ data.lateEvening | datetime }}', { locale: 'zh-CN', timeZone: 'Asia/Shanghai' })).toMatch(
      /^2030年1月9日 04:00$/,
    );
    expect(text('{{ data.lateEvening | datetime }}', losAngeles)).toMatch(/^Jan 8, 2030, 12:00\sPM$/);
  });

  test('show a date without a time, or a time without an offset, as written in every zone', () => {
    const losAngeles = { locale: 'en', timeZone: 'America/Los_Angeles' };
    expect(text('{{ data.day | date }}', losAngeles)).toBe('Jan 8, 2030');
    expect(text('{{ data.day | datetime }}', losAngeles)).toBe('Jan 8, 2030');
    expect(text('{{ data.wallTime | datetime }}', losAngeles)).toMatch(/^Jan 8, 2030, 9:00\sAM$/);
  });

  test('read offsets, and leave what is not an instant unchanged as a problem', () => {
    const shanghai = { locale: 'en', timeZone: 'Asia/Shanghai' };
    const at = (value: unknown) => render('{{ data.at | datetime }}', shanghai, { at: value });
    expect(at('2030-01-08T09:00:00+08:00').text).toMatch(/^Jan 8, 2030, 9:00\sAM$/);
    expect(at('2030-01-08T09:00+08').text).toMatch(/^Jan 8, 2030, 9:00\sAM$/);
    expect(at('2030-01-08 01:00:00.5Z').text).toMatch(/^Jan 8, 2030, 9:00\sAM$/);
    expect(at('soon')).toEqual({
      text: 'soon',
      missing: undefined,
      problems: [`data.at | datetime: 'soon' is not an instant`],
    });
    // Date.parse reads these; they are not ISO 8601 instants.
    for (const value of ['Order 12', '1', '2030-02-30', '2030-01-08T25:00:00Z', true, { at: 1 }]) {
      expect(at(value).problems, JSON.stringify(value)).toHaveLength(1);
    }
    expect(at(Number.NaN).problems).toHaveLength(1);
  });

  test('keep a missing value missing for a later default', () => {
    expect(render('{{ data.nope | date }}')).toEqual({
      text: '',
      missing: ['data.nope'],
      problems: undefined,
    });
    expect(text(`{{ data.nope | date | default: 'TBD' }}`)).toBe('TBD');
    expect(text(`{{ data.comment | datetime | default: 'TBD' }}`)).toBe('TBD');
    expect(text('{{ data.nope | default: event.occurredAt | date }}', zh)).toBe('2030年1月5日');
    expect(text(`{{ data.nope | default: data.dueAt | date: 'long' }}`, en)).toBe('January 8, 2030');
  });
});

describe('number', () => {
  test('formats numbers and numeric strings in the locale', () => {
    expect(text('{{ data.total | number }}', en)).toBe('1,234.5');
    expect(text('{{ data.total | number }}', zh)).toBe('1,234.5');
    expect(text('{{ data.total | number }}', de)).toBe('1.234,5');
    expect(text('{{ data.totalText | number }}', de)).toBe('1.234,5');
    expect(text('{{ data.total | number }}', { locale: 'hi-IN', timeZone: 'UTC' })).toBe(
      numberIn('hi-IN', 1234.5),
    );
  });

  test('with fixed fraction digits', () => {
    expect(text('{{ data.total | number: 2 }}', en)).toBe('1,234.50');
    expect(text('{{ data.total | number: 2 }}', zh)).toBe('1,234.50');
    expect(text('{{ data.total | number: 2 }}', de)).toBe('1.234,50');
    expect(text('{{ data.total | number: 0 }}', en)).toBe('1,235');
  });

  test('leaves what is not a number unchanged as a problem', () => {
    expect(render('{{ data.soon | number }}')).toEqual({
      text: 'soon',
      missing: undefined,
      problems: [`data.soon | number: 'soon' is not a number`],
    });
    for (const value of ['0x10', '12 apples', true, [1]]) {
      expect(render('{{ data.n | number }}', en, { n: value }).problems, JSON.stringify(value)).toHaveLength(
        1,
      );
    }
    expect(render('{{ data.nope | number }}')).toEqual({
      text: '',
      missing: ['data.nope'],
      problems: undefined,
    });
  });
});

describe('currency', () => {
  test('formats with a literal code or a code read from the event', () => {
    expect(text(`{{ data.price | currency: 'EUR' }}`, en)).toBe('€99.50');
    expect(text(`{{ data.price | currency: 'eur' }}`, en)).toBe('€99.50');
    expect(text('{{ data.price | currency: data.currency }}', en)).toBe('€99.50');
    expect(text('{{ data.price | currency: data.currency }}', zh)).toBe(
      numberIn('zh-CN', 99.5, { style: 'currency', currency: 'EUR' }),
    );
    expect(text('{{ data.price | currency: data.currency }}', de)).toBe(
      numberIn('de', 99.5, { style: 'currency', currency: 'EUR' }),
    );
    expect(text(`{{ data.price | currency: "CNY" }}`, zh)).toBe('¥99.50');
    expect(text('{{ data.price | currency: data.lowerCurrency }}', zh)).toBe(
      numberIn('zh-CN', 99.5, { style: 'currency', currency: 'USD' }),
    );
  });

  test('leaves the value unchanged as a problem without a usable code or number', () => {
    expect(render('{{ data.price | currency: data.nope }}')).toEqual({
      text: '99.5',
      missing: undefined,
      problems: ['data.price | currency: data.nope has no value'],
    });
    expect(render('{{ data.price | currency: data.badCurrency }}').problems).toEqual([
      `data.price | currency: data.badCurrency 'EURO' is not a currency code`,
    ]);
    expect(render('{{ data.price | currency: data.items }}').problems).toHaveLength(1);
    expect(render(`{{ data.soon | currency: 'EUR' }}`)).toMatchObject({
      text: 'soon',
      problems: [`data.soon | currency: 'soon' is not a number`],
    });
  });
});

describe('templates with filters', () => {
  test('report problems and missing values separately, in order', () => {
    expect(
      render(`{{data.soon | date}} {{data.nope}} {{data.soon | number}} {{data.title | default: 'x'}}`),
    ).toEqual({
      text: 'soon  soon Great',
      missing: ['data.nope'],
      problems: [`data.soon | date: 'soon' is not an instant`, `data.soon | number: 'soon' is not a number`],
    });
  });

  test('compile placeholders with their filters', () => {
    const template = compile(`Due {{ data.dueAt | default: event.occurredAt | date: 'long' }}`);
    expect(template.constant).toBe(false);
    expect('parts' in template).toBe(true);
    expect(template.parts[1]).toMatchObject({
      text: `data.dueAt | default: event.occurredAt | date: 'long'`,
      path: { root: 'data', keys: ['dueAt'], text: 'data.dueAt' },
      filters: [
        { name: 'default', value: { root: 'event', keys: ['occurredAt'] } },
        { name: 'date', dateStyle: 'long' },
      ],
    });
    expect(compile('{{data.x}}').parts[0]).toMatchObject({ filters: [] });
    expect(renderTemplate(compile('Hello'), scope, zh)).toEqual({
      text: 'Hello',
      missing: undefined,
      problems: undefined,
    });
  });

  test('refuse unknown filters and missing, extra or malformed arguments, naming the placeholder', () => {
    expect(compileTemplate('{{data.x | upcase}}')).toBe(
      `unknown filter 'upcase' in {{data.x | upcase}} (known: default, date, datetime, number, currency)`,
    );
    const errors: [string, RegExp][] = [
      ['{{data.x | default}}', /^default needs an argument .* in \{\{data\.x \| default\}\}$/],
      ['{{data.x | default: }}', /^default: missing argument .* in \{\{data\.x \| default:\}\}$/],
      ['{{data.x | currency}}', /^currency needs an argument .* in \{\{data\.x \| currency\}\}$/],
      [`{{data.x | default: 'a', 'b'}}`, /^default takes one argument, got 2 in \{\{/],
      [`{{data.x | date: 'long' 'short'}}`, /^date: malformed argument/],
      [`{{data.x | default: 'abc}}`, /^unterminated quote in \{\{data\.x \| default: 'abc\}\}$/],
      [`{{data.x | default: "it's}}`, /^unterminated quote in /],
      [
        `{{data.x | date: 'soon'}}`,
        /^date style must be 'short', 'medium', 'long' or 'full' \(got 'soon'\) in /,
      ],
      [`{{data.x | datetime: short}}`, /^datetime style must be .* \(got short\) in /],
      [`{{data.x | date: 2}}`, /^date style must be/],
      [`{{data.x | currency: 'EURO'}}`, /^currency code must be three letters .* \(got 'EURO'\) in /],
      [`{{data.x | currency: 978}}`, /^currency code must be three letters/],
      [
        `{{data.x | number: 21}}`,
        /^number: fraction digits must be a whole number from 0 to 20 \(got 21\) in /,
      ],
      [`{{data.x | number: -1}}`, /^number: fraction digits/],
      [`{{data.x | number: 1.5}}`, /^number: fraction digits/],
      [`{{data.x | number: '2'}}`, /^number: fraction digits/],
      [
        `{{data.x | default: order.id}}`,
        /^default: field path 'order\.id' must start with event\..* in \{\{/,
      ],
      [`{{data.x | currency: order.currency}}`, /^currency: field path 'order\.currency' must start with/],
      [`{{data.x | default: data..y}}`, /^default: invalid field path/],
      [`{{data.x | }}`, /^empty filter in \{\{data\.x \|\}\}$/],
      [`{{data.x || date}}`, /^empty filter in /],
      [`{{data.x | 'a'}}`, /^malformed filter/],
      [`{{ | date}}`, /^placeholder \{\{\| date\}\}: invalid field path/],
    ];
    for (const [source, error] of errors) expect(compileTemplate(source), source).toMatch(error);
    expect(compileTemplate(`{{recipient.id | default: data.x}}`, ['recipient'])).toMatch(
      /^default: field path 'data\.x' must start with recipient\./,
    );
  });
});

describe('render format', () => {
  test('falls back to en and UTC for what Intl does not know, without throwing', () => {
    const source = '{{ data.lateEvening | datetime }} {{ data.total | number }}';
    const expected = text(source, en);
    for (const format of [
      { locale: 'not a locale!', timeZone: 'UTC' },
      { locale: '', timeZone: 'Mars/Olympus' },
      { locale: 'en', timeZone: '' },
      { locale: 'x'.repeat(100), timeZone: '../etc/passwd' },
      {},
    ]) {
      expect(render(source, format), JSON.stringify(format)).toEqual({
        text: expected,
        missing: undefined,
        problems: undefined,
      });
    }
    // A valid locale keeps its language when only the zone is unknown.
    expect(text('{{ data.dueAt | date }}', { locale: 'zh-CN', timeZone: 'Mars/Olympus' })).toBe(
      '2030年1月8日',
    );
    expect(text('{{ data.dueAt | date }}', { locale: 'zh_CN', timeZone: 'UTC' })).toBe('2030年1月8日');
  });
});

describe('formatter cache', () => {
  beforeEach(() => clearFormatterCache());

  test('reuses a formatter for the same options', () => {
    const template = compile(
      `{{ data.dueAt | date }} {{ data.total | number: 2 }} {{ data.price | currency: 'EUR' }}`,
    );
    renderTemplate(template, scope, zh);
    expect(formatterCacheSize()).toBe(3);
    for (let i = 0; i < 10; i++) renderTemplate(template, scope, zh);
    expect(formatterCacheSize()).toBe(3);
    renderTemplate(template, scope, de);
    expect(formatterCacheSize()).toBe(6);
    renderTemplate(template, scope, { locale: 'de', timeZone: 'Asia/Shanghai' });
    expect(formatterCacheSize()).toBe(7); // dates are formatted per zone, numbers are not
  });

  test('stays bounded with many zones and locales', () => {
    const template = compile('{{ data.dueAt | datetime }} {{ data.total | number }}');
    const zones = Intl.supportedValuesOf('timeZone');
    expect(zones.length).toBeGreaterThan(256);
    let peak = 0;
    for (const timeZone of zones) {
      renderTemplate(template, scope, { locale: 'en', timeZone });
      peak = Math.max(peak, formatterCacheSize());
    }
    for (let i = 0; i < 400; i++) {
      const rendered = renderTemplate(template, scope, { locale: `en-x-r${i}`, timeZone: 'UTC' });
      expect(rendered.problems).toBeUndefined();
      peak = Math.max(peak, formatterCacheSize());
    }
    expect(peak).toBeGreaterThan(200);
    expect(peak).toBeLessThanOrEqual(256);
  });
});
