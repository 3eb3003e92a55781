import { describe, expect, it } from 'vitest';
import { openWithTenant, storeTargets } from '../test/store-targets.js';

describe.each(storeTargets)('customers on $name', (target) => {
  it('inserts a profile and reads it back, attributes as JSON', async () => {
    await using store = openWithTenant(target);
    const written = store.customers.upsert({
      tenantId: 'acme',
      id: 'c-42',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '+33 1 23 45 67 89',
      locale: 'fr-FR',
      timezone: 'Europe/Paris',
      ownerId: 'rep-7',
      attributes: { tier: 'gold', tags: ['vip'], spend: 1234.5 },
      version: 3,
      updatedAt: 1000,
    });
    expect(written).toBe(true);
    expect(store.customers.get('acme', 'c-42')).toEqual({
      tenantId: 'acme',
      id: 'c-42',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '+33 1 23 45 67 89',
      locale: 'fr-FR',
      timezone: 'Europe/Paris',
      ownerId: 'rep-7',
      attributes: { tier: 'gold', tags: ['vip'], spend: 1234.5 },
      version: 3,
      updatedAt: 1000,
    });
    expect(store.customers.get('acme', 'nobody')).toBeUndefined();
  });

  it('keeps the newest version: an older or equal write after a newer one is a no-op', async () => {
    await using store = openWithTenant(target);
    expect(store.customers.upsert({ tenantId: 'acme', id: 'c1', name: 'v5', version: 5 })).toBe(true);
    expect(store.customers.upsert({ tenantId: 'acme', id: 'c1', name: 'v4', version: 4 })).toBe(false);
    expect(store.customers.upsert({ tenantId: 'acme', id: 'c1', name: 'v5 again', version: 5 })).toBe(false);
    expect(store.customers.get('acme', 'c1')).toMatchObject({ name: 'v5', version: 5 });
    expect(store.customers.upsert({ tenantId: 'acme', id: 'c1', name: 'v6', version: 6 })).toBe(true);
    expect(store.customers.get('acme', 'c1')).toMatchObject({ name: 'v6', version: 6 });
  });

  it('ends on the highest version whatever order concurrent writers land in', async () => {
    await using store = openWithTenant(target);
    const versions = Array.from({ length: 200 }, (_, i) => i + 1);
    for (let i = versions.length - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1);
      [versions[i], versions[j]] = [versions[j]!, versions[i]!];
    }
    let applied = 0;
    let highest = 0;
    for (const version of versions) {
      const written = store.customers.upsert({ tenantId: 'acme', id: 'c1', name: `v${version}`, version });
      expect(written).toBe(version > highest);
      if (written) applied++;
      highest = Math.max(highest, version);
    }
    expect(store.customers.get('acme', 'c1')).toMatchObject({ name: 'v200', version: 200 });
    expect(applied).toBeLessThan(200);
  });

  it('replaces the whole profile: fields left out become null', async () => {
    await using store = openWithTenant(target);
    store.customers.upsert({ tenantId: 'acme', id: 'c1', email: 'a@x', attributes: { a: 1 }, version: 1 });
    store.customers.upsert({ tenantId: 'acme', id: 'c1', name: 'Ada', version: 2 });
    expect(store.customers.get('acme', 'c1')).toMatchObject({ name: 'Ada', email: null, attributes: {} });
  });

  it('keeps tenants apart and removes a profile', async () => {
    await using store = openWithTenant(target);
    store.tenants.create({ id: 'globex', name: 'Globex' });
    store.customers.upsert({ tenantId: 'acme', id: 'c1', name: 'Acme one', version: 9 });
    expect(store.customers.upsert({ tenantId: 'globex', id: 'c1', name: 'Globex one', version: 1 })).toBe(
      true,
    );
    expect(store.customers.get('globex', 'c1')?.name).toBe('Globex one');
    expect(store.customers.remove('acme', 'c1')).toBe(true);
    expect(store.customers.get('acme', 'c1')).toBeUndefined();
    expect(store.customers.get('globex', 'c1')).toBeDefined();
  });

  it('refuses a non-integer version and an unknown tenant', async () => {
    await using store = openWithTenant(target);
    expect(() => store.customers.upsert({ tenantId: 'acme', id: 'c1', version: 1.5 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => store.customers.upsert({ tenantId: 'nobody', id: 'c1', version: 1 })).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
  });
});
