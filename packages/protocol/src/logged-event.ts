import * as z from 'zod';
import { describeIssue } from './api-error.js';
import { crmEventSchema, type CrmEvent } from './crm-event.js';
import { eventIdPattern, eventIdSchema, generateEventId } from './event-id.js';
import { stageStampSchema, tenantIdSchema } from './identifiers.js';
import { ProtocolError } from './protocol-error.js';

/** The version of the log envelope `encodeLoggedEvent` writes and `decodeLoggedEvent` reads. */
export const loggedEventVersion = 1;

/**
 * An event as it travels through the log: the CRM event plus its tenant (from the API key), an
 * id that is always set (the client's, or a generated UUIDv7) and the times of its first stages.
 */
export const loggedEventSchema = crmEventSchema
  .extend({
    id: eventIdSchema,
    tenant: tenantIdSchema,
    receivedAt: stageStampSchema.meta({ description: 'When ingest received the request.' }),
    appendedAt: stageStampSchema.meta({ description: 'When ingest appended the event to the log.' }),
    idempotencyKey: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .meta({ description: 'The `Idempotency-Key` header the event came with.' }),
  })
  .meta({ description: 'An event in the log.' });

/** An event in the log. */
export type LoggedEvent = z.output<typeof loggedEventSchema>;

const envelopeSchema = loggedEventSchema.extend({ v: z.literal(loggedEventVersion) });

/** What `createLoggedEvent` needs beside the event. */
export interface LoggedEventOptions {
  tenant: string;
  /** @defaultValue `Date.now()` */
  receivedAt?: number;
  /** @defaultValue `receivedAt` */
  appendedAt?: number;
  /** The request's `Idempotency-Key`. @defaultValue none */
  idempotencyKey?: string;
  /** The id of an event that has none. @defaultValue a new UUIDv7 */
  id?: string;
}

/**
 * The log envelope of a validated event: the client's id, or a new UUIDv7.
 *
 * @example
 * const logged = createLoggedEvent(crmEventSchema.parse(body), { tenant: 'acme', receivedAt: Date.now() });
 * await log.publish('herald.events', [{ key: `${logged.tenant}:${logged.customerId}`, value: encodeLoggedEvent(logged) }]);
 */
export function createLoggedEvent(event: CrmEvent, options: LoggedEventOptions): LoggedEvent {
  const receivedAt = options.receivedAt ?? Date.now();
  const logged: LoggedEvent = {
    ...event,
    id: event.id ?? options.id ?? generateEventId(receivedAt),
    tenant: options.tenant,
    receivedAt,
    appendedAt: options.appendedAt ?? receivedAt,
  };
  if (options.idempotencyKey !== undefined) logged.idempotencyKey = options.idempotencyKey;
  return logged;
}

/**
 * The JSON text of a logged event, with the envelope version.
 *
 * @example
 * encodeLoggedEvent(logged) // '{"v":1,"id":"…","tenant":"acme","type":"order.created",…}'
 */
export function encodeLoggedEvent(event: LoggedEvent): string {
  // Spliced rather than spread into a new object: the copy cost as much as the stringify.
  return `{"v":${loggedEventVersion},${JSON.stringify(event).slice(1)}`;
}

/**
 * The JSON text of `encodeLoggedEvent(createLoggedEvent(event, options))`, written without
 * building the logged event first: the envelope fields go in as a prefix and the event is
 * stringified as it is. Copying an event into a new object with more keys made
 * `JSON.stringify` about four times slower, and ingest and the scheduler encode every event.
 *
 * @example
 * const value = encodeNewLoggedEvent(crmEventSchema.parse(body), { tenant: 'acme', receivedAt: Date.now() });
 * await log.publish('herald.events', [{ key: `acme:${event.customerId}`, value }]);
 */
export function encodeNewLoggedEvent(event: CrmEvent, options: LoggedEventOptions): string {
  const receivedAt = options.receivedAt ?? Date.now();
  const appendedAt = options.appendedAt ?? receivedAt;
  let envelope = envelopeStart(options.tenant, receivedAt, appendedAt);
  if (options.idempotencyKey !== undefined) {
    envelope += `,"idempotencyKey":${JSON.stringify(options.idempotencyKey)}`;
  }
  if (event.id === undefined) {
    // An id of the event-id characters (a generated one is hex and dashes) has nothing to
    // escape; JSON.stringify of it had cost a fifth as much as the event's own.
    const id = options.id ?? generateEventId(receivedAt);
    envelope += eventIdPattern.test(id) ? `,"id":"${id}"` : `,"id":${JSON.stringify(id)}`;
  }
  const body = JSON.stringify(event);
  // An event always has its type, customer and time, so its text is never `{}`.
  return `${envelope},${body.slice(1)}`;
}

// The events of one batch share tenant and times: their envelope's start is written once.
// (Writing the fractional times out was a fifth of an event's encoding.)
let lastEnvelope = { tenant: '', receivedAt: Number.NaN, appendedAt: Number.NaN, text: '' };

function envelopeStart(tenant: string, receivedAt: number, appendedAt: number): string {
  const last = lastEnvelope;
  if (last.tenant === tenant && last.receivedAt === receivedAt && last.appendedAt === appendedAt)
    return last.text;
  const text = `{"v":${loggedEventVersion},"tenant":${JSON.stringify(tenant)},"receivedAt":${receivedAt},"appendedAt":${appendedAt}`;
  lastEnvelope = { tenant, receivedAt, appendedAt, text };
  return text;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The logged event in `input` (JSON text or its UTF-8 bytes), validated strictly. Throws a
 * `ProtocolError` (`DECODE_FAILED`) naming the first bad field.
 *
 * @example
 * const event = decodeLoggedEvent(record.value); // LoggedEvent
 */
export function decodeLoggedEvent(input: string | Uint8Array): LoggedEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof input === 'string' ? input : decoder.decode(input));
  } catch (cause) {
    throw new ProtocolError('DECODE_FAILED', 'logged event: not valid UTF-8 JSON', { cause });
  }
  const result = envelopeSchema.safeParse(parsed);
  if (!result.success) {
    const { field, message } = describeIssue(result.error.issues[0]!);
    const where = field === '' ? '' : `${field}: `;
    throw new ProtocolError('DECODE_FAILED', `logged event: ${where}${message}`, {
      cause: result.error,
      ...(field === '' ? {} : { field }),
    });
  }
  const { v: _v, ...event } = result.data;
  return event;
}
