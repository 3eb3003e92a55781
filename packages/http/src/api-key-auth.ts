import type { ApiKey, Store } from '@herald/store';
import { StoreError } from '@herald/store';
import type { MiddlewareHandler } from 'hono';
import { ErrorResponse } from './error-response.js';
import { requestHeader } from './node-request.js';

/** The hono variables {@link apiKeyAuth} sets. */
export type ApiKeyEnv = { Variables: { apiKey: ApiKey } };

const bearer = /^Bearer\s+(\S+)\s*$/i;
const challenge = { 'WWW-Authenticate': 'Bearer' };

/** Settings of {@link apiKeyAuth}. */
export interface ApiKeyAuthOptions {
  /** Seconds a 503 asks the caller to wait when the store cannot answer. @defaultValue 5 */
  retryAfterSeconds?: number;
}

/**
 * Middleware that admits requests carrying a live tenant API key (`Authorization: Bearer hrld_…`)
 * and sets `c.var.apiKey`; 401 JSON otherwise, 503 when the store cannot answer. It notes the
 * key's use (`lastUsedAt`, what `herald key list` shows; written at most once a minute by the
 * store); a failure to note it never fails the request.
 *
 * @example
 * app.use('/v1/reminders/*', apiKeyAuth(store));
 * app.get('/v1/reminders/:id', (c) => c.json({ tenant: c.var.apiKey.tenantId }));
 */
export function apiKeyAuth(
  store: Pick<Store, 'tenants'>,
  options: ApiKeyAuthOptions = {},
): MiddlewareHandler<ApiKeyEnv> {
  const retryAfterSeconds = options.retryAfterSeconds ?? 5;
  return async (c, next) => {
    const match = bearer.exec(requestHeader(c, 'authorization') ?? '');
    if (match === null) {
      throw ErrorResponse.of(
        401,
        'unauthorized',
        'missing API key (Authorization: Bearer <key>)',
        undefined,
        challenge,
      );
    }
    let apiKey: ApiKey | undefined;
    try {
      apiKey = store.tenants.verifyApiKey(match[1]!);
    } catch (error) {
      if (StoreError.isInstance(error)) {
        throw ErrorResponse.of(503, 'unavailable', 'the store is unavailable; retry later', undefined, {
          'Retry-After': String(retryAfterSeconds),
        });
      }
      throw error;
    }
    if (apiKey === undefined) {
      throw ErrorResponse.of(401, 'unauthorized', 'invalid or revoked API key', undefined, challenge);
    }
    try {
      store.tenants.noteKeyUse(apiKey.id);
    } catch {
      // Informational only: a busy or closed store must not turn a valid request away.
    }
    c.set('apiKey', apiKey);
    await next();
  };
}
