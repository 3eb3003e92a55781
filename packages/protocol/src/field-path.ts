const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A readable path to a field: `events[3].occurredAt`, `data["order id"]`.
 *
 * @example
 * formatFieldPath(['events', 3, 'occurredAt']) // 'events[3].occurredAt'
 * formatFieldPath([]) // ''
 */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'symbol') out += `[${key.toString()}]`;
    else if (identifier.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}
