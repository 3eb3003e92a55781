import { createRequire } from 'node:module';
import { IndexedPriorityQueue, PriorityQueue } from '@herald/core/heap';
import FastPriorityQueue from 'fastpriorityqueue';
import { Heap } from 'heap-js';
import { compareInFreshProcess, type RowModule } from './fresh-process.js';
import { compare, type Contestant } from './harness.js';

const N = 1_000_000;

// One call = push N numbers, then pop them all. Every contestant gets the same prebuilt
// priorities and one numeric comparator created here, outside the timing: a fresh
// closure per call makes V8 deoptimise fastpriorityqueue's inlined comparator and
// slows it about 3×, which would flatter us. fastpriorityqueue is not stable and keeps
// popped items in its array; ours pays for FIFO ties and for releasing them.
const priorities = Array.from({ length: N }, () => Math.random() * N);
const byNumber = (a: number, b: number): number => a - b;
const lessThan = (a: number, b: number): boolean => a < b;

let sink = 0;

function pushPopOurs(): void {
  const queue = new PriorityQueue<number>(byNumber);
  for (let i = 0; i < N; i++) queue.push(priorities[i] as number);
  let sum = 0;
  for (let i = 0; i < N; i++) sum += queue.pop() as number;
  sink += sum;
}

// The numeric fast path: no comparator, the numbers are compared inline.
function pushPopOursNumeric(): void {
  const queue = new PriorityQueue<number>();
  for (let i = 0; i < N; i++) queue.push(priorities[i] as number);
  let sum = 0;
  for (let i = 0; i < N; i++) sum += queue.pop() as number;
  sink += sum;
}

function pushPopIndexedNumeric(): void {
  const queue = new IndexedPriorityQueue<number, number>();
  for (let i = 0; i < N; i++) queue.push(i, priorities[i] as number);
  let sum = 0;
  for (let i = 0; i < N; i++) sum += (queue.pop() as { value: number }).value;
  sink += sum;
}

function pushPopIndexed(): void {
  const queue = new IndexedPriorityQueue<number, number>(byNumber);
  for (let i = 0; i < N; i++) queue.push(i, priorities[i] as number);
  let sum = 0;
  for (let i = 0; i < N; i++) sum += (queue.pop() as { value: number }).value;
  sink += sum;
}

function pushPopFast(): void {
  const queue = new FastPriorityQueue<number>(lessThan);
  for (let i = 0; i < N; i++) queue.add(priorities[i] as number);
  let sum = 0;
  for (let i = 0; i < N; i++) sum += queue.poll() as number;
  sink += sum;
}

function pushPopHeapJs(): void {
  const queue = new Heap<number>(byNumber);
  for (let i = 0; i < N; i++) queue.add(priorities[i] as number);
  let sum = 0;
  for (let i = 0; i < N; i++) sum += queue.pop() as number;
  sink += sum;
}

// Within a row, fastpriorityqueue's methods would specialise on both the numbers of the
// reference run and the objects of the keyed peers, slowing whichever ran second; the
// keyed peers get a copy of the module of their own.
function separateFastPriorityQueue(): typeof FastPriorityQueue {
  const require = createRequire(import.meta.url);
  delete require.cache[require.resolve('fastpriorityqueue')];
  return require('fastpriorityqueue') as typeof FastPriorityQueue;
}
const KeyedFastPriorityQueue = separateFastPriorityQueue();

// The comparator's everyday use: objects ordered by a field. The jobs are made once, before
// the row's timing and in id order, so every contestant chases the same pointers; only the
// process that runs that row makes them.
interface Job {
  id: number;
  priority: number;
}
let jobs: Job[] = [];
const byJobPriority = (a: Job, b: Job): number => a.priority - b.priority;
const jobBefore = (a: Job, b: Job): boolean => a.priority < b.priority;

