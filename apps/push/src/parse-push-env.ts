import { parseEnv, type ParsedEnv } from '@herald/http';
import { z } from 'zod';
import { readCorsOrigins } from './subscriber-cors.js';

const integer = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);

/** A comma-separated list of browser origins (or `*`), each checked like `subscriberCors` does. */
const corsOrigins = z
  .string()
  .default('')
  .transform((text, context) => {
    const read = readCorsOrigins(text);
    if ('problem' in read) {
      context.addIssue({ code: 'custom', message: read.problem });
      return z.NEVER;
    }
    return read.origins;
  });

const envSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65_535).default(8081),
    HOST: z.string().min(1).default('0.0.0.0'),
    HERALD_LOG_URL: z.string().min(1).default('sqlite:./data/herald-log.db'),
    HERALD_DB: z.string().min(1).default('./data/herald-store.db'),
    HERALD_CACHE_URL: z.string().min(1).default('memory:'),
    HERALD_TOPIC: z.string().min(1).default('herald.events'),
    HERALD_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters'),
    HERALD_RULES: z.string().min(1).optional(),
    HERALD_WEBHOOK_URL: z.url().optional(),
    HERALD_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    HERALD_PUSH_THROTTLE_LIMIT: integer(30),
    HERALD_PUSH_THROTTLE_WINDOW_MS: integer(60_000, 1),
    HERALD_PUSH_MAX_QUEUED_FRAMES: integer(1000, 1),
    HERALD_CORS_ORIGINS: corsOrigins,
    HERALD_PURGE_INTERVAL_MS: integer(60_000),
    HERALD_REPLACED_RETENTION_MS: integer(86_400_000),
    HERALD_SHUTDOWN_TIMEOUT_MS: integer(10_000, 0),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .refine((env) => (env.HERALD_WEBHOOK_URL === undefined) === (env.HERALD_WEBHOOK_SECRET === undefined), {
    message: 'HERALD_WEBHOOK_URL and HERALD_WEBHOOK_SECRET go together',
    path: ['HERALD_WEBHOOK_SECRET'],
  });

/** Push's settings, parsed from the environment once by `main`. */
export type PushConfig = z.output<typeof envSchema>;

/**
 * Parses the environment: the config, or a message naming the first bad variable.
 *
 * @example
 * const parsed = parsePushEnv(process.env);
 * if (!parsed.ok) { console.error(parsed.message); process.exit(1); }
 */
export function parsePushEnv(env: Readonly<Record<string, string | undefined>>): ParsedEnv<PushConfig> {
  return parseEnv(envSchema, env);
}
