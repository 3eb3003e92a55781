import { durationMs, type ReminderCommand } from '@herald/protocol';
import type { Reminder, Store } from '@herald/store';
import { planReminder } from './plan-reminder.js';

/** Where the effect of a command on due times goes: the firer's in-memory queue. */
export interface DueTimeTracker {
  track(tenantId: string, id: string, dueAt: number): void;
  untrack(tenantId: string, id: string): void;
  untrackKey(tenantId: string, cancelKey: string): void;
}

/** What applying a command did. */
export interface CommandOutcome {
  kind: ReminderCommand['kind'];
  /** Reminders created, cancelled or moved. */
  changed: number;
}

/**
 * Applies one reminder command from a rule to the store and the firer's queue. Idempotent: a
 * create with an existing id does nothing, and cancel and reschedule act only on open reminders,
 * so a redelivered event changes nothing twice. `baseMs` is the scheduling event's time.
 *
 * @example
 * for (const command of evaluate(ruleSet, event).reminders) {
 *   applyReminderCommand(store, firer, event.tenant, command, { baseMs: Date.parse(event.occurredAt), nowMs: Date.now() });
 * }
 */
export function applyReminderCommand(
  store: Store,
  tracker: DueTimeTracker,
  tenantId: string,
  command: ReminderCommand,
  times: { baseMs: number; nowMs: number },
): CommandOutcome {
  const track = (reminder: Reminder) => tracker.track(reminder.tenantId, reminder.id, reminder.dueAt);
  switch (command.kind) {
    case 'create': {
      const { kind: _kind, ...input } = command;
      // A late event still schedules: the reminder's missed-fire policy decides what fires.
      const row = planReminder(tenantId, input, { ...times, allowPast: true });
      const { created, reminder } = store.reminders.create(row);
      if (created) track(reminder);
      return { kind: command.kind, changed: created ? 1 : 0 };
    }
    case 'cancel': {
      if (command.id !== undefined) {
        const cancelled = store.reminders.cancel(tenantId, command.id);
        if (cancelled) tracker.untrack(tenantId, command.id);
        return { kind: command.kind, changed: cancelled ? 1 : 0 };
      }
      // Cancelled reminders left in the queue cost one empty claim at their old time, no more.
      const changed = store.reminders.cancelByKey(tenantId, command.cancellationKey!);
      tracker.untrackKey(tenantId, command.cancellationKey!);
      return { kind: command.kind, changed };
    }
    case 'reschedule': {
      const dueAt =
        command.at !== undefined ? Date.parse(command.at) : times.baseMs + (durationMs(command.in!) ?? 0);
      if (command.id !== undefined) {
        const moved = store.reminders.reschedule(tenantId, command.id, dueAt);
        if (moved) tracker.track(tenantId, command.id, dueAt);
        return { kind: command.kind, changed: moved ? 1 : 0 };
      }
      const moved = store.reminders.rescheduleByKey(tenantId, command.cancellationKey!, dueAt);
      for (const reminder of moved) track(reminder);
      return { kind: command.kind, changed: moved.length };
    }
    case 'snooze': {
      const dueAt =
        command.until !== undefined
          ? Date.parse(command.until)
          : times.nowMs + (durationMs(command.for!) ?? 0);
      const snoozed = store.reminders.update(tenantId, command.id, { dueAt, reopenFired: true });
      if (snoozed !== undefined) track(snoozed);
      return { kind: command.kind, changed: snoozed === undefined ? 0 : 1 };
    }
  }
}
