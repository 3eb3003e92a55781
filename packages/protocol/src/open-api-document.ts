import * as z from 'zod';
import { apiErrorBodySchema, apiErrorStatus, type ApiErrorCode } from './api-error.js';
import { channelSchema } from './channel.js';
import { crmEventSchema, eventAcceptedSchema } from './crm-event.js';
import { customerProfileSchema, customerUpdateSchema } from './customer-profile.js';
import { batchRequestSchema, batchResponseSchema } from './event-batch.js';
import { cancellationKeySchema, subjectIdSchema } from './identifiers.js';
import {
  inboxPageSchema,
  inboxQuerySchema,
  markRequestSchema,
  markResultSchema,
  unreadCountSchema,
} from './inbox.js';
import { loggedEventSchema } from './logged-event.js';
import { notificationSchema, stageTimesSchema } from './notification.js';
import { preferencesSchema, preferencesUpdateSchema } from './preferences.js';
import { subscriberSchema, subscriberUpdateSchema } from './subscriber.js';
import { teamMembersRequestSchema, teamSchema } from './team.js';
import { prioritySchema } from './priority.js';
import { reminderListQuerySchema, reminderPageSchema, reminderSchema } from './reminder.js';
import {
  reminderCommandSchema,
  reminderCreateSchema,
  reminderIdSchema,
  reminderNotifySchema,
  reminderPatchSchema,
} from './reminder-command.js';
import { reminderDueDataSchema } from './reminder-due.js';
import { missedFirePolicySchema } from './reminder-schedule.js';
import { clientFrameSchema, serverFrameSchema } from './socket-frame.js';
import {
  subscriberTokenClaimsSchema,
  subscriberTokenRequestSchema,
  subscriberTokenResponseSchema,
} from './subscriber-token.js';

/** A JSON Schema (2020-12) object. */
export type JsonSchema = Record<string, unknown>;

/** An OpenAPI 3.1 operation, as much of it as Herald writes. */
export interface OpenApiOperation {
  operationId: string;
  summary: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters?: JsonSchema[];
  requestBody?: JsonSchema;
  responses: Record<string, JsonSchema>;
}

/** An OpenAPI 3.1 document. */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description?: string };
  servers?: { url: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, JsonSchema>;
    securitySchemes: Record<string, JsonSchema>;
  };
}

/** What `openApiDocument` describes. */
export interface OpenApiOptions {
  title: string;
  version: string;
  /** @defaultValue none: clients resolve paths against the document's own URL */
  serverUrl?: string;
  /** @defaultValue a one-line summary of Herald */
  description?: string;
}

const components = {
  CrmEvent: crmEventSchema,
  EventAccepted: eventAcceptedSchema,
  BatchRequest: batchRequestSchema,
  BatchResponse: batchResponseSchema,
  LoggedEvent: loggedEventSchema,
  CustomerProfile: customerProfileSchema,
  CustomerUpdate: customerUpdateSchema,
  SubscriberTokenRequest: subscriberTokenRequestSchema,
  SubscriberTokenResponse: subscriberTokenResponseSchema,
  SubscriberTokenClaims: subscriberTokenClaimsSchema,
  Priority: prioritySchema,
  Channel: channelSchema,
  StageTimes: stageTimesSchema,
  Notification: notificationSchema,
  InboxPage: inboxPageSchema,
  UnreadCount: unreadCountSchema,
  MarkRequest: markRequestSchema,
  MarkResult: markResultSchema,
  MissedFirePolicy: missedFirePolicySchema,
  ReminderNotify: reminderNotifySchema,
  ReminderCreate: reminderCreateSchema,
  ReminderPatch: reminderPatchSchema,
  ReminderCommand: reminderCommandSchema,
  Reminder: reminderSchema,
  ReminderPage: reminderPageSchema,
  ReminderDueData: reminderDueDataSchema,
  ClientFrame: clientFrameSchema,
  ServerFrame: serverFrameSchema,
  CancelledByKey: z
    .object({ cancellationKey: cancellationKeySchema, cancelled: z.int().min(0) })
    .meta({ description: 'Reminders cancelled by their cancellation key.' }),
  Preferences: preferencesSchema,
  PreferencesUpdate: preferencesUpdateSchema,
  Subscriber: subscriberSchema,
  SubscriberUpdate: subscriberUpdateSchema,
  Team: teamSchema,
  TeamMembersRequest: teamMembersRequestSchema,
  TeamList: z.object({ teams: z.array(subjectIdSchema) }).meta({ description: 'Team ids, in order.' }),
  ApiError: apiErrorBodySchema,
} satisfies Record<string, z.ZodType>;

type ComponentName = keyof typeof components;

