import { Redis } from 'ioredis';

/** The Redis the tests use: `REDIS_URL`, or the local default. */
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Deletes every key starting with `prefix` (which must hold no glob characters), via SCAN. */
export async function deleteKeys(prefix: string): Promise<number> {
  const client = new Redis(redisUrl, { lazyConnect: true });
  try {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1_000);
      cursor = next;
      if (keys.length > 0) deleted += await client.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    client.disconnect();
  }
}
