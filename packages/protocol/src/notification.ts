import * as z from 'zod';
import { channelSchema } from './channel.js';
import { eventIdSchema } from './event-id.js';
import { categorySchema, epochMsSchema, subjectIdSchema, tenantIdSchema } from './identifiers.js';
import { jsonObjectSchema } from './json-object.js';
import { prioritySchema } from './priority.js';

/** A rule id: lowercase words joined by `-`, `_` or `.`, such as `order-created`. */
export const ruleIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, {
    message: 'invalid rule id (expected lowercase such as order-created)',
  })
  .meta({ description: 'The id of the rule that made the notification.', examples: ['order-created'] });

/**
 * When a notification passed each stage, in epoch milliseconds: the latency model's raw data.
 * `written` is set once the gateway wrote it to a socket.
 */
export const stageTimesSchema = z
  .object({
    occurred: epochMsSchema.meta({ description: 'The event happened in the CRM.' }),
    ingested: epochMsSchema.meta({ description: 'Ingest received it.' }),
    appended: epochMsSchema.meta({ description: 'It was durable in the log.' }),
    consumed: epochMsSchema.meta({ description: 'Push took it from the log.' }),
    stored: epochMsSchema.meta({ description: 'The notification was in the inbox.' }),
    written: epochMsSchema.optional().meta({ description: 'The gateway wrote it to a connection.' }),
  })
  .meta({ description: 'Stage times in epoch ms.' });

/** When a notification passed each stage. */
export type StageTimes = z.output<typeof stageTimesSchema>;

/**
 * One item of a recipient's inbox, as the inbox API lists it and sockets deliver it. Mirrors the
 * store's `notifications` row: `priority` is a name here and `priorityRank` there. Timestamps are
 * epoch milliseconds; `null` means not yet.
 */
export const notificationSchema = z
  .object({
    id: z.string().min(1).max(128).meta({ description: 'Derived from (event id, rule, recipient).' }),
    tenant: tenantIdSchema,
    recipient: subjectIdSchema,
    seq: z.int().min(1).meta({ description: 'Position in the recipient’s inbox; only grows.' }),
    eventId: eventIdSchema,
    rule: ruleIdSchema,
    category: categorySchema,
    priority: prioritySchema,
    title: z.string(),
    body: z.string().nullable(),
    data: jsonObjectSchema,
    collapseKey: z
      .string()
      .nullish()
      .meta({ description: 'A newer notification with the same key replaces this one.' }),
    channels: z.array(channelSchema),
    createdAt: epochMsSchema,
    seenAt: epochMsSchema.nullable(),
    readAt: epochMsSchema.nullable(),
    archivedAt: epochMsSchema.nullable(),
    expiresAt: epochMsSchema.nullish(),
    stages: stageTimesSchema.optional().meta({ description: 'Present on live delivery.' }),
  })
  .meta({ description: 'An inbox item.' });

/** An inbox item. */
export type Notification = z.output<typeof notificationSchema>;
