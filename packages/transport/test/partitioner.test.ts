import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { partitionForKey } from '@herald/transport';

// kafkajs's own murmur2 (the Java client's), as an independent implementation to agree with.
const require = createRequire(import.meta.url);
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (
  key: string,
) => number;

describe('partitionForKey', () => {
  it('places keys exactly where Kafka’s default partitioner does', () => {
    const keys = [
      '',
      'a',
      'ab',
      'abc',
      'abcd',
      'acme:customer-42',
      'ключ',
      '客户:7',
      ...Array.from({ length: 500 }, (_, i) => `tenant-${i % 7}:c-${i}`),
    ];
    for (const partitions of [1, 3, 4, 8, 12]) {
      for (const key of keys) {
        expect(partitionForKey(key, partitions), key).toBe((kafkajsMurmur2(key) & 0x7fffffff) % partitions);
      }
    }
  });

  it('spreads distinct keys over every partition', () => {
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 8000; i++) counts[partitionForKey(`customer-${i}`, 8)]!++;
    for (const count of counts) expect(count).toBeGreaterThan(800);
  });
});
