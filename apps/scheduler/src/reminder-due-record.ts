import {
  encodeNewLoggedEvent,
  reminderDueEventId,
  reminderDueEventType,
  type ReminderDueData,
  type ReminderNotify,
} from '@herald/protocol';
import type { Reminder } from '@herald/store';
import type { LogRecord } from '@herald/transport';

/**
 * The log record announcing that one occurrence of a reminder fired: a `reminder.due` event with
 * the deterministic id `reminderDueEventId(id, dueAt)`, keyed like the customer's other events.
 *
 * @example
 * await log.publish('herald.events', [reminderDueRecord(reminder, Date.now())]);
 */
export function reminderDueRecord(reminder: Reminder, firedAt: number): LogRecord {
  const data: ReminderDueData = {
    reminderId: reminder.id,
    dueAt: reminder.dueAt,
    firedAt,
    lateMs: Math.max(0, firedAt - reminder.dueAt),
    payload: reminder.payload,
  };
  if (reminder.recordRef !== null) data.record = reminder.recordRef;
  if (reminder.cancelKey !== null) data.cancellationKey = reminder.cancelKey;
  if (reminder.rule !== null) data.rule = reminder.rule;
  if (reminder.notify !== null) data.notify = reminder.notify as ReminderNotify;
  const value = encodeNewLoggedEvent(
    {
      id: reminderDueEventId(reminder.id, reminder.dueAt),
      type: reminderDueEventType,
      customerId: reminder.customerId,
      occurredAt: new Date(reminder.dueAt).toISOString(),
      data,
      ...(reminder.recordRef === null ? {} : { record: reminder.recordRef }),
    },
    { tenant: reminder.tenantId, receivedAt: firedAt, appendedAt: firedAt },
  );
  return { key: `${reminder.tenantId}:${reminder.customerId}`, value };
}
