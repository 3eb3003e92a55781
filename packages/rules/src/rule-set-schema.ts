import {
  categorySchema,
  channelSchema,
  cronSchema,
  durationMs,
  prioritySchema,
  ruleIdSchema,
  rruleSchema,
  subjectIdSchema,
} from '@herald/protocol';
import { z } from 'zod';

const text = (max: number) => z.string().max(max);

/** A duration such as `PT1H` or `90m` that must be positive. */
const positiveDuration = z.string().refine((value) => (durationMs(value) ?? 0) > 0, {
  message: 'invalid duration (expected a positive ISO 8601 duration such as PT1H, or shorthand such as 90m)',
});

/** A duration such as `-PT1H` that may be negative. */
const signedDuration = z.string().refine((value) => durationMs(value) !== undefined, {
  message: 'invalid duration (expected ISO 8601 such as -PT1H, or shorthand such as -1h)',
});

/** A path into the event such as `data.total`, checked when the rule set compiles. */
const fieldPath = z.string().min(1).max(200);

const variantSchema = z.strictObject({ title: text(500).min(1), body: text(5000).optional() });

/** `{ en: { title, body }, zh-CN: { … } }`, or one `{ title, body }` for every locale. */
const templateSchema = z.preprocess(
  (value) => (typeof value === 'object' && value !== null && 'title' in value ? { default: value } : value),
  z.record(z.string(), variantSchema),
);

/** `customer`, `owner`, `{ users: [...] }`, `{ team: name }` or `{ field: data.assigneeId }`. */
const recipientSchema = z.preprocess(
  (value) => (value === 'customer' ? { customer: true } : value === 'owner' ? { owner: true } : value),
  z
    .strictObject(
      {
        customer: z.literal(true).optional(),
        owner: z.literal(true).optional(),
        users: z.array(subjectIdSchema).min(1).optional(),
        team: subjectIdSchema.optional(),
        field: fieldPath.optional(),
      },
      {
        error: (issue) =>
          issue.code === 'invalid_type'
            ? 'expected customer, owner, or one of { users }, { team }, { field }'
            : undefined,
      },
    )
    .superRefine((value, ctx) => {
      const kinds = Object.keys(value).length;
      if (kinds !== 1) {
        ctx.addIssue({
          code: 'custom',
          message: 'a recipient is exactly one of customer, owner, users, team or field',
        });
      }
    }),
);

const conditionSchema = z.strictObject({
  field: fieldPath,
  op: z.enum(['gt', 'gte', 'lt', 'lte', 'eq', 'ne', 'in', 'exists']),
  value: z.unknown().optional(),
});

const typePattern = z.string().min(1).max(128);

const missedFirePolicySchema = z.union([
  z.enum(['fire_now', 'skip']),
  z.strictObject({ policy: z.literal('fire_now') }),
  z.strictObject({ policy: z.literal('skip') }),
  z.strictObject({ policy: z.literal('fire_if_late_within'), lateWithin: positiveDuration }),
]);

/** What a notification looks like: shared by a rule and by a schedule's `notify`. */
const notifyFields = {
  recipients: z.array(recipientSchema).min(1).optional(),
  template: templateSchema.optional(),
  priority: prioritySchema.optional(),
  category: categorySchema.optional(),
  channels: z.array(channelSchema).min(1).optional(),
  collapseKey: text(256).optional(),
  expiresIn: positiveDuration.optional(),
  data: z.record(z.string(), text(1000)).optional(),
};

const notifySchema = z.strictObject({
  ...notifyFields,
  recipients: notifyFields.recipients.unwrap(),
  template: templateSchema,
});

const scheduleSchema = z
  .strictObject({
    at: fieldPath.optional(),
    in: positiveDuration.optional(),
    offset: signedDuration.optional(),
    rrule: rruleSchema.optional(),
    cron: cronSchema.optional(),
    record: text(256).optional(),
    cancellationKey: text(256).optional(),
    timezone: text(64).optional(),
    missedFirePolicy: missedFirePolicySchema.optional(),
    notify: notifySchema,
  })
  .superRefine((value, ctx) => {
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
  });

