import * as z from 'zod';
import { cancellationKeySchema, epochMsSchema, recordRefSchema } from './identifiers.js';
import { jsonObjectSchema } from './json-object.js';
import { ruleIdSchema } from './notification.js';
import { reminderIdSchema, reminderNotifySchema } from './reminder-command.js';

/** The type of the event the scheduler appends to the log when a reminder fires. */
export const reminderDueEventType = 'reminder.due';

/** The `data` of a `reminder.due` event. */
export const reminderDueDataSchema = z
  .object({
    reminderId: reminderIdSchema,
    dueAt: epochMsSchema.meta({ description: 'The occurrence that fired.' }),
    firedAt: epochMsSchema,
    lateMs: z
      .int()
      .min(0)
      .meta({ description: 'How late it fired (missed-fire catch-up makes this large).' }),
    record: recordRefSchema.optional(),
    cancellationKey: cancellationKeySchema.optional(),
    rule: ruleIdSchema
      .optional()
      .meta({ description: 'The rule that scheduled it; its `notify` template renders it.' }),
    notify: reminderNotifySchema.optional(),
    payload: jsonObjectSchema.meta({
      description: 'The reminder’s payload (for rule reminders, the scheduling event’s data).',
    }),
  })
  .meta({ description: 'What fired.' });

/** The `data` of a `reminder.due` event. */
export type ReminderDueData = z.output<typeof reminderDueDataSchema>;

/**
 * The id of the `reminder.due` event for one occurrence of a reminder: the same on every try,
 * so a scheduler that takes over a lease and fires again is dropped as a duplicate.
 *
 * @example
 * reminderDueEventId('rem-1', 1_893_488_400_000) // 'rem:rem-1:1893488400000'
 */
export function reminderDueEventId(reminderId: string, dueAt: number): string {
  return `rem:${reminderId}:${dueAt}`;
}
