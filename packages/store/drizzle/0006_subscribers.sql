CREATE TABLE `subscribers` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`locale` text,
	`timezone` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
