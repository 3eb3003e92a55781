import { describe, expect, it } from 'vitest';
import { reminderDueDataSchema, reminderDueEventId } from '@herald/protocol';
import { openStore } from '@herald/store';
import { createEventLog } from '@herald/transport';
import { createHarness, manualClock } from './harness.js';

const start = Date.parse('2030-01-01T00:00:00Z');
const notify = { recipients: ['rep-7'], title: 'Ping' };

async function clocked(options: Parameters<typeof createHarness>[0] = {}) {
  const clock = manualClock(start);
  const store = openStore({ path: ':memory:', now: clock.now });
  const h = await createHarness({
    store,
    now: clock.now,
    timers: clock,
    horizonMs: 10_000,
    sweepIntervalMs: 1000,
    ...options,
  });
  return {
    h,
    clock,
    async [Symbol.asyncDispose]() {
      await h[Symbol.asyncDispose]();
      await store.close();
    },
  };
}

describe('firing on a controllable clock', () => {
  it('fires at the due time, not before, with a reminder.due event', async () => {
    await using t = await clocked();
    const { h, clock } = t;
    const response = await h.request('POST', '/v1/reminders', {
      id: 'r1',
      customerId: 'cust-1',
      at: new Date(start + 5000).toISOString(),
      record: 'order:1',
      cancellationKey: 'order:1:due',
      notify,
      payload: { orderId: '1' },
    });
    expect(response.status).toBe(201);
    await clock.advance(4949);
    expect(h.store.reminders.get(h.tenant, 'r1')?.status).toBe('pending');
    // Claimed a moment ahead, so the claim is off the critical path; fired on the dot.
    await clock.advance(50);
    expect(h.store.reminders.get(h.tenant, 'r1')?.status).toBe('claimed');
    expect(h.scheduler.stats().fired).toBe(0);
    await clock.advance(1);
    expect(h.store.reminders.get(h.tenant, 'r1')).toMatchObject({ status: 'fired', firedAt: start + 5000 });
    const [event, ...rest] = await h.dueEvents();
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      id: reminderDueEventId('r1', start + 5000),
      tenant: h.tenant,
      type: 'reminder.due',
      customerId: 'cust-1',
      record: 'order:1',
      data: {
        reminderId: 'r1',
        dueAt: start + 5000,
        firedAt: start + 5000,
        lateMs: 0,
        record: 'order:1',
        payload: { orderId: '1' },
      },
    });
    expect(reminderDueDataSchema.safeParse(event!.data).success).toBe(true);
    expect(h.scheduler.stats()).toMatchObject({ fired: 1, lateness: { max: 0 } });
  });

  it('holds only the horizon in memory and picks later reminders up as time moves', async () => {
    await using t = await clocked();
    const { h, clock } = t;
    for (let i = 1; i <= 30; i++) {
      h.store.reminders.create({
        tenantId: h.tenant,
        id: `r${i}`,
        customerId: 'c',
        dueAt: start + i * 1000,
        notify,
      });
    }
    // Written behind the scheduler's back: the sweep finds them.
    await clock.advance(1000);
    expect(h.scheduler.stats().held).toBeLessThanOrEqual(11);
    await clock.advance(29_000);
    const events = await h.dueEvents();
    expect(events.map((event) => event.data.reminderId)).toEqual(
      Array.from({ length: 30 }, (_, i) => `r${i + 1}`),
    );
    expect(events.every((event) => event.data.lateMs === 0)).toBe(true);
  });

  it('fires a crowd due at one instant, larger than one claim, each once and on time', async () => {
    await using t = await clocked({ batchSize: 1000 });
    const { h, clock } = t;
    for (let i = 0; i < 300; i++) {
      h.store.reminders.create({
        tenantId: h.tenant,
        id: `crowd-${i}`,
        customerId: 'c',
        dueAt: start + 2000,
        notify,
      });
    }
    await clock.advance(1000);
    await clock.advance(1000);
    const events = await h.dueEvents();
    expect(new Set(events.map((event) => event.data.reminderId)).size).toBe(300);
    expect(events).toHaveLength(300);
    expect(events.every((event) => event.data.lateMs === 0)).toBe(true);
    expect(h.scheduler.stats()).toMatchObject({ fired: 300, held: 0 });
  });

  it('moves the timer when a reminder is rescheduled earlier or cancelled', async () => {
    await using t = await clocked();
    const { h, clock } = t;
    await h.request('POST', '/v1/reminders', { id: 'm', customerId: 'c', in: '8s', notify });
    await h.request('POST', '/v1/reminders', { id: 'x', customerId: 'c', in: '2s', notify });
    await h.request('PATCH', '/v1/reminders/m', { in: '1s' });
    await h.request('DELETE', '/v1/reminders/x');
    await clock.advance(1000);
    expect(h.store.reminders.get(h.tenant, 'm')?.status).toBe('fired');
    await clock.advance(10_000);
    expect((await h.dueEvents()).map((event) => event.data.reminderId)).toEqual(['m']);
  });

  it('does not fire a reminder claimed ahead that is cancelled or moved in the meantime', async () => {
    await using t = await clocked();
    const { h, clock } = t;
    for (const id of ['cancel-me', 'key-me', 'move-me']) {
      await h.request('POST', '/v1/reminders', {
        id,
        customerId: 'c',
        in: '1s',
        cancellationKey: `k-${id}`,
        notify,
      });
    }
    await clock.advance(980);
    expect(h.store.reminders.get(h.tenant, 'cancel-me')?.status).toBe('claimed');
    await h.request('DELETE', '/v1/reminders/cancel-me');
    await h.request('DELETE', '/v1/reminders?cancellationKey=k-key-me');
    await h.request('PATCH', '/v1/reminders/move-me', { in: '5s' });
    await clock.advance(100);
    expect(h.scheduler.stats().fired).toBe(0);
    await clock.advance(5000);
    expect((await h.dueEvents()).map((event) => event.data.reminderId)).toEqual(['move-me']);
  });

  it('fires reminders moved by a few milliseconds while claimed ahead once each, at their new times', async () => {
    await using t = await clocked();
    const { h, clock } = t;
    for (const [id, inMs] of [
      ['earlier', 1010],
      ['steady', 1005],
      ['later', 1000],
    ] as const) {
      await h.request('POST', '/v1/reminders', { id, customerId: 'c', in: `${inMs}ms`, notify });
    }
    await clock.advance(980);
    expect(h.store.reminders.get(h.tenant, 'earlier')?.status).toBe('claimed');
    // Each is claimed again for its new time; the claims for the old times must not fire.
    for (const [id, atMs] of [
      ['earlier', 995],
      ['later', 1015],
    ] as const) {
      const moved = await h.request('PATCH', `/v1/reminders/${id}`, {
        at: new Date(start + atMs).toISOString(),
      });
      expect(moved.status).toBe(200);
    }
    await clock.advance(100);
    const due = await h.dueEvents();
    expect(due.map((event) => [event.data.reminderId, (event.data.dueAt as number) - start])).toEqual([
      ['earlier', 995],
      ['steady', 1005],
      ['later', 1015],
    ]);
    await clock.advance(1000);
    expect(await h.dueEvents()).toHaveLength(3);
  });

  it('does not fire a reminder claimed ahead by one instance and cancelled or moved through another', async () => {
    const clock = manualClock(start);
    await using store = openStore({ path: ':memory:', now: clock.now });
    await using log = await createEventLog('memory:');
    const common = {
      store,
      log,
      now: clock.now,
      timers: clock,
      horizonMs: 10_000,
      sweepIntervalMs: 1000,
      tenant: 'acme',
      topic: 'events',
      consume: false,
    } as const;
    await using a = await createHarness({ ...common, instanceId: 'a' });
    await using b = await createHarness({ ...common, instanceId: 'b' });
    for (const id of ['cancel-me', 'move-me']) {
      await a.request('POST', '/v1/reminders', { id, customerId: 'c', in: '1s', notify });
    }
    await clock.advance(980);
    const holders = ['cancel-me', 'move-me'].map((id) => store.reminders.get('acme', id)?.leaseOwner);
    expect(holders.every((holder) => holder === 'a' || holder === 'b')).toBe(true);
    // Each change goes through the instance that does not hold the claim.
    const other = (holder: string | null | undefined) => (holder === 'a' ? b : a);
    expect((await other(holders[0]).request('DELETE', '/v1/reminders/cancel-me')).status).toBe(200);
    expect((await other(holders[1]).request('PATCH', '/v1/reminders/move-me', { in: '5s' })).status).toBe(
      200,
    );
    await clock.advance(100);
    expect(a.scheduler.stats().fired + b.scheduler.stats().fired).toBe(0);
    await clock.advance(5000);
    expect((await a.dueEvents()).map((event) => event.data.reminderId)).toEqual(['move-me']);
    expect(store.reminders.get('acme', 'cancel-me')?.status).toBe('cancelled');
  });

  it('keeps a weekly 9:00 Europe/Berlin reminder at 9:00 local across the DST change', async () => {
    const clock = manualClock(Date.parse('2027-03-15T12:00:00Z'));
    await using store = openStore({ path: ':memory:', now: clock.now });
    await using h = await createHarness({
      store,
      now: clock.now,
      timers: clock,
      horizonMs: 86_400_000 * 8,
      sweepIntervalMs: 3_600_000,
    });
    await h.request('POST', '/v1/reminders', {
      id: 'weekly',
      customerId: 'c',
      rrule: 'FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0;BYSECOND=0',
      timezone: 'Europe/Berlin',
      notify,
    });
    await h.request('POST', '/v1/reminders', {
      id: 'cron',
      customerId: 'c',
      cron: '0 9 * * 1',
      timezone: 'Europe/Berlin',
      notify,
    });
    await clock.advance(86_400_000 * 21);
    const fired = await h.dueEvents();
    const times = (id: string) =>
      fired
        .filter((event) => event.data.reminderId === id)
        .map((event) => new Date(event.data.dueAt as number).toISOString());
    // 2027-03-28 is the switch to summer time: 08:00Z (CET) becomes 07:00Z (CEST).
    const expected = ['2027-03-22T08:00:00.000Z', '2027-03-29T07:00:00.000Z', '2027-04-05T07:00:00.000Z'];
    expect(times('weekly')).toEqual(expected);
    expect(times('cron')).toEqual(expected);
    expect(fired.every((event) => event.data.lateMs === 0)).toBe(true);
    expect(h.store.reminders.get(h.tenant, 'weekly')).toMatchObject({
      status: 'pending',
      dueAt: Date.parse('2027-04-12T07:00:00Z'),
    });
  });

  it('catches up at start-up by each reminder’s missed-fire policy', async () => {
    const clock = manualClock(start);
    await using store = openStore({ path: ':memory:', now: clock.now });
    const tenant = 'acme';
    store.tenants.create({ id: tenant, name: tenant });
    const due = start - 120_000; // two minutes ago: the scheduler was down
    const make = (id: string, extra: Record<string, unknown> = {}) =>
      store.reminders.create({ tenantId: tenant, id, customerId: 'c', dueAt: due, notify, ...extra });
    make('now');
    make('within', { missedFirePolicy: 'fire_if_late_within', lateWithinMs: 300_000 });
    make('too-late', { missedFirePolicy: 'fire_if_late_within', lateWithinMs: 60_000 });
    make('skip', { missedFirePolicy: 'skip' });
    make('skip-recurring', { missedFirePolicy: 'skip', recurrence: { kind: 'cron', rule: '*/5 * * * *' } });
    make('now-recurring', { recurrence: { kind: 'cron', rule: '* * * * *' } });
    store.reminders.create({
      tenantId: tenant,
      id: 'slightly-late-skip',
      customerId: 'c',
      dueAt: start - 500,
      missedFirePolicy: 'skip',
      notify,
    });
    await using h = await createHarness({
      store,
      tenant,
      now: clock.now,
      timers: clock,
      missedAfterMs: 1000,
    });
    const fired = await h.dueEvents();
    expect(fired.map((event) => event.data.reminderId).sort()).toEqual([
      'now',
      'now-recurring',
      'slightly-late-skip',
      'within',
    ]);
    expect(fired.find((event) => event.data.reminderId === 'now')?.data.lateMs).toBe(120_000);
    expect(store.reminders.get(tenant, 'too-late')).toMatchObject({
      status: 'failed',
      lastError: expect.stringContaining('missed') as string,
    });
    expect(store.reminders.get(tenant, 'skip')?.status).toBe('failed');
    expect(store.reminders.get(tenant, 'skip-recurring')).toMatchObject({
      status: 'pending',
      dueAt: start + 300_000,
    });
    // A recurrence that missed several occurrences fires once, then resumes from now.
    expect(store.reminders.get(tenant, 'now-recurring')).toMatchObject({
      status: 'pending',
      dueAt: start + 60_000,
    });
    expect(h.scheduler.stats()).toMatchObject({ fired: 4, skipped: 3 });
  });

  it('takes over a claim whose holder died once its lease runs out', async () => {
    await using t = await clocked({ leaseMs: 5000 });
    const { h, clock } = t;
    h.store.reminders.create({ tenantId: h.tenant, id: 'orphan', customerId: 'c', dueAt: start, notify });
    // Close the running scheduler's firer out of the way by claiming first as a dead instance.
    const [claimed] = h.store.reminders.claimDue(start, 'dead-instance', 5000, 10);
    expect(claimed?.id).toBe('orphan');
    await clock.advance(4000);
    expect(h.store.reminders.get(h.tenant, 'orphan')?.status).toBe('claimed');
    await clock.advance(2000);
    expect(h.store.reminders.get(h.tenant, 'orphan')).toMatchObject({ status: 'fired', attempts: 2 });
    const [event] = await h.dueEvents();
    expect(event?.id).toBe(reminderDueEventId('orphan', start));
  });
});
