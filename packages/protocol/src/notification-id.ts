import { deriveId } from './derive-id.js';

/**
 * The id of the notification that rule `ruleId` makes for `recipient` out of event `eventId`:
 * 22 base64url characters (128 bits of SHA-256), the same for the same inputs on every machine,
 * so a replayed event lands on the inbox row it already made. Ids are unique within a tenant,
 * as event ids are.
 *
 * @example
 * notificationId('evt-1', 'order-created', 'rep-7') // 'x3K…' (22 characters, always the same)
 */
export function notificationId(eventId: string, ruleId: string, recipient: string): string {
  return deriveId('notification', [eventId, ruleId, recipient]);
}
