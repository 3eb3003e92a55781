export {
  apiError,
  apiErrorBodySchema,
  apiErrorCodes,
  apiErrorDetailSchema,
  apiErrorFromZod,
  apiErrorStatus,
  describeIssue,
} from './api-error.js';
export type { ApiErrorBody, ApiErrorCode, ApiErrorDetail, IssueDescription } from './api-error.js';
export { channelSchema, channels } from './channel.js';
export type { Channel } from './channel.js';
export { closeCodeInfo, closeCodes } from './close-codes.js';
export type { CloseCode, CloseCodeInfo, CloseCodeName } from './close-codes.js';
export { crmEventSchema, eventAcceptedSchema } from './crm-event.js';
export type { CrmEvent, CrmEventInput, EventAccepted } from './crm-event.js';
export { customerProfileSchema, customerUpdateSchema } from './customer-profile.js';
export type { CustomerProfile, CustomerUpdate } from './customer-profile.js';
export { durationMs, durationSchema, parseDuration } from './duration.js';
export {
  batchItemResultSchema,
  batchRequestSchema,
  batchResponseSchema,
  maxBatchEvents,
  parseEventBatch,
} from './event-batch.js';
export type { BatchItem, BatchItemResult, BatchRequest, BatchResponse } from './event-batch.js';
export { eventIdPattern, eventIdSchema, generateEventId } from './event-id.js';
export { eventTypePattern, eventTypeSchema } from './event-type.js';
export { formatFieldPath } from './field-path.js';
export {
  cancellationKeySchema,
  categorySchema,
  epochMsSchema,
  instantSchema,
  recordRefPattern,
  recordRefSchema,
  stageStampSchema,
  subjectIdPattern,
  subjectIdSchema,
  tenantIdSchema,
} from './identifiers.js';
export {
  inboxPageSchema,
  inboxQuerySchema,
  markActions,
  markRequestSchema,
  markResultSchema,
  unreadCountSchema,
} from './inbox.js';
export type { InboxPage, InboxQuery, MarkAction, MarkRequest } from './inbox.js';
export { jsonObjectSchema } from './json-object.js';
export type { JsonObject } from './json-object.js';
export { canonicalLocale, localeSchema } from './locale.js';
export {
  createLoggedEvent,
  decodeLoggedEvent,
  encodeLoggedEvent,
  encodeNewLoggedEvent,
  loggedEventSchema,
  loggedEventVersion,
} from './logged-event.js';
export type { LoggedEvent, LoggedEventOptions } from './logged-event.js';
export { notificationId } from './notification-id.js';
export { notificationSchema, ruleIdSchema, stageTimesSchema } from './notification.js';
export type { Notification, StageTimes } from './notification.js';
export { openApiDocument } from './open-api-document.js';
export type { JsonSchema, OpenApiDocument, OpenApiOperation, OpenApiOptions } from './open-api-document.js';
export {
  optOutSchema,
  preferencesSchema,
  preferencesUpdateSchema,
  quietHoursSchema,
  type Preferences,
  type PreferencesUpdate,
  type PreferencesUpdateInput,
} from './preferences.js';
export { subscriberSchema, subscriberUpdateSchema, type SubscriberUpdate } from './subscriber.js';
export { maxTeamMembersPerRequest, teamMembersRequestSchema, teamSchema } from './team.js';
export { priorities, priorityFromRank, priorityRank, prioritySchema } from './priority.js';
export type { Priority } from './priority.js';
export { ProtocolError } from './protocol-error.js';
export type { ProtocolErrorCode } from './protocol-error.js';
export {
  reminderCancelCommandSchema,
  reminderCommandSchema,
  reminderCreateCommandSchema,
  reminderCreateSchema,
  reminderIdSchema,
  reminderNotifySchema,
  reminderPatchSchema,
  reminderRescheduleCommandSchema,
  reminderSnoozeCommandSchema,
} from './reminder-command.js';
export type {
  ReminderCommand,
  ReminderCommandInput,
  ReminderCreate,
  ReminderNotify,
  ReminderPatch,
} from './reminder-command.js';
export { reminderDueDataSchema, reminderDueEventId, reminderDueEventType } from './reminder-due.js';
export type { ReminderDueData } from './reminder-due.js';
export { reminderId } from './reminder-id.js';
export {
  cronSchema,
  defaultMissedFirePolicy,
  isCron,
  isRrule,
  missedFirePolicySchema,
  rruleSchema,
} from './reminder-schedule.js';
export type { MissedFirePolicy } from './reminder-schedule.js';
export { reminderListQuerySchema, reminderPageSchema, reminderSchema, reminderStatuses } from './reminder.js';
export type { Reminder, ReminderListQuery, ReminderStatus } from './reminder.js';
export {
  ackFrameSchema,
  clientFrameSchema,
  decodeClientFrame,
  decodeServerFrame,
  encodeFrame,
  encodeSseFrame,
  errorFrameSchema,
  helloFrameSchema,
  markFrameSchema,
  notificationFrameSchema,
  pingFrameSchema,
  pongFrameSchema,
  replaceFrameSchema,
  resumeCompleteFrameSchema,
  serverFrameSchema,
  stateFrameSchema,
  welcomeFrameSchema,
} from './socket-frame.js';
export type { ClientFrame, DecodedFrame, ServerFrame } from './socket-frame.js';
export {
  subscriberScopes,
  subscriberTokenClaimsSchema,
  subscriberTokenRequestSchema,
  subscriberTokenResponseSchema,
} from './subscriber-token.js';
export type { SubscriberScope, SubscriberTokenClaims, SubscriberTokenResponse } from './subscriber-token.js';
export { isTimeZone, timeZoneSchema } from './time-zone.js';
