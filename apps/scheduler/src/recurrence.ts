import { Cron } from 'croner';
import { RRuleTemporal } from 'rrule-temporal';
import { Temporal } from 'temporal-polyfill';

// rrule-temporal reads the global Temporal, which Node 20 does not have yet.
(globalThis as { Temporal?: unknown }).Temporal ??= Temporal;

/** A recurrence as stored: an RRULE (with its DTSTART line) or a cron expression. */
export interface Recurrence {
  kind: 'rrule' | 'cron';
  rule: string;
}

/** Why a recurrence cannot be scheduled; `message` is for people. */
export class RecurrenceError extends Error {
  override readonly name = 'RecurrenceError';
}

interface Compiled {
  next(afterMs: number, inclusive: boolean): number | undefined;
}

const cache = new Map<string, Compiled>();
const cacheLimit = 2000;

function compile(recurrence: Recurrence, timezone: string): Compiled {
  const key = `${recurrence.kind}\u0000${timezone}\u0000${recurrence.rule}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  let compiled: Compiled;
  if (recurrence.kind === 'cron') {
    let cron: Cron;
    try {
      cron = new Cron(recurrence.rule, { timezone, paused: true });
    } catch (cause) {
      throw new RecurrenceError(`invalid cron expression: ${(cause as Error).message}`, { cause });
    }
    compiled = {
      next: (afterMs, inclusive) => cron.nextRun(new Date(inclusive ? afterMs - 1 : afterMs))?.getTime(),
    };
  } else {
    let rule: RRuleTemporal;
    try {
      rule = new RRuleTemporal({ rruleString: recurrence.rule });
    } catch (cause) {
      throw new RecurrenceError(`invalid RRULE: ${(cause as Error).message}`, { cause });
    }
    compiled = {
      next: (afterMs, inclusive) => {
        try {
          return rule.next(new Date(afterMs), inclusive)?.epochMilliseconds;
        } catch (cause) {
          throw new RecurrenceError(`invalid RRULE: ${(cause as Error).message}`, { cause });
        }
      },
    };
  }
  if (cache.size >= cacheLimit) cache.delete(cache.keys().next().value!);
  cache.set(key, compiled);
  return compiled;
}

function dtstart(startMs: number, timezone: string): string {
  const local = Temporal.Instant.fromEpochMilliseconds(startMs).toZonedDateTimeISO(timezone);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  const stamp = `${pad(local.year, 4)}${pad(local.month)}${pad(local.day)}T${pad(local.hour)}${pad(local.minute)}${pad(local.second)}`;
  return `DTSTART;TZID=${timezone}:${stamp}`;
}

/**
 * Prepares a recurrence for storage and finds its first occurrence at or after `fromMs`
 * (default `startMs`).
 * An RRULE is anchored at `startMs` in `timezone` (its DTSTART: the time of day of every
 * occurrence unless BYHOUR/BYMINUTE say otherwise); a cron expression is read in `timezone`.
 * Throws a `RecurrenceError` for a rule the library refuses or one with no occurrence left.
 *
 * @example
 * const { rule, firstDueAt } = planRecurrence('rrule', 'FREQ=WEEKLY;BYDAY=MO', 'Europe/Berlin', Date.parse('2030-01-07T08:00:00Z'));
 * // rule: 'DTSTART;TZID=Europe/Berlin:20300107T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO', firstDueAt: 1894003200000
 */
export function planRecurrence(
  kind: Recurrence['kind'],
  text: string,
  timezone: string,
  startMs: number,
  fromMs = startMs,
): { rule: string; firstDueAt: number } {
  const rule =
    kind === 'cron' ? text.trim() : `${dtstart(startMs, timezone)}\nRRULE:${text.replace(/^RRULE:/, '')}`;
  const firstDueAt = compile({ kind, rule }, timezone).next(fromMs, true);
  if (firstDueAt === undefined)
    throw new RecurrenceError('the recurrence has no occurrence from its start on');
  return { rule, firstDueAt };
}

/**
 * The first occurrence strictly after `afterMs`, or `undefined` when the recurrence is over.
 *
 * @example
 * nextOccurrence({ kind: 'cron', rule: '0 9 * * 1' }, 'Europe/Berlin', Date.now());
 */
export function nextOccurrence(
  recurrence: Recurrence,
  timezone: string,
  afterMs: number,
): number | undefined {
  return compile(recurrence, timezone).next(afterMs, false);
}
