import * as z from 'zod';

/**
 * The canonical form of a BCP 47 language tag, or `undefined` when it is not one. POSIX-style
 * underscores (`zh_CN`, as Java and Android write them) are read as hyphens.
 *
 * @example
 * canonicalLocale('zh-cn') // 'zh-CN'
 * canonicalLocale('zh_CN') // 'zh-CN'
 * canonicalLocale('not a locale') // undefined
 */
export function canonicalLocale(tag: string): string | undefined {
  if (tag.length === 0 || tag.length > 35) return undefined;
  try {
    return Intl.getCanonicalLocales(tag.replaceAll('_', '-'))[0];
  } catch {
    return undefined;
  }
}

/** A BCP 47 language tag (`en`, `zh-CN`; `zh_CN` is read as `zh-CN`), normalised to its canonical form. */
export const localeSchema = z
  .string()
  .refine((tag) => canonicalLocale(tag) !== undefined, {
    message: 'invalid locale (expected a BCP 47 tag such as zh-CN)',
  })
  .transform((tag) => canonicalLocale(tag) ?? tag)
  .meta({ description: 'A BCP 47 language tag, e.g. `zh-CN`.', examples: ['zh-CN'] });
