import type { ConditionDefinition } from './rule-set-schema.js';
import { parseFieldPath, readPath } from './field-path.js';
import type { TemplateScope } from './template.js';

/** Tests one `match.when` condition against an event's scope. */
export type Condition = (scope: TemplateScope) => boolean;

type Scalar = string | number | boolean | null;

function isScalar(value: unknown): value is Scalar {
  return (
    value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
  );
}

// CRMs send numbers as strings often enough ("1200.50") that a numeric rule value compares numerically with them.
function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}

function equals(actual: unknown, expected: Scalar): boolean {
  if (actual === expected) return true;
  if (typeof expected === 'number') return asNumber(actual) === expected;
  return false;
}

function compare(actual: unknown, expected: number | string): number | undefined {
  if (typeof expected === 'number') {
    const n = asNumber(actual);
    return n === undefined ? undefined : n - expected;
  }
  if (typeof actual !== 'string') return undefined;
  return actual < expected ? -1 : actual > expected ? 1 : 0;
}

/**
 * Compiles a condition such as `{ field: data.total, op: gt, value: 1000 }`. Returns an error
 * message (and the member to blame) instead when the field or value does not fit the operator.
 */
export function compileCondition(
  definition: ConditionDefinition,
): Condition | { message: string; member: string } {
  const path = parseFieldPath(definition.field, ['event', 'data', 'customer']);
  if (typeof path === 'string') return { message: path, member: 'field' };
  const { op, value } = definition;
  const read = (scope: TemplateScope) => readPath(scope[path.root], path.keys);
  switch (op) {
    case 'exists': {
      if (value !== undefined && typeof value !== 'boolean')
        return { message: 'exists takes true or false', member: 'value' };
      const wanted = value ?? true;
      return (scope) => {
        const actual = read(scope);
        return (actual !== undefined && actual !== null) === wanted;
      };
    }
    case 'eq':
    case 'ne': {
      if (!isScalar(value))
        return { message: `${op} takes a string, number, boolean or null`, member: 'value' };
      return op === 'eq' ? (scope) => equals(read(scope), value) : (scope) => !equals(read(scope), value);
    }
    case 'in': {
      if (!Array.isArray(value) || value.length === 0 || !value.every(isScalar)) {
        return {
          message: 'in takes a non-empty list of strings, numbers, booleans or nulls',
          member: 'value',
        };
      }
      const options = value;
      return (scope) => {
        const actual = read(scope);
        return options.some((option) => equals(actual, option));
      };
    }
    default: {
      if (typeof value !== 'number' && typeof value !== 'string') {
        return { message: `${op} takes a number (or a string, compared as text)`, member: 'value' };
      }
      const test = orderTest(op);
      return (scope) => {
        const difference = compare(read(scope), value);
        return difference !== undefined && test(difference);
      };
    }
  }
}

function orderTest(op: 'gt' | 'gte' | 'lt' | 'lte'): (difference: number) => boolean {
  switch (op) {
    case 'gt':
      return (d) => d > 0;
    case 'gte':
      return (d) => d >= 0;
    case 'lt':
      return (d) => d < 0;
    case 'lte':
      return (d) => d <= 0;
  }
}
