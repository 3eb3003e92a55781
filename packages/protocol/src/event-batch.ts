import * as z from 'zod';
import {
  apiErrorDetailSchema,
  apiErrorFromZod,
  type ApiErrorBody,
  type ApiErrorDetail,
} from './api-error.js';
import { crmEventSchema, type CrmEvent } from './crm-event.js';
import { eventIdSchema } from './event-id.js';

/** The most events one batch request may carry. */
export const maxBatchEvents = 1000;

/** `POST /v1/events/batch`: up to 1000 events, each accepted or rejected on its own. */
export const batchRequestSchema = z
  .strictObject({ events: z.array(crmEventSchema).min(1).max(maxBatchEvents) })
  .meta({ description: 'Events to ingest; each is validated, deduplicated and appended on its own.' });

/** A batch request. */
export type BatchRequest = z.output<typeof batchRequestSchema>;

/** The outcome of one event of a batch, at the same `index` as in the request. */
export const batchItemResultSchema = z.discriminatedUnion('status', [
  z.object({ index: z.int().min(0), status: z.literal('accepted'), id: eventIdSchema }),
  z.object({ index: z.int().min(0), status: z.literal('duplicate'), id: eventIdSchema }),
  z.object({ index: z.int().min(0), status: z.literal('rejected'), error: apiErrorDetailSchema }),
]);

/** The outcome of one event of a batch. */
export type BatchItemResult = z.output<typeof batchItemResultSchema>;

/** What `POST /v1/events/batch` answers: one result per event, in request order, plus totals. */
export const batchResponseSchema = z
  .object({
    results: z.array(batchItemResultSchema),
    accepted: z.int().min(0),
    duplicates: z.int().min(0),
    rejected: z.int().min(0),
  })
  .meta({ description: 'Per-event results of a batch.' });

/** What a batch request answers. */
export type BatchResponse = z.output<typeof batchResponseSchema>;

const batchEnvelopeSchema = z.strictObject({ events: z.array(z.unknown()).min(1).max(maxBatchEvents) });

/** One event of a batch after validation: valid, or the error naming its field. */
export type BatchItem = { index: number; event: CrmEvent } | { index: number; error: ApiErrorDetail };

/**
 * Validates a batch body event by event, so one bad event rejects only itself. A body that is not
 * `{ events: [...] }` with 1–1000 items fails as a whole.
 *
 * @example
 * const parsed = parseEventBatch(await c.req.json());
 * if (!parsed.success) return c.json(parsed.error, 400);
 * for (const item of parsed.items) if ('error' in item) results.push({ index: item.index, status: 'rejected', error: item.error });
 */
export function parseEventBatch(
  body: unknown,
): { success: true; items: BatchItem[] } | { success: false; error: ApiErrorBody } {
  const envelope = batchEnvelopeSchema.safeParse(body);
  if (!envelope.success) return { success: false, error: apiErrorFromZod(envelope.error) };
  const items = envelope.data.events.map((raw, index): BatchItem => {
    const result = crmEventSchema.safeParse(raw);
    if (result.success) return { index, event: result.data };
    return { index, error: apiErrorFromZod(result.error, ['events', index]).error };
  });
  return { success: true, items };
}