const errorResponses: Record<string, { code: ApiErrorCode; description: string }> = {
  BadRequest: {
    code: 'invalid_field',
    description: 'The request is malformed; `field` names the first bad field.',
  },
  Unauthorized: { code: 'unauthorized', description: 'No valid API key or subscriber token.' },
  Forbidden: { code: 'forbidden', description: 'The credential does not reach this resource.' },
  NotFound: { code: 'not_found', description: 'No such resource in this tenant.' },
  Conflict: { code: 'conflict', description: 'The resource changed meanwhile, or the id is taken.' },
  PayloadTooLarge: { code: 'payload_too_large', description: 'The body is over the size limit.' },
  RateLimited: { code: 'rate_limited', description: 'Too many requests; retry after `Retry-After` seconds.' },
  Unavailable: {
    code: 'unavailable',
    description: 'The log or store is unavailable; nothing was accepted. Retry.',
  },
};

type ErrorName = keyof typeof errorResponses;

let cachedSchemas: Record<string, JsonSchema> | undefined;

function componentSchemas(): Record<string, JsonSchema> {
  if (cachedSchemas !== undefined) return cachedSchemas;
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(components)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    uri: (id) => `#/components/schemas/${id}`,
    io: 'input',
    unrepresentable: 'any',
  });
  const out: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _schema, $id: _id, ...rest } = schema as JsonSchema;
    out[id] = rest;
  }
  cachedSchemas = out;
  return out;
}

function ref(name: ComponentName): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

function json(name: ComponentName, description: string): JsonSchema {
  return { description, content: { 'application/json': { schema: ref(name) } } };
}

function body(name: ComponentName): JsonSchema {
  return { required: true, content: { 'application/json': { schema: ref(name) } } };
}

function errors(...names: ErrorName[]): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const name of ['BadRequest', ...names, 'Unavailable'] as ErrorName[]) {
    const status = String(apiErrorStatus[errorResponses[name]!.code]);
    out[status] = { $ref: `#/components/responses/${name}` };
  }
  return out;
}

