export { openStore, type OpenStoreOptions } from './open-store.js';
export { createStore, type Store, type StoreOptions } from './create-store.js';
export { StoreError, type StoreErrorCode } from './store-error.js';
export { migrationsFolder } from './migrations-folder.js';
export { runMigrations } from './run-migrations.js';
export type { StoreDatabase } from './store-database.js';
export * as schema from './schema.js';
export type { DeliveryStatus, MissedFirePolicy, OptOut, RecurrenceKind, ReminderStatus } from './schema.js';
export type { ApiKey, CreatedApiKey, Tenant, TenantRepository } from './tenant-repository.js';
export type { Customer, CustomerInput, CustomerRepository } from './customer-repository.js';
export type {
  ProcessedEventKey,
  ProcessedEventRepository,
  RecordedEvent,
} from './processed-event-repository.js';
export { defaultProcessedEventBucketRows } from './processed-event-buckets.js';
export type {
  InboxRepository,
  InsertNotificationResult,
  ListNotificationsOptions,
  MarkAllOptions,
  NewNotification,
  Notification,
  NotificationPage,
} from './inbox-repository.js';
export type {
  Delivery,
  DeliveryKey,
  DeliveryOutcome,
  DeliveryRepository,
  FailedDeliveryOutcome,
} from './delivery-repository.js';
export type {
  CreateReminderResult,
  DueCursor,
  FiredReminder,
  ListRemindersOptions,
  NewReminder,
  Reminder,
  ReminderChanges,
  ReminderPage,
  ReminderRepository,
} from './reminder-repository.js';
export type {
  PreferenceRepository,
  Preferences,
  PreferencesInput,
  QuietHours,
} from './preference-repository.js';
export type { Subscriber, SubscriberInput, SubscriberRepository } from './subscriber-repository.js';
export type { TeamMembers, TeamRepository } from './team-repository.js';
export type { PurgeOptions } from './purge-options.js';
export {
  StoreHousekeeper,
  housekeepingTasks,
  type HousekeepingTask,
  type PurgeCounts,
  type StoreHousekeeperOptions,
} from './store-housekeeper.js';
