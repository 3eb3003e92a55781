CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	`last_used_at` integer,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_idx` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `api_keys_tenant_idx` ON `api_keys` (`tenant_id`);--> statement-breakpoint
CREATE TABLE `customers` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`name` text,
	`email` text,
	`phone` text,
	`locale` text,
	`timezone` text,
	`owner_id` text,
	`attributes` text NOT NULL,
	`version` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `deliveries` (
	`tenant_id` text NOT NULL,
	`notification_id` text NOT NULL,
	`channel` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`last_error` text,
	`latency_ms` real,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`sent_at` integer,
	`delivered_at` integer,
	PRIMARY KEY(`tenant_id`, `notification_id`, `channel`),
	FOREIGN KEY (`tenant_id`,`notification_id`) REFERENCES `notifications`(`tenant_id`,`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "deliveries_status_check" CHECK("deliveries"."status" IN ('pending', 'sent', 'delivered', 'failed'))
);
--> statement-breakpoint
CREATE TABLE `inbox_sequences` (
	`tenant_id` text NOT NULL,
	`recipient_id` text NOT NULL,
	`last_seq` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `recipient_id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `notifications` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`recipient_id` text NOT NULL,
	`seq` integer NOT NULL,
	`title` text NOT NULL,
	`body` text,
	`data` text NOT NULL,
	`priority` integer NOT NULL,
	`category` text NOT NULL,
	`collapse_key` text,
	`created_at` integer NOT NULL,
	`seen_at` integer,
	`read_at` integer,
	`archived_at` integer,
	`replaced_at` integer,
	`replaced_by` text,
	`expires_at` integer,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_recipient_seq_idx` ON `notifications` (`tenant_id`,`recipient_id`,`seq`);--> statement-breakpoint
CREATE INDEX `notifications_collapse_idx` ON `notifications` (`tenant_id`,`recipient_id`,`collapse_key`) WHERE "notifications"."collapse_key" IS NOT NULL AND "notifications"."replaced_at" IS NULL;--> statement-breakpoint
CREATE INDEX `notifications_unread_idx` ON `notifications` (`tenant_id`,`recipient_id`) WHERE "notifications"."read_at" IS NULL AND "notifications"."archived_at" IS NULL AND "notifications"."replaced_at" IS NULL;--> statement-breakpoint
CREATE INDEX `notifications_expires_idx` ON `notifications` (`expires_at`) WHERE "notifications"."expires_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `notifications_replaced_idx` ON `notifications` (`replaced_at`) WHERE "notifications"."replaced_at" IS NOT NULL;--> statement-breakpoint
CREATE TABLE `preferences` (
	`tenant_id` text NOT NULL,
	`recipient_id` text NOT NULL,
	`opt_outs` text NOT NULL,
	`quiet_start_minute` integer,
	`quiet_end_minute` integer,
	`quiet_timezone` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `recipient_id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `processed_events` (
	`tenant_id` text NOT NULL,
	`event_id` text NOT NULL,
	`processed_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `event_id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `processed_events_expires_idx` ON `processed_events` (`expires_at`);--> statement-breakpoint
CREATE TABLE `reminders` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`record_ref` text,
	`cancel_key` text,
	`due_at` integer NOT NULL,
	`timezone` text NOT NULL,
	`recurrence_kind` text,
	`recurrence` text,
	`missed_fire_policy` text NOT NULL,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`last_error` text,
	`lease_owner` text,
	`lease_until` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`fired_at` integer,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "reminders_status_check" CHECK("reminders"."status" IN ('pending', 'claimed', 'fired', 'failed', 'cancelled')),
	CONSTRAINT "reminders_missed_fire_policy_check" CHECK("reminders"."missed_fire_policy" IN ('fire-once', 'fire-all', 'skip')),
	CONSTRAINT "reminders_recurrence_check" CHECK(("reminders"."recurrence_kind" IS NULL AND "reminders"."recurrence" IS NULL) OR ("reminders"."recurrence_kind" IN ('rrule', 'cron') AND "reminders"."recurrence" IS NOT NULL))
);
--> statement-breakpoint
CREATE INDEX `reminders_due_idx` ON `reminders` (`status`,`due_at`,`id`);--> statement-breakpoint
CREATE INDEX `reminders_lease_idx` ON `reminders` (`status`,`lease_until`);--> statement-breakpoint
CREATE INDEX `reminders_record_idx` ON `reminders` (`tenant_id`,`record_ref`,`due_at`,`id`);--> statement-breakpoint
CREATE INDEX `reminders_cancel_key_idx` ON `reminders` (`tenant_id`,`cancel_key`);--> statement-breakpoint
CREATE INDEX `reminders_tenant_due_idx` ON `reminders` (`tenant_id`,`due_at`,`id`);--> statement-breakpoint
CREATE TABLE `tenants` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL
);
