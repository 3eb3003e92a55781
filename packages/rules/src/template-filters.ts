import { canonicalLocale, isTimeZone } from '@herald/protocol';
import { parseFieldPath, readPath, type FieldPath, type FieldRoot } from './field-path.js';
import type { TemplateScope } from './template.js';

/** `Intl` date styles accepted by `date` and `datetime`. */
export type DateStyle = 'short' | 'medium' | 'long' | 'full';

/** A filter parsed at compile time: `default: 'none'`, `date: 'long'`, `number: 2`, `currency: 'EUR'`. */
export type TemplateFilter =
  | { readonly name: 'default'; readonly value: string | number | FieldPath }
  | { readonly name: 'date' | 'datetime'; readonly dateStyle: DateStyle }
  | { readonly name: 'number'; readonly fractionDigits: number | undefined }
  | { readonly name: 'currency'; readonly currency: string | FieldPath };

/** The locale and time zone filters format in. */
export interface TemplateFormat {
  /** A BCP 47 tag (`zh-CN`; `zh_CN` is read as `zh-CN`). @defaultValue 'en' */
  readonly locale?: string | undefined;
  /** An IANA time zone. @defaultValue 'UTC' */
  readonly timeZone?: string | undefined;
}

/** Every filter name, in the order error messages list them. */
export const filterNames = ['default', 'date', 'datetime', 'number', 'currency'] as const;

const dateStyles: readonly string[] = ['short', 'medium', 'long', 'full'];
const filterSyntax = /^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*(?::([\s\S]*))?$/;
const numberLiteral = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const numericString = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const currencyCode = /^[A-Za-z]{3}$/;

/**
 * Splits `text` at `separator` outside quotes. Returns an error message for an unterminated
 * quote.
 */
function splitOutsideQuotes(text: string, separator: string): string[] | string {
  const pieces: string[] = [];
  let start = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === separator) {
      pieces.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (quote !== undefined) return `unterminated quote`;
  pieces.push(text.slice(start));
  return pieces;
}

type Argument =
  | { readonly kind: 'string'; readonly value: string; readonly text: string }
  | { readonly kind: 'number'; readonly value: number; readonly text: string }
  | { readonly kind: 'other'; readonly text: string };

function parseArgument(text: string): Argument | string {
  const first = text[0];
  if (first === "'" || first === '"') {
    if (text.length < 2 || text.indexOf(first, 1) !== text.length - 1) {
      return `malformed argument ${text} (expected one quoted string, number or field path)`;
    }
    return { kind: 'string', value: text.slice(1, -1), text };
  }
  if (numberLiteral.test(text)) return { kind: 'number', value: Number(text), text };
  return { kind: 'other', text };
}

type FilterName = (typeof filterNames)[number];

/**
 * Parses the filters of a placeholder (`default: 'none'`, `date: 'long'`: the texts between
 * `|`, after the path). Returns an error message (without the placeholder, which the caller
 * adds) for an unknown filter or a missing, extra or malformed argument.
 */
export function parseFilters(
  segments: readonly string[],
  roots: readonly FieldRoot[],
): TemplateFilter[] | string {
  const filters: TemplateFilter[] = [];
  for (const segment of segments) {
    const match = filterSyntax.exec(segment);
    if (!match) {
      return segment.trim() === '' ? 'empty filter' : `malformed filter '${segment.trim()}'`;
    }
    const name = match[1]!;
    if (!(filterNames as readonly string[]).includes(name)) return `unknown filter '${name}'`;
    let argument: Argument | undefined;
    if (match[2] !== undefined) {
      const pieces = splitOutsideQuotes(match[2], ',');
      if (typeof pieces === 'string') return `${name}: ${pieces}`;
      if (pieces.length > 1) return `${name} takes one argument, got ${pieces.length}`;
      const text = pieces[0]!.trim();
      if (text === '') return `${name}: missing argument after ':'`;
      const parsed = parseArgument(text);
      if (typeof parsed === 'string') return `${name}: ${parsed}`;
      argument = parsed;
    }
    const filter = filterOf(name as FilterName, argument, roots);
    if (typeof filter === 'string') return filter;
    filters.push(filter);
  }
  return filters;
}

