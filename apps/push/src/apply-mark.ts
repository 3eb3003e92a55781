import type { Gateway } from '@herald/gateway';
import { ErrorResponse } from '@herald/http';
import type { MarkRequest } from '@herald/protocol';
import type { Store } from '@herald/store';

/** What a mark changed. */
export interface MarkResult {
  updated: number;
  unreadCount: number;
}

const allActions = { seen: 'markAllSeen', read: 'markAllRead', archived: 'markAllArchived' } as const;
const oneActions = {
  seen: 'markSeen',
  read: 'markRead',
  unread: 'markUnread',
  archived: 'markArchived',
  unarchived: 'markUnarchived',
} as const;

/**
 * Applies a mark (from `POST /v1/inbox/mark` or a socket's `mark` frame) to the recipient's inbox
 * and tells every connection of the recipient, on every instance, through a `state` frame.
 * Only the recipient's own items change: ids of others' items are ignored.
 *
 * @example
 * await applyMark(store, gateway, 'acme', 'rep-7', { action: 'read', ids: [id] }, Date.now());
 */
export async function applyMark(
  store: Store,
  gateway: Gateway,
  tenant: string,
  recipient: string,
  mark: MarkRequest,
  at: number,
): Promise<MarkResult> {
  let updated: number;
  let changed: string[] | undefined;
  if (mark.all === true) {
    if (mark.action === 'unread' || mark.action === 'unarchived') {
      throw ErrorResponse.of(400, 'invalid_field', `${mark.action} applies to listed ids, not all`, 'all');
    }
    const options = mark.upTo === undefined ? {} : { upTo: mark.upTo };
    updated = store.inbox[allActions[mark.action]](tenant, recipient, options);
  } else {
    const method = oneActions[mark.action];
    changed = (mark.ids ?? []).filter((id) => store.inbox[method](tenant, recipient, id));
    updated = changed.length;
  }
  const unreadCount = store.inbox.unreadCount(tenant, recipient);
  if (updated > 0) {
    await gateway.deliverState({
      tenant,
      subscriber: recipient,
      action: mark.action,
      ...(changed === undefined ? { all: true as const } : { ids: changed }),
      ...(mark.upTo === undefined ? {} : { upTo: mark.upTo }),
      at,
      unreadCount,
    });
  }
  return { updated, unreadCount };
}
