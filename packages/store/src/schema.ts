import { sql } from 'drizzle-orm';
import {
  check,
  foreignKey,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';

// Every timestamp is an integer count of milliseconds since the Unix epoch (UTC).
// The schema lives in one file so drizzle-kit loads it without resolving `.js` → `.ts` imports.

/** A CRM platform account: every other row belongs to one, and goes when it goes. */
export const tenants = sqliteTable('tenants', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: integer('created_at').notNull(),
});

/** A tenant's API keys, stored as the SHA-256 of the key: the plaintext is shown once, at creation. */
export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    hash: text('hash').notNull(),
    createdAt: integer('created_at').notNull(),
    revokedAt: integer('revoked_at'),
    lastUsedAt: integer('last_used_at'),
  },
  (t) => [uniqueIndex('api_keys_hash_idx').on(t.hash), index('api_keys_tenant_idx').on(t.tenantId)],
);

/** CRM customer profiles; `version` only grows, so an older write never lands over a newer one. */
export const customers = sqliteTable(
  'customers',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    name: text('name'),
    email: text('email'),
    phone: text('phone'),
    locale: text('locale'),
    timezone: text('timezone'),
    ownerId: text('owner_id'),
    attributes: text('attributes', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    version: integer('version').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/**
 * Event ids already handled: the exact check behind the Bloom filter. Keyed by a bucket first,
 * the run of records written together (see `defaultProcessedEventBucketRows`), so a day of random
 * ids lands in the newest bucket's index pages instead of on random leaves of one large B-tree;
 * `seq` (never reused) lets other ingest instances read what was recorded since they last looked.
 */
export const processedEvents = sqliteTable(
  'processed_events',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    bucket: integer('bucket').notNull(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    processedAt: integer('processed_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [
    uniqueIndex('processed_events_bucket_key_idx').on(t.bucket, t.tenantId, t.eventId),
    index('processed_events_expires_idx').on(t.expiresAt),
  ],
);

/**
 * Per recipient: the last sequence number handed out (sequences never repeat, even after purges)
 * and how many items are unread. The count is kept by triggers on `notifications` (migration
 * 0005), so every change of an item's read, archived or replaced state, or its deletion, moves
 * it in the same transaction; items past `expires_at` and not yet purged still count here.
 */
export const inboxSequences = sqliteTable(
  'inbox_sequences',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    recipientId: text('recipient_id').notNull(),
    lastSeq: integer('last_seq').notNull(),
    unreadCount: integer('unread_count').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.recipientId] })],
);