function pushPopJobsOurs(): void {
  const queue = new PriorityQueue<Job>(byJobPriority);
  for (let i = 0; i < N; i++) queue.push(jobs[i] as Job);
  let sum = 0;
  for (let i = 0; i < N; i++) sum += (queue.pop() as Job).id;
  sink += sum;
}

function pushPopJobsFast(): void {
  const queue = new FastPriorityQueue<Job>(jobBefore);
  for (let i = 0; i < N; i++) queue.add(jobs[i] as Job);
  let sum = 0;
  for (let i = 0; i < N; i++) sum += (queue.poll() as Job).id;
  sink += sum;
}

// The keyed job done with fastpriorityqueue, as a user would write it: entries carry their
// key, a Map finds them by key (checked on push, deleted on pop).
interface KeyedEntry {
  key: number;
  value: number;
}
const keyedBefore = (a: KeyedEntry, b: KeyedEntry): boolean => a.value < b.value;

function pushPopFastKeyed(): void {
  const queue = new KeyedFastPriorityQueue<KeyedEntry>(keyedBefore);
  const byKey = new Map<number, KeyedEntry>();
  for (let i = 0; i < N; i++) {
    if (byKey.has(i)) throw new Error('unreachable');
    const entry = { key: i, value: priorities[i] as number };
    byKey.set(i, entry);
    queue.add(entry);
  }
  let sum = 0;
  for (let i = 0; i < N; i++) {
    const entry = queue.poll() as KeyedEntry;
    byKey.delete(entry.key);
    sum += entry.value;
  }
  sink += sum;
}

// Not a library: the key work every push of a keyed queue does (duplicate check, insert)
// with no heap at all. Next to the unkeyed fastpriorityqueue it bounds the keyed ratio.
function keyIndexAlone(): void {
  const index = new Map<number, number>();
  for (let i = 0; i < N; i++) {
    if (index.has(i)) throw new Error('unreachable');
    index.set(i, i);
  }
  sink += index.size;
}

// The scheduler's pattern: schedule N reminders by id, reschedule a quarter, cancel a
// quarter (both by id), then fire the rest in order. fastpriorityqueue cannot remove or
// re-prioritise an entry (its remove is a linear scan), so its fairest equivalent is what
// a scheduler would write with it: entries found through an id → entry Map, cancelled or
// superseded entries flagged dead and skipped when they surface (lazy deletion).
const M = N / 4;
const reschedules = Array.from({ length: M }, () => Math.random() * N);

function schedulerOurs(): void {
  const queue = new IndexedPriorityQueue<number, number>();
  for (let i = 0; i < N; i++) queue.push(i, priorities[i] as number);
  for (let i = 0; i < M; i++) queue.update(2 * i, reschedules[i] as number);
  for (let i = 0; i < M; i++) queue.remove(2 * i + 1);
  let sum = 0;
  for (let entry = queue.pop(); entry !== undefined; entry = queue.pop()) sum += entry.value;
  sink += sum;
}

interface LazyEntry {
  key: number;
  due: number;
  live: boolean;
}
const entryBefore = (a: LazyEntry, b: LazyEntry): boolean => a.due < b.due;

function schedulerFast(): void {
  const queue = new KeyedFastPriorityQueue<LazyEntry>(entryBefore);
  const byKey = new Map<number, LazyEntry>();
  for (let i = 0; i < N; i++) {
    const entry = { key: i, due: priorities[i] as number, live: true };
    byKey.set(i, entry);
    queue.add(entry);
  }
  for (let i = 0; i < M; i++) {
    const old = byKey.get(2 * i) as LazyEntry;
    old.live = false;
    const entry = { key: 2 * i, due: reschedules[i] as number, live: true };
    byKey.set(2 * i, entry);
    queue.add(entry);
  }
  for (let i = 0; i < M; i++) {
    const old = byKey.get(2 * i + 1) as LazyEntry;
    old.live = false;
    byKey.delete(2 * i + 1);
  }
  let sum = 0;
  while (!queue.isEmpty()) {
    const entry = queue.poll() as LazyEntry;
    if (!entry.live) continue;
    byKey.delete(entry.key);
    sum += entry.due;
  }
  sink += sum;
}