function filterOf(
  name: FilterName,
  argument: Argument | undefined,
  roots: readonly FieldRoot[],
): TemplateFilter | string {
  switch (name) {
    case 'default': {
      if (argument === undefined) return `default needs an argument (e.g. default: 'none')`;
      if (argument.kind !== 'other') return { name, value: argument.value };
      const path = parseFieldPath(argument.text, roots);
      return typeof path === 'string' ? `default: ${path}` : { name, value: path };
    }
    case 'date':
    case 'datetime': {
      if (argument === undefined) return { name, dateStyle: 'medium' };
      if (argument.kind !== 'string' || !dateStyles.includes(argument.value)) {
        return `${name} style must be 'short', 'medium', 'long' or 'full' (got ${argument.text})`;
      }
      return { name, dateStyle: argument.value as DateStyle };
    }
    case 'number': {
      if (argument === undefined) return { name, fractionDigits: undefined };
      const digits = argument.kind === 'number' ? argument.value : Number.NaN;
      if (!Number.isInteger(digits) || digits < 0 || digits > 20) {
        return `number: fraction digits must be a whole number from 0 to 20 (got ${argument.text})`;
      }
      return { name, fractionDigits: digits };
    }
    case 'currency': {
      if (argument === undefined) {
        return `currency needs an argument (e.g. currency: 'EUR' or currency: data.currency)`;
      }
      if (argument.kind === 'other') {
        const path = parseFieldPath(argument.text, roots);
        return typeof path === 'string' ? `currency: ${path}` : { name, currency: path };
      }
      if (argument.kind !== 'string' || !currencyCode.test(argument.value)) {
        return `currency code must be three letters such as 'EUR' (got ${argument.text})`;
      }
      return { name, currency: argument.value.toUpperCase() };
    }
  }
}

/** Splits a placeholder's text (`data.x | default: 'a|b'`) into the path and the filter texts. */
export function splitPlaceholder(text: string): string[] | string {
  return splitOutsideQuotes(text, '|');
}

// --- rendering -----------------------------------------------------------------------------

/** Where render problems go: created on the first. */
export interface ProblemSink {
  problems: string[] | undefined;
}

const maxFormatters = 256;
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

/** How many `Intl` formatters are cached (at most 256). */
export function formatterCacheSize(): number {
  return formatters.size;
}

/** Empties the formatter cache. */
export function clearFormatterCache(): void {
  formatters.clear();
}

/** `locale` in canonical form when `Intl` knows it, else `en`. */
function usableLocale(locale: string): string {
  const canonical = canonicalLocale(locale);
  if (canonical === undefined) return 'en';
  try {
    return Intl.NumberFormat.supportedLocalesOf(canonical).length > 0 ? canonical : 'en';
  } catch {
    return 'en';
  }
}

/**
 * The cached formatter under `key`, else a new one for `locale` (for `en` when `Intl` refuses
 * that one), cached.
 */
function formatter<T extends Intl.DateTimeFormat | Intl.NumberFormat>(
  key: string,
  locale: string,
  make: (usable: string) => T,
): T {
  const cached = formatters.get(key);
  if (cached !== undefined) return cached as T;
  let created: T;
  try {
    created = make(usableLocale(locale));
  } catch {
    created = make('en');
  }
  if (formatters.size >= maxFormatters) formatters.clear();
  formatters.set(key, created);
  return created;
}

function dateFormatter(
  locale: string,
  timeZone: string,
  dateStyle: DateStyle,
  withTime: boolean,
): Intl.DateTimeFormat {
  const key = `d\u0000${locale}\u0000${timeZone}\u0000${dateStyle}\u0000${withTime ? 't' : ''}`;
  return formatter(key, locale, (usable) => {
    const options: Intl.DateTimeFormatOptions = {
      dateStyle,
      timeZone: isTimeZone(timeZone) ? timeZone : 'UTC',
    };
    if (withTime) options.timeStyle = 'short';
    return new Intl.DateTimeFormat(usable, options);
  });
}

function numberFormatter(
  locale: string,
  fractionDigits: number | undefined,
  currency: string | undefined,
): Intl.NumberFormat {
  const key = `n\u0000${locale}\u0000${fractionDigits ?? ''}\u0000${currency ?? ''}`;
  return formatter(key, locale, (usable) => {
    const options: Intl.NumberFormatOptions = {};
    if (currency !== undefined) {
      options.style = 'currency';
      options.currency = currency;
    }
    if (fractionDigits !== undefined) {
      options.minimumFractionDigits = fractionDigits;
      options.maximumFractionDigits = fractionDigits;
    }
    return new Intl.NumberFormat(usable, options);
  });
}

const canonicalOffset = /^(?:Z|[+-]\d{2}:\d{2})$/;
const isoDateTime =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

