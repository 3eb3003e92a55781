import { canonicalLocale } from '@herald/protocol';

/** A variant and the locale tag it was written for (`default` for the catch-all). */
export interface Selected<T> {
  variant: T;
  tag: string;
}

/** Template variants by locale, compiled for lookup. */
export interface VariantTable<T> {
  /** Lowercased tag → variant. */
  readonly byTag: ReadonlyMap<string, Selected<T>>;
  /** Language subtag → the first variant of that language in file order. */
  readonly byLanguage: ReadonlyMap<string, Selected<T>>;
  readonly fallback: Selected<T>;
  /** Answers already worked out, by the locale asked for (bounded). */
  readonly cache: Map<string, Selected<T>>;
}

/**
 * Builds the lookup for variants in file order. The fallback is the `default` variant, else the
 * variant of `defaultLocale` (or of its language), else the first.
 */
export function variantTable<T>(
  variants: readonly (readonly [tag: string, variant: T])[],
  defaultLocale: string,
): VariantTable<T> {
  const byTag = new Map<string, Selected<T>>();
  const byLanguage = new Map<string, Selected<T>>();
  for (const [tag, variant] of variants) {
    const selected = { variant, tag };
    byTag.set(tag.toLowerCase(), selected);
    if (tag === 'default') continue;
    const language = tag.toLowerCase().split('-')[0]!;
    if (!byLanguage.has(language)) byLanguage.set(language, selected);
  }
  const defaultTag = (canonicalLocale(defaultLocale) ?? defaultLocale).toLowerCase();
  const fallback =
    byTag.get('default') ??
    byTag.get(defaultTag) ??
    byLanguage.get(defaultTag.split('-')[0]!) ??
    byTag.values().next().value!;
  return { byTag, byLanguage, fallback, cache: new Map() };
}

/**
 * The variant for a recipient's locale: the exact tag (`zh-CN`), then shorter tags (`zh-Hant-TW`
 * → `zh-Hant` → `zh`), then any variant of the same language (`zh-TW` finds `zh-CN`), then the
 * fallback.
 */
export function selectVariant<T>(table: VariantTable<T>, locale: string | undefined): Selected<T> {
  if (locale === undefined) return table.fallback;
  const cached = table.cache.get(locale);
  if (cached !== undefined) return cached;
  const found = lookup(table, locale);
  if (table.cache.size < 256) table.cache.set(locale, found);
  return found;
}

function lookup<T>(table: VariantTable<T>, locale: string): Selected<T> {
  const subtags = (canonicalLocale(locale) ?? locale).toLowerCase().split('-');
  for (let length = subtags.length; length > 0; length--) {
    const tag = subtags.slice(0, length).join('-');
    if (tag === 'default') continue;
    const found = table.byTag.get(tag);
    if (found !== undefined) return found;
  }
  return table.byLanguage.get(subtags[0]!) ?? table.fallback;
}
