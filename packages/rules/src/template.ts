import { parseFieldPath, readPath, type FieldPath, type FieldRoot } from './field-path.js';

/** The objects a template reads placeholders from. */
export type TemplateScope = Partial<Record<FieldRoot, unknown>>;

/** A template compiled once at load time: literal text and placeholders in order. */
export interface Template {
  readonly source: string;
  readonly parts: readonly (string | FieldPath)[];
  /** True when the template has no placeholder. */
  readonly constant: boolean;
}

const placeholder = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Every root a template may read. */
export const templateRoots: readonly FieldRoot[] = ['event', 'data', 'customer', 'recipient', 'reminder'];

/**
 * Compiles `Order {{ data.orderId }} for {{customer.name}}`. Returns an error message instead
 * for a malformed placeholder.
 */
export function compileTemplate(
  source: string,
  roots: readonly FieldRoot[] = templateRoots,
): Template | string {
  const parts: (string | FieldPath)[] = [];
  let last = 0;
  for (const match of source.matchAll(placeholder)) {
    const path = parseFieldPath(match[1]!, roots);
    if (typeof path === 'string') return `placeholder {{${match[1]}}}: ${path}`;
    if (match.index > last) parts.push(source.slice(last, match.index));
    parts.push(path);
    last = match.index + match[0].length;
  }
  if (last < source.length) parts.push(source.slice(last));
  const rest = parts.filter((part): part is string => typeof part === 'string').join('');
  if (rest.includes('{{') || rest.includes('}}')) return `unbalanced {{ }} in '${source}'`;
  return { source, parts, constant: parts.every((part) => typeof part === 'string') };
}

/** A rendered template and the placeholders that had no value. */
export interface Rendered {
  text: string;
  missing: string[] | undefined;
}

/**
 * Renders a template: strings as they are, numbers and booleans as text, objects as JSON, and
 * missing values (`undefined`, `null`) as nothing, listed in `missing`.
 */
export function renderTemplate(template: Template, scope: TemplateScope): Rendered {
  if (template.constant) return { text: template.source, missing: undefined };
  let text = '';
  let missing: string[] | undefined;
  for (const part of template.parts) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    const value = readPath(scope[part.root], part.keys);
    if (value === undefined || value === null) (missing ??= []).push(part.text);
    else if (typeof value === 'string') text += value;
    else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
      text += String(value);
    else text += JSON.stringify(value) ?? '';
  }
  return { text, missing };
}
