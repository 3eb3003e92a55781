import * as z from 'zod';
import { subjectIdSchema } from './identifiers.js';
import { localeSchema } from './locale.js';
import { timeZoneSchema } from './time-zone.js';

/** `PUT /v1/subscribers/:id`: what the tenant's backend tells of a person, replaced as a whole. */
export const subscriberUpdateSchema = z
  .strictObject({
    locale: localeSchema
      .nullable()
      .default(null)
      .meta({ description: 'Which template variant they read, and how dates and numbers look (`zh-CN`).' }),
    timezone: timeZoneSchema
      .nullable()
      .default(null)
      .meta({ description: 'The IANA time zone dates in their notifications are written in.' }),
  })
  .meta({
    description: 'What Herald knows of a subscriber: the language and time zone of their notifications.',
  });

/** A subscriber update, as sent. */
export type SubscriberUpdate = z.output<typeof subscriberUpdateSchema>;

/** A subscriber, as the API shows them. */
export const subscriberSchema = subscriberUpdateSchema
  .extend({
    id: subjectIdSchema,
    updatedAt: z.int().min(0).nullable().meta({ description: 'Epoch ms; null when never set.' }),
  })
  .meta({ description: 'What Herald knows of a subscriber.' });
