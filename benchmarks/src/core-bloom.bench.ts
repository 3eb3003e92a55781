import { randomUUID } from 'node:crypto';
import { BloomFilter, TimeWindowedBloomFilter } from '@herald/core/bloom';
import bloomFilters from 'bloom-filters';
import { compare, report } from './harness.js';

// bloom-filters is CommonJS whose exports Node's ESM loader cannot name statically.
const { BloomFilter: PeerBloomFilter } = bloomFilters;

const N = 1_000_000;
const P = 0.01;
const BATCH = 1000;
const SUITE = 'core-bloom';
const OURS = '@herald/core BloomFilter';
const PEER = 'bloom-filters BloomFilter';

// Keys are built once, outside every timing: UUIDs as idempotency keys are, and the
// `tenant:customer:event` ids Herald dedups. In production a key arrives in a JSON message
// body, so each array goes through JSON.parse: flat strings, laid out in the order they are
// looked up, rather than template-literal cons strings scattered over the heap.
const asParsed = (keys: string[]): string[] => JSON.parse(JSON.stringify(keys)) as string[];
const present = asParsed(
  Array.from({ length: N }, (_, i) =>
    i % 2 === 0 ? randomUUID() : `tenant-${i % 500}:customer-${i}:invoice.paid`,
  ),
);
const absent = asParsed(
  Array.from({ length: 200_000 }, (_, i) =>
    i % 2 === 0 ? randomUUID() : `tenant-${i % 500}:customer-${N + i}:invoice.paid`,
  ),
);
// Lookups mix present and absent keys in a shuffled order, so neither filter can rely on
// one branch being always taken.
const lookups = asParsed(shuffled([...present.slice(0, 100_000), ...absent.slice(0, 100_000)]));

function shuffled<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

let sink = 0;

/** A function doing BATCH calls of `op` over `keys`, resuming where the last call stopped. */
function batched(keys: readonly string[], op: (key: string) => boolean): () => number {
  let cursor = 0;
  return () => {
    let hits = 0;
    let i = cursor;
    for (let n = 0; n < BATCH; n++) {
      if (op(keys[i] as string)) hits++;
      if (++i === keys.length) i = 0;
    }
    cursor = i;
    return (sink += hits);
  };
}

function falsePositiveRate(has: (key: string) => boolean): number {
  let positives = 0;
  for (const key of absent) if (has(key)) positives++;
  return positives / absent.length;
}

/** BloomFilter against bloom-filters at n = 1e6, p = 0.01: lookups, adds, accuracy, memory. */
export default async function (): Promise<void> {
  const ours = new BloomFilter({ expectedItems: N, falsePositiveRate: P });
  const peer = PeerBloomFilter.create(N, P);
  for (const key of present) {
    ours.add(key);
    peer.add(key);
  }
  console.log(
    `\n${SUITE} · accuracy and memory after ${N.toLocaleString('en')} adds, ${absent.length} absent keys`,
  );
  report(
    SUITE,
    `${OURS} false-positive rate (p = ${P})`,
    100 * falsePositiveRate((key) => ours.has(key)),
    '%',
  );
  report(
    SUITE,
    `${PEER} false-positive rate (p = ${P})`,
    100 * falsePositiveRate((key) => peer.has(key)),
    '%',
  );
  report(SUITE, `${OURS} memory`, ours.byteLength, 'bytes');
  report(SUITE, `${PEER} memory (bit array)`, Math.ceil(peer.size / 8), 'bytes');

  await compare({
    suite: SUITE,
    operation: `has, string keys, n = ${N.toLocaleString('en')}, p = ${P}, half present`,
    ours: { name: OURS, fn: batched(lookups, (key) => ours.has(key)) },
    peers: [{ name: PEER, fn: batched(lookups, (key) => peer.has(key)) }],
    target: { peer: PEER, minRatio: 50 },
    opsPerCall: BATCH,
  });

  // Fresh filters of the same size; re-adding keys costs as much as adding them new.
  const oursForAdd = new BloomFilter({ expectedItems: N, falsePositiveRate: P });
  const peerForAdd = PeerBloomFilter.create(N, P);
  await compare({
    suite: SUITE,
    operation: `add, string keys, n = ${N.toLocaleString('en')}, p = ${P}`,
    ours: { name: OURS, fn: batched(present, (key) => oursForAdd.add(key)) },
    peers: [
      {
        name: PEER,
        fn: batched(present, (key) => {
          peerForAdd.add(key);
          return true;
        }),
      },
    ],
    target: { peer: PEER, minRatio: 50 },
    opsPerCall: BATCH,
  });

  // The dedup path: one test-and-set per message, across 4 generations, against the
  // has-then-add a user would write with bloom-filters (which has no time window). Both
  // filters start full and keep absorbing the absent half of the lookups.
  const windowed = new TimeWindowedBloomFilter({ window: 60_000, expectedItems: N, falsePositiveRate: P });
  for (const key of present) windowed.add(key);
  await compare({
    suite: SUITE,
    operation: `dedup (test-and-set), string keys, n = ${N.toLocaleString('en')} per window, p = ${P}`,
    ours: { name: 'TimeWindowedBloomFilter.add', fn: batched(lookups, (key) => windowed.add(key)) },
    peers: [
      {
        name: `${PEER} has + add`,
        fn: batched(lookups, (key) => {
          if (peer.has(key)) return false;
          peer.add(key);
          return true;
        }),
      },
    ],
    opsPerCall: BATCH,
  });
  report(SUITE, 'TimeWindowedBloomFilter memory (4 generations)', windowed.byteLength, 'bytes');
  if (sink === -1) console.log(sink);
}
