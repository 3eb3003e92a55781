PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_reminders` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`customer_id` text DEFAULT '' NOT NULL,
	`record_ref` text,
	`cancel_key` text,
	`due_at` integer NOT NULL,
	`timezone` text NOT NULL,
	`recurrence_kind` text,
	`recurrence` text,
	`missed_fire_policy` text NOT NULL,
	`late_within_ms` integer,
	`rule` text,
	`notify` text,
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
	CONSTRAINT "reminders_status_check" CHECK("__new_reminders"."status" IN ('pending', 'claimed', 'fired', 'failed', 'cancelled')),
	CONSTRAINT "reminders_missed_fire_policy_check" CHECK("__new_reminders"."missed_fire_policy" IN ('fire_now', 'fire_if_late_within', 'skip')),
	CONSTRAINT "reminders_late_within_check" CHECK(("__new_reminders"."missed_fire_policy" = 'fire_if_late_within') = ("__new_reminders"."late_within_ms" IS NOT NULL)),
	CONSTRAINT "reminders_recurrence_check" CHECK(("__new_reminders"."recurrence_kind" IS NULL AND "__new_reminders"."recurrence" IS NULL) OR ("__new_reminders"."recurrence_kind" IN ('rrule', 'cron') AND "__new_reminders"."recurrence" IS NOT NULL))
);
--> statement-breakpoint
INSERT INTO `__new_reminders`("tenant_id", "id", "customer_id", "record_ref", "cancel_key", "due_at", "timezone", "recurrence_kind", "recurrence", "missed_fire_policy", "late_within_ms", "rule", "notify", "payload", "status", "attempts", "last_error", "lease_owner", "lease_until", "created_at", "updated_at", "fired_at") SELECT "tenant_id", "id", '', "record_ref", "cancel_key", "due_at", "timezone", "recurrence_kind", "recurrence", CASE "missed_fire_policy" WHEN 'skip' THEN 'skip' ELSE 'fire_now' END, NULL, NULL, NULL, "payload", "status", "attempts", "last_error", "lease_owner", "lease_until", "created_at", "updated_at", "fired_at" FROM `reminders`;--> statement-breakpoint
DROP TABLE `reminders`;--> statement-breakpoint
ALTER TABLE `__new_reminders` RENAME TO `reminders`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `reminders_due_idx` ON `reminders` (`status`,`due_at`,`id`);--> statement-breakpoint
CREATE INDEX `reminders_lease_idx` ON `reminders` (`status`,`lease_until`);--> statement-breakpoint
CREATE INDEX `reminders_record_idx` ON `reminders` (`tenant_id`,`record_ref`,`due_at`,`id`);--> statement-breakpoint
CREATE INDEX `reminders_cancel_key_idx` ON `reminders` (`tenant_id`,`cancel_key`);--> statement-breakpoint
CREATE INDEX `reminders_tenant_due_idx` ON `reminders` (`tenant_id`,`due_at`,`id`);--> statement-breakpoint
ALTER TABLE `notifications` ADD `event_id` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `notifications` ADD `rule` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `notifications` ADD `channels` text DEFAULT '["in_app"]' NOT NULL;--> statement-breakpoint
ALTER TABLE `notifications` ADD `stages` text;