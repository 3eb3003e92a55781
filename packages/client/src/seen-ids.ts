/**
 * The last `capacity` ids seen, oldest forgotten first: remembers which notifications were
 * emitted without growing for ever.
 *
 * @example
 * const seen = new SeenIds(2);
 * seen.add('a'); // true: new
 * seen.add('a'); // false: a repeat
 */
export class SeenIds {
  readonly #ids = new Set<string>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = Math.max(1, Math.floor(capacity));
  }

  get size(): number {
    return this.#ids.size;
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  /** Remembers `id`; false when it was remembered already. */
  add(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    if (this.#ids.size > this.#capacity) {
      // A Set iterates in insertion order, so its first value is the oldest.
      const oldest = this.#ids.values().next();
      if (oldest.done !== true) this.#ids.delete(oldest.value);
    }
    return true;
  }
}
