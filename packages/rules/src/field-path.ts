/** The objects a rule can read from. */
export type FieldRoot = 'event' | 'data' | 'customer' | 'recipient' | 'reminder';

/** A parsed path such as `data.items[0].sku`: its root and the keys below it. */
export interface FieldPath {
  root: FieldRoot;
  keys: readonly (string | number)[];
  text: string;
}

const segment = /^([A-Za-z_$][A-Za-z0-9_$-]*)((?:\[\d+\])*)$/;
const index = /\[(\d+)\]/g;

/**
 * Parses `data.total`, `customer.attributes.tier`, `data.items[0].sku` (or `data.items.0.sku`).
 * Returns an error message instead for a path that is malformed or starts elsewhere than `roots`.
 */
export function parseFieldPath(text: string, roots: readonly FieldRoot[]): FieldPath | string {
  const parts = text.trim().split('.');
  const keys: (string | number)[] = [];
  for (const part of parts) {
    if (/^\d+$/.test(part) && keys.length > 0) {
      keys.push(Number(part));
      continue;
    }
    const match = segment.exec(part);
    if (!match) return `invalid field path '${text}' (expected e.g. data.orderId or data.items[0].sku)`;
    keys.push(match[1]!);
    for (const [, n] of match[2]!.matchAll(index)) keys.push(Number(n));
  }
  const [root, ...rest] = keys;
  if (typeof root !== 'string' || !(roots as readonly string[]).includes(root)) {
    return `field path '${text}' must start with ${roots
      .map((r) => `${r}.`)
      .join(', ')
      .replace(/, ([^,]*)$/, ' or $1')}`;
  }
  return { root: root as FieldRoot, keys: rest, text: text.trim() };
}

/** The value at `keys` below `value`, or `undefined` when any step is missing. */
export function readPath(value: unknown, keys: readonly (string | number)[]): unknown {
  let current = value;
  for (const key of keys) {
    if (current === null || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) {
      if (typeof key !== 'number') return undefined;
      current = current[key];
    } else {
      if (!Object.hasOwn(current, key)) return undefined;
      current = (current as Record<string | number, unknown>)[key];
    }
  }
  return current;
}
