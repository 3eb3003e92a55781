import { describe, expect, test } from 'vitest';
import * as z from 'zod';
import {
  apiError,
  apiErrorBodySchema,
  apiErrorCodes,
  apiErrorFromZod,
  apiErrorStatus,
  describeIssue,
} from './api-error.js';
import { eventAcceptedSchema } from './crm-event.js';
import {
  batchItemResultSchema,
  batchRequestSchema,
  batchResponseSchema,
  parseEventBatch,
} from './event-batch.js';
import { formatFieldPath } from './field-path.js';
import { reminderCommandSchema } from './reminder-command.js';

const event = { type: 'order.created', customerId: 'c1', occurredAt: '2030-01-01T00:00:00Z', data: {} };

describe('apiError', () => {
  test('builds bodies with and without a field', () => {
    expect(apiError('not_found', 'no reminder r1')).toEqual({
      error: { code: 'not_found', message: 'no reminder r1' },
    });
    expect(apiError('invalid_field', 'x: required', 'x')).toEqual({
      error: { code: 'invalid_field', message: 'x: required', field: 'x' },
    });
    expect(apiErrorBodySchema.parse(apiError('internal', 'boom'))).toEqual(apiError('internal', 'boom'));
  });

  test('every code has an HTTP status', () => {
    for (const code of apiErrorCodes) expect(apiErrorStatus[code]).toBeGreaterThanOrEqual(400);
    expect(apiErrorStatus.payload_too_large).toBe(413);
    expect(apiErrorStatus.rate_limited).toBe(429);
    expect(apiErrorStatus.unavailable).toBe(503);
  });

  test('the error body schema refuses unknown codes', () => {
    expect(apiErrorBodySchema.safeParse({ error: { code: 'teapot', message: 'x' } }).success).toBe(false);
  });
});

describe('apiErrorFromZod', () => {
  test('names the first failing field of a batch, with its index', () => {
    const { occurredAt: _omit, ...missing } = event;
    const body = { events: [event, event, event, missing, { ...event, type: 'BAD' }] };
    const result = batchRequestSchema.safeParse(body);
    expect(apiErrorFromZod(result.error!)).toEqual({
      error: {
        code: 'invalid_field',
        message: 'events[3].occurredAt: required',
        field: 'events[3].occurredAt',
      },
    });
  });

  test('a problem with the value as a whole is invalid_request without a field', () => {
    const result = batchRequestSchema.safeParse('nope');
    expect(apiErrorFromZod(result.error!).error).toMatchObject({ code: 'invalid_request' });
    expect(apiErrorFromZod(result.error!).error.field).toBeUndefined();
  });

  test('names an unknown member', () => {
    const result = batchRequestSchema.safeParse({ events: [{ ...event, tenant: 'acme' }] });
    expect(apiErrorFromZod(result.error!).error.field).toBe('events[0].tenant');
  });

  test('names the discriminator of an unknown union member', () => {
    const result = reminderCommandSchema.safeParse({ kind: 'explode' });
    expect(apiErrorFromZod(result.error!).error.field).toBe('kind');
  });

  test('looks inside plain unions for the branch that got furthest', () => {
    const schema = z.object({
      target: z.union([z.object({ id: z.string() }), z.object({ key: z.object({ name: z.string() }) })]),
    });
    const result = schema.safeParse({ target: { key: { name: 1 } } });
    expect(apiErrorFromZod(result.error!).error.field).toBe('target.key.name');
  });

  test('applies a prefix', () => {
    const result = z.object({ a: z.string() }).safeParse({});
    expect(apiErrorFromZod(result.error!, ['body']).error.field).toBe('body.a');
  });
});

describe('parseEventBatch', () => {
  test('validates each event on its own', () => {
    const parsed = parseEventBatch({ events: [event, { ...event, priority: 'urgent' }, event] });
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    expect(parsed.items.map((item) => ('event' in item ? 'ok' : item.error.field))).toEqual([
      'ok',
      'events[1].priority',
      'ok',
    ]);
  });

  test('refuses an empty or oversize batch as a whole', () => {
    expect(parseEventBatch({ events: [] })).toMatchObject({
      success: false,
      error: { error: { field: 'events' } },
    });
    expect(parseEventBatch({ events: Array.from({ length: 1001 }, () => event) }).success).toBe(false);
    expect(parseEventBatch({})).toMatchObject({
      success: false,
      error: { error: { message: 'events: required' } },
    });
  });
});

describe('formatFieldPath', () => {
  test('formats keys, indexes and odd keys', () => {
    expect(formatFieldPath(['events', 3, 'occurredAt'])).toBe('events[3].occurredAt');
    expect(formatFieldPath(['template', 'zh-CN', 'title'])).toBe('template["zh-CN"].title');
    expect(formatFieldPath([0])).toBe('[0]');
    expect(formatFieldPath([])).toBe('');
  });
});

describe('batch and ingest responses', () => {
  test('accepted, duplicate and rejected items', () => {
    const response = {
      results: [
        { index: 0, status: 'accepted', id: 'e1' },
        { index: 1, status: 'duplicate', id: 'e2' },
        {
          index: 2,
          status: 'rejected',
          error: { code: 'invalid_field', message: 'events[2].type: bad', field: 'events[2].type' },
        },
      ],
      accepted: 1,
      duplicates: 1,
      rejected: 1,
    };
    expect(batchResponseSchema.parse(response)).toEqual(response);
    expect(batchItemResultSchema.safeParse({ index: 0, status: 'rejected' }).success).toBe(false);
    expect(batchItemResultSchema.safeParse({ index: 0, status: 'lost', id: 'e1' }).success).toBe(false);
  });

  test('a single event answer', () => {
    expect(eventAcceptedSchema.parse({ id: 'e1', status: 'duplicate' })).toEqual({
      id: 'e1',
      status: 'duplicate',
    });
    expect(eventAcceptedSchema.safeParse({ id: 'e1', status: 'maybe' }).success).toBe(false);
  });
});

describe('describeIssue', () => {
  test('returns the path as keys too', () => {
    const result = batchRequestSchema.safeParse({ events: [{ ...event, customerId: 5 }] });
    expect(describeIssue(result.error!.issues[0]!)).toEqual({
      field: 'events[0].customerId',
      message: 'Invalid input: expected string, received number',
      path: ['events', 0, 'customerId'],
    });
  });
});
