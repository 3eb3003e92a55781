import type { ServerFrame } from '@herald/protocol';

/** A frame that carries a notification. */
export type NotificationFrame = Extract<ServerFrame, { type: 'notification' | 'replace' }>;

/**
 * `encodeFrame(frame)` (its JSON) built around the notification's JSON, already encoded, so the
 * gateway encodes a notification once for its sockets and its fan-out message. The frame's keys
 * must be in the order the gateway creates them: `type`, `notification`, `replaces`, then
 * `unreadCount`.
 */
export function notificationFrameText(frame: NotificationFrame, notificationJson: string): string {
  const replaces = frame.type === 'replace' ? `,"replaces":${JSON.stringify(frame.replaces)}` : '';
  const unread = frame.unreadCount === undefined ? '' : `,"unreadCount":${frame.unreadCount}`;
  return `{"type":"${frame.type}","notification":${notificationJson}${replaces}${unread}}`;
}
