import { apiKeyAuth, ErrorResponse, readJsonBody, type ApiKeyEnv } from '@herald/http';
import { apiErrorFromZod, teamMembersRequestSchema } from '@herald/protocol';
import type { Store } from '@herald/store';
import { Hono, type Context } from 'hono';
import { idParam } from './id-param.js';

async function readMembers(c: Context): Promise<string[]> {
  const parsed = teamMembersRequestSchema.safeParse(await readJsonBody(c, 4));
  if (!parsed.success) throw new ErrorResponse(400, apiErrorFromZod(parsed.error));
  return parsed.data.members;
}

/**
 * The teams rules notify with `recipients: [{ team: sales }]`, kept by the CRM's backend with
 * its API key: `GET /v1/teams`, `GET/PUT/DELETE /v1/teams/:id`, `POST /v1/teams/:id/members`
 * (add) and `DELETE /v1/teams/:id/members/:subscriber`. Every write answers with the team as it
 * now is; a team with no member does not exist.
 *
 * @example
 * app.route('/', teamRoutes({ store }));
 */
export function teamRoutes(deps: { store: Store }): Hono<ApiKeyEnv> {
  const { store } = deps;
  const app = new Hono<ApiKeyEnv>();
  const team = (c: Context<ApiKeyEnv>, id: string, members?: readonly string[]) =>
    c.json({ id, members: members ?? store.teams.members(c.get('apiKey').tenantId, id) });

  app.use('/v1/teams', apiKeyAuth(store));
  app.use('/v1/teams/*', apiKeyAuth(store));
  app.get('/v1/teams', (c) => c.json({ teams: store.teams.list(c.get('apiKey').tenantId) }));
  app.get('/v1/teams/:id', (c) => team(c, idParam(c, 'id')));
  app.put('/v1/teams/:id', async (c) => {
    const id = idParam(c, 'id');
    return team(c, id, store.teams.set(c.get('apiKey').tenantId, id, await readMembers(c)));
  });
  app.delete('/v1/teams/:id', (c) => {
    const id = idParam(c, 'id');
    store.teams.remove(c.get('apiKey').tenantId, id);
    return team(c, id);
  });
  app.post('/v1/teams/:id/members', async (c) => {
    const id = idParam(c, 'id');
    store.teams.add(c.get('apiKey').tenantId, id, await readMembers(c));
    return team(c, id);
  });
  app.delete('/v1/teams/:id/members/:subscriber', (c) => {
    const id = idParam(c, 'id');
    store.teams.removeMember(c.get('apiKey').tenantId, id, idParam(c, 'subscriber'));
    return team(c, id);
  });
  return app;
}
