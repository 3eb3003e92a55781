import { openStore } from '@herald/store';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { apiKeyAuth, type ApiKeyEnv } from './api-key-auth.js';
import { answerErrorsAsJson } from './json-errors.js';

function appWith() {
  const store = openStore({ path: ':memory:' });
  store.tenants.create({ id: 'acme', name: 'Acme' });
  const { key, apiKey } = store.tenants.createApiKey('acme', { name: 'test' });
  const app = new Hono<ApiKeyEnv>();
  answerErrorsAsJson(app, { error: () => undefined });
  app.use('/v1/*', apiKeyAuth(store));
  app.get('/v1/whoami', (c) => c.json({ tenant: c.var.apiKey.tenantId }));
  return { app, store, key, apiKey };
}

describe('apiKeyAuth', () => {
  it('admits a live key and names its tenant', async () => {
    const { app, key } = appWith();
    const response = await app.request('/v1/whoami', { headers: { authorization: `Bearer ${key}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ tenant: 'acme' });
  });

  it('refuses a missing, malformed, unknown or revoked key with 401 JSON', async () => {
    const { app, store, key, apiKey } = appWith();
    const bodies: { error: { code: string; message: string } }[] = [];
    for (const authorization of [undefined, 'Basic abc', 'Bearer hrld_nope']) {
      const response = await app.request('/v1/whoami', {
        headers: authorization === undefined ? {} : { authorization },
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      bodies.push((await response.json()) as (typeof bodies)[number]);
    }
    expect(bodies.map((body) => body.error.code)).toEqual(['unauthorized', 'unauthorized', 'unauthorized']);
    expect(bodies[0]!.error.message).toMatch(/missing API key/);
    expect(bodies[2]!.error.message).toMatch(/invalid or revoked/);
    store.tenants.revokeApiKey('acme', apiKey.id);
    const revoked = await app.request('/v1/whoami', { headers: { authorization: `Bearer ${key}` } });
    expect(revoked.status).toBe(401);
  });

  it('records a key’s last use at most once a minute, shared by the routes of one store', async () => {
    let clock = 1_000_000;
    const store = openStore({ path: ':memory:', now: () => clock });
    store.tenants.create({ id: 'acme', name: 'Acme' });
    const { key, apiKey } = store.tenants.createApiKey('acme');
    const app = new Hono<ApiKeyEnv>();
    answerErrorsAsJson(app, { error: () => undefined });
    app.get('/v1/one', apiKeyAuth(store), (c) => c.text('one'));
    app.get('/v1/two', apiKeyAuth(store), (c) => c.text('two'));
    const call = (path: string) => app.request(path, { headers: { authorization: `Bearer ${key}` } });
    const lastUsed = () => store.tenants.listApiKeys('acme').find((k) => k.id === apiKey.id)?.lastUsedAt;
    expect(lastUsed()).toBeNull();

    expect((await call('/v1/one')).status).toBe(200);
    expect(lastUsed()).toBe(1_000_000);
    clock += 30_000;
    expect((await call('/v1/two')).status).toBe(200);
    expect(lastUsed()).toBe(1_000_000);
    clock += 30_000;
    expect((await call('/v1/two')).status).toBe(200);
    expect(lastUsed()).toBe(1_060_000);
    await store.close();
  });

  it('answers 503 with Retry-After when the store is closed', async () => {
    const { app, store, key } = appWith();
    await store.close();
    const response = await app.request('/v1/whoami', { headers: { authorization: `Bearer ${key}` } });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toMatchObject({ error: { code: 'unavailable' } });
  });
});
