import { parseEnv, type ParsedEnv } from '@herald/http';
import { z } from 'zod';

const integer = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  HERALD_LOG_URL: z.string().min(1).default('sqlite:./data/herald-log.db'),
  HERALD_DB: z.string().min(1).default('./data/herald-store.db'),
  HERALD_CACHE_URL: z.string().min(1).default('memory:'),
  HERALD_TOPIC: z.string().min(1).default('herald.events'),
  HERALD_INGEST_MAX_BODY_BYTES: integer(1_048_576, 1),
  HERALD_INGEST_MAX_BATCH_EVENTS: integer(1000, 1).pipe(z.number().max(1000)),
  HERALD_INGEST_RATE_LIMIT: integer(100),
  HERALD_INGEST_RETRY_AFTER_SECONDS: integer(5, 1),
  HERALD_INGEST_DEDUP_WINDOW_MS: integer(86_400_000, 1000),
  HERALD_INGEST_DEDUP_EXPECTED_ITEMS: integer(1_000_000, 1),
  HERALD_INGEST_EXACT_CHECK: z.enum(['on-bloom-hit', 'always']).default('on-bloom-hit'),
  HERALD_PURGE_INTERVAL_MS: integer(60_000),
  HERALD_SHUTDOWN_TIMEOUT_MS: integer(10_000, 0),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Ingest's settings, parsed from the environment once by `main`. */
export type IngestConfig = z.output<typeof envSchema>;

/**
 * Parses the environment: the config, or a message naming the first bad variable.
 *
 * @example
 * const parsed = parseIngestEnv(process.env);
 * if (!parsed.ok) { console.error(parsed.message); process.exit(1); }
 */
export function parseIngestEnv(env: Readonly<Record<string, string | undefined>>): ParsedEnv<IngestConfig> {
  return parseEnv(envSchema, env);
}
