import * as z from 'zod';
import { channelSchema } from './channel.js';
import { durationSchema } from './duration.js';
import {
  cancellationKeySchema,
  categorySchema,
  instantSchema,
  recordRefSchema,
  subjectIdSchema,
} from './identifiers.js';
import { jsonObjectSchema } from './json-object.js';
import { ruleIdSchema } from './notification.js';
import { prioritySchema } from './priority.js';
import {
  cronSchema,
  defaultMissedFirePolicy,
  missedFirePolicySchema,
  rruleSchema,
} from './reminder-schedule.js';
import { timeZoneSchema } from './time-zone.js';

/** A reminder id: 1–96 characters of `A–Z a–z 0–9 . _ : -` (room to derive event ids from it). */
export const reminderIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,96}$/, {
    message: 'invalid reminder id (expected 1–96 characters of A-Z a-z 0-9 . _ : -)',
  })
  .meta({ description: 'A reminder id.' });

/** The notification a reminder made over HTTP sends when it fires (rule-made reminders use their rule's). */
export const reminderNotifySchema = z
  .strictObject({
    recipients: z.array(subjectIdSchema).min(1).max(100),
    title: z.string().min(1).max(500),
    body: z.string().max(5000).optional(),
    category: categorySchema.default('reminders'),
    priority: prioritySchema.default('normal'),
    channels: z.array(channelSchema).min(1).default(['in_app']),
  })
  .meta({ description: 'Who hears what when the reminder fires.' });

/** The notification of an HTTP reminder. */
export type ReminderNotify = z.output<typeof reminderNotifySchema>;

const createFields = {
  id: reminderIdSchema
    .optional()
    .meta({ description: 'Give one to make creation idempotent; generated otherwise.' }),
  customerId: subjectIdSchema.meta({
    description: 'The customer the reminder concerns; its `reminder.due` event is about them.',
  }),
  at: instantSchema
    .optional()
    .meta({ description: 'When it fires (or, with a recurrence, when the recurrence starts).' }),
  in: durationSchema.optional().meta({ description: 'Fires this long after it is created.' }),
  rrule: rruleSchema.optional(),
  cron: cronSchema.optional(),
  timezone: timeZoneSchema.default('UTC').meta({ description: 'The zone a recurrence is computed in.' }),
  missedFirePolicy: missedFirePolicySchema.default(defaultMissedFirePolicy),
  record: recordRefSchema.optional(),
  cancellationKey: cancellationKeySchema.optional(),
  rule: ruleIdSchema
    .optional()
    .meta({ description: 'The rule that scheduled it; its template renders the notification.' }),
  notify: reminderNotifySchema.optional(),
  payload: jsonObjectSchema.default({}).meta({ description: 'Carried into the `reminder.due` event.' }),
};

interface WhenFields {
  at?: unknown;
  in?: unknown;
  rrule?: unknown;
  cron?: unknown;
}

function checkWhen(value: WhenFields, ctx: z.core.$RefinementCtx): void {
  if (value.at !== undefined && value.in !== undefined) {
    ctx.addIssue({ code: 'custom', message: 'give at or in, not both', path: ['in'] });
  }
  if (value.rrule !== undefined && value.cron !== undefined) {
    ctx.addIssue({ code: 'custom', message: 'give rrule or cron, not both', path: ['cron'] });
  }
  if (
    value.at === undefined &&
    value.in === undefined &&
    value.rrule === undefined &&
    value.cron === undefined
  ) {
    ctx.addIssue({ code: 'custom', message: 'required: give at, in, rrule or cron', path: ['at'] });
  }
}

function checkNotifyOrRule(value: { rule?: unknown; notify?: unknown }, ctx: z.core.$RefinementCtx): void {
  if (value.rule === undefined && value.notify === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: 'required: a reminder needs notify (or the rule that renders it)',
      path: ['notify'],
    });
  }
}

/**
 * `POST /v1/reminders`: a reminder at an instant (`at`), after a delay (`in`: `PT1H`, `90m`),
 * or on a recurrence (`rrule` or `cron`, in `timezone`).
 *
 * @example
 * reminderCreateSchema.parse({
 *   customerId: 'cust-42',
 *   at: '2030-01-01T09:00:00+08:00',
 *   record: 'order:123',
 *   cancellationKey: 'order:123:payment-due',
 *   notify: { recipients: ['rep-7'], title: 'Payment due for order 123' },
 * });
 */
