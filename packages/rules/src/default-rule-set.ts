import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseRuleSet } from './parse-rule-set.js';
import type { RuleSet } from './rule-set.js';

/** Where the default rule set file is: the package root, one level above both `src/` and `dist/`. */
export const defaultRuleSetPath: string = fileURLToPath(new URL('../default-rules.yaml', import.meta.url));

let cached: RuleSet | undefined;

/**
 * The rule set Herald ships (`default-rules.yaml`): orders, refunds, reviews, tickets, customers
 * and campaigns, with payment-due and campaign-ending reminders, in English and Simplified
 * Chinese. Loaded once; a rule set is immutable, so every caller shares it.
 *
 * @example
 * const { notifications } = evaluate(defaultRuleSet(), event, { customer });
 */
export function defaultRuleSet(): RuleSet {
  cached ??= parseRuleSet(readFileSync(defaultRuleSetPath, 'utf8'), { source: defaultRuleSetPath });
  return cached;
}
