import { and, asc, desc, eq, gt, isNotNull, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteUpdateSetSource } from 'drizzle-orm/sqlite-core';
import { assertArgument } from './assert-argument.js';
import { boundedDeleteSql, purgeLimit, type PurgeOptions } from './purge-options.js';
import { inboxSequences, notifications } from './schema.js';
import type { StoreDatabase } from './store-database.js';

/** An inbox item as stored. */
export type Notification = typeof notifications.$inferSelect;

/** A notification to put in a recipient's inbox. */
export interface NewNotification {
  tenantId: string;
  /** Derived from (event id, rule, recipient), so replays of the same event land on the same row. */
  id: string;
  recipientId: string;
  /** The event that made it. @defaultValue `''` */
  eventId?: string;
  /** The rule that made it. @defaultValue `''` */
  rule?: string;
  title: string;
  /** @defaultValue `null` */
  body?: string | null;
  /** @defaultValue `{}` */
  data?: Record<string, unknown>;
  /** Larger is more urgent. @defaultValue `0` */
  priority?: number;
  /** @defaultValue `'general'` */
  category?: string;
  /** A newer notification with the same key for the same recipient replaces the older one. @defaultValue `null` */
  collapseKey?: string | null;
  /** The channels it goes out on. @defaultValue `['in_app']` */
  channels?: string[];
  /** When it passed each pipeline stage, epoch ms by stage name. @defaultValue `null` */
  stages?: Record<string, number> | null;
  /** @defaultValue the store clock's now */
  createdAt?: number;
  /** When the item may be purged (epoch ms); `null` keeps it. @defaultValue `null` */
  expiresAt?: number | null;
}

/** What `insert` did. */
export interface InsertNotificationResult {
  /** False when a notification with this id already existed: then nothing was written. */
  inserted: boolean;
  /** The stored row: the new one, or the one that already existed. */
  notification: Notification;
  /** Ids of the notifications this one replaced through its collapse key. */
  replaced: string[];
  /** The recipient's unread count just after the insert, as `unreadCount` would answer then. */
  unreadCount: number;
}

/** Filters and paging for `list`. */
export interface ListNotificationsOptions {
  /** @defaultValue `50` */
  limit?: number;
  /** The `nextCursor` of the previous page. @defaultValue the newest */
  cursor?: number;
  /** Only items not read yet. @defaultValue `false` */
  unread?: boolean;
  /** Only items not seen yet. @defaultValue `false` */
  unseen?: boolean;
  /** Only this category. @defaultValue every category */
  category?: string;
  /** Archived items: left out, the only ones, or included. @defaultValue `'exclude'` */
  archived?: 'exclude' | 'only' | 'include';
}

/** One page of an inbox, newest first. */
export interface NotificationPage {
  items: Notification[];
  /** Pass as `cursor` for the next (older) page; `undefined` on the last page. */
  nextCursor: number | undefined;
}

/** Options for the `markAll…` operations. */
export interface MarkAllOptions {
  /** Only items with `seq <= upTo`: what the person actually saw when they pressed "mark all". @defaultValue every item */
  upTo?: number;
}

const p = sql.placeholder;
const param = (name: string): SQL => sql`${p(name)}`;
const noLimit = Number.MAX_SAFE_INTEGER;
const maxPage = 1000;

function assertLimit(limit: number): void {
  assertArgument(
    Number.isSafeInteger(limit) && limit > 0 && limit <= maxPage,
    `limit must be an integer from 1 to ${maxPage}, got ${limit}`,
  );
}

/**
 * Recipients' inboxes. Every insert takes the recipient's next sequence number from a counter
 * row, in the same immediate transaction, so sequences are strictly increasing per recipient,
 * never reused (purges and collapses leave gaps, never repeats) and independent between recipients.
 *
 * Collapse: a notification replaced through its collapse key stays in the table with
 * `replacedAt`/`replacedBy` set (kept for its deliveries and history, dropped by `purgeReplaced`)
 * and is left out of every list and count. "Newer" means a later `createdAt` (ties go to the
 * later insert), so a late replay of an older event does not hide the newer item: it is stored
 * already replaced.
 */
export class InboxRepository {
  readonly #now: () => number;
  readonly #get;
  readonly #nextSeq;
  readonly #exists;
  readonly #insertRow;
  readonly #newerInCollapse;
  readonly #replaceOlder;
  readonly #insertTransaction;
  readonly #list;
  readonly #afterSeq;
  readonly #unread;
  readonly #lastSeq;
  readonly #marks;
  readonly #markAll;
  readonly #purgeExpired;
  readonly #purgeReplaced;

