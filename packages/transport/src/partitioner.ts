const encoder = new TextEncoder();

/**
 * Kafka's murmur2 over the key's UTF-8 bytes, so a key lands on the same partition
 * whichever driver carries it (and agrees with Kafka's Java and kafkajs clients).
 */
function murmur2(data: Uint8Array): number {
  const seed = 0x9747b28c;
  const m = 0x5bd1e995;
  const length = data.length;
  let h = (seed ^ length) | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k =
      (data[i]! & 0xff) |
      ((data[i + 1]! & 0xff) << 8) |
      ((data[i + 2]! & 0xff) << 16) |
      ((data[i + 3]! & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  // The 1–3 trailing bytes, mixed in the order Kafka's switch fall-through mixes them.
  const tail = length & 3;
  if (tail === 3) h ^= (data[whole + 2]! & 0xff) << 16;
  if (tail >= 2) h ^= (data[whole + 1]! & 0xff) << 8;
  if (tail >= 1) {
    h ^= data[whole]! & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h;
}

/**
 * The partition of a keyed record, as Kafka's default partitioner chooses it.
 *
 * @example
 * partitionForKey('acme:customer-42', 8) // always the same partition for that key
 */
export function partitionForKey(key: string, partitions: number): number {
  return (murmur2(asciiBytes(key) ?? encoder.encode(key)) & 0x7fffffff) % partitions;
}

let scratch = new Uint8Array(256);

/** Most keys are ASCII ids: reuse one buffer for them instead of allocating per record. */
function asciiBytes(key: string): Uint8Array | undefined {
  const length = key.length;
  if (length > scratch.length) scratch = new Uint8Array(length * 2);
  for (let i = 0; i < length; i++) {
    const code = key.charCodeAt(i);
    if (code > 0x7f) return undefined;
    scratch[i] = code;
  }
  return scratch.subarray(0, length);
}

/**
 * Chooses each record's partition the same way in every driver: by key with Kafka's
 * murmur2, and round-robin per topic for records without a key.
 */
export class RecordPartitioner {
  readonly #roundRobin = new Map<string, number>();

  partitionOf(topic: string, key: string | null, partitions: number): number {
    if (key !== null) return partitionForKey(key, partitions);
    const next = this.#roundRobin.get(topic) ?? 0;
    this.#roundRobin.set(topic, next + 1);
    return next % partitions;
  }
}