const targetFields = {
  reminder: ruleIdSchema.optional(),
  cancellationKey: text(256).optional(),
};

function checkTarget(
  value: { reminder?: unknown; cancellationKey?: unknown },
  ctx: z.core.$RefinementCtx,
): void {
  if ((value.reminder === undefined) === (value.cancellationKey === undefined)) {
    ctx.addIssue({
      code: 'custom',
      message: 'give either reminder (a schedule rule id) or cancellationKey',
      path: ['reminder'],
    });
  }
}

const cancelSchema = z.strictObject(targetFields).superRefine(checkTarget);

const rescheduleSchema = z
  .strictObject({
    ...targetFields,
    at: fieldPath.optional(),
    in: positiveDuration.optional(),
    offset: signedDuration.optional(),
  })
  .superRefine(checkTarget);

const ruleSchema = z
  .strictObject({
    id: ruleIdSchema,
    description: text(1000).optional(),
    enabled: z.boolean().default(true),
    match: z.strictObject({
      type: z.union([typePattern, z.array(typePattern).min(1)]),
      when: z.array(conditionSchema).optional(),
    }),
    ...notifyFields,
    schedule: scheduleSchema.optional(),
    cancel: cancelSchema.optional(),
    reschedule: rescheduleSchema.optional(),
  })
  .superRefine((rule, ctx) => {
    if (rule.recipients !== undefined && rule.template === undefined) {
      ctx.addIssue({ code: 'custom', message: 'required: recipients need a template', path: ['template'] });
    }
    if (rule.template !== undefined && rule.recipients === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'required: a template needs recipients',
        path: ['recipients'],
      });
    }
    const actions = [rule.schedule, rule.cancel, rule.reschedule].filter(
      (action) => action !== undefined,
    ).length;
    if (actions > 1) {
      ctx.addIssue({
        code: 'custom',
        message: 'a rule has at most one of schedule, cancel and reschedule',
        path: ['schedule'],
      });
    }
    if (actions === 0 && rule.recipients === undefined && rule.template === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'required: a rule needs recipients and a template, or one of schedule, cancel, reschedule',
        path: ['recipients'],
      });
    }
  });

/**
 * The shape of a rule set file (YAML or JSON). See the package README for every field.
 *
 * @example
 * ruleSetFileSchema.parse(YAML.parse(text));
 */
export const ruleSetFileSchema = z.strictObject({
  version: z.literal(1).default(1),
  tenant: text(64).optional(),
  defaults: z
    .strictObject({
      locale: text(35).default('en'),
      timezone: text(64).default('UTC'),
      priority: prioritySchema.default('normal'),
      category: categorySchema.default('general'),
      channels: z.array(channelSchema).min(1).default(['in_app']),
      /** How long inbox items of rules without their own `expiresIn` last. Without it, they stay. */
      expiresIn: positiveDuration.optional(),
    })
    .prefault({}),
  rules: z.array(ruleSchema),
});

/** A rule set file, validated, with defaults applied. */
export type RuleSetDefinition = z.output<typeof ruleSetFileSchema>;

/** One rule of a rule set file. */
export type RuleDefinition = RuleSetDefinition['rules'][number];

/** A schedule block of a rule. */
export type ScheduleDefinition = NonNullable<RuleDefinition['schedule']>;

/** A notification block: a rule's own fields, or a schedule's `notify`. */
export type NotifyDefinition = ScheduleDefinition['notify'];

/** One recipient of a rule. */
export type RecipientDefinition = NotifyDefinition['recipients'][number];

/** One condition of a rule's `match.when`. */
export type ConditionDefinition = NonNullable<RuleDefinition['match']['when']>[number];

/** A missed-fire policy as a rule file writes it. */
export type MissedFirePolicyDefinition = NonNullable<ScheduleDefinition['missedFirePolicy']>;
