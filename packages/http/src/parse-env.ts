import type { z } from 'zod';

/** A parsed environment, or a message naming the first bad variable. */
export type ParsedEnv<T> = { ok: true; config: T } | { ok: false; message: string };

/**
 * Parses an app's environment once at start-up: empty variables count as unset, so defaults
 * apply; the first bad variable is named with its value in the message.
 *
 * @example
 * const parsed = parseEnv(z.object({ PORT: z.coerce.number().default(8080) }), process.env);
 * if (!parsed.ok) { console.error(parsed.message); process.exit(1); }
 */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
): ParsedEnv<z.output<S>> {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = schema.safeParse(present);
  if (result.success) return { ok: true, config: result.data };
  const issue = result.error.issues[0]!;
  const name = String(issue.path[0] ?? 'environment');
  const value = env[name];
  const shown =
    value === undefined || value === '' ? '(unset)' : /SECRET|KEY|PASSWORD/.test(name) ? '(hidden)' : value;
  return { ok: false, message: `Invalid environment variable ${name}=${shown}: ${issue.message}` };
}
