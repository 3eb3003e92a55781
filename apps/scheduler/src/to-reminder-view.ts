import type { Reminder as ReminderView, ReminderNotify } from '@herald/protocol';
import type { Reminder } from '@herald/store';

/**
 * A stored reminder as the API shows it (`reminderSchema`): no tenant, no lease.
 *
 * @example
 * return c.json(toReminderView(store.reminders.get(tenant, id)!));
 */
export function toReminderView(reminder: Reminder): ReminderView {
  return {
    id: reminder.id,
    customerId: reminder.customerId,
    record: reminder.recordRef,
    cancellationKey: reminder.cancelKey,
    dueAt: reminder.dueAt,
    timezone: reminder.timezone,
    recurrence:
      reminder.recurrenceKind === null || reminder.recurrence === null
        ? null
        : { kind: reminder.recurrenceKind, rule: reminder.recurrence },
    missedFirePolicy:
      reminder.missedFirePolicy === 'fire_if_late_within'
        ? { policy: 'fire_if_late_within', lateWithinMs: reminder.lateWithinMs ?? 1 }
        : { policy: reminder.missedFirePolicy },
    rule: reminder.rule,
    notify: reminder.notify as ReminderNotify | null,
    payload: reminder.payload,
    status: reminder.status,
    attempts: reminder.attempts,
    lastError: reminder.lastError,
    createdAt: reminder.createdAt,
    updatedAt: reminder.updatedAt,
    firedAt: reminder.firedAt,
  };
}
