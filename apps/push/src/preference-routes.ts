import { apiKeyAuth, ErrorResponse, readJsonBody, type ApiKeyEnv } from '@herald/http';
import { apiErrorFromZod, preferencesUpdateSchema } from '@herald/protocol';
import type { Preferences, Store } from '@herald/store';
import { Hono, type Context } from 'hono';
import { subscriberAuth, type SubscriberEnv } from './subscriber-auth.js';
import { idParam } from './id-param.js';
import type { TokenSecret } from '@herald/gateway';

function view(preferences: Preferences | undefined) {
  return {
    optOuts: preferences?.optOuts ?? [],
    quietHours: preferences?.quietHours ?? null,
    updatedAt: preferences?.updatedAt ?? null,
  };
}

async function write(store: Store, tenant: string, recipient: string, c: Context) {
  const parsed = preferencesUpdateSchema.safeParse(await readJsonBody(c, 8));
  if (!parsed.success) throw new ErrorResponse(400, apiErrorFromZod(parsed.error));
  const optOuts = parsed.data.optOuts.map((optOut) => ({
    ...(optOut.category === undefined ? {} : { category: optOut.category }),
    ...(optOut.channel === undefined ? {} : { channel: optOut.channel }),
  }));
  return view(
    store.preferences.set({
      tenantId: tenant,
      recipientId: recipient,
      optOuts,
      quietHours: parsed.data.quietHours,
    }),
  );
}

/**
 * A recipient's delivery preferences (opt-outs, quiet hours): `GET/PUT /v1/preferences` for the
 * token holder, and `GET/PUT /v1/subscribers/:id/preferences` for the tenant's backend.
 *
 * @example
 * app.route('/', preferenceRoutes({ store, secret, now: Date.now }));
 */
export function preferenceRoutes(deps: { store: Store; secret: TokenSecret; now: () => number }): Hono {
  const { store, secret, now } = deps;
  const mine = new Hono<SubscriberEnv>();
  mine.get('/v1/preferences', subscriberAuth(secret, now, 'inbox:read'), (c) => {
    const { tenant, sub } = c.get('subscriber');
    return c.json(view(store.preferences.get(tenant, sub)));
  });
  mine.put('/v1/preferences', subscriberAuth(secret, now, 'inbox:write'), async (c) => {
    const { tenant, sub } = c.get('subscriber');
    return c.json(await write(store, tenant, sub, c));
  });

  const theirs = new Hono<ApiKeyEnv>();
  theirs.get('/v1/subscribers/:id/preferences', apiKeyAuth(store), (c) =>
    c.json(view(store.preferences.get(c.get('apiKey').tenantId, idParam(c, 'id')))),
  );
  theirs.put('/v1/subscribers/:id/preferences', apiKeyAuth(store), async (c) =>
    c.json(await write(store, c.get('apiKey').tenantId, idParam(c, 'id'), c)),
  );

  return new Hono().route('/', mine).route('/', theirs);
}
