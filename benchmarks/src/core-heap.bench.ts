import { IndexedPriorityQueue, PriorityQueue } from '@herald/core/heap';
import FastPriorityQueue from 'fastpriorityqueue';
import { Heap } from 'heap-js';
import { compare, type Contestant } from './harness.js';

const N = 1_000_000;

// One call = push N numbers, then pop them all; every contestant gets the same prebuilt
// priorities and a numeric comparator. fastpriorityqueue is not stable and keeps popped
// items in its array; ours pays for FIFO ties and for releasing them.
const priorities = Array.from({ length: N }, () => Math.random() * N);
const byNumber = (a: number, b: number): number => a - b;

let sink = 0;

function pushPopOurs(): number {
  const queue = new PriorityQueue<number>(byNumber);
  for (let i = 0; i < N; i++) queue.push(priorities[i] as number);
  let sum = 0;
  for (let i = 0; i < N; i++) sum += queue.pop() as number;
  return (sink = sum);
}

function pushPopIndexed(): number {
  const queue = new IndexedPriorityQueue<number, number>(byNumber);
  for (let i = 0; i < N; i++) queue.push(i, priorities[i] as number);
  let sum = 0;
  for (let i = 0; i < N; i++) sum += (queue.pop() as { value: number }).value;
  return (sink = sum);
}

function pushPopFast(): number {
  const queue = new FastPriorityQueue<number>((a, b) => a < b);
  for (let i = 0; i < N; i++) queue.add(priorities[i] as number);
  let sum = 0;
  for (let i = 0; i < N; i++) sum += queue.poll() as number;
  return (sink = sum);
}

function pushPopHeapJs(): number {
  const queue = new Heap<number>(byNumber);
  for (let i = 0; i < N; i++) queue.add(priorities[i] as number);
  let sum = 0;
  for (let i = 0; i < N; i++) sum += queue.pop() as number;
  return (sink = sum);
}

const fast: Contestant = { name: 'fastpriorityqueue', fn: pushPopFast };
const heapJs: Contestant = { name: 'heap-js', fn: pushPopHeapJs };
const options = { opsPerCall: N, time: 300, rounds: 3 };

/** PriorityQueue and IndexedPriorityQueue against fastpriorityqueue and heap-js. */
export default async function (): Promise<void> {
  await compare({
    suite: 'core-heap',
    operation: `push then pop ${N.toLocaleString('en')} random numbers`,
    ours: { name: 'PriorityQueue', fn: pushPopOurs },
    peers: [fast, heapJs],
    target: { peer: 'fastpriorityqueue', minRatio: 1 },
    ...options,
  });
  await compare({
    suite: 'core-heap',
    operation: `keyed push then pop ${N.toLocaleString('en')} random numbers`,
    ours: { name: 'IndexedPriorityQueue', fn: pushPopIndexed },
    peers: [fast, heapJs],
    target: { peer: 'fastpriorityqueue', minRatio: 0.8 },
    ...options,
  });
  if (sink === -1) console.log(sink);
}
