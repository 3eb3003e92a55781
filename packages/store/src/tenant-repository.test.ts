import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StoreError } from './store-error.js';
import { openStore } from './open-store.js';
import { manualClock, openWithTenant, storeTargets, tempDatabasePath } from '../test/store-targets.js';

describe.each(storeTargets)('tenants and API keys on $name', (target) => {
  it('creates a tenant once and finds it by id', async () => {
    await using store = openWithTenant(target);
    expect(store.tenants.get('acme')).toMatchObject({ id: 'acme', name: 'Acme Corp' });
    expect(store.tenants.create({ id: 'acme', name: 'Someone else' })).toBeUndefined();
    expect(store.tenants.get('acme')?.name).toBe('Acme Corp');
    expect(store.tenants.get('nobody')).toBeUndefined();
  });

  it('lists every tenant by id', async () => {
    await using store = openWithTenant(target);
    store.tenants.create({ id: 'zeta', name: 'Zeta' });
    store.tenants.create({ id: 'beta', name: 'Beta' });
    expect(store.tenants.list().map((tenant) => [tenant.id, tenant.name])).toEqual([
      ['acme', 'Acme Corp'],
      ['beta', 'Beta'],
      ['zeta', 'Zeta'],
    ]);
    store.tenants.remove('beta');
    expect(store.tenants.list().map((tenant) => tenant.id)).toEqual(['acme', 'zeta']);
  });

  it("notes a key's use with one write per interval", async () => {
    const clock = manualClock(5_000_000);
    await using store = openWithTenant(target, clock);
    const { apiKey } = store.tenants.createApiKey('acme');
    const lastUsed = () => store.tenants.listApiKeys('acme')[0]?.lastUsedAt;
    store.tenants.noteKeyUse(apiKey.id, 1000);
    expect(lastUsed()).toBe(5_000_000);
    clock.advance(999);
    store.tenants.noteKeyUse(apiKey.id, 1000);
    expect(lastUsed()).toBe(5_000_000);
    clock.advance(1);
    store.tenants.noteKeyUse(apiKey.id, 1000);
    expect(lastUsed()).toBe(5_001_000);
  });

  it('returns the plaintext key once and stores only its SHA-256 and a prefix', async () => {
    await using store = openWithTenant(target);
    const { key, apiKey } = store.tenants.createApiKey('acme', { name: 'production' });
    expect(key).toMatch(/^hrld_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({ tenantId: 'acme', name: 'production', revokedAt: null, lastUsedAt: null });
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    expect(apiKey.prefix.length).toBeLessThan(key.length / 2);
    expect(Object.values(apiKey)).not.toContain(key);

    const rows = store.db.$client.prepare('SELECT * FROM api_keys').all() as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]?.hash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(key);
    expect(store.tenants.listApiKeys('acme')).toEqual([apiKey]);
  });

  it('verifies a key to its own tenant only, and nothing else', async () => {
    await using store = openWithTenant(target);
    store.tenants.create({ id: 'globex', name: 'Globex' });
    const acme = store.tenants.createApiKey('acme');
    const globex = store.tenants.createApiKey('globex');
    expect(store.tenants.verifyApiKey(acme.key)?.tenantId).toBe('acme');
    expect(store.tenants.verifyApiKey(globex.key)?.tenantId).toBe('globex');
    const last = acme.key.at(-1) === 'A' ? 'B' : 'A';
    expect(store.tenants.verifyApiKey(acme.key.slice(0, -1) + last)).toBeUndefined();
    expect(store.tenants.verifyApiKey(acme.apiKey.prefix)).toBeUndefined();
    expect(store.tenants.verifyApiKey('')).toBeUndefined();
  });

  it('revokes a key for its own tenant only', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    store.tenants.create({ id: 'globex', name: 'Globex' });
    const { key, apiKey } = store.tenants.createApiKey('acme');
    expect(store.tenants.revokeApiKey('globex', apiKey.id)).toBe(false);
    expect(store.tenants.verifyApiKey(key)).toBeDefined();
    clock.advance(1000);
    expect(store.tenants.revokeApiKey('acme', apiKey.id)).toBe(true);
    expect(store.tenants.revokeApiKey('acme', apiKey.id)).toBe(false);
    expect(store.tenants.verifyApiKey(key)).toBeUndefined();
    expect(store.tenants.listApiKeys('acme')[0]?.revokedAt).toBe(clock.now());
  });

  it('touches last-used forward, never back', async () => {
    const clock = manualClock();
    await using store = openWithTenant(target, clock);
    const { apiKey } = store.tenants.createApiKey('acme');
    store.tenants.touchApiKey(apiKey.id, 5000);
    store.tenants.touchApiKey(apiKey.id, 4000);
    expect(store.tenants.listApiKeys('acme')[0]?.lastUsedAt).toBe(5000);
    store.tenants.touchApiKey(apiKey.id);
    expect(store.tenants.listApiKeys('acme')[0]?.lastUsedAt).toBe(clock.now());
  });

  it('refuses a key for an unknown tenant with NOT_FOUND, and removing a tenant removes its keys', async () => {
    await using store = openWithTenant(target);
    expect(() => store.tenants.createApiKey('nobody')).toThrow(
      expect.objectContaining({ name: 'StoreError', code: 'NOT_FOUND' }),
    );
    const { key } = store.tenants.createApiKey('acme');
    store.customers.upsert({ tenantId: 'acme', id: 'c1', version: 1 });
    expect(store.tenants.remove('acme')).toBe(true);
    expect(store.tenants.remove('acme')).toBe(false);
    expect(store.tenants.verifyApiKey(key)).toBeUndefined();
    expect(store.customers.get('acme', 'c1')).toBeUndefined();
    try {
      store.tenants.createApiKey('acme');
      expect.unreachable();
    } catch (error) {
      expect(StoreError.isInstance(error) && error.message).toContain('does not exist');
    }
  });
});

describe('remembered API keys', () => {
  it('sees a revocation made through another connection once the remembered key expires', async () => {
    const clock = manualClock();
    const path = tempDatabasePath();
    await using api = openStore({ path, now: clock.now, rememberVerifiedKeysMs: 5000 });
    await using admin = openStore({ path, now: clock.now });
    api.tenants.create({ id: 'acme', name: 'Acme Corp' });
    const { key, apiKey } = api.tenants.createApiKey('acme');
    expect(api.tenants.verifyApiKey(key)?.id).toBe(apiKey.id);
    expect(admin.tenants.revokeApiKey('acme', apiKey.id)).toBe(true);
    clock.advance(4999);
    expect(api.tenants.verifyApiKey(key)?.id).toBe(apiKey.id);
    clock.advance(1);
    expect(api.tenants.verifyApiKey(key)).toBeUndefined();
  });

  it('looks every key up again when remembering is off', async () => {
    const path = tempDatabasePath();
    await using api = openStore({ path, rememberVerifiedKeysMs: 0 });
    await using admin = openStore({ path });
    api.tenants.create({ id: 'acme', name: 'Acme Corp' });
    const { key, apiKey } = api.tenants.createApiKey('acme');
    expect(api.tenants.verifyApiKey(key)).toBeDefined();
    admin.tenants.revokeApiKey('acme', apiKey.id);
    expect(api.tenants.verifyApiKey(key)).toBeUndefined();
  });
});
