import { describe, expect, test } from 'vitest';
import { parseFieldPath, readPath } from './field-path.js';
import { compileTemplate, renderTemplate, type Template } from './template.js';

function compile(source: string): Template {
  const template = compileTemplate(source);
  if (typeof template === 'string') throw new Error(template);
  return template;
}

const scope = {
  event: { id: 'e1', type: 'order.created' },
  data: {
    orderId: 123,
    total: 99.5,
    paid: false,
    items: [{ sku: 'A-1' }, { sku: 'B-2' }],
    customer: { address: { city: '上海' } },
    empty: '',
    nothing: null,
  },
  customer: { name: 'Li Lei', attributes: { tier: 'gold' } },
  recipient: { id: 'rep-7' },
};

describe('templates', () => {
  test('render placeholders with or without spaces', () => {
    expect(renderTemplate(compile('Order #{{data.orderId}} by {{ customer.name }}'), scope)).toEqual({
      text: 'Order #123 by Li Lei',
      missing: undefined,
    });
  });

  test('render nested paths and array items both ways', () => {
    const template = compile(
      '{{data.customer.address.city}} {{data.items[1].sku}} {{data.items.0.sku}} {{customer.attributes.tier}}',
    );
    expect(renderTemplate(template, scope).text).toBe('上海 B-2 A-1 gold');
  });

  test('render numbers, booleans and objects as text', () => {
    expect(renderTemplate(compile('{{data.total}} {{data.paid}} {{data.items[0]}}'), scope).text).toBe(
      '99.5 false {"sku":"A-1"}',
    );
  });

  test('missing and null placeholders render empty and are listed; empty strings are values', () => {
    expect(
      renderTemplate(
        compile('[{{data.nope}}][{{data.nothing}}][{{data.empty}}][{{data.items[9].sku}}]'),
        scope,
      ),
    ).toEqual({
      text: '[][][][]',
      missing: ['data.nope', 'data.nothing', 'data.items[9].sku'],
    });
    expect(renderTemplate(compile('{{customer.name}}'), { ...scope, customer: undefined }).missing).toEqual([
      'customer.name',
    ]);
  });

  test('a template without placeholders is constant', () => {
    const template = compile('Hello');
    expect(template.constant).toBe(true);
    expect(renderTemplate(template, {}).text).toBe('Hello');
  });

  test('refuses unknown roots, malformed paths and unbalanced braces', () => {
    expect(compileTemplate('{{order.id}}')).toMatch(
      /must start with event\., data\., customer\., recipient\. or reminder\./,
    );
    expect(compileTemplate('{{data..x}}')).toMatch(/invalid field path/);
    expect(compileTemplate('{{}}')).toMatch(/invalid field path/);
    expect(compileTemplate('{{data.x')).toMatch(/unbalanced/);
    expect(compileTemplate('data.x}}')).toMatch(/unbalanced/);
    expect(compileTemplate('{{recipient.id}}', ['data'])).toMatch(/must start with data\./);
  });

  test('does not read inherited properties', () => {
    expect(readPath({}, ['constructor'])).toBeUndefined();
    expect(readPath({ a: 'x' }, ['a', 'length'])).toBeUndefined();
  });

  test('parses paths', () => {
    expect(parseFieldPath('data.items[0].sku', ['data'])).toEqual({
      root: 'data',
      keys: ['items', 0, 'sku'],
      text: 'data.items[0].sku',
    });
    expect(parseFieldPath('data.a-b', ['data'])).toMatchObject({ keys: ['a-b'] });
  });
});
