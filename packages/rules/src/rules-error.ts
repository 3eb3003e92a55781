const marker = Symbol.for('@herald/rules/error');

/** Every way loading or using a rule set fails. */
export type RulesErrorCode =
  'READ_FAILED' | 'PARSE_FAILED' | 'INVALID_RULE_SET' | 'INVALID_ARGUMENT' | 'CLOSED';

/** One problem found in a rule set file. */
export interface RuleSetIssue {
  /** Path of the offending field, e.g. `rules[2].recipients[0].field`; empty for the file as a whole. */
  field: string;
  message: string;
  /** 1-based line and column in the file, when known. */
  line?: number;
  column?: number;
}

/**
 * The one error type `@herald/rules` throws. Its message names the file, the field and the
 * line: `rules/acme.yaml: rules[2].recipients[0].field: required (line 14)`.
 *
 * @example
 * try { await loadRuleSet('rules/acme.yaml') }
 * catch (error) { if (RulesError.isInstance(error)) for (const issue of error.issues) console.log(issue.field, issue.message) }
 */
export class RulesError extends Error {
  readonly [marker] = true;
  override readonly name = 'RulesError';
  readonly code: RulesErrorCode;
  /** The file (or the `source` given to `parseRuleSet`). */
  readonly source: string | undefined;
  /** Every problem found, in file order; the message shows the first. */
  readonly issues: readonly RuleSetIssue[];

  constructor(
    code: RulesErrorCode,
    message: string,
    options?: { cause?: unknown; source?: string; issues?: readonly RuleSetIssue[] },
  ) {
    super(message, options);
    this.code = code;
    this.source = options?.source;
    this.issues = options?.issues ?? [];
  }

  /** True for a `RulesError` from any copy of this package (`instanceof` fails across duplicates). */
  static isInstance(value: unknown): value is RulesError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}
