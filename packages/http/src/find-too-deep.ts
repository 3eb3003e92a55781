/**
 * The path of the first array or object nested deeper than `maxDepth` in a parsed JSON value,
 * or `undefined`. Iterative, so no input can exhaust the stack; the app refuses such bodies
 * because validators and `JSON.stringify` further down recurse.
 *
 * @example
 * findTooDeep({ data: { a: [[[]]] } }, 3) // ['data', 'a', 0]
 */
export function findTooDeep(value: unknown, maxDepth: number): PropertyKey[] | undefined {
  // Most bodies are fine: check depth without building paths, and build them only to name
  // the culprit (a batch of 500 events allocated a path and an entries array per object).
  return exceedsDepth(value, maxDepth) ? pathTooDeep(value, maxDepth) : undefined;
}

function exceedsDepth(value: unknown, maxDepth: number): boolean {
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const current = values.pop();
    const depth = depths.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= maxDepth) return true;
    // for…in rather than Object.values: no array per object (a batch holds thousands of them).
    if (Array.isArray(current)) {
      for (const child of current as unknown[]) {
        if (typeof child === 'object' && child !== null) {
          values.push(child);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key in current) {
        const child = (current as Record<string, unknown>)[key];
        if (typeof child === 'object' && child !== null) {
          values.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}

function pathTooDeep(value: unknown, maxDepth: number): PropertyKey[] | undefined {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (path.length >= maxDepth) return path;
    const entries: [PropertyKey, unknown][] = Array.isArray(current)
      ? current.map((item, index): [PropertyKey, unknown] => [index, item])
      : Object.entries(current);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      if (typeof child === 'object' && child !== null) stack.push({ value: child, path: [...path, key] });
    }
  }
  return undefined;
}