export const reminderCreateSchema = z
  .strictObject(createFields)
  .superRefine(checkWhen)
  .superRefine(checkNotifyOrRule)
  .meta({ description: 'A reminder to schedule.' });

/** A validated reminder creation. */
export type ReminderCreate = z.output<typeof reminderCreateSchema>;

/**
 * `PATCH /v1/reminders/{id}`: move it (`at` or `in`), snooze a fired or pending one (`snooze`:
 * due again that long from now), or change its policy or payload.
 */
export const reminderPatchSchema = z
  .strictObject({
    at: instantSchema.optional(),
    in: durationSchema.optional(),
    snooze: durationSchema
      .optional()
      .meta({ description: 'Due again this long from now, even if it fired.' }),
    missedFirePolicy: missedFirePolicySchema.optional(),
    payload: jsonObjectSchema.optional(),
  })
  .superRefine((value, ctx) => {
    const moves = [value.at, value.in, value.snooze].filter((v) => v !== undefined).length;
    if (moves > 1) ctx.addIssue({ code: 'custom', message: 'give one of at, in or snooze', path: ['at'] });
    if (moves === 0 && value.missedFirePolicy === undefined && value.payload === undefined) {
      ctx.addIssue({ code: 'custom', message: 'nothing to change', path: [] });
    }
  })
  .meta({ description: 'Changes to a reminder.' });

/** A validated reminder change. */
export type ReminderPatch = z.output<typeof reminderPatchSchema>;

const targetFields = {
  id: reminderIdSchema.optional(),
  cancellationKey: cancellationKeySchema.optional(),
};

function checkTarget(value: { id?: unknown; cancellationKey?: unknown }, ctx: z.core.$RefinementCtx): void {
  if ((value.id === undefined) === (value.cancellationKey === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'give either id or cancellationKey', path: ['id'] });
  }
}

/** Create a reminder. */
export const reminderCreateCommandSchema = z
  .strictObject({ kind: z.literal('create'), ...createFields })
  .superRefine(checkWhen)
  .superRefine(checkNotifyOrRule);

/** Move a reminder (by id), or every pending reminder sharing a cancellation key. */
export const reminderRescheduleCommandSchema = z
  .strictObject({
    kind: z.literal('reschedule'),
    ...targetFields,
    at: instantSchema.optional(),
    in: durationSchema.optional(),
  })
  .superRefine(checkTarget)
  .superRefine((value, ctx) => {
    if ((value.at === undefined) === (value.in === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give either at or in', path: ['at'] });
    }
  });

/** Cancel a reminder (by id), or every pending reminder sharing a cancellation key. */
export const reminderCancelCommandSchema = z
  .strictObject({ kind: z.literal('cancel'), ...targetFields })
  .superRefine(checkTarget);

/** Make a reminder due again a while from now (or at an instant), even if it fired. */
export const reminderSnoozeCommandSchema = z
  .strictObject({
    kind: z.literal('snooze'),
    id: reminderIdSchema,
    for: durationSchema.optional(),
    until: instantSchema.optional(),
  })
  .superRefine((value, ctx) => {
    if ((value.for === undefined) === (value.until === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give either for or until', path: ['for'] });
    }
  });

/**
 * What rules (and the HTTP API, once parsed) ask of the scheduler: a union on `kind`.
 *
 * @example
 * reminderCommandSchema.parse({ kind: 'cancel', cancellationKey: 'order:123:payment-due' });
 */
export const reminderCommandSchema = z
  .discriminatedUnion('kind', [
    reminderCreateCommandSchema,
    reminderRescheduleCommandSchema,
    reminderCancelCommandSchema,
    reminderSnoozeCommandSchema,
  ])
  .meta({ description: 'A command to the scheduler.' });

/** A command to the scheduler. */
export type ReminderCommand = z.output<typeof reminderCommandSchema>;

/** A command to the scheduler as written, before defaults. */
export type ReminderCommandInput = z.input<typeof reminderCommandSchema>;