  constructor(db: StoreDatabase, now: () => number) {
    this.#now = now;
    const n = notifications;
    const ofRecipient = and(eq(n.tenantId, p('tenantId')), eq(n.recipientId, p('recipientId')));
    const one = and(ofRecipient, eq(n.id, p('id')));
    const live = and(isNull(n.replacedAt), or(isNull(n.expiresAt), gt(n.expiresAt, p('now'))));

    this.#get = db
      .select()
      .from(n)
      .where(and(eq(n.tenantId, p('tenantId')), eq(n.id, p('id'))))
      .prepare();
    // The insert path runs once per notification, so it uses better-sqlite3 statements directly,
    // with positional parameters: drizzle's placeholder filling and row mapping cost more than
    // SQLite's work here, and binding by name looks every name up on the object. The row that
    // comes back is built from what was written.
    this.#nextSeq = db.$client
      .prepare<[tenantId: string, recipientId: string], number>(
        `INSERT INTO inbox_sequences (tenant_id, recipient_id, last_seq) VALUES (?, ?, 1)
         ON CONFLICT (tenant_id, recipient_id) DO UPDATE SET last_seq = last_seq + 1
         RETURNING last_seq`,
      )
      .pluck();
    this.#exists = db.$client
      .prepare<[tenantId: string, id: string], number>(
        'SELECT 1 FROM notifications WHERE tenant_id = ? AND id = ?',
      )
      .pluck();
    this.#insertRow = db.$client.prepare<InsertRowValues>(
      `INSERT INTO notifications (tenant_id, id, recipient_id, seq, event_id, rule, title, body, data,
         priority, category, collapse_key, channels, stages, created_at, replaced_at, replaced_by, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // Both take (tenantId, recipientId, collapseKey, id, createdAt), the update `now` and `id` first.
    const sameCollapse = `tenant_id = ? AND recipient_id = ? AND collapse_key = ?
      AND replaced_at IS NULL AND id <> ?`;
    this.#newerInCollapse = db.$client
      .prepare<CollapseValues, string>(
        `SELECT id FROM notifications WHERE ${sameCollapse} AND created_at > ?
         ORDER BY created_at DESC LIMIT 1`,
      )
      .pluck();
    this.#replaceOlder = db.$client
      .prepare<[now: number, id: string, ...CollapseValues], string>(
        `UPDATE notifications SET replaced_at = ?, replaced_by = ?
         WHERE ${sameCollapse} AND created_at <= ? RETURNING id`,
      )
      .pluck();
    const insertTransaction = db.$client.transaction((row: InsertParams): InsertNotificationResult => {
      if (this.#exists.get(row.tenantId, row.id) !== undefined) {
        const unreadCount = this.#unread.get(row.now, row.tenantId, row.recipientId) ?? 0;
        return { inserted: false, notification: this.#get.get(row)!, replaced: [], unreadCount };
      }
      const seq = this.#nextSeq.get(row.tenantId, row.recipientId)!;
      const collapse: CollapseValues | undefined =
        row.collapseKey === null
          ? undefined
          : [row.tenantId, row.recipientId, row.collapseKey, row.id, row.createdAt];
      const newer = collapse === undefined ? undefined : this.#newerInCollapse.get(...collapse);
      const replacedAt = newer === undefined ? null : row.now;
      this.#insertRow.run(
        row.tenantId,
        row.id,
        row.recipientId,
        seq,
        row.eventId,
        row.rule,
        row.title,
        row.body,
        JSON.stringify(row.data),
        row.priority,
        row.category,
        row.collapseKey,
        JSON.stringify(row.channels),
        row.stages === null ? null : JSON.stringify(row.stages),
        row.createdAt,
        replacedAt,
        newer ?? null,
        row.expiresAt,
      );
      const notification: Notification = {
        tenantId: row.tenantId,
        id: row.id,
        recipientId: row.recipientId,
        seq,
        eventId: row.eventId,
        rule: row.rule,
        title: row.title,
        body: row.body,
        data: row.data,
        priority: row.priority,
        category: row.category,
        collapseKey: row.collapseKey,
        channels: row.channels,
        stages: row.stages,
        createdAt: row.createdAt,
        seenAt: null,
        readAt: null,
        archivedAt: null,
        replacedAt,
        replacedBy: newer ?? null,
        expiresAt: row.expiresAt,
      };
      const replaced =
        collapse === undefined || newer !== undefined
          ? []
          : this.#replaceOlder.all(row.now, row.id, ...collapse);
      const unreadCount = this.#unread.get(row.now, row.tenantId, row.recipientId) ?? 0;
      return { inserted: true, notification, replaced, unreadCount };
    });
    this.#insertTransaction = (row: InsertParams) => insertTransaction.immediate(row);

    this.#list = db
      .select()
      .from(n)
      .where(
        and(
          ofRecipient,
          live,
          lt(n.seq, p('cursor')),
          sql`(${p('unread')} = 0 OR ${n.readAt} IS NULL)`,
          sql`(${p('unseen')} = 0 OR ${n.seenAt} IS NULL)`,
          sql`(${p('category')} IS NULL OR ${n.category} = ${p('category')})`,
          sql`(${p('withArchived')} = 1 OR ${n.archivedAt} IS NULL)`,
          sql`(${p('onlyArchived')} = 0 OR ${n.archivedAt} IS NOT NULL)`,
        ),
      )
      .orderBy(desc(n.seq))
      .limit(p('limit'))
      .prepare();
    this.#afterSeq = db
      .select()
      .from(n)
      .where(and(ofRecipient, live, gt(n.seq, p('seq'))))
      .orderBy(asc(n.seq))
      .limit(p('limit'))
      .prepare();
    this.#lastSeq = db
      .select({ lastSeq: inboxSequences.lastSeq })
      .from(inboxSequences)
      .where(
        and(eq(inboxSequences.tenantId, p('tenantId')), eq(inboxSequences.recipientId, p('recipientId'))),
      )
      .prepare();
    // The triggers' counter, less the unread items past their expiry that no purge took yet: a
    // probe of the partial index of unread expiring items, short while housekeeping runs.
    this.#unread = db.$client
      .prepare<[now: number, tenantId: string, recipientId: string], number>(
        `SELECT max(0, s.unread_count - (
           SELECT count(*) FROM notifications
           WHERE tenant_id = s.tenant_id AND recipient_id = s.recipient_id AND read_at IS NULL
             AND archived_at IS NULL AND replaced_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ?))
         FROM inbox_sequences AS s WHERE s.tenant_id = ? AND s.recipient_id = ?`,
      )
      .pluck();

    const mark = (set: SQLiteUpdateSetSource<typeof n>, when: SQL | undefined) =>
      db.update(n).set(set).where(and(one, when)).prepare();
    this.#marks = {
      seen: mark({ seenAt: param('at') }, isNull(n.seenAt)),
      read: mark({ readAt: param('at'), seenAt: sql`coalesce(${n.seenAt}, ${p('at')})` }, isNull(n.readAt)),
      unread: mark({ readAt: null }, isNotNull(n.readAt)),
      archived: mark({ archivedAt: param('at') }, isNull(n.archivedAt)),
      unarchived: mark({ archivedAt: null }, isNotNull(n.archivedAt)),
    };
    const markAll = (set: SQLiteUpdateSetSource<typeof n>, when: SQL) =>
      db
        .update(n)
        .set(set)
        .where(and(ofRecipient, isNull(n.replacedAt), lte(n.seq, p('upTo')), when))
        .prepare();
    this.#markAll = {
      seen: markAll({ seenAt: param('at') }, isNull(n.seenAt)),
      read: markAll(
        { readAt: param('at'), seenAt: sql`coalesce(${n.seenAt}, ${p('at')})` },
        isNull(n.readAt),
      ),
      archived: markAll({ archivedAt: param('at') }, isNull(n.archivedAt)),
    };
    this.#purgeExpired = db.$client.prepare<[now: number, limit: number]>(
      boundedDeleteSql('notifications', 'expires_at <= ?', 'expires_at'),
    );
    this.#purgeReplaced = db.$client.prepare<[before: number, limit: number]>(
      boundedDeleteSql('notifications', 'replaced_at <= ?', 'replaced_at'),
    );
  }

  /**
   * Stores a notification in its recipient's inbox, effectively once: if one with this id exists,
   * nothing is written and the existing row (with its original `seq`) comes back.
   *
   * @example
   * const { inserted, notification, replaced } = store.inbox.insert({
   *   tenantId: 'acme', id: notificationId, recipientId: 'rep-7', title: 'Order #123 paid', collapseKey: 'order:123',
   * });
   * if (inserted && notification.replacedAt === null) gateway.push(notification, { remove: replaced });
   */
  insert(input: NewNotification): InsertNotificationResult {
    assertArgument(input.id.length > 0, 'notification id must not be empty');
    assertArgument(input.recipientId.length > 0, 'recipient id must not be empty');
    const priority = input.priority ?? 0;
    assertArgument(Number.isSafeInteger(priority), 'priority must be an integer');
    const now = this.#now();
    return this.#insertTransaction({
      tenantId: input.tenantId,
      id: input.id,
      recipientId: input.recipientId,
      eventId: input.eventId ?? '',
      rule: input.rule ?? '',
      title: input.title,
      body: input.body ?? null,
      data: input.data ?? {},
      priority,
      category: input.category ?? 'general',
      collapseKey: input.collapseKey ?? null,
      channels: input.channels ?? ['in_app'],
      stages: input.stages ?? null,
      createdAt: input.createdAt ?? now,
      expiresAt: input.expiresAt ?? null,
      now,
    });
  }

  /**
   * One notification of a tenant, or `undefined`.
   *
   * @example
   * const notification = store.inbox.get('acme', notificationId);
   */
  get(tenantId: string, id: string): Notification | undefined {
    return this.#get.get({ tenantId, id });
  }

  /**
   * A page of a recipient's inbox, newest first, without replaced or expired items.
   *
   * @example
   * let page = store.inbox.list('acme', 'rep-7', { unread: true, limit: 20 });
   * while (page.nextCursor !== undefined) page = store.inbox.list('acme', 'rep-7', { unread: true, limit: 20, cursor: page.nextCursor });
   */
  list(tenantId: string, recipientId: string, options: ListNotificationsOptions = {}): NotificationPage {
    const limit = options.limit ?? 50;
    assertLimit(limit);
    const archived = options.archived ?? 'exclude';
    const rows = this.#list.all({
      tenantId,
      recipientId,
      now: this.#now(),
      cursor: options.cursor ?? noLimit,
      unread: options.unread === true ? 1 : 0,
      unseen: options.unseen === true ? 1 : 0,
      category: options.category ?? null,
      withArchived: archived === 'exclude' ? 0 : 1,
      onlyArchived: archived === 'only' ? 1 : 0,
      limit: limit + 1,
    });
    const more = rows.length > limit;
    if (more) rows.pop();
    return { items: rows, nextCursor: more ? rows[rows.length - 1]?.seq : undefined };
  }

  /**
   * What a reconnecting client missed: the recipient's items with `seq > afterSeq`, oldest
   * first, without replaced or expired ones. Call again from the last `seq` until it returns fewer than `limit`.
   *
   * @example
   * for (const notification of store.inbox.listAfterSequence('acme', 'rep-7', lastSeenSeq, 500)) socket.send(frame(notification));
   */
  listAfterSequence(tenantId: string, recipientId: string, afterSeq: number, limit: number): Notification[] {
    assertLimit(limit);
    return this.#afterSeq.all({ tenantId, recipientId, seq: afterSeq, limit, now: this.#now() });
  }

  /**
   * The newest sequence number handed out in the recipient's inbox (0 for an empty one): where a
   * client that has seen everything resumes from.
   *
   * @example
   * const lastSeq = store.inbox.lastSequence('acme', 'rep-7');
   */
  lastSequence(tenantId: string, recipientId: string): number {
    return this.#lastSeq.get({ tenantId, recipientId })?.lastSeq ?? 0;
  }

  /**
   * How many live, unarchived items the recipient has not read.
   *
   * @example
   * const badge = store.inbox.unreadCount('acme', 'rep-7');
   */
  unreadCount(tenantId: string, recipientId: string): number {
    return this.#unread.get(this.#now(), tenantId, recipientId) ?? 0;
  }

  /**
   * Marks one item seen (the first time only). True when it changed.
   *
   * @example
   * store.inbox.markSeen('acme', 'rep-7', notificationId);
   */
  markSeen(tenantId: string, recipientId: string, id: string): boolean {
    return this.#mark('seen', tenantId, recipientId, id);
  }

  /**
   * Marks one item read, and seen if it was not. True when it changed.
   *
   * @example
   * store.inbox.markRead('acme', 'rep-7', notificationId);
   */
  markRead(tenantId: string, recipientId: string, id: string): boolean {
    return this.#mark('read', tenantId, recipientId, id);
  }

  /**
   * Marks one item unread again. True when it changed.
   *
   * @example
   * store.inbox.markUnread('acme', 'rep-7', notificationId);
   */
  markUnread(tenantId: string, recipientId: string, id: string): boolean {
    return this.#mark('unread', tenantId, recipientId, id);
  }

  /**
   * Archives one item. True when it changed.
   *
   * @example
   * store.inbox.markArchived('acme', 'rep-7', notificationId);
   */
  markArchived(tenantId: string, recipientId: string, id: string): boolean {
    return this.#mark('archived', tenantId, recipientId, id);
  }

  /**
   * Takes one item out of the archive. True when it changed.
   *
   * @example
   * store.inbox.markUnarchived('acme', 'rep-7', notificationId);
   */
  markUnarchived(tenantId: string, recipientId: string, id: string): boolean {
    return this.#mark('unarchived', tenantId, recipientId, id);
  }

  /**
   * Marks every item of the recipient seen; returns how many changed.
   *
   * @example
   * store.inbox.markAllSeen('acme', 'rep-7', { upTo: newestSeqOnScreen });
   */
  markAllSeen(tenantId: string, recipientId: string, options: MarkAllOptions = {}): number {
    return this.#markAllAs('seen', tenantId, recipientId, options);
  }

  /**
   * Marks every item of the recipient read (and seen); returns how many changed.
   *
   * @example
   * store.inbox.markAllRead('acme', 'rep-7');
   */
  markAllRead(tenantId: string, recipientId: string, options: MarkAllOptions = {}): number {
    return this.#markAllAs('read', tenantId, recipientId, options);
  }

  /**
   * Archives every item of the recipient; returns how many changed.
   *
   * @example
   * store.inbox.markAllArchived('acme', 'rep-7');
   */
  markAllArchived(tenantId: string, recipientId: string, options: MarkAllOptions = {}): number {
    return this.#markAllAs('archived', tenantId, recipientId, options);
  }

  /**
   * Deletes items with `expiresAt <= now` (their deliveries go with them), the oldest first, at
   * most `limit` of them; returns how many. Sequence counters stay, so sequences are never reused.
   *
   * @example
   * store.inbox.purgeExpired(Date.now(), { limit: 500 });
   */
  purgeExpired(now: number, options: PurgeOptions = {}): number {
    return this.#purgeExpired.run(now, purgeLimit(options)).changes;
  }

  /**
   * Deletes items replaced through their collapse key at or before `before`, the oldest first, at
   * most `limit` of them; returns how many.
   *
   * @example
   * store.inbox.purgeReplaced(Date.now() - 86_400_000, { limit: 500 });
   */
  purgeReplaced(before: number, options: PurgeOptions = {}): number {
    return this.#purgeReplaced.run(before, purgeLimit(options)).changes;
  }

  #mark(
    kind: 'seen' | 'read' | 'unread' | 'archived' | 'unarchived',
    tenantId: string,
    recipientId: string,
    id: string,
  ): boolean {
    return this.#marks[kind].run({ tenantId, recipientId, id, at: this.#now() }).changes > 0;
  }

  #markAllAs(
    kind: 'seen' | 'read' | 'archived',
    tenantId: string,
    recipientId: string,
    options: MarkAllOptions,
  ): number {
    const upTo = options.upTo ?? noLimit;
    return this.#markAll[kind].run({ tenantId, recipientId, upTo, at: this.#now() }).changes;
  }
}

/** The inbox row's columns in the insert statement's order. */
type InsertRowValues = [
  tenantId: string,
  id: string,
  recipientId: string,
  seq: number,
  eventId: string,
  rule: string,
  title: string,
  body: string | null,
  data: string,
  priority: number,
  category: string,
  collapseKey: string | null,
  channels: string,
  stages: string | null,
  createdAt: number,
  replacedAt: number | null,
  replacedBy: string | null,
  expiresAt: number | null,
];

/** What finds the other live items of a collapse key, and the new item's time. */
type CollapseValues = [
  tenantId: string,
  recipientId: string,
  collapseKey: string,
  id: string,
  createdAt: number,
];

type InsertParams = {
  tenantId: string;
  id: string;
  recipientId: string;
  eventId: string;
  rule: string;
  title: string;
  body: string | null;
  data: Record<string, unknown>;
  priority: number;
  category: string;
  collapseKey: string | null;
  channels: string[];
  stages: Record<string, number> | null;
  createdAt: number;
  expiresAt: number | null;
  now: number;
};
