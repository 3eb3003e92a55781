import { parseFieldPath, readPath, type FieldPath, type FieldRoot } from './field-path.js';
import {
  applyFilters,
  filterNames,
  parseFilters,
  splitPlaceholder,
  type ProblemSink,
  type TemplateFilter,
  type TemplateFormat,
} from './template-filters.js';

export type { DateStyle, TemplateFilter, TemplateFormat } from './template-filters.js';

/** The objects a template reads placeholders from. */
export type TemplateScope = Partial<Record<FieldRoot, unknown>>;

/** A `{{ path | filter: argument }}` in a template. */
export interface Placeholder {
  readonly path: FieldPath;
  /** Applied left to right; empty for a plain `{{ path }}`. */
  readonly filters: readonly TemplateFilter[];
  /** What is between the braces, trimmed: `data.dueAt | date: 'long'`. */
  readonly text: string;
}

/** A template compiled once at load time: literal text and placeholders in order. */
export interface Template {
  readonly source: string;
  readonly parts: readonly (string | Placeholder)[];
  /** True when the template has no placeholder. */
  readonly constant: boolean;
}

const placeholder = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Every root a template may read. */
export const templateRoots: readonly FieldRoot[] = ['event', 'data', 'customer', 'recipient', 'reminder'];

/**
 * Compiles `Order {{ data.orderId }} for {{customer.name}}, due {{ data.dueAt | date }}`.
 * Returns an error message instead for a malformed placeholder: a bad path, an unknown filter,
 * a missing, extra or malformed filter argument.
 */
export function compileTemplate(
  source: string,
  roots: readonly FieldRoot[] = templateRoots,
): Template | string {
  const parts: (string | Placeholder)[] = [];
  let last = 0;
  for (const match of source.matchAll(placeholder)) {
    const text = match[1]!;
    const compiled = compilePlaceholder(text, roots);
    if (typeof compiled === 'string') return compiled;
    if (match.index > last) parts.push(source.slice(last, match.index));
    parts.push(compiled);
    last = match.index + match[0].length;
  }
  if (last < source.length) parts.push(source.slice(last));
  const rest = parts.filter((part): part is string => typeof part === 'string').join('');
  if (rest.includes('{{') || rest.includes('}}')) return `unbalanced {{ }} in '${source}'`;
  return { source, parts, constant: parts.every((part) => typeof part === 'string') };
}

function compilePlaceholder(text: string, roots: readonly FieldRoot[]): Placeholder | string {
  const segments = text.includes('|') ? splitPlaceholder(text) : [text];
  if (typeof segments === 'string') return `${segments} in {{${text}}}`;
  const [pathText, ...filterTexts] = segments;
  const path = parseFieldPath(pathText!, roots);
  if (typeof path === 'string') return `placeholder {{${text}}}: ${path}`;
  const filters = parseFilters(filterTexts, roots);
  if (typeof filters === 'string') {
    const known = filters.startsWith('unknown filter') ? ` (known: ${filterNames.join(', ')})` : '';
    return `${filters} in {{${text}}}${known}`;
  }
  return { path, filters, text };
}

/** A rendered template, the placeholders that had no value, and what filters could not format. */
export interface Rendered {
  text: string;
  /** The paths of placeholders left empty (missing or `null`, after any `default`). */
  missing: string[] | undefined;
  /** `data.dueAt | date: 'soon' is not an instant`: values rendered unformatted. */
  problems: string[] | undefined;
}

/**
 * Renders a template: strings as they are, numbers and booleans as text, objects as JSON, and
 * missing values (`undefined`, `null`) as nothing, listed in `missing`. Filters format in
 * `format.locale` (default `en`) and `format.timeZone` (default `UTC`); either falls back to
 * its default when `Intl` does not know it. Filters never throw: what they cannot format is
 * rendered as it is and listed in `problems`.
 */
export function renderTemplate(template: Template, scope: TemplateScope, format?: TemplateFormat): Rendered {
  if (template.constant) return { text: template.source, missing: undefined, problems: undefined };
  let text = '';
  let missing: string[] | undefined;
  let sink: ProblemSink | undefined;
  for (const part of template.parts) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    const { path } = part;
    let value = readPath(scope[path.root], path.keys);
    if (part.filters.length > 0) {
      sink ??= { problems: undefined };
      value = applyFilters(
        value,
        path,
        part.filters,
        scope,
        format?.locale ?? 'en',
        format?.timeZone ?? 'UTC',
        sink,
      );
    }
    if (value === undefined || value === null) (missing ??= []).push(path.text);
    else if (typeof value === 'string') text += value;
    else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
      text += String(value);
    else text += JSON.stringify(value) ?? '';
  }
  return { text, missing, problems: sink?.problems };
}
