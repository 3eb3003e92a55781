import { describe, expect, it } from 'vitest';
import type { Reminder } from '@herald/protocol';
import { createHarness } from './harness.js';

const notify = { recipients: ['rep-7'], title: 'Call the customer back' };
const future = () => new Date(Date.now() + 3_600_000).toISOString();

async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

describe('POST /v1/reminders', () => {
  it('creates at an instant (201) and answers 200 with the stored one for the same id', async () => {
    await using h = await createHarness();
    const at = future();
    const body = {
      id: 'call-back-1',
      customerId: 'cust-1',
      at,
      record: 'lead:9',
      cancellationKey: 'lead:9:call',
      notify,
    };
    const created = await h.request('POST', '/v1/reminders', body);
    expect(created.status).toBe(201);
    const reminder = await json<Reminder>(created);
    expect(reminder).toMatchObject({
      id: 'call-back-1',
      customerId: 'cust-1',
      dueAt: Date.parse(at),
      record: 'lead:9',
      cancellationKey: 'lead:9:call',
      timezone: 'UTC',
      recurrence: null,
      missedFirePolicy: { policy: 'fire_now' },
      status: 'pending',
      notify: { recipients: ['rep-7'], title: 'Call the customer back', category: 'reminders' },
    });
    expect(reminder).not.toHaveProperty('tenantId');
    const again = await h.request('POST', '/v1/reminders', { ...body, at: future() });
    expect(again.status).toBe(200);
    expect(await json(again)).toEqual(reminder);
  });

  it('creates after a delay, and on an RRULE or cron recurrence in a time zone', async () => {
    await using h = await createHarness();
    const before = Date.now();
    const delayed = await json<Reminder>(
      await h.request('POST', '/v1/reminders', { customerId: 'c', in: 'PT2H', notify }),
    );
    expect(delayed.dueAt).toBeGreaterThanOrEqual(before + 7_200_000);
    expect(delayed.dueAt).toBeLessThanOrEqual(Date.now() + 7_200_000);

    const weekly = await h.request('POST', '/v1/reminders', {
      customerId: 'c',
      at: '2030-01-07T09:00:00+01:00',
      rrule: 'FREQ=WEEKLY;BYDAY=MO',
      timezone: 'Europe/Berlin',
      notify,
    });
    expect(weekly.status).toBe(201);
    expect(await json(weekly)).toMatchObject({
      dueAt: Date.parse('2030-01-07T08:00:00Z'),
      timezone: 'Europe/Berlin',
      recurrence: {
        kind: 'rrule',
        rule: 'DTSTART;TZID=Europe/Berlin:20300107T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO',
      },
    });

    const cron = await json<Reminder>(
      await h.request('POST', '/v1/reminders', {
        customerId: 'c',
        cron: '0 9 * * 1-5',
        timezone: 'Asia/Shanghai',
        notify,
      }),
    );
    expect(cron.recurrence).toEqual({ kind: 'cron', rule: '0 9 * * 1-5' });
    expect(cron.dueAt).toBeGreaterThan(Date.now());
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Shanghai',
      hour: '2-digit',
      minute: '2-digit',
    });
    expect(local.format(cron.dueAt)).toBe('09:00');
  });

  it.each([
    ['an unknown time zone', { at: future(), timezone: 'Mars/Olympus' }, 'timezone'],
    ['a malformed RRULE', { rrule: 'EVERY MONDAY' }, 'rrule'],
    ['an RRULE the library refuses', { rrule: 'FREQ=WEEKLY;BYDAY=XX' }, 'rrule'],
    ['an RRULE with nothing left to fire', { rrule: 'FREQ=DAILY;UNTIL=20200101T000000Z' }, 'rrule'],
    ['a malformed cron', { cron: 'every day' }, 'cron'],
    ['a cron the library refuses', { cron: '99 9 * * *' }, 'cron'],
    ['a time in the past without a policy', { at: '2020-01-01T00:00:00Z' }, 'at'],
    ['no time at all', {}, 'at'],
    ['both at and in', { at: future(), in: 'PT1H' }, 'in'],
    ['a bad duration', { in: 'soon' }, 'in'],
    ['no notify and no rule', { at: future(), notify: undefined }, 'notify'],
    ['an unknown field', { at: future(), colour: 'red' }, 'colour'],
    ['a bad record', { at: future(), record: 'no-colon' }, 'record'],
  ])('refuses %s with 400 naming the field', async (_name, fields, field) => {
    await using h = await createHarness();
    const response = await h.request('POST', '/v1/reminders', { customerId: 'c', notify, ...fields });
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({
      error: { code: expect.stringMatching(/^invalid_/) as string, field },
    });
  });

  it('accepts a past time when a missed-fire policy is given', async () => {
    await using h = await createHarness({ start: false });
    const response = await h.request('POST', '/v1/reminders', {
      customerId: 'c',
      at: '2020-01-01T00:00:00Z',
      missedFirePolicy: { policy: 'skip' },
      notify,
    });
    expect(response.status).toBe(201);
  });

  it('refuses bad bodies and missing keys', async () => {
    await using h = await createHarness();
    expect((await h.request('POST', '/v1/reminders', '{oops')).status).toBe(400);
    const unauthorised = await h.scheduler.app.request('/v1/reminders', { method: 'GET' });
    expect(unauthorised.status).toBe(401);
    expect(await json(unauthorised)).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await h.request('GET', '/v1/reminders', undefined, 'hk_wrong')).status).toBe(401);
    const text = await h.scheduler.app.request('/v1/reminders', {
      method: 'POST',
      headers: { authorization: `Bearer ${h.key}`, 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(text.status).toBe(415);
  });
});

