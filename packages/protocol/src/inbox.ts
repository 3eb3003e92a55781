import * as z from 'zod';
import { categorySchema } from './identifiers.js';
import { notificationSchema } from './notification.js';

const booleanQuery = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

/** The query of `GET /v1/inbox` (strings, as they arrive in a URL). */
export const inboxQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: 'The `nextCursor` of the previous page.' }),
  unread: booleanQuery.optional(),
  unseen: booleanQuery.optional(),
  category: categorySchema.optional(),
  archived: z.enum(['exclude', 'only', 'include']).default('exclude'),
});

/** The parsed query of `GET /v1/inbox`. */
export type InboxQuery = z.output<typeof inboxQuerySchema>;

/** One page of an inbox, newest first. */
export const inboxPageSchema = z
  .object({
    items: z.array(notificationSchema),
    nextCursor: z
      .int()
      .min(0)
      .nullable()
      .meta({ description: 'Pass as `cursor` for older items; null on the last page.' }),
  })
  .meta({ description: 'One page of an inbox, newest first.' });

/** One page of an inbox. */
export type InboxPage = z.output<typeof inboxPageSchema>;

/** What `GET /v1/inbox/unread-count` answers. */
export const unreadCountSchema = z
  .object({ count: z.int().min(0) })
  .meta({ description: 'Unread, unarchived items.' });

/** Every state change a recipient can make to inbox items. */
export const markActions = ['seen', 'read', 'unread', 'archived', 'unarchived'] as const;

/** A state change to inbox items. */
export type MarkAction = (typeof markActions)[number];

/** Which items a mark applies to: listed ids, or every item (up to a sequence). */
export const markTargetFields = {
  ids: z.array(z.string().min(1).max(128)).min(1).max(500).optional(),
  all: z.literal(true).optional().meta({ description: 'Every item, instead of `ids`.' }),
  upTo: z.int().min(0).optional().meta({ description: 'With `all`: only items with `seq` up to this.' }),
};

/** Refines a mark: exactly one of `ids` and `all`. */
export function exactlyOneTarget(value: { ids?: unknown; all?: unknown }, ctx: z.core.$RefinementCtx): void {
  if ((value.ids === undefined) === (value.all === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'give either ids or all: true', path: ['ids'] });
  }
}

/** `POST /v1/inbox/mark`: mark listed items, or all of them, seen, read, unread, archived or unarchived. */
export const markRequestSchema = z
  .strictObject({ action: z.enum(markActions), ...markTargetFields })
  .superRefine(exactlyOneTarget)
  .meta({ description: 'Mark items by id, or all of them.' });

/** A mark request. */
export type MarkRequest = z.output<typeof markRequestSchema>;

/** What `POST /v1/inbox/mark` answers. */
export const markResultSchema = z
  .object({ updated: z.int().min(0), unreadCount: z.int().min(0) })
  .meta({ description: 'How many items changed, and the unread count after.' });
