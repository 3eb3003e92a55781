import { describe, expect, it } from 'vitest';
import { openWithTenant, queryPlan, storeTargets } from '../test/store-targets.js';

describe.each(storeTargets)('teams on $name', (target) => {
  it('sets, adds to and takes from a team; members come in id order', async () => {
    await using store = openWithTenant(target);
    expect(store.teams.members('acme', 'sales')).toEqual([]);
    expect(store.teams.set('acme', 'sales', ['rep-9', 'rep-7', 'rep-9'])).toEqual(['rep-7', 'rep-9']);
    expect(store.teams.add('acme', 'sales', ['rep-8', 'rep-7'])).toBe(1);
    expect(store.teams.members('acme', 'sales')).toEqual(['rep-7', 'rep-8', 'rep-9']);
    expect(store.teams.removeMember('acme', 'sales', 'rep-8')).toBe(true);
    expect(store.teams.removeMember('acme', 'sales', 'rep-8')).toBe(false);
    // set replaces the whole team.
    expect(store.teams.set('acme', 'sales', ['rep-1'])).toEqual(['rep-1']);
    store.teams.set('acme', 'support', ['agent-3']);
    expect(store.teams.list('acme')).toEqual(['sales', 'support']);
    expect(store.teams.remove('acme', 'sales')).toBe(1);
    expect(store.teams.members('acme', 'sales')).toEqual([]);
    expect(store.teams.set('acme', 'support', [])).toEqual([]);
    expect(store.teams.list('acme')).toEqual([]);
  });

  it('keeps tenants apart, and a team goes with its tenant', async () => {
    await using store = openWithTenant(target);
    store.tenants.create({ id: 'globex', name: 'Globex' });
    store.teams.set('acme', 'sales', ['rep-7']);
    store.teams.set('globex', 'sales', ['rep-1', 'rep-2']);
    expect(store.teams.members('acme', 'sales')).toEqual(['rep-7']);
    store.tenants.remove('acme');
    expect(store.teams.members('acme', 'sales')).toEqual([]);
    expect(store.teams.members('globex', 'sales')).toEqual(['rep-1', 'rep-2']);
  });

  it('refuses members that are not ids, changing nothing', async () => {
    await using store = openWithTenant(target);
    store.teams.set('acme', 'sales', ['rep-7']);
    for (const members of [['rep-8', ''], [42], 'rep-8'] as unknown as string[][]) {
      expect(() => store.teams.set('acme', 'sales', members)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
      expect(() => store.teams.add('acme', 'sales', members)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
    expect(store.teams.members('acme', 'sales')).toEqual(['rep-7']);
  });

  it('reads a team along its primary key', async () => {
    await using store = openWithTenant(target);
    const plan = queryPlan(
      store,
      'SELECT subscriber_id FROM team_members WHERE tenant_id = ? AND team_id = ? ORDER BY subscriber_id',
      'acme',
      'sales',
    );
    expect(plan).toMatch(/USING (COVERING )?INDEX sqlite_autoindex_team_members_1/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });
});
