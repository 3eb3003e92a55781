import {
  notificationSchema,
  stateFrameSchema,
  subjectIdSchema,
  type Notification,
  type ServerFrame,
} from '@herald/protocol';

type StateFrame = Extract<ServerFrame, { type: 'state' }>;

/** A delivery as it crosses instances, tagged with the instance that made it. */
export type FanOutMessage =
  | {
      v: 1;
      origin: string;
      kind: 'notification';
      notification: Notification;
      replaces?: string[];
      unreadCount?: number;
    }
  | { v: 1; origin: string; kind: 'state'; subscriber: string; frame: StateFrame };

/** How every message of `origin` begins, so an instance can tell its own echo without parsing it. */
export function fanOutOriginPrefix(origin: string): string {
  return `{"v":1,"origin":${JSON.stringify(origin)},`;
}

/**
 * The text of a fan-out message, beginning with {@link fanOutOriginPrefix} of its origin: every
 * instance (the sender included) receives each message on the channel, and the sender drops its
 * own with a prefix check instead of parsing and validating a whole notification.
 *
 * @example
 * await cache.publish(channel, encodeFanOutMessage({ v: 1, origin: instanceId, kind: 'notification', notification }));
 */
export function encodeFanOutMessage(message: FanOutMessage): string {
  const { v: _version, origin, ...rest } = message;
  return fanOutOriginPrefix(origin) + JSON.stringify(rest).slice(1);
}

/**
 * The text of a notification's fan-out message built around the notification's JSON, already
 * encoded for this instance's sockets: the text {@link encodeFanOutMessage} gives, without
 * encoding the notification a second time.
 *
 * @example
 * const json = JSON.stringify(notification);
 * await cache.publish(channel, encodeNotificationFanOut(instanceId, json, { replaces, unreadCount }));
 */
export function encodeNotificationFanOut(
  origin: string,
  notificationJson: string,
  options: { replaces?: readonly string[] | undefined; unreadCount?: number | undefined } = {},
): string {
  const { replaces, unreadCount } = options;
  const replacing =
    replaces !== undefined && replaces.length > 0 ? `,"replaces":${JSON.stringify(replaces)}` : '';
  const unread = unreadCount === undefined ? '' : `,"unreadCount":${unreadCount}`;
  return `${fanOutOriginPrefix(origin)}"kind":"notification","notification":${notificationJson}${replacing}${unread}}`;
}

/**
 * A fan-out message from its text, validated, or `undefined` for anything else (a message from an
 * incompatible version is ignored rather than trusted).
 *
 * @example
 * const message = decodeFanOutMessage(text);
 * if (message !== undefined && message.origin !== instanceId) fanOut(message);
 */
export function decodeFanOutMessage(text: string): FanOutMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (record['v'] !== 1 || typeof record['origin'] !== 'string') return undefined;
  const origin = record['origin'];
  if (record['kind'] === 'notification') {
    const notification = notificationSchema.safeParse(record['notification']);
    if (!notification.success) return undefined;
    const message: FanOutMessage = { v: 1, origin, kind: 'notification', notification: notification.data };
    const replaces = record['replaces'];
    if (Array.isArray(replaces) && replaces.every((id) => typeof id === 'string') && replaces.length > 0) {
      message.replaces = replaces;
    }
    const unreadCount = record['unreadCount'];
    if (Number.isSafeInteger(unreadCount) && (unreadCount as number) >= 0) {
      message.unreadCount = unreadCount as number;
    }
    return message;
  }
  if (record['kind'] === 'state') {
    const subscriber = subjectIdSchema.safeParse(record['subscriber']);
    const frame = stateFrameSchema.safeParse(record['frame']);
    if (!subscriber.success || !frame.success) return undefined;
    return { v: 1, origin, kind: 'state', subscriber: subscriber.data, frame: frame.data };
  }
  return undefined;
}
