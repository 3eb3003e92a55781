import { formatFieldPath } from '@herald/protocol';
import type { Context } from 'hono';
import { ErrorResponse } from './error-response.js';
import { findTooDeep } from './find-too-deep.js';
import { requestHeader, requestText } from './node-request.js';

const jsonType = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * The request body parsed as JSON, or an `ErrorResponse`: 415 for another content type, 400 for
 * malformed JSON or nesting deeper than `maxDepth` (naming the field).
 *
 * @example
 * const body = await readJsonBody(c, 32);
 */
export async function readJsonBody(c: Context, maxDepth: number): Promise<unknown> {
  const type = requestHeader(c, 'content-type') ?? '';
  if (!jsonType.test(type)) {
    throw ErrorResponse.of(415, 'invalid_request', 'Content-Type must be application/json');
  }
  const text = await requestText(c);
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    throw ErrorResponse.of(400, 'invalid_request', 'the body is not valid JSON');
  }
  const tooDeep = findTooDeep(body, maxDepth);
  if (tooDeep !== undefined) {
    const field = formatFieldPath(tooDeep);
    throw ErrorResponse.of(400, 'invalid_field', `${field}: nested deeper than ${maxDepth} levels`, field);
  }
  return body;
}
