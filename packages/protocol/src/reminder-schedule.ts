import * as z from 'zod';

/**
 * What the scheduler does with a reminder that came due while nothing was running:
 * `fire_now` fires it late, `fire_if_late_within` fires it only if it is at most `lateWithinMs`
 * late (and drops it otherwise), `skip` drops a late occurrence (a recurring reminder moves to
 * its next one).
 */
export const missedFirePolicySchema = z
  .discriminatedUnion('policy', [
    z.strictObject({ policy: z.literal('fire_now') }),
    z.strictObject({ policy: z.literal('fire_if_late_within'), lateWithinMs: z.int().min(1) }),
    z.strictObject({ policy: z.literal('skip') }),
  ])
  .meta({ description: 'What to do with an occurrence that came due while the scheduler was down.' });

/** What the scheduler does with a late reminder. */
export type MissedFirePolicy = z.output<typeof missedFirePolicySchema>;

/** The policy reminders get when none is given. */
export const defaultMissedFirePolicy: MissedFirePolicy = { policy: 'fire_now' };

const rrulePattern =
  /^(?:RRULE:)?FREQ=(?:SECONDLY|MINUTELY|HOURLY|DAILY|WEEKLY|MONTHLY|YEARLY)(?:;[A-Z]+=[A-Za-z0-9,:+-]+)*$/;
const rruleParts = /^(?:RRULE:)?(.*)$/;
const rruleKeys = new Set([
  'FREQ',
  'UNTIL',
  'COUNT',
  'INTERVAL',
  'BYSECOND',
  'BYMINUTE',
  'BYHOUR',
  'BYDAY',
  'BYMONTHDAY',
  'BYYEARDAY',
  'BYWEEKNO',
  'BYMONTH',
  'BYSETPOS',
  'WKST',
]);

/** True when `text` looks like an RFC 5545 RRULE (`FREQ=WEEKLY;BYDAY=MO`): known keys, each once. */
export function isRrule(text: string): boolean {
  if (text.length > 512 || !rrulePattern.test(text)) return false;
  const body = rruleParts.exec(text)?.[1] ?? '';
  const seen = new Set<string>();
  for (const part of body.split(';')) {
    const key = part.slice(0, part.indexOf('='));
    if (!rruleKeys.has(key) || seen.has(key)) return false;
    seen.add(key);
  }
  return !(seen.has('UNTIL') && seen.has('COUNT'));
}

const cronField = /^(?:\*|\?|[0-9A-Za-z]+(?:-[0-9A-Za-z]+)?|L|[0-9]+W|[0-9A-Za-z]+#[1-5])(?:\/[0-9]+)?$/;

/** True when `text` looks like a cron expression: 5 fields (minute first) or 6 (seconds first). */
export function isCron(text: string): boolean {
  if (text.length > 256) return false;
  const fields = text.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) return false;
  return fields.every((field) => field.split(',').every((item) => cronField.test(item)));
}

/** An RFC 5545 recurrence rule such as `FREQ=WEEKLY;BYDAY=MO;BYHOUR=9`. */
export const rruleSchema = z
  .string()
  .refine(isRrule, { message: 'invalid RRULE (expected e.g. FREQ=WEEKLY;BYDAY=MO)' })
  .meta({ description: 'An RFC 5545 RRULE.', examples: ['FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0'] });

/** A cron expression such as `0 9 * * 1-5`. */
export const cronSchema = z
  .string()
  .refine(isCron, { message: 'invalid cron expression (expected 5 or 6 fields, e.g. 0 9 * * 1-5)' })
  .meta({ description: 'A cron expression, in the reminder’s time zone.', examples: ['0 9 * * 1-5'] });
