import { CoreError } from '../core-error.js';
import type { Comparator } from './priority-queue.js';
import { renumberSequences } from './renumber-sequences.js';

/** A queued key and its value, as `peek`, `pop` and `drain` return them (a copy, not live). */
export interface IndexedEntry<K, T> {
  readonly key: K;
  readonly value: T;
}

const INITIAL_CAPACITY = 16;
// Past this, an emptied queue gives its index arrays back instead of keeping the peak.
const RETAINED_CAPACITY = 1024;
const SEQUENCE_LIMIT = 2 ** 32;
// The position of a released id: never a real one (positions stay below 2^32 - 1).
const RELEASED = 0xffff_ffff;
// Popped keys the key map may hold beyond the queued count before it is rebuilt.
const STALE_KEYS_ALLOWANCE = 1024;

function checkNumber(value: unknown): void {
  if (typeof value !== 'number' || value !== value) {
    throw new CoreError(
      'INVALID_ARGUMENT',
      'An IndexedPriorityQueue without a comparator orders numbers (not NaN) only',
    );
  }
}

function describeKey(key: unknown): string {
  return typeof key === 'string' || typeof key === 'number' || typeof key === 'bigint'
    ? JSON.stringify(String(key))
    : `of type ${typeof key}`;
}

function grown(array: Uint32Array, capacity: number): Uint32Array<ArrayBuffer> {
  const next = new Uint32Array(Math.max(capacity, array.length * 2));
  next.set(array);
  return next;
}

function grownFloats(array: Float64Array, capacity: number): Float64Array<ArrayBuffer> {
  const next = new Float64Array(Math.max(capacity, array.length * 2));
  next.set(array);
  return next;
}

/**
 * A stable binary min-heap of keyed entries: besides `push` and `pop`, an entry can be
 * looked up, removed or given a new value by its key, as a scheduler needs to cancel or
 * reschedule a reminder. Entries whose values compare equal leave in FIFO order. Keys
 * are compared like `Map` keys (SameValueZero).
 *
 * Complexity: `push`, `pop`, `remove` and `update` O(log n); `peek`, `has`, `get` and
 * `size` O(1); `drain` O(n log n). A push allocates only the key's `Map` entry (and the
 * occasional doubling of the arrays); `peek` and `pop` return a fresh `{ key, value }`.
 * A popped key can stay referenced by the queue for a while: until popped keys outnumber
 * the queued ones by 1,024, when the queue lets go of all of them at once.
 *
 * @example
 * const reminders = new IndexedPriorityQueue<string, number>((a, b) => a - b);
 * reminders.push('rem-1', Date.parse('2030-01-01T09:00Z'));
 * reminders.push('rem-2', Date.parse('2030-01-01T08:00Z'));
 * reminders.update('rem-1', Date.parse('2030-01-01T07:00Z')); // rescheduled
 * reminders.remove('rem-2'); // cancelled
 * reminders.pop(); // { key: 'rem-1', value: 1893481200000 }
 *
 * Without a comparator the values are numbers (due times, say), smallest first, and the
 * queue takes a numeric fast path: the values sit in a `Float64Array` in heap order and
 * are compared inline, with no comparator call (NaN is refused).
 *
 * @example
 * const dueAt = new IndexedPriorityQueue<string, number>(); // numeric fast path
 * dueAt.push('rem-1', Date.parse('2030-01-01T09:00Z'));
 */
export class IndexedPriorityQueue<K, T> {
  readonly #compare: Comparator<T>;
  // Each entry gets a small integer id, recycled once it leaves. The heap moves values
  // and ids through parallel arrays, and a move records the id's new position with a
  // typed-array write: no Map.set per level and no record object per entry to chase
  // while comparing (both measured 2-3× slower). The key map is touched once per push,
  // pop or remove.
  #values: T[] = []; // in heap order
  #ids = new Uint32Array(INITIAL_CAPACITY); // in heap order
  #positions = new Uint32Array(INITIAL_CAPACITY); // by id
  #seqs = new Uint32Array(INITIAL_CAPACITY); // by id: the FIFO tie-break
  #keys: (K | undefined)[] = []; // by id
  #freeIds: number[] = [];
  // Key → id. `pop` leaves the popped key here instead of deleting it: deleting keys in
  // priority order (random in the map's memory) cost more than the heap work itself
  // (0.57 µs of a 1.2 µs push+pop at 1e6 entries). Lookups check the id still belongs to
  // the key; once stale keys outnumber queued ones the map is rebuilt from the heap.
  #idOf = new Map<K, number>();
  #nextSeq = 0;
  #count = 0;
  // Numeric mode (no comparator): the values, in heap order, instead of #values.
  readonly #numeric: boolean;
  #prios = new Float64Array(INITIAL_CAPACITY);

