import { parseEnv, type ParsedEnv } from '@herald/http';
import { z } from 'zod';

const integer = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8082),
  HOST: z.string().min(1).default('0.0.0.0'),
  HERALD_LOG_URL: z.string().min(1).default('sqlite:./data/herald-log.db'),
  HERALD_DB: z.string().min(1).default('./data/herald-store.db'),
  HERALD_TOPIC: z.string().min(1).default('herald.events'),
  HERALD_RULES: z.string().min(1).optional(),
  HERALD_SCHEDULER_INSTANCE_ID: z.string().min(1).max(200).optional(),
  HERALD_SCHEDULER_HORIZON_MS: integer(60_000, 1000),
  HERALD_SCHEDULER_LEASE_MS: integer(30_000, 1000),
  HERALD_SCHEDULER_BATCH_SIZE: integer(500, 1).pipe(z.number().max(1000)),
  HERALD_SCHEDULER_SWEEP_INTERVAL_MS: integer(1000, 10),
  HERALD_SCHEDULER_MISSED_AFTER_MS: integer(60_000, 0),
  HERALD_SCHEDULER_MAX_HELD: integer(1_000_000, 1000),
  HERALD_SCHEDULER_CLAIM_AHEAD_MS: integer(50, 0),
  HERALD_PURGE_INTERVAL_MS: integer(60_000),
  HERALD_REMINDER_HISTORY_MS: integer(30 * 86_400_000),
  HERALD_SHUTDOWN_TIMEOUT_MS: integer(10_000, 0),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** The scheduler's settings, parsed from the environment once by `main`. */
export type SchedulerConfig = z.output<typeof envSchema>;

/**
 * Parses the environment: the config, or a message naming the first bad variable.
 *
 * @example
 * const parsed = parseSchedulerEnv(process.env);
 * if (!parsed.ok) { console.error(parsed.message); process.exit(1); }
 */
export function parseSchedulerEnv(
  env: Readonly<Record<string, string | undefined>>,
): ParsedEnv<SchedulerConfig> {
  return parseEnv(envSchema, env);
}
