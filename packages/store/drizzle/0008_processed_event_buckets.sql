PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_processed_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`bucket` integer NOT NULL,
	`tenant_id` text NOT NULL,
	`event_id` text NOT NULL,
	`processed_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
-- Existing rows keep their insertion order as `seq`, in buckets of 16,384 of them
-- (defaultProcessedEventBucketRows).
INSERT INTO `__new_processed_events`("seq", "bucket", "tenant_id", "event_id", "processed_at", "expires_at") SELECT "rowid", "rowid" / 16384, "tenant_id", "event_id", "processed_at", "expires_at" FROM `processed_events` ORDER BY "rowid";--> statement-breakpoint
DROP TABLE `processed_events`;--> statement-breakpoint
ALTER TABLE `__new_processed_events` RENAME TO `processed_events`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `processed_events_bucket_key_idx` ON `processed_events` (`bucket`,`tenant_id`,`event_id`);--> statement-breakpoint
CREATE INDEX `processed_events_expires_idx` ON `processed_events` (`expires_at`);