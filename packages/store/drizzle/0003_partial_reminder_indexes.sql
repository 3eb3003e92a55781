DROP INDEX `reminders_due_idx`;--> statement-breakpoint
DROP INDEX `reminders_lease_idx`;--> statement-breakpoint
CREATE INDEX `reminders_due_idx` ON `reminders` (`due_at`,`id`,`tenant_id`) WHERE "reminders"."status" = 'pending';--> statement-breakpoint
CREATE INDEX `reminders_lease_idx` ON `reminders` (`lease_until`) WHERE "reminders"."status" = 'claimed';