import { durationMs, type ReminderCreate } from '@herald/protocol';
import type { NewReminder } from '@herald/store';
import { planRecurrence, RecurrenceError } from './recurrence.js';

/** A reminder that cannot be scheduled, naming the field to blame. */
export class ReminderFieldError extends Error {
  override readonly name = 'ReminderFieldError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** When a reminder is being planned. */
export interface PlanTimes {
  /** What `in` counts from: the request's arrival, or the scheduling event's `occurredAt`. */
  baseMs: number;
  nowMs: number;
  /** Accept a one-shot time in the past (its missed-fire policy decides). */
  allowPast: boolean;
}

/**
 * The store row for a validated reminder creation: resolves `at`/`in`, anchors an RRULE or cron
 * recurrence in its time zone and finds its first occurrence from now on. Throws a
 * `ReminderFieldError` for a recurrence the library refuses, one with nothing left to fire, or a
 * past time when `allowPast` is off.
 *
 * @example
 * const row = planReminder('acme', reminderCreateSchema.parse(body), { baseMs: now, nowMs: now, allowPast: false });
 * store.reminders.create(row);
 */
export function planReminder(tenantId: string, input: ReminderCreate, times: PlanTimes): NewReminder {
  const { baseMs, nowMs } = times;
  const startMs =
    input.at !== undefined
      ? Date.parse(input.at)
      : input.in !== undefined
        ? baseMs + (durationMs(input.in) ?? 0)
        : undefined;
  let dueAt: number;
  let recurrence: NewReminder['recurrence'] = null;
  const recurring = input.rrule !== undefined ? 'rrule' : input.cron !== undefined ? 'cron' : undefined;
  if (recurring !== undefined) {
    const text = (recurring === 'rrule' ? input.rrule : input.cron)!;
    // Without a start, anchor at the next whole second: an RRULE's DTSTART carries no milliseconds.
    const anchor = startMs ?? Math.ceil(nowMs / 1000) * 1000;
    try {
      const plan = planRecurrence(recurring, text, input.timezone, anchor, Math.max(anchor, nowMs));
      dueAt = plan.firstDueAt;
      recurrence = { kind: recurring, rule: plan.rule };
    } catch (error) {
      if (error instanceof RecurrenceError) throw new ReminderFieldError(recurring, error.message);
      throw error;
    }
  } else {
    dueAt = startMs!;
    if (!times.allowPast && dueAt < nowMs) {
      throw new ReminderFieldError(
        input.at !== undefined ? 'at' : 'in',
        `${new Date(dueAt).toISOString()} is in the past; give a missedFirePolicy to schedule it anyway`,
      );
    }
  }
  const policy = input.missedFirePolicy;
  const row: NewReminder = {
    tenantId,
    customerId: input.customerId,
    recordRef: input.record ?? null,
    cancelKey: input.cancellationKey ?? null,
    dueAt,
    timezone: input.timezone,
    recurrence,
    missedFirePolicy: policy.policy,
    lateWithinMs: policy.policy === 'fire_if_late_within' ? policy.lateWithinMs : null,
    rule: input.rule ?? null,
    notify: input.notify ?? null,
    payload: input.payload,
  };
  if (input.id !== undefined) row.id = input.id;
  return row;
}