/** Each recipient's inbox items. The id is derived from (event, rule, recipient), so a replay inserts nothing. */
export const notifications = sqliteTable(
  'notifications',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    recipientId: text('recipient_id').notNull(),
    seq: integer('seq').notNull(),
    /** The event that made it (`''` for rows written before events were recorded). */
    eventId: text('event_id').notNull().default(''),
    /** The rule that made it. */
    rule: text('rule').notNull().default(''),
    title: text('title').notNull(),
    body: text('body'),
    data: text('data', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    priority: integer('priority').notNull(),
    category: text('category').notNull(),
    collapseKey: text('collapse_key'),
    /** The channels it goes out on (`in_app`, `webhook`). */
    channels: text('channels', { mode: 'json' }).$type<string[]>().notNull().default(['in_app']),
    /** When it passed each pipeline stage (epoch ms, keyed by stage name): the latency model's raw data. */
    stages: text('stages', { mode: 'json' }).$type<Record<string, number>>(),
    createdAt: integer('created_at').notNull(),
    seenAt: integer('seen_at'),
    readAt: integer('read_at'),
    archivedAt: integer('archived_at'),
    replacedAt: integer('replaced_at'),
    replacedBy: text('replaced_by'),
    expiresAt: integer('expires_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('notifications_recipient_seq_idx').on(t.tenantId, t.recipientId, t.seq),
    index('notifications_collapse_idx')
      .on(t.tenantId, t.recipientId, t.collapseKey)
      .where(sql`${t.collapseKey} IS NOT NULL AND ${t.replacedAt} IS NULL`),
    // The unread items that can expire: what the unread counter still counts once they have.
    index('notifications_unread_expiring_idx')
      .on(t.tenantId, t.recipientId, t.expiresAt)
      .where(
        sql`${t.readAt} IS NULL AND ${t.archivedAt} IS NULL AND ${t.replacedAt} IS NULL AND ${t.expiresAt} IS NOT NULL`,
      ),
    index('notifications_expires_idx')
      .on(t.expiresAt)
      .where(sql`${t.expiresAt} IS NOT NULL`),
    index('notifications_replaced_idx')
      .on(t.replacedAt)
      .where(sql`${t.replacedAt} IS NOT NULL`),
  ],
);

/** Every delivery status. */
export const deliveryStatuses = ['pending', 'sent', 'delivered', 'failed'] as const;

/** Where a delivery stands on one channel. */
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** One row per notification per channel. */
export const deliveries = sqliteTable(
  'deliveries',
  {
    tenantId: text('tenant_id').notNull(),
    notificationId: text('notification_id').notNull(),
    channel: text('channel').notNull(),
    status: text('status', { enum: deliveryStatuses }).notNull(),
    attempts: integer('attempts').notNull(),
    lastError: text('last_error'),
    latencyMs: real('latency_ms'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    sentAt: integer('sent_at'),
    deliveredAt: integer('delivered_at'),
    /**
     * When the next try is due (epoch ms), `null` when none is: a retry after a failure, a send
     * deferred to the end of quiet hours, or the lease of a try in progress. What survives a restart.
     */
    nextAttemptAt: integer('next_attempt_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.notificationId, t.channel] }),
    index('deliveries_next_attempt_idx')
      .on(t.channel, t.nextAttemptAt)
      .where(sql`${t.nextAttemptAt} IS NOT NULL`),
    foreignKey({
      columns: [t.tenantId, t.notificationId],
      foreignColumns: [notifications.tenantId, notifications.id],
    }).onDelete('cascade'),
    check('deliveries_status_check', sql`${t.status} IN ('pending', 'sent', 'delivered', 'failed')`),
  ],
);

/** Every reminder status. */
export const reminderStatuses = ['pending', 'claimed', 'fired', 'failed', 'cancelled'] as const;

/** The life of a reminder: `claimed` while a scheduler holds its lease. */
export type ReminderStatus = (typeof reminderStatuses)[number];

/** Every way of writing a recurrence. */
export const recurrenceKinds = ['rrule', 'cron'] as const;

/** How a recurrence rule is written. */
export type RecurrenceKind = (typeof recurrenceKinds)[number];

/**
 * Every missed-fire policy: `fire_now` fires late, `fire_if_late_within` fires only within
 * `late_within_ms` of the due time, `skip` drops the late occurrence.
 */
export const missedFirePolicies = ['fire_now', 'fire_if_late_within', 'skip'] as const;

/** What the scheduler does with an occurrence that came due while nothing was running. */
export type MissedFirePolicy = (typeof missedFirePolicies)[number];

/** Reminders tied to CRM records, claimed with a lease by one scheduler at a time. */
export const reminders = sqliteTable(
  'reminders',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    /** The customer the reminder concerns: its `reminder.due` event is keyed by them. */
    customerId: text('customer_id').notNull().default(''),
    recordRef: text('record_ref'),
    cancelKey: text('cancel_key'),
    dueAt: integer('due_at').notNull(),
    timezone: text('timezone').notNull(),
    recurrenceKind: text('recurrence_kind', { enum: recurrenceKinds }),
    recurrence: text('recurrence'),
    missedFirePolicy: text('missed_fire_policy', { enum: missedFirePolicies }).notNull(),
    /** With `fire_if_late_within`: how late it may still fire, in ms. */
    lateWithinMs: integer('late_within_ms'),
    /** The rule that scheduled it, whose template renders the notification. */
    rule: text('rule'),
    /** For reminders made over HTTP: who hears what when it fires. */
    notify: text('notify', { mode: 'json' }).$type<Record<string, unknown>>(),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: reminderStatuses }).notNull(),
    attempts: integer('attempts').notNull(),
    lastError: text('last_error'),
    leaseOwner: text('lease_owner'),
    leaseUntil: integer('lease_until'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    firedAt: integer('fired_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    // Partial: a claim takes a row out of the due index and into the small lease one, a fire
    // takes it out of that — three index writes a reminder, not eight, and fired rows (most of
    // the table, in time) sit in neither. Queries must say `status = 'pending'` (or 'claimed')
    // literally, as a bound status cannot select a partial index.
    index('reminders_due_idx')
      .on(t.dueAt, t.id, t.tenantId)
      .where(sql`${t.status} = 'pending'`),
    index('reminders_lease_idx')
      .on(t.leaseUntil)
      .where(sql`${t.status} = 'claimed'`),
    index('reminders_record_idx').on(t.tenantId, t.recordRef, t.dueAt, t.id),
    index('reminders_cancel_key_idx').on(t.tenantId, t.cancelKey),
    index('reminders_tenant_due_idx').on(t.tenantId, t.dueAt, t.id),
    // What housekeeping purges once the history is old enough: written once, when a reminder ends.
    index('reminders_finished_idx')
      .on(t.updatedAt)
      .where(sql`${t.status} IN ('fired', 'failed', 'cancelled')`),
    check(
      'reminders_status_check',
      sql`${t.status} IN ('pending', 'claimed', 'fired', 'failed', 'cancelled')`,
    ),
    check(
      'reminders_missed_fire_policy_check',
      sql`${t.missedFirePolicy} IN ('fire_now', 'fire_if_late_within', 'skip')`,
    ),
    check(
      'reminders_late_within_check',
      sql`(${t.missedFirePolicy} = 'fire_if_late_within') = (${t.lateWithinMs} IS NOT NULL)`,
    ),
    check(
      'reminders_recurrence_check',
      sql`(${t.recurrenceKind} IS NULL AND ${t.recurrence} IS NULL) OR (${t.recurrenceKind} IN ('rrule', 'cron') AND ${t.recurrence} IS NOT NULL)`,
    ),
  ],
);

/** One opt-out: a missing `category` or `channel` means every one. */
export interface OptOut {
  category?: string;
  channel?: string;
}

/** A recipient's delivery preferences. Quiet hours are minutes after local midnight in `quiet_timezone`. */
export const preferences = sqliteTable(
  'preferences',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    recipientId: text('recipient_id').notNull(),
    optOuts: text('opt_outs', { mode: 'json' }).$type<OptOut[]>().notNull(),
    quietStartMinute: integer('quiet_start_minute'),
    quietEndMinute: integer('quiet_end_minute'),
    quietTimezone: text('quiet_timezone'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.recipientId] })],
);

/**
 * The people notifications go to (sales reps, agents, customers), as the tenant's backend
 * describes them: the language and time zone their notifications are written in.
 */
export const subscribers = sqliteTable(
  'subscribers',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    id: text('id').notNull(),
    locale: text('locale'),
    timezone: text('timezone'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/** Who is in each team a rule may notify (`recipients: [{ team: sales }]`), as the tenant's backend says. */
export const teamMembers = sqliteTable(
  'team_members',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    teamId: text('team_id').notNull(),
    subscriberId: text('subscriber_id').notNull(),
    addedAt: integer('added_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.teamId, t.subscriberId] })],
);
