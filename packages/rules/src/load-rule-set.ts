import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseRuleSet } from './parse-rule-set.js';
import type { RuleSet } from './rule-set.js';
import { RulesError } from './rules-error.js';

/** The format of a rule set file, from its extension: `.yaml`/`.yml` or `.json`. */
export function ruleSetFormat(path: string): 'yaml' | 'json' {
  const extension = extname(path).toLowerCase();
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  if (extension === '.json') return 'json';
  throw new RulesError('INVALID_ARGUMENT', `${path}: a rule set file ends in .yaml, .yml or .json`, {
    source: path,
  });
}

/**
 * Reads, validates and compiles a rule set file (YAML or JSON, by extension). Throws a
 * `RulesError`: `READ_FAILED`, `PARSE_FAILED`, or `INVALID_RULE_SET` naming the file, field and line.
 *
 * @example
 * const ruleSet = await loadRuleSet('rules/acme.yaml');
 */
export async function loadRuleSet(path: string): Promise<RuleSet> {
  const format = ruleSetFormat(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const reason =
      (cause as NodeJS.ErrnoException).code ?? (cause instanceof Error ? cause.message : String(cause));
    throw new RulesError('READ_FAILED', `${path}: cannot read (${reason})`, { cause, source: path });
  }
  return parseRuleSet(text, { format, source: path });
}
