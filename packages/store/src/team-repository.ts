import { assertArgument } from './assert-argument.js';
import type { StoreDatabase } from './store-database.js';

/** A team's members, in id order; empty when the team has none (or was never set). */
export type TeamMembers = string[];

/**
 * Team membership for rules that notify a team (`recipients: [{ team: sales }]`): a team is
 * the set of its members' ids and exists while it has one. Member ids are plain strings, as
 * recipients are everywhere.
 */
export class TeamRepository {
  readonly #now: () => number;
  readonly #members;
  readonly #insert;
  readonly #deleteMember;
  readonly #deleteTeam;
  readonly #teams;
  readonly #replace;
  readonly #add;

  constructor(db: StoreDatabase, now: () => number) {
    this.#now = now;
    const sqlite = db.$client;
    // Read for each team a notification goes to: one range of the primary key.
    this.#members = sqlite
      .prepare<[tenantId: string, teamId: string], string>(
        'SELECT subscriber_id FROM team_members WHERE tenant_id = ? AND team_id = ? ORDER BY subscriber_id',
      )
      .pluck();
    this.#insert = sqlite.prepare<[tenantId: string, teamId: string, subscriberId: string, addedAt: number]>(
      'INSERT INTO team_members (tenant_id, team_id, subscriber_id, added_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.#deleteMember = sqlite.prepare<[tenantId: string, teamId: string, subscriberId: string]>(
      'DELETE FROM team_members WHERE tenant_id = ? AND team_id = ? AND subscriber_id = ?',
    );
    this.#deleteTeam = sqlite.prepare<[tenantId: string, teamId: string]>(
      'DELETE FROM team_members WHERE tenant_id = ? AND team_id = ?',
    );
    this.#teams = sqlite
      .prepare<[tenantId: string], string>(
        'SELECT DISTINCT team_id FROM team_members WHERE tenant_id = ? ORDER BY team_id',
      )
      .pluck();
    const add = (tenantId: string, teamId: string, members: readonly string[]): number => {
      const at = this.#now();
      let added = 0;
      for (const member of members) added += this.#insert.run(tenantId, teamId, member, at).changes;
      return added;
    };
    this.#add = sqlite.transaction(add);
    this.#replace = sqlite.transaction((tenantId: string, teamId: string, members: readonly string[]) => {
      this.#deleteTeam.run(tenantId, teamId);
      add(tenantId, teamId, members);
    });
  }

  /**
   * The team's members, in id order.
   *
   * @example
   * store.teams.members('acme', 'sales'); // ['rep-7', 'rep-9']
   */
  members(tenantId: string, teamId: string): TeamMembers {
    return this.#members.all(tenantId, teamId);
  }

  /**
   * Replaces the team's members (an empty list removes the team), in one transaction.
   *
   * @example
   * store.teams.set('acme', 'sales', ['rep-7', 'rep-9']);
   */
  set(tenantId: string, teamId: string, members: readonly string[]): TeamMembers {
    assertMembers(members);
    this.#replace.immediate(tenantId, teamId, members);
    return this.members(tenantId, teamId);
  }

  /**
   * Adds members (those already in stay as they are). Returns how many were new.
   *
   * @example
   * store.teams.add('acme', 'sales', ['rep-11']); // 1
   */
  add(tenantId: string, teamId: string, members: readonly string[]): number {
    assertMembers(members);
    return this.#add.immediate(tenantId, teamId, members);
  }

  /**
   * Takes one member out. True when they were in.
   *
   * @example
   * store.teams.removeMember('acme', 'sales', 'rep-7');
   */
  removeMember(tenantId: string, teamId: string, subscriberId: string): boolean {
    return this.#deleteMember.run(tenantId, teamId, subscriberId).changes > 0;
  }

  /**
   * Removes the team (all its members). Returns how many members it had.
   *
   * @example
   * store.teams.remove('acme', 'sales');
   */
  remove(tenantId: string, teamId: string): number {
    return this.#deleteTeam.run(tenantId, teamId).changes;
  }

  /**
   * The tenant's teams (those with a member), in id order.
   *
   * @example
   * store.teams.list('acme'); // ['sales', 'support']
   */
  list(tenantId: string): string[] {
    return this.#teams.all(tenantId);
  }
}

function assertMembers(members: readonly string[]): void {
  assertArgument(Array.isArray(members), 'members must be an array of ids');
  for (const member of members) {
    assertArgument(typeof member === 'string' && member.length > 0, 'each member must be a non-empty id');
  }
}
