export { createHeraldClient } from './create-herald-client.js';
export type {
  HeraldClient,
  HeraldClientEvents,
  HeraldClientOptions,
  HeraldClientStatus,
  HeraldStorage,
  ReconnectOptions,
  StateChange,
  WebSocketConstructor,
  WebSocketLike,
} from './create-herald-client.js';
export { backoffDelay, type BackoffOptions } from './backoff-delay.js';
export { HeraldClientError } from './herald-client-error.js';
export { tokenSubject } from './token-subject.js';
export type { HeraldClientErrorCode, HeraldClientErrorOptions } from './herald-client-error.js';
export type { InboxListQuery, MarkResult, MarkTarget, RequestOptions } from './inbox-api.js';
export type { Listener, Unsubscribe } from './typed-emitter.js';
export type {
  InboxPage,
  MarkAction,
  Notification,
  Preferences,
  PreferencesUpdateInput,
} from '@herald/protocol';
