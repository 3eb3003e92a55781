import type { QuietHours } from '@herald/store';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timezone, formatter);
  }
  return formatter;
}

function localSecondOfDay(at: number, timezone: string): number {
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of formatterFor(timezone).formatToParts(at)) {
    if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
    else if (part.type === 'second') second = Number(part.value);
  }
  return hour * 3600 + minute * 60 + second;
}

function toMinute(clock: string): number {
  return Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
}

const day = 86_400;

/**
 * When the quiet window `at` falls in ends (epoch ms), or `undefined` outside it. Windows may span
 * midnight (`22:00`–`07:00`); an equal start and end means no window. Local times come from the
 * window's IANA zone, and the end is checked again in local time, so a DST change inside the
 * window still ends it at the local clock time it names.
 *
 * @example
 * quietUntil(Date.parse('2030-01-01T23:30:00+01:00'), { start: '22:00', end: '07:00', timezone: 'Europe/Paris' })
 * // Date.parse('2030-01-02T07:00:00+01:00')
 */
export function quietUntil(at: number, quiet: QuietHours): number | undefined {
  const start = toMinute(quiet.start) * 60;
  const end = toMinute(quiet.end) * 60;
  if (start === end) return undefined;
  const now = localSecondOfDay(at, quiet.timezone);
  const inside = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return undefined;
  const wholeSecond = at - (at % 1000);
  let until = wholeSecond + ((end - now + day) % day) * 1000;
  // Across a DST change the wall clock moved by the offset difference: correct by what it reads.
  const drift = localSecondOfDay(until, quiet.timezone) - end;
  if (drift !== 0 && Math.abs(drift) <= 3 * 3600) until -= drift * 1000;
  return until;
}
