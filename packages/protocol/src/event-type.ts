import * as z from 'zod';

/** Dotted lowercase, at least two segments: `order.created`, `ticket.sla_breached`, `reminder.due`. */
export const eventTypePattern = /^[a-z][a-z0-9_-]*(?:\.[a-z][a-z0-9_-]*)+$/;

/** An event type: dotted lowercase such as `order.created`, at most 128 characters. */
export const eventTypeSchema = z
  .string()
  .max(128)
  .regex(eventTypePattern, {
    message: 'invalid event type (expected dotted lowercase such as order.created)',
  })
  .meta({ description: 'Dotted lowercase, e.g. `order.created`.', examples: ['order.created'] });