  /**
   * @param compare Orders the values: negative when `a` should leave before `b`.
   *   Optional only when the values are numbers: omitted, they leave smallest first
   *   (the numeric fast path).
   * @throws {CoreError} `INVALID_ARGUMENT` when `compare` is given but not a function.
   * @example
   * const byDueTime = new IndexedPriorityQueue<string, Date>((a, b) => a.getTime() - b.getTime());
   * const byDueMillis = new IndexedPriorityQueue<string, number>();
   */
  constructor(...[compare]: number extends T ? [compare?: Comparator<T>] : [compare: Comparator<T>]) {
    this.#numeric = compare === undefined;
    if (compare === undefined) {
      this.#compare = (a, b) => (a as number) - (b as number);
      return;
    }
    if (typeof compare !== 'function') {
      throw new CoreError('INVALID_ARGUMENT', 'IndexedPriorityQueue needs a comparator function');
    }
    this.#compare = compare;
  }

  /**
   * How many entries are queued.
   * @example
   * metrics.gauge('reminders.pending', reminders.size);
   */
  get size(): number {
    return this.#count;
  }

  /**
   * Adds an entry, after every queued entry whose value compares equal. O(log n).
   * @throws {CoreError} `INVALID_ARGUMENT` when the key is already queued; use `update`.
   * @example
   * reminders.push('rem-1', dueAt);
   */
  push(key: K, value: T): void {
    if (this.#idOfLive(key) !== undefined) {
      throw new CoreError('INVALID_ARGUMENT', `Key ${describeKey(key)} is already queued; use update()`);
    }
    const numeric = this.#numeric;
    if (numeric) checkNumber(value);
    const size = this.#count;
    if (size === this.#ids.length) {
      this.#ids = grown(this.#ids, size + 1);
      if (numeric) this.#prios = grownFloats(this.#prios, size + 1);
    }
    const id = this.#allocateId(key);
    this.#seqs[id] = this.#takeSeq();
    this.#idOf.set(key, id);
    this.#count = size + 1;
    if (numeric) {
      this.#siftUpNumber(size, value as number, id);
    } else {
      this.#values.push(value);
      this.#siftUp(size, value, id);
    }
  }

