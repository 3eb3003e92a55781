import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startPush, testRules } from './harness.js';

const rules = `${testRules}
  - id: flash
    match: { type: flash.sale }
    recipients: [{ field: data.to }]
    expiresIn: 1h
    template:
      en: { title: 'Flash sale {{data.n}}' }
`;

describe('store housekeeping', () => {
  it('purges expired items and, after their retention, replaced ones; counted in /metrics', async () => {
    let offset = 0;
    const hour = 3_600_000;
    await using h = await startPush({
      rules,
      now: () => Date.now() + offset,
      housekeeping: { intervalMs: 10, replacedRetentionMs: hour },
    });
    await h.publish('acme', [
      { type: 'flash.sale', data: { to: 'rep-1', n: 1 } },
      { type: 'thread.updated', data: { to: 'rep-1', thread: 7, n: 1 } },
      { type: 'thread.updated', data: { to: 'rep-1', thread: 7, n: 2 } },
    ]);
    await expect.poll(() => h.store.inbox.lastSequence('acme', 'rep-1')).toBe(3);
    const titles = () =>
      h.store.db.$client
        .prepare("SELECT title FROM notifications WHERE tenant_id = 'acme' ORDER BY seq")
        .pluck()
        .all();
    await sleep(50);
    expect(titles()).toEqual(['Flash sale 1', 'Thread 7 v1', 'Thread 7 v2']);

    offset = 30 * 60_000;
    await sleep(50);
    expect(titles()).toEqual(['Flash sale 1', 'Thread 7 v1', 'Thread 7 v2']);

    offset = 2 * hour;
    await expect.poll(titles).toEqual(['Thread 7 v2']);
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toContain('herald_push_purged_rows_total{task="expiredNotifications"} 1');
    expect(metrics).toContain('herald_push_purged_rows_total{task="replacedNotifications"} 1');
  });
});
