import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { reminderId } from '@herald/protocol';
import { createHarness, waitFor } from './harness.js';

function order(
  type: string,
  orderId: string,
  data: Record<string, unknown> = {},
  id = `evt-${randomUUID()}`,
) {
  return {
    id,
    type,
    customerId: 'cust-1',
    occurredAt: new Date().toISOString(),
    data: { orderId, total: 10, currency: 'EUR', ...data },
  };
}

const inAnHourAnd = (ms: number) => new Date(Date.now() + 3_600_000 + ms).toISOString();

describe('reminders that follow their record (default rule set, real time)', () => {
  it('order.created schedules payment-due, which fires into the log as reminder.due', async () => {
    await using h = await createHarness();
    // The rule schedules in the customer's zone: read from the stored profile.
    h.store.customers.upsert({ tenantId: h.tenant, id: 'cust-1', timezone: 'Asia/Shanghai', version: 1 });
    const created = order('order.created', 'o-1', { dueAt: inAnHourAnd(400) });
    await h.publish(created);
    const id = reminderId(created.id, 'payment-due');
    const reminder = await waitFor(() => h.store.reminders.get(h.tenant, id));
    expect(reminder).toMatchObject({
      recordRef: 'order:o-1',
      cancelKey: 'order:o-1:payment-due',
      rule: 'payment-due',
      missedFirePolicy: 'fire_if_late_within',
      lateWithinMs: 3_600_000,
      timezone: 'Asia/Shanghai',
    });
    const [due] = await waitFor(async () => {
      const events = await h.dueEvents();
      return events.length > 0 && events;
    });
    expect(due).toMatchObject({
      type: 'reminder.due',
      customerId: 'cust-1',
      record: 'order:o-1',
      data: { reminderId: id, rule: 'payment-due', cancellationKey: 'order:o-1:payment-due' },
    });
    expect(due!.data.lateMs as number).toBeLessThan(1000);
    expect(h.scheduler.stats().events).toBeGreaterThanOrEqual(2);
  });

  it('order.paid cancels the reminder, order.updated moves it, and redelivery changes nothing twice', async () => {
    await using h = await createHarness();
    const paid = order('order.created', 'o-2', { dueAt: inAnHourAnd(600_000) });
    const moved = order('order.created', 'o-3', { dueAt: inAnHourAnd(600_000) });
    await h.publish(paid, moved, paid);
    await h.publish(order('order.paid', 'o-2'));
    const newDue = inAnHourAnd(900_000);
    const update = order('order.updated', 'o-3', { dueAt: newDue });
    await h.publish(update, update);
    await waitFor(
      () => h.store.reminders.get(h.tenant, reminderId(paid.id, 'payment-due'))?.status === 'cancelled',
    );
    await waitFor(
      () =>
        h.store.reminders.get(h.tenant, reminderId(moved.id, 'payment-due'))?.dueAt ===
        Date.parse(newDue) - 3_600_000,
    );
    // Redelivered order.created after the cancel: the reminder stays cancelled.
    await h.publish(paid);
    await waitFor(() => h.scheduler.stats().events >= 7);
    const { items } = h.store.reminders.list(h.tenant);
    expect(items.map((item) => [item.recordRef, item.status])).toEqual([
      ['order:o-2', 'cancelled'],
      ['order:o-3', 'pending'],
    ]);
  });

  it('skips undecodable records and rule commands it cannot apply, and keeps consuming', async () => {
    await using h = await createHarness();
    await h.log.ensureTopic(h.topic);
    await h.log.publish(h.topic, [{ key: 'x', value: 'not json' }]);
    await h.publish(order('order.created', 'o-4', { dueAt: 'whenever' }));
    const good = order('order.created', 'o-5', { dueAt: inAnHourAnd(600_000) });
    await h.publish(good);
    await waitFor(() => h.store.reminders.get(h.tenant, reminderId(good.id, 'payment-due')));
    expect(h.store.reminders.list(h.tenant).items).toHaveLength(1);
  });
});
