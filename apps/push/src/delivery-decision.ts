import type { Channel, Priority } from '@herald/protocol';
import type { Preferences } from '@herald/store';
import { quietUntil } from './quiet-hours.js';

/** What a recipient's preferences make of one notification. */
export interface DeliveryDecision {
  /** The channels left after opt-outs; empty means the recipient opted out of it entirely. */
  channels: Channel[];
  /** Epoch ms until which live delivery waits (quiet hours); `undefined` means now. */
  deferUntil: number | undefined;
}

/**
 * Applies opt-outs and quiet hours: an opt-out names a category, a channel or both (a missing
 * one matches all); quiet hours defer everything below `critical` to the window's end.
 * `critical` bypasses both.
 *
 * @example
 * decideDelivery({ priority: 'normal', category: 'orders', channels: ['in_app', 'webhook'] }, prefs, Date.now());
 */
export function decideDelivery(
  notification: { priority: Priority; category: string; channels: readonly Channel[] },
  preferences: Preferences | undefined,
  at: number,
): DeliveryDecision {
  if (preferences === undefined || notification.priority === 'critical') {
    return { channels: [...notification.channels], deferUntil: undefined };
  }
  const channels = notification.channels.filter(
    (channel) =>
      !preferences.optOuts.some(
        (optOut) =>
          (optOut.category === undefined || optOut.category === notification.category) &&
          (optOut.channel === undefined || optOut.channel === channel),
      ),
  );
  const deferUntil = preferences.quietHours === null ? undefined : quietUntil(at, preferences.quietHours);
  return { channels, deferUntil };
}
