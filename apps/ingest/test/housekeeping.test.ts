import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createHarness, event } from './harness.js';

describe('store housekeeping', () => {
  it('purges dedup records past their window: counted in /metrics, and the id is taken again', async () => {
    let time = 1_900_000_000_000;
    await using h = await createHarness({
      now: () => time,
      dedup: { windowMs: 60_000 },
      housekeeping: { intervalMs: 10 },
    });
    const send = async () => (await h.post('/v1/events', event('c', { id: 'evt-1' }))).json();
    expect(await send()).toMatchObject({ status: 'accepted' });
    expect(await send()).toMatchObject({ status: 'duplicate' });
    await sleep(50);
    expect(h.store.processedEvents.isProcessed(h.tenant, 'evt-1')).toBe(true);

    time += 60_000;
    await expect.poll(() => h.store.processedEvents.isProcessed(h.tenant, 'evt-1')).toBe(false);
    const metrics = await (await h.ingest.app.request('/metrics')).text();
    expect(metrics).toContain('herald_ingest_purged_rows_total{task="processedEvents"} 1');
    // Past the window an id is new again, as the Bloom filter already treats it.
    expect(await send()).toMatchObject({ status: 'accepted' });
  });
});
