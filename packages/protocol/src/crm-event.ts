import * as z from 'zod';
import { customerUpdateSchema } from './customer-profile.js';
import { eventIdSchema } from './event-id.js';
import { eventTypeSchema } from './event-type.js';
import { instantSchema, recordRefSchema, subjectIdSchema } from './identifiers.js';
import { jsonObjectSchema } from './json-object.js';
import { prioritySchema } from './priority.js';

/**
 * A business event as a CRM sends it to `POST /v1/events`. The tenant is not in the body: it
 * comes from the API key. Unknown members are refused, so a misspelt field is an error, not a
 * silent loss.
 *
 * @example
 * crmEventSchema.parse({
 *   type: 'order.created',
 *   customerId: 'cust-42',
 *   occurredAt: '2030-01-01T09:00:00+08:00', // → '2030-01-01T01:00:00.000Z'
 *   data: { orderId: '123', total: 99.5 },
 * });
 */
export const crmEventSchema = z
  .strictObject({
    id: eventIdSchema
      .optional()
      .meta({ description: 'Client idempotency id: an event with an id already seen is a duplicate.' }),
    type: eventTypeSchema,
    customerId: subjectIdSchema.meta({ description: 'The customer the event is about.' }),
    occurredAt: instantSchema.meta({ description: 'When it happened in the CRM, with `Z` or an offset.' }),
    data: jsonObjectSchema.meta({ description: 'Event fields; their size is limited by the server.' }),
    priority: prioritySchema.optional(),
    record: recordRefSchema.optional().meta({ description: 'The CRM record concerned, e.g. `order:123`.' }),
    customer: customerUpdateSchema
      .optional()
      .meta({ description: 'Profile fields to write through, for `customer.*` events.' }),
  })
  .meta({ description: 'A business event from the CRM.' });

/** A validated CRM event (`occurredAt` in UTC). */
export type CrmEvent = z.output<typeof crmEventSchema>;

/** A CRM event as written by the client, before validation. */
export type CrmEventInput = z.input<typeof crmEventSchema>;

/** What `POST /v1/events` answers (202). */
export const eventAcceptedSchema = z
  .object({
    id: eventIdSchema,
    status: z.enum(['accepted', 'duplicate']),
  })
  .meta({ description: 'The event is durable (or was already).' });

/** What `POST /v1/events` answers. */
export type EventAccepted = z.output<typeof eventAcceptedSchema>;
