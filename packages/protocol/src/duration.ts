import * as z from 'zod';
import { ProtocolError } from './protocol-error.js';

const iso =
  /^([+-])?P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
const short = /^([+-])?((?:\d+(?:\.\d+)?(?:ms|[wdhms]))+)$/;
const shortPart = /(\d+(?:\.\d+)?)(ms|[wdhms])/g;
const unitMs: Record<string, number> = {
  w: 604_800_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};

/**
 * Milliseconds in a duration: ISO 8601 (`PT1H`, `P1DT12H`, `P2W`, `-PT30M`) or shorthand
 * (`90m`, `1h30m`, `2d`, `45s`, `500ms`, `-1h`). Years and months are refused: their length varies.
 * Throws a `ProtocolError` (`INVALID_ARGUMENT`) for anything else.
 *
 * @example
 * parseDuration('PT1H') // 3_600_000
 * parseDuration('90m') // 5_400_000
 * parseDuration('-PT1H') // -3_600_000
 */
export function parseDuration(text: string): number {
  const ms = durationMs(text);
  if (ms === undefined) {
    throw new ProtocolError(
      'INVALID_ARGUMENT',
      `invalid duration '${text}' (expected ISO 8601 such as PT1H or shorthand such as 90m)`,
    );
  }
  return ms;
}

/** `parseDuration` without the throw: `undefined` for text that is not a duration. */
export function durationMs(text: string): number | undefined {
  if (text.length === 0 || text.length > 64) return undefined;
  const isoMatch = iso.exec(text);
  if (isoMatch) {
    const [, sign, w, d, h, m, s] = isoMatch;
    if (w === undefined && d === undefined && h === undefined && m === undefined && s === undefined)
      return undefined;
    if (text.toUpperCase().endsWith('T')) return undefined;
    const total =
      num(w) * unitMs.w! + num(d) * unitMs.d! + num(h) * unitMs.h! + num(m) * unitMs.m! + num(s) * unitMs.s!;
    return finish(sign, total);
  }
  const shortMatch = short.exec(text);
  if (shortMatch) {
    let total = 0;
    for (const [, amount, unit] of shortMatch[2]!.matchAll(shortPart))
      total += Number(amount) * unitMs[unit!]!;
    return finish(shortMatch[1], total);
  }
  return undefined;
}

function num(value: string | undefined): number {
  return value === undefined ? 0 : Number(value);
}

function finish(sign: string | undefined, total: number): number | undefined {
  const ms = Math.round(total);
  if (!Number.isSafeInteger(ms)) return undefined;
  return sign === '-' ? -ms : ms;
}

/** A positive duration, ISO 8601 (`PT1H`) or shorthand (`90m`); kept as written. */
export const durationSchema = z
  .string()
  .refine(
    (text) => {
      const ms = durationMs(text);
      return ms !== undefined && ms > 0;
    },
    {
      message:
        'invalid duration (expected a positive ISO 8601 duration such as PT1H, or shorthand such as 90m)',
    },
  )
  .meta({
    description: 'A positive duration: ISO 8601 (`PT1H`, `P1D`) or shorthand (`90m`, `1h30m`).',
    examples: ['PT1H'],
  });