function pathParam(name: string, schema: z.ZodType, description: string): JsonSchema {
  const { $schema: _schema, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return { name, in: 'path', required: true, description, schema: rest };
}

function queryParams(schema: z.ZodObject): JsonSchema[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: 'query',
      required: required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

const apiKey = [{ apiKey: [] }];
const subscriberToken = [{ subscriberToken: [] }];

/**
 * The OpenAPI 3.1 document of Herald's HTTP API (ingest, customers, tokens, inbox, reminders),
 * its schemas generated from the zod schemas the servers validate with, so it cannot drift.
 *
 * @example
 * app.get('/openapi.json', (c) => c.json(openApiDocument({ title: 'Herald', version: '1.0.0' })));
 */
export function openApiDocument(options: OpenApiOptions): OpenApiDocument {
  const subscriberId = pathParam('id', subjectIdSchema, 'The subscriber (recipient) id.');
  const customerId = pathParam('id', subjectIdSchema, 'The customer id.');
  const teamId = pathParam('id', subjectIdSchema, 'The team id, as rules name it.');
  const memberId = pathParam('subscriber', subjectIdSchema, 'The member’s subscriber id.');
  const reminderId = pathParam('id', reminderIdSchema, 'The reminder id.');
  const idempotencyKey = {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description: 'Makes a retry of the same request a no-op (answered `duplicate`).',
    schema: { type: 'string', minLength: 1, maxLength: 256 },
  };

  const paths: OpenApiDocument['paths'] = {
    '/v1/events': {
      post: {
        operationId: 'ingestEvent',
        summary: 'Send one CRM event. Answered once it is durable in the log.',
        tags: ['ingest'],
        security: apiKey,
        parameters: [idempotencyKey],
        requestBody: body('CrmEvent'),
        responses: {
          '202': json('EventAccepted', 'Durable (or a duplicate of an event already accepted).'),
          ...errors('Unauthorized', 'PayloadTooLarge', 'RateLimited'),
        },
      },
    },
    '/v1/events/batch': {
      post: {
        operationId: 'ingestEventBatch',
        summary: 'Send up to 1000 events; each is accepted, a duplicate, or rejected on its own.',
        tags: ['ingest'],
        security: apiKey,
        requestBody: body('BatchRequest'),
        responses: {
          '202': json('BatchResponse', 'One result per event, in request order.'),
          ...errors('Unauthorized', 'PayloadTooLarge', 'RateLimited'),
        },
      },
    },
    '/v1/customers/{id}': {
      get: {
        operationId: 'getCustomer',
        summary: 'Read a customer profile (served from the cache).',
        tags: ['customers'],
        security: apiKey,
        parameters: [customerId],
        responses: { '200': json('CustomerProfile', 'The profile.'), ...errors('Unauthorized', 'NotFound') },
      },
      put: {
        operationId: 'putCustomer',
        summary: 'Write a customer profile; an older `version` than the stored one is ignored.',
        tags: ['customers'],
        security: apiKey,
        parameters: [customerId],
        requestBody: body('CustomerUpdate'),
        responses: {
          '200': json('CustomerProfile', 'The profile after the write.'),
          ...errors('Unauthorized'),
        },
      },
    },
    '/v1/subscribers/{id}': {
      get: {
        operationId: 'getSubscriber',
        summary: 'The locale and time zone a subscriber’s notifications are written in.',
        tags: ['subscribers'],
        security: apiKey,
        parameters: [subscriberId],
        responses: {
          '200': json('Subscriber', 'The subscriber (nulls when never set).'),
          ...errors('Unauthorized'),
        },
      },
      put: {
        operationId: 'putSubscriber',
        summary: 'Set the locale and time zone of a subscriber’s notifications (from your backend).',
        tags: ['subscribers'],
        security: apiKey,
        parameters: [subscriberId],
        requestBody: body('SubscriberUpdate'),
        responses: {
          '200': json('Subscriber', 'The subscriber after the write.'),
          ...errors('Unauthorized'),
        },
      },
    },
    '/v1/teams': {
      get: {
        operationId: 'listTeams',
        summary: 'The tenant’s teams (those with a member).',
        tags: ['teams'],
        security: apiKey,
        responses: { '200': json('TeamList', 'The team ids.'), ...errors('Unauthorized') },
      },
    },
    '/v1/teams/{id}': {
      get: {
        operationId: 'getTeam',
        summary: 'A team’s members (none when it was never set).',
        tags: ['teams'],
        security: apiKey,
        parameters: [teamId],
        responses: { '200': json('Team', 'The team.'), ...errors('Unauthorized') },
      },
      put: {
        operationId: 'putTeam',
        summary: 'Replace a team’s members; an empty list removes the team.',
        tags: ['teams'],
        security: apiKey,
        parameters: [teamId],
        requestBody: body('TeamMembersRequest'),
        responses: { '200': json('Team', 'The team after the write.'), ...errors('Unauthorized') },
      },
      delete: {
        operationId: 'deleteTeam',
        summary: 'Remove a team and all its members.',
        tags: ['teams'],
        security: apiKey,
        parameters: [teamId],
        responses: { '200': json('Team', 'The team, now empty.'), ...errors('Unauthorized') },
      },
    },
    '/v1/teams/{id}/members': {
      post: {
        operationId: 'addTeamMembers',
        summary: 'Add members to a team (those already in stay).',
        tags: ['teams'],
        security: apiKey,
        parameters: [teamId],
        requestBody: body('TeamMembersRequest'),
        responses: { '200': json('Team', 'The team after the write.'), ...errors('Unauthorized') },
      },
    },
    '/v1/teams/{id}/members/{subscriber}': {
      delete: {
        operationId: 'removeTeamMember',
        summary: 'Take one member out of a team.',
        tags: ['teams'],
        security: apiKey,
        parameters: [teamId, memberId],
        responses: { '200': json('Team', 'The team after the write.'), ...errors('Unauthorized') },
      },
    },
    '/v1/subscribers/{id}/token': {
      post: {
        operationId: 'createSubscriberToken',
        summary: 'Issue a token for one subscriber’s inbox and live stream (call from your backend).',
        tags: ['subscribers'],
        security: apiKey,
        parameters: [subscriberId],
        requestBody: { ...body('SubscriberTokenRequest'), required: false },
        responses: { '201': json('SubscriberTokenResponse', 'The signed token.'), ...errors('Unauthorized') },
      },
    },
    '/v1/inbox': {
      get: {
        operationId: 'listInbox',
        summary: 'The token holder’s inbox, newest first.',
        tags: ['inbox'],
        security: subscriberToken,
        parameters: queryParams(inboxQuerySchema),
        responses: { '200': json('InboxPage', 'One page.'), ...errors('Unauthorized') },
      },
    },
    '/v1/inbox/unread-count': {
      get: {
        operationId: 'unreadCount',
        summary: 'How many items are unread (and not archived).',
        tags: ['inbox'],
        security: subscriberToken,
        responses: { '200': json('UnreadCount', 'The count.'), ...errors('Unauthorized') },
      },
    },
    '/v1/inbox/mark': {
      post: {
        operationId: 'markInbox',
        summary: 'Mark items, or all of them, seen, read, unread, archived or unarchived.',
        tags: ['inbox'],
        security: subscriberToken,
        requestBody: body('MarkRequest'),
        responses: { '200': json('MarkResult', 'What changed.'), ...errors('Unauthorized') },
      },
    },
    '/v1/preferences': {
      get: {
        operationId: 'getMyPreferences',
        summary: 'The token holder’s opt-outs and quiet hours.',
        tags: ['inbox'],
        security: subscriberToken,
        responses: { '200': json('Preferences', 'The preferences.'), ...errors('Unauthorized') },
      },
      put: {
        operationId: 'setMyPreferences',
        summary: 'Replace the token holder’s opt-outs and quiet hours.',
        tags: ['inbox'],
        security: subscriberToken,
        requestBody: body('PreferencesUpdate'),
        responses: {
          '200': json('Preferences', 'The preferences after the write.'),
          ...errors('Unauthorized'),
        },
      },
    },
    '/v1/subscribers/{id}/preferences': {
      get: {
        operationId: 'getSubscriberPreferences',
        summary: 'A subscriber’s opt-outs and quiet hours (from your backend).',
        tags: ['subscribers'],
        security: apiKey,
        parameters: [subscriberId],
        responses: { '200': json('Preferences', 'The preferences.'), ...errors('Unauthorized') },
      },
      put: {
        operationId: 'setSubscriberPreferences',
        summary: 'Replace a subscriber’s opt-outs and quiet hours (from your backend).',
        tags: ['subscribers'],
        security: apiKey,
        parameters: [subscriberId],
        requestBody: body('PreferencesUpdate'),
        responses: {
          '200': json('Preferences', 'The preferences after the write.'),
          ...errors('Unauthorized'),
        },
      },
    },
    '/v1/reminders': {
      post: {
        operationId: 'createReminder',
        summary: 'Schedule a reminder at an instant, after a delay, or on a recurrence.',
        tags: ['reminders'],
        security: apiKey,
        requestBody: body('ReminderCreate'),
        responses: {
          '201': json('Reminder', 'Scheduled.'),
          '200': json('Reminder', 'A reminder with this id existed; it is returned unchanged.'),
          ...errors('Unauthorized', 'Conflict'),
        },
      },
      get: {
        operationId: 'listReminders',
        summary: 'Reminders by due time, optionally for one record or status.',
        tags: ['reminders'],
        security: apiKey,
        parameters: queryParams(reminderListQuerySchema),
        responses: { '200': json('ReminderPage', 'One page.'), ...errors('Unauthorized') },
      },
      delete: {
        operationId: 'cancelRemindersByKey',
        summary: 'Cancel every pending reminder sharing a cancellation key.',
        tags: ['reminders'],
        security: apiKey,
        parameters: queryParams(z.object({ cancellationKey: cancellationKeySchema })),
        responses: {
          '200': json('CancelledByKey', 'How many were cancelled.'),
          ...errors('Unauthorized'),
        },
      },
    },
    '/v1/reminders/{id}': {
      get: {
        operationId: 'getReminder',
        summary: 'Read a reminder.',
        tags: ['reminders'],
        security: apiKey,
        parameters: [reminderId],
        responses: { '200': json('Reminder', 'The reminder.'), ...errors('Unauthorized', 'NotFound') },
      },
      patch: {
        operationId: 'updateReminder',
        summary: 'Move, snooze, or change a reminder.',
        tags: ['reminders'],
        security: apiKey,
        parameters: [reminderId],
        requestBody: body('ReminderPatch'),
        responses: {
          '200': json('Reminder', 'The reminder after the change.'),
          ...errors('Unauthorized', 'NotFound', 'Conflict'),
        },
      },
      delete: {
        operationId: 'cancelReminder',
        summary: 'Cancel a reminder.',
        tags: ['reminders'],
        security: apiKey,
        parameters: [reminderId],
        responses: {
          '200': json('Reminder', 'The cancelled reminder.'),
          ...errors('Unauthorized', 'NotFound', 'Conflict'),
        },
      },
    },
  };

  const responses: Record<string, JsonSchema> = {};
  for (const [name, { description }] of Object.entries(errorResponses)) {
    responses[name] = { description, content: { 'application/json': { schema: ref('ApiError') } } };
  }

  const document: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: options.title,
      version: options.version,
      description: options.description ?? 'Herald: real-time notifications and reminders for CRM platforms.',
    },
    tags: [
      { name: 'ingest', description: 'CRM events in (tenant API key).' },
      { name: 'customers', description: 'Customer profiles (tenant API key).' },
      {
        name: 'subscribers',
        description: 'Subscriber tokens, locale and time zone, preferences (tenant API key).',
      },
      { name: 'teams', description: 'Teams rules can notify (tenant API key).' },
      { name: 'inbox', description: 'A subscriber’s inbox (subscriber token).' },
      { name: 'reminders', description: 'Reminders tied to CRM records (tenant API key).' },
    ],
    paths,
    components: {
      schemas: structuredClone(componentSchemas()),
      responses,
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'A tenant API key (`hrld_…`).' },
        subscriberToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A subscriber token.',
        },
      },
    },
  };
  if (options.serverUrl !== undefined) document.servers = [{ url: options.serverUrl }];
  return document;
}
