import { and, eq, sql } from 'drizzle-orm';
import { assertArgument } from './assert-argument.js';
import { isTimeZone } from './is-time-zone.js';
import { preferences, type OptOut } from './schema.js';
import type { StoreDatabase } from './store-database.js';

/** A daily window, in a recipient's own time zone, during which only urgent notifications interrupt. */
export interface QuietHours {
  /** Local start, `HH:MM` (24 h). */
  start: string;
  /** Local end, `HH:MM`; before `start` means the window spans midnight (`22:00`–`07:00`). */
  end: string;
  /** IANA time zone, e.g. `Europe/Paris`. */
  timezone: string;
}

/** A recipient's delivery preferences. */
export interface Preferences {
  tenantId: string;
  recipientId: string;
  /** Category/channel pairs the recipient does not want; a missing field matches every value. */
  optOuts: OptOut[];
  quietHours: QuietHours | null;
  updatedAt: number;
}

/** What `set` replaces. */
export interface PreferencesInput {
  tenantId: string;
  recipientId: string;
  /** @defaultValue `[]` */
  optOuts?: OptOut[];
  /** @defaultValue `null` */
  quietHours?: QuietHours | null;
}

const p = sql.placeholder;

/** A preferences row as SQLite returns it, opt-outs still JSON text. */
type PreferenceRow = Omit<typeof preferences.$inferSelect, 'optOuts'> & { optOuts: string };
const clock = /^([01]\d|2[0-3]):([0-5]\d)$/;

function toMinute(value: string, name: string): number {
  const match = clock.exec(value);
  assertArgument(match !== null, `quiet hours ${name} must be HH:MM (00:00 to 23:59), got '${value}'`);
  return Number(match[1]) * 60 + Number(match[2]);
}

function toClock(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** Per-recipient opt-outs and quiet hours: one document per recipient, replaced as a whole. */
export class PreferenceRepository {
  readonly #now: () => number;
  readonly #upsert;
  readonly #get;
  readonly #delete;

  constructor(db: StoreDatabase, now: () => number) {
    this.#now = now;
    const excluded = (column: string) => sql.raw(`excluded.${column}`);
    this.#upsert = db
      .insert(preferences)
      .values({
        tenantId: p('tenantId'),
        recipientId: p('recipientId'),
        optOuts: p('optOuts'),
        quietStartMinute: p('quietStartMinute'),
        quietEndMinute: p('quietEndMinute'),
        quietTimezone: p('quietTimezone'),
        updatedAt: p('updatedAt'),
      })
      .onConflictDoUpdate({
        target: [preferences.tenantId, preferences.recipientId],
        set: {
          optOuts: excluded('opt_outs'),
          quietStartMinute: excluded('quiet_start_minute'),
          quietEndMinute: excluded('quiet_end_minute'),
          quietTimezone: excluded('quiet_timezone'),
          updatedAt: excluded('updated_at'),
        },
      })
      .returning()
      .prepare();
    const one = and(eq(preferences.tenantId, p('tenantId')), eq(preferences.recipientId, p('recipientId')));
    // Read once per recipient of every notification: a direct statement with positional
    // parameters, as drizzle's placeholder filling and row mapping cost more than SQLite's
    // lookup, and binding by name looks every name up on the object.
    this.#get = db.$client.prepare<[tenantId: string, recipientId: string], PreferenceRow>(
      `SELECT tenant_id AS tenantId, recipient_id AS recipientId, opt_outs AS optOuts,
         quiet_start_minute AS quietStartMinute, quiet_end_minute AS quietEndMinute,
         quiet_timezone AS quietTimezone, updated_at AS updatedAt
       FROM preferences WHERE tenant_id = ? AND recipient_id = ?`,
    );
    this.#delete = db.delete(preferences).where(one).prepare();
  }

  /**
   * The recipient's preferences, or `undefined` when they never set any (everything allowed).
   *
   * @example
   * const prefs = store.preferences.get('acme', 'rep-7');
   */
  get(tenantId: string, recipientId: string): Preferences | undefined {
    const row = this.#get.get(tenantId, recipientId);
    return row && toPreferences({ ...row, optOuts: JSON.parse(row.optOuts) as OptOut[] });
  }

  /**
   * Replaces the recipient's preferences.
   *
   * @example
   * store.preferences.set({
   *   tenantId: 'acme', recipientId: 'rep-7',
   *   optOuts: [{ category: 'marketing' }, { channel: 'sms' }],
   *   quietHours: { start: '22:00', end: '07:00', timezone: 'Europe/Paris' },
   * });
   */
  set(input: PreferencesInput): Preferences {
    const optOuts = (input.optOuts ?? []).map((optOut): OptOut => {
      assertArgument(typeof optOut === 'object' && optOut !== null, 'each opt-out must be an object');
      const { category, channel } = optOut;
      assertArgument(
        category === undefined || typeof category === 'string',
        'opt-out category must be a string',
      );
      assertArgument(
        channel === undefined || typeof channel === 'string',
        'opt-out channel must be a string',
      );
      const clean: OptOut = {};
      if (category !== undefined) clean.category = category;
      if (channel !== undefined) clean.channel = channel;
      return clean;
    });
    const quiet = input.quietHours ?? null;
    if (quiet) {
      assertArgument(isTimeZone(quiet.timezone), `unknown time zone '${quiet.timezone}'`);
      assertArgument(
        toMinute(quiet.start, 'start') !== toMinute(quiet.end, 'end'),
        'quiet hours start and end must differ',
      );
    }
    const row = this.#upsert.get({
      tenantId: input.tenantId,
      recipientId: input.recipientId,
      optOuts,
      quietStartMinute: quiet ? toMinute(quiet.start, 'start') : null,
      quietEndMinute: quiet ? toMinute(quiet.end, 'end') : null,
      quietTimezone: quiet ? quiet.timezone : null,
      updatedAt: this.#now(),
    });
    return toPreferences(row);
  }

  /**
   * Forgets the recipient's preferences. True when there were some.
   *
   * @example
   * store.preferences.remove('acme', 'rep-7');
   */
  remove(tenantId: string, recipientId: string): boolean {
    return this.#delete.run({ tenantId, recipientId }).changes > 0;
  }
}

function toPreferences(row: typeof preferences.$inferSelect): Preferences {
  const quietHours =
    row.quietStartMinute !== null && row.quietEndMinute !== null && row.quietTimezone !== null
      ? {
          start: toClock(row.quietStartMinute),
          end: toClock(row.quietEndMinute),
          timezone: row.quietTimezone,
        }
      : null;
  return {
    tenantId: row.tenantId,
    recipientId: row.recipientId,
    optOuts: row.optOuts,
    quietHours,
    updatedAt: row.updatedAt,
  };
}
