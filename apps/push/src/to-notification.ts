import {
  channels,
  priorityFromRank,
  type Channel,
  type Notification,
  type StageTimes,
} from '@herald/protocol';
import type { Notification as StoredNotification } from '@herald/store';

const knownChannels = new Set<string>(channels);

/**
 * An inbox row as the protocol shows it (sockets, inbox API, webhooks): the rank becomes the
 * priority name, and `stages` is added for live deliveries.
 *
 * @example
 * gateway.deliver(toNotification(result.notification, stages));
 */
export function toNotification(row: StoredNotification, stages?: StageTimes): Notification {
  const notification: Notification = {
    id: row.id,
    tenant: row.tenantId,
    recipient: row.recipientId,
    seq: row.seq,
    eventId: row.eventId,
    rule: row.rule,
    category: row.category,
    priority: priorityFromRank(row.priority),
    title: row.title,
    body: row.body,
    data: row.data,
    collapseKey: row.collapseKey,
    channels: row.channels.filter((channel): channel is Channel => knownChannels.has(channel)),
    createdAt: row.createdAt,
    seenAt: row.seenAt,
    readAt: row.readAt,
    archivedAt: row.archivedAt,
    expiresAt: row.expiresAt,
  };
  if (stages !== undefined) notification.stages = stages;
  return notification;
}
