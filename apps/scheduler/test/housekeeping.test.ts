import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createHarness } from './harness.js';

const notify = { recipients: ['rep-7'], title: 'Call the customer back' };
const day = 86_400_000;

describe('store housekeeping', () => {
  it('purges reminders that ended longer ago than their retention, and keeps open ones', async () => {
    let offset = 0;
    await using h = await createHarness({
      now: () => Date.now() + offset,
      housekeeping: { intervalMs: 10, finishedReminderRetentionMs: 7 * day },
    });
    for (const id of ['done', 'open']) {
      const created = await h.request('POST', '/v1/reminders', { id, customerId: 'c', in: '90d', notify });
      expect(created.status).toBe(201);
    }
    expect((await h.request('DELETE', '/v1/reminders/done')).status).toBe(200);

    offset = 6 * day;
    await sleep(50);
    expect((await h.request('GET', '/v1/reminders/done')).status).toBe(200);
    expect(h.scheduler.stats().purged).toBe(0);

    offset = 7 * day + 60_000;
    await expect.poll(async () => (await h.request('GET', '/v1/reminders/done')).status).toBe(404);
    expect((await h.request('GET', '/v1/reminders/open')).status).toBe(200);
    expect(h.scheduler.stats().purged).toBe(1);
  });
});