const fast: Contestant = { name: 'fastpriorityqueue', fn: pushPopFast };
const keyedPeers: Contestant[] = [
  fast,
  { name: 'fastpriorityqueue + Map (keyed)', fn: pushPopFastKeyed },
  { name: 'Map has+set alone (floor)', fn: keyIndexAlone },
];
// Each call takes a few hundred ms; rounds interleave contestants against machine noise.
const timing = { opsPerCall: N, time: 100, rounds: 3, iterations: 4 };

/** The comparisons, by name; each runs in a process of its own (see fresh-process.ts). */
export const rows: RowModule['rows'] = {
  jobs: () => {
    jobs = priorities.map((priority, id) => ({ id, priority }));
    return compare({
      suite: 'core-heap',
      operation: `push ${N.toLocaleString('en')} jobs ordered by a priority field, then pop them all (ops = push+pop pairs)`,
      ours: { name: 'PriorityQueue<Job> (stable)', fn: pushPopJobsOurs },
      peers: [{ name: 'fastpriorityqueue', fn: pushPopJobsFast }],
      target: { peer: 'fastpriorityqueue', minRatio: 1 },
      ...timing,
    });
  },
  numbers: () =>
    compare({
      suite: 'core-heap',
      operation: `push ${N.toLocaleString('en')} random numbers with a comparator, then pop them all`,
      ours: { name: 'PriorityQueue (stable)', fn: pushPopOurs },
      peers: [fast, { name: 'heap-js', fn: pushPopHeapJs }],
      target: { peer: 'fastpriorityqueue', minRatio: 1 },
      ...timing,
    }),
  numeric: () =>
    compare({
      suite: 'core-heap',
      operation: `same, numeric fast path: new PriorityQueue<number>() (no comparator)`,
      ours: { name: 'PriorityQueue<number> (stable)', fn: pushPopOursNumeric },
      peers: [fast, { name: 'heap-js', fn: pushPopHeapJs }],
      target: { peer: 'fastpriorityqueue', minRatio: 1 },
      ...timing,
    }),
  keyed: () =>
    compare({
      suite: 'core-heap',
      operation: `keyed: push(i, priority) for ${N.toLocaleString('en')} random numbers, then pop all (ops = push+pop pairs)`,
      ours: { name: 'IndexedPriorityQueue (stable)', fn: pushPopIndexed },
      peers: keyedPeers,
      target: { peer: 'fastpriorityqueue', minRatio: 0.8 },
      ...timing,
    }),
  keyedNumeric: () =>
    compare({
      suite: 'core-heap',
      operation: `same, keyed, numeric fast path: new IndexedPriorityQueue<number, number>()`,
      ours: { name: 'IndexedPriorityQueue<K, number>', fn: pushPopIndexedNumeric },
      peers: keyedPeers,
      target: { peer: 'fastpriorityqueue', minRatio: 0.8 },
      ...timing,
    }),
  scheduler: () =>
    compare({
      suite: 'core-heap',
      operation: `scheduler: push ${N.toLocaleString('en')} by key, update ${M.toLocaleString('en')}, remove ${M.toLocaleString('en')}, pop the rest (ops = pushes)`,
      ours: { name: 'IndexedPriorityQueue<K, number>', fn: schedulerOurs },
      peers: [{ name: 'fastpriorityqueue + Map, lazy deletion', fn: schedulerFast }],
      ...timing,
    }),
};

/** PriorityQueue and IndexedPriorityQueue against fastpriorityqueue and heap-js. */
export default async function (): Promise<void> {
  for (const row of Object.keys(rows)) await compareInFreshProcess(import.meta.url, row);
  // Keeps the results observable so no engine can discard the work.
  if (Number.isNaN(sink)) console.log('unreachable');
}