interface Instant {
  readonly ms: number;
  /** A date without a time, or a time without an offset: shown as written, whatever the zone. */
  readonly floating: boolean;
  readonly dateOnly: boolean;
}

// The last string read: one event's date is often rendered for several recipients and parts.
let lastInstantText: string | undefined;
let lastInstant: Instant | undefined;

/** An ISO 8601 string or epoch ms as an instant; `undefined` when it is not one. */
function readInstant(value: unknown): Instant | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && Math.abs(value) <= 8.64e15
      ? { ms: value, floating: false, dateOnly: false }
      : undefined;
  }
  if (typeof value !== 'string') return undefined;
  if (value === lastInstantText) return lastInstant;
  const instant = parseInstant(value);
  lastInstantText = value;
  lastInstant = instant;
  return instant;
}

function parseInstant(value: string): Instant | undefined {
  const match = isoDateTime.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, offset] = match;
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1 || (d > 28 && d > new Date(Date.UTC(Number(year), m, 0)).getUTCDate())) {
    return undefined;
  }
  if (Number(hour ?? 0) > 23 || Number(minute ?? 0) > 59 || Number(second ?? 0) > 59) return undefined;
  const dateOnly = hour === undefined;
  const floating = offset === undefined;
  let text = value;
  if (!dateOnly && !(value[10] === 'T' && !value.includes(',') && canonicalOffset.test(offset ?? ''))) {
    // What Date.parse reads: `T`, `.`, `+08:00`; a time without an offset is read as UTC.
    text = `${value.slice(0, 10)}T${value.slice(11, value.length - (offset?.length ?? 0)).replace(',', '.')}`;
    text += floating ? 'Z' : /^[+-]\d{2}$/.test(offset) ? `${offset}:00` : offset;
  }
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : { ms, floating, dateOnly };
}

/** A number, or a decimal string (`"1200.50"`, `" -3e2 "`); `undefined` for anything else. */
function readNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !numericString.test(value)) return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** A value in a problem message: strings quoted, others as JSON, at most 40 characters. */
function show(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value));
  } catch {
    text = typeof value === 'bigint' ? String(value) : Object.prototype.toString.call(value);
  }
  if (text.length > 40) text = `${text.slice(0, 39)}…`;
  return text;
}

/** Empty for `default`: `undefined`, `null` or `''`. */
function isBlank(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/**
 * Applies `filters` to `value` (read at `path`) left to right. A value a filter cannot format
 * is passed on unchanged and reported in `sink.problems`.
 */
export function applyFilters(
  value: unknown,
  path: FieldPath,
  filters: readonly TemplateFilter[],
  scope: TemplateScope,
  locale: string,
  timeZone: string,
  sink: ProblemSink,
): unknown {
  let current = value;
  for (const filter of filters) {
    switch (filter.name) {
      case 'default': {
        if (!isBlank(current)) break;
        const { value: fallback } = filter;
        const next = typeof fallback === 'object' ? readPath(scope[fallback.root], fallback.keys) : fallback;
        if (next !== undefined && next !== null) current = next;
        break;
      }
      case 'date':
      case 'datetime': {
        if (isBlank(current)) break;
        const instant = readInstant(current);
        if (instant === undefined) {
          (sink.problems ??= []).push(`${path.text} | ${filter.name}: ${show(current)} is not an instant`);
          break;
        }
        current = dateFormatter(
          locale,
          instant.floating ? 'UTC' : timeZone,
          filter.dateStyle,
          filter.name === 'datetime' && !instant.dateOnly,
        ).format(instant.ms);
        break;
      }
      case 'number':
      case 'currency': {
        if (isBlank(current)) break;
        const number = readNumber(current);
        if (number === undefined) {
          (sink.problems ??= []).push(`${path.text} | ${filter.name}: ${show(current)} is not a number`);
          break;
        }
        if (filter.name === 'number') {
          current = numberFormatter(locale, filter.fractionDigits, undefined).format(number);
          break;
        }
        let currency = filter.currency;
        if (typeof currency === 'object') {
          const code = readPath(scope[currency.root], currency.keys);
          if (typeof code !== 'string' || !currencyCode.test(code)) {
            (sink.problems ??= []).push(
              code === undefined || code === null
                ? `${path.text} | currency: ${currency.text} has no value`
                : `${path.text} | currency: ${currency.text} ${show(code)} is not a currency code`,
            );
            break;
          }
          currency = code.toUpperCase();
        }
        current = numberFormatter(locale, undefined, currency).format(number);
        break;
      }
    }
  }
  return current;
}
