import * as z from 'zod';
import { cancellationKeySchema, epochMsSchema, recordRefSchema, subjectIdSchema } from './identifiers.js';
import { jsonObjectSchema } from './json-object.js';
import { ruleIdSchema } from './notification.js';
import { reminderIdSchema, reminderNotifySchema } from './reminder-command.js';
import { missedFirePolicySchema } from './reminder-schedule.js';

/** Every reminder status (the store's `reminders.status`). */
export const reminderStatuses = ['pending', 'claimed', 'fired', 'failed', 'cancelled'] as const;

/** The life of a reminder: `claimed` while a scheduler holds its lease. */
export type ReminderStatus = (typeof reminderStatuses)[number];

/** A reminder as `GET /v1/reminders/{id}` shows it. Times are epoch milliseconds. */
export const reminderSchema = z
  .object({
    id: reminderIdSchema,
    customerId: subjectIdSchema,
    record: recordRefSchema.nullable(),
    cancellationKey: cancellationKeySchema.nullable(),
    dueAt: epochMsSchema.meta({ description: 'The next time it fires.' }),
    timezone: z.string(),
    recurrence: z.object({ kind: z.enum(['rrule', 'cron']), rule: z.string() }).nullable(),
    missedFirePolicy: missedFirePolicySchema,
    rule: ruleIdSchema.nullable(),
    notify: reminderNotifySchema.nullable(),
    payload: jsonObjectSchema,
    status: z.enum(reminderStatuses),
    attempts: z.int().min(0),
    lastError: z.string().nullable(),
    createdAt: epochMsSchema,
    updatedAt: epochMsSchema,
    firedAt: epochMsSchema.nullable(),
  })
  .meta({ description: 'A scheduled reminder.' });

/** A scheduled reminder. */
export type Reminder = z.output<typeof reminderSchema>;

/** The query of `GET /v1/reminders`. */
export const reminderListQuerySchema = z.strictObject({
  record: recordRefSchema.optional(),
  status: z.enum(reminderStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .min(1)
    .max(256)
    .optional()
    .meta({ description: 'The `nextCursor` of the previous page.' }),
});

/** The parsed query of `GET /v1/reminders`. */
export type ReminderListQuery = z.output<typeof reminderListQuerySchema>;

/** One page of reminders, by due time. */
export const reminderPageSchema = z
  .object({ items: z.array(reminderSchema), nextCursor: z.string().nullable() })
  .meta({ description: 'One page of reminders, by due time.' });
