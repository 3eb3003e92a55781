import { deriveId } from './derive-id.js';

/**
 * The id of the reminder that rule `ruleId` schedules out of event `eventId`: deterministic, so a
 * replayed event creates nothing new.
 *
 * @example
 * reminderId('evt-1', 'payment-due') // 22 base64url characters, always the same
 */
export function reminderId(eventId: string, ruleId: string): string {
  return deriveId('reminder', [eventId, ruleId]);
}
