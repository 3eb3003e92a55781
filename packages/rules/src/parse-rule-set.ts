import { describeIssue, formatFieldPath } from '@herald/protocol';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { compileRuleSet, RuleSet } from './rule-set.js';
import { ruleSetFileSchema } from './rule-set-schema.js';
import { RulesError, type RuleSetIssue } from './rules-error.js';

/** How to read rule set text. */
export interface ParseRuleSetOptions {
  /** @defaultValue `'yaml'` (which also reads JSON) */
  format?: 'yaml' | 'json';
  /** Names the text in errors, usually its path. @defaultValue `'<rules>'` */
  source?: string;
}

/**
 * Parses, validates and compiles a rule set. Throws a `RulesError` whose message names the
 * source, the field and the line: `rules/acme.yaml: rules[2].recipients[0].field: required (line 14)`,
 * with every problem found in `issues`.
 *
 * @example
 * const ruleSet = parseRuleSet(await readFile('rules/acme.yaml', 'utf8'), { source: 'rules/acme.yaml' });
 */
export function parseRuleSet(text: string, options: ParseRuleSetOptions = {}): RuleSet {
  const source = options.source ?? '<rules>';
  const format = options.format ?? 'yaml';
  const lineCounter = new LineCounter();

  if (format === 'json') {
    try {
      JSON.parse(text);
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      throw new RulesError('PARSE_FAILED', `${source}: invalid JSON: ${message}`, {
        cause,
        source,
        issues: [{ field: '', message: `invalid JSON: ${message}` }],
      });
    }
  }

  const document = parseDocument(text, {
    lineCounter,
    prettyErrors: true,
    uniqueKeys: format === 'yaml',
  });
  if (document.errors.length > 0) {
    const issues = document.errors.map((error): RuleSetIssue => {
      const at = error.linePos?.[0];
      // Pretty errors end their first line with "at line L, column C:" and then quote the text.
      const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:$/, '');
      return at === undefined
        ? { field: '', message }
        : { field: '', message, line: at.line, column: at.col };
    });
    throw new RulesError(
      'PARSE_FAILED',
      `${source}: invalid ${format.toUpperCase()}: ${describe(issues[0]!)}`,
      {
        cause: document.errors[0],
        source,
        issues,
      },
    );
  }

  let content: unknown;
  try {
    content = document.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    throw new RulesError(
      'PARSE_FAILED',
      `${source}: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
        source,
      },
    );
  }

  const validated = ruleSetFileSchema.safeParse(content ?? {});
  if (!validated.success) {
    const issues = validated.error.issues.map((issue) => {
      const { path, message } = describeIssue(issue);
      return locate(document, lineCounter, path as (string | number)[], humanise(message));
    });
    throw invalid(source, issues, validated.error);
  }

  const compiled = compileRuleSet(validated.data);
  if (Array.isArray(compiled)) {
    throw invalid(
      source,
      compiled.map(({ path, message }) => locate(document, lineCounter, path, message)),
    );
  }
  return new RuleSet(validated.data, source, compiled);
}

// YAML writes a present-but-empty key (`field:`) as null: to the person writing it, it is missing.
function humanise(message: string): string {
  return /received null$/.test(message) ? 'required' : message;
}

function locate(
  document: Document,
  lineCounter: LineCounter,
  path: readonly (string | number)[],
  message: string,
): RuleSetIssue {
  const issue: RuleSetIssue = { field: formatFieldPath(path), message };
  for (let length = path.length; length >= 0; length--) {
    const node: unknown = length === 0 ? document.contents : document.getIn(path.slice(0, length), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range !== undefined) {
      const { line, col } = lineCounter.linePos(range[0]);
      issue.line = line;
      issue.column = col;
      break;
    }
  }
  return issue;
}

function describe(issue: RuleSetIssue): string {
  const field = issue.field === '' ? '' : `${issue.field}: `;
  const line = issue.line === undefined ? '' : ` (line ${issue.line})`;
  return `${field}${issue.message}${line}`;
}

function invalid(source: string, issues: RuleSetIssue[], cause?: unknown): RulesError {
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new RulesError('INVALID_RULE_SET', `${source}: ${describe(issues[0]!)}${more}`, {
    source,
    issues,
    ...(cause === undefined ? {} : { cause }),
  });
}