describe('reading, changing and cancelling', () => {
  it('gets one, 404s an unknown one and another tenant’s alike', async () => {
    await using h = await createHarness();
    await using other = await createHarness({ store: h.store, log: h.log, topic: h.topic, start: false });
    const created = await json<Reminder>(
      await h.request('POST', '/v1/reminders', { id: 'mine', customerId: 'c', at: future(), notify }),
    );
    expect(await json(await h.request('GET', '/v1/reminders/mine'))).toEqual(created);
    for (const response of [
      await h.request('GET', '/v1/reminders/nope'),
      await other.request('GET', '/v1/reminders/mine'),
      await other.request('PATCH', '/v1/reminders/mine', { in: 'PT1H' }),
      await other.request('DELETE', '/v1/reminders/mine'),
    ]) {
      expect(response.status).toBe(404);
      expect(await json(response)).toMatchObject({ error: { code: 'not_found' } });
    }
    expect((await h.request('GET', '/v1/reminders/bad%20id')).status).toBe(400);
    expect(h.store.reminders.get(h.tenant, 'mine')?.status).toBe('pending');
  });

  it('lists by record and status, page by page', async () => {
    await using h = await createHarness();
    for (let i = 0; i < 5; i++) {
      await h.request('POST', '/v1/reminders', {
        id: `r${i}`,
        customerId: 'c',
        in: `${i + 1}h`,
        record: i < 3 ? 'order:1' : 'order:2',
        notify,
      });
    }
    await h.request('DELETE', '/v1/reminders/r0');
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/v1/reminders?record=order:1&status=pending&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await json<{ items: Reminder[]; nextCursor: string | null }>(
        await h.request('GET', query),
      );
      ids.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(ids).toEqual(['r1', 'r2']);
    const all = await json<{ items: Reminder[] }>(await h.request('GET', '/v1/reminders'));
    expect(all.items.map((item) => item.id)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    const bad = await h.request('GET', '/v1/reminders?status=sleeping');
    expect(bad.status).toBe(400);
    expect(await json(bad)).toMatchObject({ error: { field: 'status' } });
    expect((await h.request('GET', '/v1/reminders?cursor=garbage')).status).toBe(400);
  });

  it('reschedules, changes the policy, snoozes a fired reminder, and refuses what cannot change', async () => {
    await using h = await createHarness();
    await h.request('POST', '/v1/reminders', { id: 'p', customerId: 'c', in: '1h', notify });
    const at = new Date(Date.now() + 7_200_000).toISOString();
    const moved = await json(await h.request('PATCH', '/v1/reminders/p', { at }));
    expect(moved).toMatchObject({ dueAt: Date.parse(at), status: 'pending' });
    expect(
      await json(
        await h.request('PATCH', '/v1/reminders/p', {
          missedFirePolicy: { policy: 'fire_if_late_within', lateWithinMs: 5000 },
        }),
      ),
    ).toMatchObject({
      missedFirePolicy: { policy: 'fire_if_late_within', lateWithinMs: 5000 },
      dueAt: Date.parse(at),
    });
    const past = await h.request('PATCH', '/v1/reminders/p', { at: '2020-01-01T00:00:00Z' });
    expect(past.status).toBe(400);
    expect(await json(past)).toMatchObject({ error: { field: 'at' } });
    expect((await h.request('PATCH', '/v1/reminders/p', {})).status).toBe(400);

    const soon = new Date(Date.now() + 50).toISOString();
    await h.request('POST', '/v1/reminders', { id: 'f', customerId: 'c', at: soon, notify });
    await expect.poll(() => h.store.reminders.get(h.tenant, 'f')?.status, { timeout: 3000 }).toBe('fired');
    const refused = await h.request('PATCH', '/v1/reminders/f', { in: '1h' });
    expect(refused.status).toBe(409);
    const snoozed = await json<Reminder>(await h.request('PATCH', '/v1/reminders/f', { snooze: '100ms' }));
    expect(snoozed.status).toBe('pending');
    await expect.poll(() => h.store.reminders.get(h.tenant, 'f')?.status, { timeout: 3000 }).toBe('fired');
    const events = await h.dueEvents();
    expect(events.filter((event) => event.data.reminderId === 'f')).toHaveLength(2);
    expect((await h.request('DELETE', '/v1/reminders/f')).status).toBe(409);
  });

  it('cancels by id (idempotently) and by cancellation key', async () => {
    await using h = await createHarness();
    for (const id of ['a', 'b', 'c']) {
      await h.request('POST', '/v1/reminders', {
        id,
        customerId: 'c',
        in: '1h',
        cancellationKey: id === 'c' ? 'other' : 'order:1:due',
        notify,
      });
    }
    const cancelled = await h.request('DELETE', '/v1/reminders/a');
    expect(cancelled.status).toBe(200);
    expect(await json(cancelled)).toMatchObject({ id: 'a', status: 'cancelled' });
    expect((await h.request('DELETE', '/v1/reminders/a')).status).toBe(200);
    expect((await h.request('PATCH', '/v1/reminders/a', { snooze: '1h' })).status).toBe(409);
    const byKey = await h.request('DELETE', '/v1/reminders?cancellationKey=order:1:due');
    expect(await json(byKey)).toEqual({ cancellationKey: 'order:1:due', cancelled: 1 });
    expect(h.store.reminders.get(h.tenant, 'b')?.status).toBe('cancelled');
    expect(h.store.reminders.get(h.tenant, 'c')?.status).toBe('pending');
    const missing = await h.request('DELETE', '/v1/reminders');
    expect(missing.status).toBe(400);
    expect(await json(missing)).toMatchObject({ error: { field: 'cancellationKey' } });
  });

  it('answers 503 once closing, and mounts beside other routes without touching them', async () => {
    const { Hono } = await import('hono');
    await using h = await createHarness();
    const root = new Hono();
    root.get('/v1/other', (c) => c.json({ ok: true }));
    root.route('/', h.scheduler.app);
    expect((await root.request('/v1/other')).status).toBe(200);
    const refused = await root.request('/v1/reminders/x');
    expect(refused.status).toBe(401);
    expect(await json(refused)).toMatchObject({ error: { code: 'unauthorized' } });
    expect(
      (await root.request('/v1/reminders', { headers: { authorization: `Bearer ${h.key}` } })).status,
    ).toBe(200);
    await h.scheduler.close();
    expect((await h.request('GET', '/v1/reminders')).status).toBe(503);
  });

  it('reports readiness: not before start, ready while running, not once closing or the store is gone', async () => {
    await using h = await createHarness({ start: false });
    expect(await h.scheduler.readiness()).toMatchObject({
      ready: false,
      checks: { log: true, store: true, firing: false },
      message: 'not ready: firing, consuming',
    });
    await h.scheduler.start();
    expect(await h.scheduler.readiness()).toEqual({
      ready: true,
      checks: { log: true, store: true, firing: true, consuming: true },
    });
    await h.scheduler.close();
    expect(await h.scheduler.readiness()).toMatchObject({ ready: false, message: 'shutting down' });
    await h.store.close();
    expect((await h.scheduler.readiness()).checks.store).toBe(false);
  });
});
