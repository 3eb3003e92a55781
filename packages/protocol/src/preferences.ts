import * as z from 'zod';
import { channelSchema } from './channel.js';
import { categorySchema } from './identifiers.js';
import { timeZoneSchema } from './time-zone.js';

const clockSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'expected HH:MM (00:00 to 23:59)' });

/** One opt-out: a category, a channel, or both; a missing one matches every value. */
export const optOutSchema = z
  .strictObject({ category: categorySchema.optional(), channel: channelSchema.optional() })
  .refine((value) => value.category !== undefined || value.channel !== undefined, {
    message: 'give a category, a channel, or both',
  })
  .meta({
    description: 'Notifications of this category and/or on this channel are not sent (critical ones are).',
  });

/** A daily window in the recipient's zone during which only critical notifications interrupt. */
export const quietHoursSchema = z
  .strictObject({
    start: clockSchema.meta({ description: 'Local start, HH:MM.' }),
    end: clockSchema.meta({ description: 'Local end, HH:MM; before start means the window spans midnight.' }),
    timezone: timeZoneSchema,
  })
  .meta({ description: 'Live delivery of non-critical items waits until the window ends.' });

/** `PUT` of a recipient's preferences: the whole document, replaced. */
export const preferencesUpdateSchema = z
  .strictObject({
    optOuts: z.array(optOutSchema).max(100).default([]),
    quietHours: quietHoursSchema.nullable().default(null),
  })
  .meta({ description: 'A recipient’s delivery preferences.' });

/** A preferences update, as parsed (missing members filled with their defaults). */
export type PreferencesUpdate = z.output<typeof preferencesUpdateSchema>;

/** A preferences update, as a client writes it: `optOuts` and `quietHours` may be left out. */
export type PreferencesUpdateInput = z.input<typeof preferencesUpdateSchema>;

/** A recipient's preferences, as the API shows them. */
export const preferencesSchema = preferencesUpdateSchema
  .extend({ updatedAt: z.int().min(0).nullable().meta({ description: 'Epoch ms; null when never set.' }) })
  .meta({ description: 'A recipient’s delivery preferences.' });

/** A recipient's preferences, as the API shows them. */
export type Preferences = z.output<typeof preferencesSchema>;
