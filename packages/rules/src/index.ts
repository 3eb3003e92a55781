export { defaultRuleSet, defaultRuleSetPath } from './default-rule-set.js';
export { evaluate } from './evaluate.js';
export type {
  EvaluateOptions,
  Evaluation,
  EvaluationContext,
  EvaluationWarning,
  NotificationDraft,
  RecipientKind,
  RuleCustomer,
  RuleEvent,
} from './evaluate.js';
export { loadRuleSet, ruleSetFormat } from './load-rule-set.js';
export { parseRuleSet } from './parse-rule-set.js';
export type { ParseRuleSetOptions } from './parse-rule-set.js';
export { RuleSet } from './rule-set.js';
export { ruleSetFileSchema } from './rule-set-schema.js';
export type {
  ConditionDefinition,
  MissedFirePolicyDefinition,
  NotifyDefinition,
  RecipientDefinition,
  RuleDefinition,
  RuleSetDefinition,
  ScheduleDefinition,
} from './rule-set-schema.js';
export { RuleSetWatcher } from './rule-set-watcher.js';
export type { RuleSetWatcherOptions } from './rule-set-watcher.js';
export { RulesError } from './rules-error.js';
export type { RuleSetIssue, RulesErrorCode } from './rules-error.js';
export { watchRuleFile, type RuleFileLogger, type RuleSource } from './watch-rule-file.js';
