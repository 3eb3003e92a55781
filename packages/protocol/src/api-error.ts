import * as z from 'zod';
import { formatFieldPath } from './field-path.js';

/** Every code an API error body can carry. */
export const apiErrorCodes = [
  'invalid_request',
  'invalid_field',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'rate_limited',
  'unavailable',
  'internal',
] as const;

/** What went wrong, in a word a program can switch on. */
export type ApiErrorCode = (typeof apiErrorCodes)[number];

/** The HTTP status each error code is sent with. */
export const apiErrorStatus: Readonly<Record<ApiErrorCode, number>> = {
  invalid_request: 400,
  invalid_field: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** The error member of every error response. */
export const apiErrorDetailSchema = z.object({
  code: z.enum(apiErrorCodes),
  message: z.string(),
  field: z
    .string()
    .optional()
    .meta({ description: 'Path of the offending field, e.g. `events[3].occurredAt`.' }),
});

/** `{ error: { code, message, field? } }`: the body of every HTTP error response. */
export const apiErrorBodySchema = z
  .object({ error: apiErrorDetailSchema })
  .meta({ description: 'An error: a code to switch on, a message for people, and the field to blame.' });

/** The body of every HTTP error response. */
export type ApiErrorBody = z.output<typeof apiErrorBodySchema>;

/** The error member of an error response. */
export type ApiErrorDetail = ApiErrorBody['error'];

/**
 * An error body.
 *
 * @example
 * apiError('not_found', 'no reminder rem-1')
 * // { error: { code: 'not_found', message: 'no reminder rem-1' } }
 * apiError('invalid_field', 'occurredAt: required', 'events[3].occurredAt')
 */
export function apiError(code: ApiErrorCode, message: string, field?: string): ApiErrorBody {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}

/** A zod issue narrowed to what `describeIssue` reads. */
type Issue = z.core.$ZodIssue;

/** The first failing field of a validation and what is wrong with it. */
export interface IssueDescription {
  /** Path of the field, e.g. `events[3].occurredAt`; empty for the value as a whole. */
  field: string;
  /** What is wrong, e.g. `required` or `invalid event type (expected dotted lowercase such as order.created)`. */
  message: string;
  /** The path as keys, e.g. `['events', 3, 'occurredAt']`. */
  path: PropertyKey[];
}

/**
 * The field and message of a zod issue, looking inside union and unknown-key issues for the
 * member actually at fault.
 *
 * @example
 * describeIssue(result.error.issues[0]!, ['events']) // { field: 'events[3].occurredAt', message: 'required' }
 */
export function describeIssue(issue: Issue, prefix: readonly PropertyKey[] = []): IssueDescription {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const closest = closestBranch(issue.errors);
    if (closest !== undefined) return describeIssue(closest, path);
  }
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) {
    const key = issue.keys[0]!;
    return {
      field: formatFieldPath([...path, key]),
      message: `unknown field '${key}'`,
      path: [...path, key],
    };
  }
  return { field: formatFieldPath(path), message: issueMessage(issue), path };
}

// The branch that got furthest (deepest first issue, then fewest issues) is the one the writer meant.
function closestBranch(branches: readonly (readonly Issue[])[]): Issue | undefined {
  let best: Issue | undefined;
  let bestDepth = -1;
  let bestCount = Number.POSITIVE_INFINITY;
  for (const issues of branches) {
    const first = issues[0];
    if (first === undefined) continue;
    const depth = first.path.length + (first.code === 'invalid_union' ? 0.5 : 0);
    if (depth > bestDepth || (depth === bestDepth && issues.length < bestCount)) {
      best = first;
      bestDepth = depth;
      bestCount = issues.length;
    }
  }
  return best;
}

function issueMessage(issue: Issue): string {
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return 'required';
  return issue.message;
}

/**
 * The error body for a failed validation, naming the first failing field.
 *
 * @example
 * const result = batchRequestSchema.safeParse(body);
 * if (!result.success) return c.json(apiErrorFromZod(result.error), 400);
 * // { error: { code: 'invalid_field', message: 'events[3].occurredAt: required', field: 'events[3].occurredAt' } }
 */
export function apiErrorFromZod(
  error: z.ZodError | { issues: readonly Issue[] },
  prefix: readonly PropertyKey[] = [],
): ApiErrorBody {
  const first = error.issues[0];
  if (first === undefined) return apiError('invalid_request', 'invalid request');
  const { field, message } = describeIssue(first, prefix);
  if (field === '') return apiError('invalid_request', message);
  return apiError('invalid_field', `${field}: ${message}`, field);
}
