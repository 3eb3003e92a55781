import * as z from 'zod';

/** A tenant id: 1–64 characters of `A–Z a–z 0–9 . _ -`. */
export const tenantIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, {
    message: 'invalid tenant (expected 1–64 characters of A-Z a-z 0-9 . _ -)',
  })
  .meta({ description: 'A tenant id.', examples: ['acme'] });

/** The characters and length of customer, subscriber and user ids. */
export const subjectIdPattern = /^[A-Za-z0-9._:@+-]{1,128}$/;

/** A customer, subscriber or user id as the CRM knows it: 1–128 characters of `A–Z a–z 0–9 . _ : @ + -`. */
export const subjectIdSchema = z
  .string()
  .regex(subjectIdPattern, {
    message: 'invalid id (expected 1–128 characters of A-Z a-z 0-9 . _ : @ + -)',
  })
  .meta({
    description: 'A customer, subscriber or user id: 1–128 characters of `A-Z a-z 0-9 . _ : @ + -`.',
    examples: ['cust-42'],
  });

/** The shape of a record reference: `kind:id`. */
export const recordRefPattern = /^[a-z][a-z0-9_-]*:[^\s]+$/;

/** The CRM record an event or reminder concerns: `kind:id`, such as `order:123`. */
export const recordRefSchema = z
  .string()
  .max(256)
  .regex(recordRefPattern, { message: 'invalid record (expected kind:id such as order:123)' })
  .meta({ description: 'The CRM record concerned, as `kind:id`.', examples: ['order:123'] });

/** A key that cancels or moves every reminder sharing it, such as `order:123:payment-due`. */
export const cancellationKeySchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\s]+$/, { message: 'invalid cancellation key (no whitespace allowed)' })
  .meta({ description: 'Cancels or moves every reminder sharing it.', examples: ['order:123:payment-due'] });

/** A notification category, such as `orders` or `billing`. */
export const categorySchema = z
  .string()
  .regex(/^[a-z][a-z0-9_.-]{0,63}$/, { message: 'invalid category (expected lowercase such as orders)' })
  .meta({ description: 'A notification category.', examples: ['orders'] });

/** Milliseconds since the Unix epoch (UTC). */
export const epochMsSchema = z.int().min(0).meta({ description: 'Milliseconds since the Unix epoch (UTC).' });

/**
 * A stage time between Herald's own processes: epoch milliseconds with a fraction (`epochClock`
 * of `@herald/core`), since most stages of an event take less than a millisecond.
 */
export const stageStampSchema = z
  .number()
  .min(0)
  .meta({ description: 'Milliseconds since the Unix epoch (UTC), with a fraction.' });

const normalisedInstant = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** An ISO 8601 instant with `Z` or an offset, normalised to UTC (`2030-01-01T09:00:00.000Z`). */
export const instantSchema = z.iso
  .datetime({
    offset: true,
    // Only the format issue gets this text: a missing value keeps zod's `received undefined` (reported as `required`).
    error: (issue) =>
      issue.code === 'invalid_format'
        ? 'invalid date-time (expected ISO 8601 with Z or an offset, e.g. 2030-01-01T09:00:00+08:00)'
        : undefined,
  })
  // Already in the normalised form (as clients that use toISOString send it): kept as it is,
  // which skipped a Date parse and format per event.
  .transform((text) => (normalisedInstant.test(text) ? text : new Date(text).toISOString()))
  .meta({
    description: 'An ISO 8601 instant with `Z` or an offset; stored in UTC.',
    examples: ['2030-01-01T09:00:00+08:00'],
  });
