import * as z from 'zod';
import { subjectIdSchema } from './identifiers.js';

/** Most members one request may name; a bigger team is built with several additions. */
export const maxTeamMembersPerRequest = 1000;

const membersSchema = z
  .array(subjectIdSchema)
  .max(maxTeamMembersPerRequest)
  .meta({ description: `Subscriber ids, at most ${maxTeamMembersPerRequest} a request.` });

/** `PUT /v1/teams/:id` (all the members, replaced) and `POST /v1/teams/:id/members` (added). */
export const teamMembersRequestSchema = z
  .strictObject({ members: membersSchema })
  .meta({ description: 'Subscribers to put in a team.' });

/** A team, as the API shows it. */
export const teamSchema = z
  .object({
    id: subjectIdSchema,
    members: z.array(subjectIdSchema).meta({ description: 'Member ids, in id order.' }),
  })
  .meta({ description: 'A team rules can notify with `recipients: [{ team: id }]`.' });