  /**
   * Removes and returns the first entry, or `undefined` when empty. O(log n).
   * @example
   * const due = reminders.pop();
   * if (due !== undefined) fire(due.key);
   */
  pop(): IndexedEntry<K, T> | undefined {
    if (this.#count === 0) return undefined;
    const id = this.#ids[0] as number;
    const key = this.#keys[id] as K;
    const value = this.#valueAt(0);
    this.#releaseId(id);
    this.#removeAt(0);
    if (this.#idOf.size > 2 * this.#count + STALE_KEYS_ALLOWANCE) this.#rebuildKeyMap();
    return { key, value };
  }

  /**
   * The first entry without removing it, or `undefined` when empty. O(1).
   * @example
   * const next = reminders.peek();
   * if (next !== undefined) setTimeout(tick, next.value - Date.now());
   */
  peek(): IndexedEntry<K, T> | undefined {
    if (this.#count === 0) return undefined;
    return { key: this.#keys[this.#ids[0] as number] as K, value: this.#valueAt(0) };
  }

  /**
   * Whether the key is queued. O(1).
   * @example
   * if (!reminders.has(id)) reminders.push(id, dueAt);
   */
  has(key: K): boolean {
    return this.#idOfLive(key) !== undefined;
  }

  /**
   * The value queued under the key, or `undefined` when it is not queued. O(1).
   * @example
   * const dueAt = reminders.get('rem-1');
   */
  get(key: K): T | undefined {
    const id = this.#idOfLive(key);
    return id === undefined ? undefined : this.#valueAt(this.#positions[id] as number);
  }

  /**
   * Removes the entry with this key; `false` when it was not queued. O(log n).
   * @example
   * reminders.remove('rem-1'); // the reminder was cancelled
   */
  remove(key: K): boolean {
    const id = this.#idOfLive(key);
    if (id === undefined) return false;
    this.#idOf.delete(key);
    const position = this.#positions[id] as number;
    this.#releaseId(id);
    this.#removeAt(position);
    return true;
  }

  /**
   * Gives a queued key a new value and moves it to its new place. O(log n). The entry is
   * treated as pushed anew: among equal values it goes after those already queued,
   * exactly as `remove` then `push` would.
   *
   * It throws rather than inserting, because a missing key usually means the entry was
   * already popped or removed (a reminder that fired or was cancelled), and silently
   * re-queuing it would resurrect it. Check `has` first if an upsert is what you mean.
   * @throws {CoreError} `INVALID_ARGUMENT` when the key is not queued.
   * @example
   * reminders.update('rem-1', snoozedUntil);
   */
  update(key: K, value: T): void {
    const id = this.#idOfLive(key);
    if (id === undefined) {
      throw new CoreError('INVALID_ARGUMENT', `Key ${describeKey(key)} is not queued; push() it first`);
    }
    if (this.#numeric) checkNumber(value);
    this.#seqs[id] = this.#takeSeq();
    const position = this.#positions[id] as number;
    if (this.#numeric) this.#placeNumber(position, value as number, id);
    else this.#place(position, value, id);
  }

  /**
   * Removes every entry and returns them in the order `pop` would have. O(n log n).
   * @example
   * for (const { key } of reminders.drain()) persist(key);
   */
  drain(): IndexedEntry<K, T>[] {
    const out: IndexedEntry<K, T>[] = [];
    for (let entry = this.pop(); entry !== undefined; entry = this.pop()) out.push(entry);
    return out;
  }

  /**
   * Removes every entry, without ordering them. O(1).
   * @example
   * reminders.clear();
   */
  clear(): void {
    this.#values = [];
    this.#count = 0;
    this.#reset();
  }

  /**
   * A snapshot of the queued entries in heap order, which is not priority order; use
   * `drain` for that.
   * @example
   * const pendingIds = [...reminders].map((entry) => entry.key);
   */
  [Symbol.iterator](): IterableIterator<IndexedEntry<K, T>> {
    const entries: IndexedEntry<K, T>[] = [];
    for (let i = 0; i < this.#count; i++) {
      entries.push({ key: this.#keys[this.#ids[i] as number] as K, value: this.#valueAt(i) });
    }
    return entries.values();
  }

  #allocateId(key: K): number {
    const recycled = this.#freeIds.pop();
    if (recycled !== undefined) {
      this.#keys[recycled] = key;
      return recycled;
    }
    const id = this.#keys.length;
    this.#keys.push(key);
    if (id === this.#positions.length) {
      this.#positions = grown(this.#positions, id + 1);
      this.#seqs = grown(this.#seqs, id + 1);
    }
    return id;
  }

  #releaseId(id: number): void {
    this.#keys[id] = undefined;
    this.#positions[id] = RELEASED;
    this.#freeIds.push(id);
  }

  // The key map may still hold keys that were popped (see #idOf): an entry counts only if
  // its id is in use and by this very key (ids are recycled).
  #idOfLive(key: K): number | undefined {
    const id = this.#idOf.get(key);
    if (id === undefined || this.#positions[id] === RELEASED) return undefined;
    const held = this.#keys[id];
    return held === key || (held !== held && key !== key) ? id : undefined;
  }

  // Drops the popped keys: a fresh map of the queued ones costs less than deleting the
  // stale ones from the old map.
  #rebuildKeyMap(): void {
    const idOf = new Map<K, number>();
    const ids = this.#ids;
    const keys = this.#keys;
    for (let i = 0; i < this.#count; i++) {
      const id = ids[i] as number;
      idOf.set(keys[id] as K, id);
    }
    this.#idOf = idOf;
  }

  #takeSeq(): number {
    if (this.#nextSeq === SEQUENCE_LIMIT) {
      this.#nextSeq = renumberSequences(this.#seqs, this.#ids.subarray(0, this.#count));
    }
    return this.#nextSeq++;
  }

  // Restarting the counter when empty keeps renumbering rare; dropping large arrays
  // keeps a past burst from pinning memory.
  #reset(): void {
    this.#nextSeq = 0;
    this.#idOf = new Map();
    this.#keys = [];
    this.#freeIds = [];
    if (this.#ids.length > RETAINED_CAPACITY || this.#positions.length > RETAINED_CAPACITY) {
      this.#ids = new Uint32Array(INITIAL_CAPACITY);
      this.#positions = new Uint32Array(INITIAL_CAPACITY);
      this.#seqs = new Uint32Array(INITIAL_CAPACITY);
      this.#prios = new Float64Array(INITIAL_CAPACITY);
    }
  }

  #valueAt(position: number): T {
    return (this.#numeric ? this.#prios[position] : this.#values[position]) as T;
  }

  #removeAt(position: number): void {
    if (this.#numeric) {
      const size = --this.#count;
      if (size === 0) this.#reset();
      else if (position < size) {
        this.#placeNumber(position, this.#prios[size] as number, this.#ids[size] as number);
      }
      return;
    }
    this.#count--;
    const values = this.#values;
    // Array#pop shortens the array, so a removed value is not kept alive by a stale slot.
    const last = values.pop() as T;
    const size = values.length;
    if (size === 0) this.#reset();
    else if (position < size) this.#place(position, last, this.#ids[size] as number);
  }

  // Puts the entry into the hole at `i`, then moves it up or down to where it belongs.
  #place(i: number, value: T, id: number): void {
    if (i > 0) {
      const parent = (i - 1) >>> 1;
      const c = this.#compare(value, this.#values[parent] as T);
      const seqs = this.#seqs;
      if (c < 0 || (c === 0 && (seqs[id] as number) < (seqs[this.#ids[parent] as number] as number))) {
        this.#siftUp(i, value, id);
        return;
      }
    }
    this.#siftDown(i, value, id);
  }

  // Moves the entry up from the hole at `i` while it ranks before its parent, no higher than `top`.
  #siftUp(i: number, value: T, id: number, top = 0): void {
    const values = this.#values;
    const ids = this.#ids;
    const positions = this.#positions;
    const seqs = this.#seqs;
    const compare = this.#compare;
    const seq = seqs[id] as number;
    while (i > top) {
      const parent = (i - 1) >>> 1;
      const above = values[parent] as T;
      const aboveId = ids[parent] as number;
      const c = compare(value, above);
      if (c > 0 || (c === 0 && seq > (seqs[aboveId] as number))) break;
      values[i] = above;
      ids[i] = aboveId;
      positions[aboveId] = i;
      i = parent;
    }
    values[i] = value;
    ids[i] = id;
    positions[id] = i;
  }

  // Floyd's variant, as in PriorityQueue: walk the hole down along the better children,
  // then let the entry climb back, no higher than where it started.
  #siftDown(start: number, value: T, id: number): void {
    const values = this.#values;
    const ids = this.#ids;
    const positions = this.#positions;
    const seqs = this.#seqs;
    const compare = this.#compare;
    const size = values.length;
    let i = start;
    let child = 2 * i + 1;
    while (child < size) {
      let best = values[child] as T;
      if (child + 1 < size) {
        const right = values[child + 1] as T;
        const c = compare(right, best);
        if (
          c < 0 ||
          (c === 0 && (seqs[ids[child + 1] as number] as number) < (seqs[ids[child] as number] as number))
        ) {
          child++;
          best = right;
        }
      }
      const moved = ids[child] as number;
      values[i] = best;
      ids[i] = moved;
      positions[moved] = i;
      i = child;
      child = 2 * i + 1;
    }
    this.#siftUp(i, value, id, start);
  }

  // The numeric fast path: the same moves as #place, #siftUp and #siftDown, comparing
  // doubles inline. Sequence numbers are looked up (by id) only on ties.
  #placeNumber(i: number, value: number, id: number): void {
    if (i > 0) {
      const parent = (i - 1) >>> 1;
      const above = this.#prios[parent] as number;
      const seqs = this.#seqs;
      if (
        value < above ||
        (value === above && (seqs[id] as number) < (seqs[this.#ids[parent] as number] as number))
      ) {
        this.#siftUpNumber(i, value, id);
        return;
      }
    }
    this.#siftDownNumber(i, value, id);
  }

  #siftUpNumber(i: number, value: number, id: number): void {
    const prios = this.#prios;
    const ids = this.#ids;
    const positions = this.#positions;
    const seqs = this.#seqs;
    const seq = seqs[id] as number;
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      const above = prios[parent] as number;
      if (value > above) break;
      const aboveId = ids[parent] as number;
      if (value === above && seq > (seqs[aboveId] as number)) break;
      prios[i] = above;
      ids[i] = aboveId;
      positions[aboveId] = i;
      i = parent;
    }
    prios[i] = value;
    ids[i] = id;
    positions[id] = i;
  }

  #siftDownNumber(i: number, value: number, id: number): void {
    const prios = this.#prios;
    const ids = this.#ids;
    const positions = this.#positions;
    const seqs = this.#seqs;
    const seq = seqs[id] as number;
    const size = this.#count;
    const half = size >>> 1;
    while (i < half) {
      let child = 2 * i + 1;
      let best = prios[child] as number;
      const right = child + 1;
      if (right < size) {
        const r = prios[right] as number;
        if (
          r < best ||
          (r === best && (seqs[ids[right] as number] as number) < (seqs[ids[child] as number] as number))
        ) {
          child = right;
          best = r;
        }
      }
      if (value < best || (value === best && seq < (seqs[ids[child] as number] as number))) break;
      const moved = ids[child] as number;
      prios[i] = best;
      ids[i] = moved;
      positions[moved] = i;
      i = child;
    }
    prios[i] = value;
    ids[i] = id;
    positions[id] = i;
  }
}
