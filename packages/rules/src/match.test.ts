import { describe, expect, test } from 'vitest';
import { compileCondition, type Condition } from './condition.js';
import type { ConditionDefinition } from './rule-set-schema.js';
import { compileTypePattern, type TypeMatcher } from './type-matcher.js';

function matcher(pattern: string): TypeMatcher {
  const compiled = compileTypePattern(pattern);
  if (typeof compiled === 'string') throw new Error(compiled);
  return compiled;
}

function condition(definition: ConditionDefinition): Condition {
  const compiled = compileCondition(definition);
  if (typeof compiled !== 'function') throw new Error(compiled.message);
  return compiled;
}

describe('type patterns', () => {
  test('exact', () => {
    expect(matcher('order.created')('order.created')).toBe(true);
    expect(matcher('order.created')('order.created.v2')).toBe(false);
    expect(matcher('order.created')('order_created')).toBe(false);
  });

  test('* matches within one segment', () => {
    const order = matcher('order.*');
    expect(order('order.created')).toBe(true);
    expect(order('order.item.added')).toBe(false);
    expect(order('orders.created')).toBe(false);
    expect(matcher('*.created')('ticket.created')).toBe(true);
    expect(matcher('order.ship*')('order.shipped')).toBe(true);
  });

  test('** matches across segments; a lone * or ** matches everything', () => {
    expect(matcher('order.**')('order.item.added')).toBe(true);
    expect(matcher('**')('anything.at.all')).toBe(true);
    expect(matcher('*')('order.created')).toBe(true);
  });

  test('dots are literal', () => {
    expect(matcher('order.*')('orderxcreated')).toBe(false);
  });

  test('refuses malformed patterns', () => {
    for (const bad of [
      'Order.*',
      'order..x',
      '.order',
      'order.',
      'order.***',
      'order created',
      'order.[a]',
    ]) {
      expect(typeof compileTypePattern(bad)).toBe('string');
    }
  });
});

describe('conditions', () => {
  const scope = {
    data: {
      total: 1200,
      totalText: '1200.50',
      status: 'open',
      tags: ['vip'],
      note: null,
      dueAt: '2030-01-02T00:00:00Z',
    },
    customer: { attributes: { tier: 'gold' } },
    event: { priority: 'high' },
  };

  test.each<[ConditionDefinition, boolean]>([
    [{ field: 'data.total', op: 'gt', value: 1000 }, true],
    [{ field: 'data.total', op: 'gt', value: 1200 }, false],
    [{ field: 'data.total', op: 'gte', value: 1200 }, true],
    [{ field: 'data.total', op: 'lt', value: 1200 }, false],
    [{ field: 'data.total', op: 'lte', value: 1200 }, true],
    [{ field: 'data.totalText', op: 'gt', value: 1200 }, true],
    [{ field: 'data.status', op: 'gt', value: 5 }, false],
    [{ field: 'data.dueAt', op: 'gt', value: '2030-01-01T00:00:00Z' }, true],
    [{ field: 'data.status', op: 'eq', value: 'open' }, true],
    [{ field: 'data.status', op: 'ne', value: 'open' }, false],
    [{ field: 'data.total', op: 'eq', value: 1200 }, true],
    [{ field: 'data.missing', op: 'ne', value: 'open' }, true],
    [{ field: 'data.status', op: 'in', value: ['open', 'pending'] }, true],
    [{ field: 'data.status', op: 'in', value: ['closed'] }, false],
    [{ field: 'data.total', op: 'exists' }, true],
    [{ field: 'data.note', op: 'exists' }, false],
    [{ field: 'data.missing', op: 'exists', value: false }, true],
    [{ field: 'customer.attributes.tier', op: 'eq', value: 'gold' }, true],
    [{ field: 'event.priority', op: 'in', value: ['high', 'critical'] }, true],
    [{ field: 'data.tags[0]', op: 'eq', value: 'vip' }, true],
  ])('%j → %s', (definition, expected) => {
    expect(condition(definition)(scope)).toBe(expected);
  });

  test('refuses values that do not fit the operator, and bad fields', () => {
    expect(compileCondition({ field: 'data.total', op: 'gt', value: [1] })).toMatchObject({
      member: 'value',
    });
    expect(compileCondition({ field: 'data.total', op: 'in', value: 'open' })).toMatchObject({
      member: 'value',
    });
    expect(compileCondition({ field: 'data.total', op: 'in', value: [] })).toMatchObject({ member: 'value' });
    expect(compileCondition({ field: 'data.total', op: 'eq', value: { a: 1 } })).toMatchObject({
      member: 'value',
    });
    expect(compileCondition({ field: 'data.total', op: 'exists', value: 'yes' })).toMatchObject({
      member: 'value',
    });
    expect(compileCondition({ field: 'total', op: 'exists' })).toMatchObject({ member: 'field' });
    expect(compileCondition({ field: 'recipient.id', op: 'exists' })).toMatchObject({ member: 'field' });
  });
});
