import { ErrorResponse } from '@herald/http';
import { apiErrorFromZod, subjectIdSchema } from '@herald/protocol';
import type { Context } from 'hono';

/** A path parameter that must be a subscriber, team or user id, or a 400 naming it. */
export function idParam(c: Context, name: string): string {
  const id = subjectIdSchema.safeParse(c.req.param(name));
  if (!id.success) throw new ErrorResponse(400, apiErrorFromZod(id.error, [name]));
  return id.data;
}
