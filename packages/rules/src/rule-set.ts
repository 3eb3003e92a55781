import {
  canonicalLocale,
  durationMs,
  formatFieldPath,
  isTimeZone,
  type Channel,
  type MissedFirePolicy,
  type Priority,
} from '@herald/protocol';
import { compileCondition, type Condition } from './condition.js';
import { parseFieldPath, type FieldPath, type FieldRoot } from './field-path.js';
import type {
  MissedFirePolicyDefinition,
  NotifyDefinition,
  RecipientDefinition,
  RuleDefinition,
  RuleSetDefinition,
} from './rule-set-schema.js';
import { compileTemplate, type Template } from './template.js';
import { compileTypePattern, type TypeMatcher } from './type-matcher.js';
import { variantTable, type VariantTable } from './select-variant.js';

/** A recipient kind, compiled. */
export type CompiledRecipient =
  | { kind: 'customer' }
  | { kind: 'owner' }
  | { kind: 'users'; ids: readonly string[] }
  | { kind: 'team'; team: string }
  | { kind: 'field'; path: FieldPath };

/** One locale's title and body. */
export interface CompiledVariant {
  title: Template;
  body: Template | undefined;
}

/** Everything needed to make notifications, compiled. */
export interface CompiledNotify {
  recipients: readonly CompiledRecipient[];
  variants: VariantTable<CompiledVariant>;
  priority: Priority | undefined;
  category: string;
  channels: readonly Channel[];
  collapseKey: Template | undefined;
  expiresInMs: number | undefined;
  data: readonly (readonly [string, Template])[];
}

/** When a reminder is due: a time read from the event plus an offset, or a delay after the event. */
export interface CompiledWhen {
  at: FieldPath | undefined;
  inMs: number | undefined;
  offsetMs: number;
}

/** The record and cancellation key of a schedule rule's reminders, rendered per event. */
export interface CompiledKeys {
  ruleId: string;
  record: Template | undefined;
  cancellationKey: Template | undefined;
}

/** A schedule block, compiled. */
export interface CompiledSchedule extends CompiledWhen {
  keys: CompiledKeys;
  rrule: string | undefined;
  cron: string | undefined;
  /** An IANA zone, or `customer` for the customer's zone (falling back to the rule set default). */
  timezone: string;
  missedFirePolicy: MissedFirePolicy;
  notify: CompiledNotify;
}

/** A cancel or reschedule block, compiled: the key of the reminders it targets, and (reschedule) when. */
export interface CompiledTarget {
  keys: CompiledKeys | Template;
  when: CompiledWhen | undefined;
}

/** One rule, compiled. */
export interface CompiledRule {
  id: string;
  enabled: boolean;
  matchesType: TypeMatcher;
  conditions: readonly Condition[];
  notify: CompiledNotify | undefined;
  schedule: CompiledSchedule | undefined;
  cancel: CompiledTarget | undefined;
  reschedule: CompiledTarget | undefined;
}

/** A rule set, compiled. */
export interface CompiledRuleSet {
  rules: readonly CompiledRule[];
  byId: ReadonlyMap<string, CompiledRule>;
  defaults: RuleSetDefinition['defaults'];
  /** Enabled rules whose type matches, by event type (bounded). */
  candidates: Map<string, readonly CompiledRule[]>;
}

const compiledSets = new WeakMap<RuleSet, CompiledRuleSet>();

/**
 * A validated, compiled rule set: templates, type patterns and conditions are compiled once,
 * here, so evaluation does no parsing. Immutable; build one with `parseRuleSet`, `loadRuleSet`
 * or `defaultRuleSet`.
 *
 * @example
 * const ruleSet = parseRuleSet(text, { source: 'rules/acme.yaml' });
 * ruleSet.ruleIds // ['order-created', 'payment-due', …]
 */
export class RuleSet {
  /** Where it came from: a path, or the `source` given to `parseRuleSet`. */
  readonly source: string;
  /** The `tenant` the file names, if any. */
  readonly tenant: string | undefined;
  /** The file's content, validated, with defaults applied. */
  readonly definition: RuleSetDefinition;

  /** @internal Use `parseRuleSet`, `loadRuleSet` or `defaultRuleSet`. */
  constructor(definition: RuleSetDefinition, source: string, compiled: CompiledRuleSet) {
    this.definition = definition;
    this.source = source;
    this.tenant = definition.tenant;
    compiledSets.set(this, compiled);
  }

  /** Every rule id, in file order. */
  get ruleIds(): string[] {
    return this.definition.rules.map((rule) => rule.id);
  }
}

/** @internal The compiled form of a rule set. */
export function compiledRuleSet(ruleSet: RuleSet): CompiledRuleSet {
  const compiled = compiledSets.get(ruleSet);
  if (compiled === undefined) throw new TypeError('not a RuleSet built by @herald/rules');
  return compiled;
}

/** A problem found while compiling: where, and what. */
export interface CompileIssue {
  path: (string | number)[];
  message: string;
}

const notifyRoots: readonly FieldRoot[] = ['event', 'data', 'customer', 'recipient'];
const reminderNotifyRoots: readonly FieldRoot[] = [...notifyRoots, 'reminder'];
const keyRoots: readonly FieldRoot[] = ['event', 'data', 'customer'];

/** Compiles a validated definition; returns the issues instead when it does not compile. */
export function compileRuleSet(definition: RuleSetDefinition): CompiledRuleSet | CompileIssue[] {
  const issues: CompileIssue[] = [];
  const { defaults } = definition;

  if (canonicalLocale(defaults.locale) === undefined) {
    issues.push({ path: ['defaults', 'locale'], message: `invalid locale '${defaults.locale}'` });
  }
  if (!isTimeZone(defaults.timezone)) {
    issues.push({ path: ['defaults', 'timezone'], message: `unknown time zone '${defaults.timezone}'` });
  }

  const template = (
    source: string,
    path: (string | number)[],
    roots: readonly FieldRoot[],
  ): Template | undefined => {
    const compiled = compileTemplate(source, roots);
    if (typeof compiled === 'string') {
      issues.push({ path, message: compiled });
      return undefined;
    }
    return compiled;
  };

  const duration = (text: string | undefined, path: (string | number)[]): number | undefined => {
    if (text === undefined) return undefined;
    const ms = durationMs(text);
    if (ms === undefined) issues.push({ path, message: `invalid duration '${text}'` });
    return ms;
  };
  const defaultExpiresInMs = duration(defaults.expiresIn, ['defaults', 'expiresIn']);

  const field = (
    text: string,
    path: (string | number)[],
    roots: readonly FieldRoot[],
  ): FieldPath | undefined => {
    const parsed = parseFieldPath(text, roots);
    if (typeof parsed === 'string') {
      issues.push({ path, message: parsed });
      return undefined;
    }
    return parsed;
  };

  const recipient = (
    definition: RecipientDefinition,
    path: (string | number)[],
  ): CompiledRecipient | undefined => {
    if (definition.customer) return { kind: 'customer' };
    if (definition.owner) return { kind: 'owner' };
    if (definition.users !== undefined) return { kind: 'users', ids: definition.users };
    if (definition.team !== undefined) return { kind: 'team', team: definition.team };
    if (definition.field !== undefined) {
      const parsed = field(definition.field, [...path, 'field'], ['data', 'event', 'customer']);
      return parsed && { kind: 'field', path: parsed };
    }
    return undefined;
  };

  const notify = (
    definition: { [K in keyof NotifyDefinition]?: NotifyDefinition[K] | undefined },
    path: (string | number)[],
    roots: readonly FieldRoot[],
  ): CompiledNotify | undefined => {
    if (definition.recipients === undefined || definition.template === undefined) return undefined;
    const recipients = definition.recipients
      .map((r, i) => recipient(r, [...path, 'recipients', i]))
      .filter((r): r is CompiledRecipient => r !== undefined);

    const variants: [string, CompiledVariant][] = [];
    const seen = new Set<string>();
    const entries = Object.entries(definition.template);
    if (entries.length === 0)
      issues.push({ path: [...path, 'template'], message: 'required: at least one locale' });
    for (const [tag, variant] of entries) {
      const canonical = tag === 'default' ? tag : canonicalLocale(tag);
      if (canonical === undefined) {
        issues.push({
          path: [...path, 'template', tag],
          message: `invalid locale '${tag}' (expected e.g. en, zh-CN or default)`,
        });
        continue;
      }
      if (seen.has(canonical.toLowerCase())) {
        issues.push({ path: [...path, 'template', tag], message: `locale ${canonical} given twice` });
        continue;
      }
      seen.add(canonical.toLowerCase());
      const title = template(variant.title, [...path, 'template', tag, 'title'], roots);
      const body =
        variant.body === undefined
          ? undefined
          : template(variant.body, [...path, 'template', tag, 'body'], roots);
      if (title !== undefined) variants.push([canonical, { title, body }]);
    }

    const data: [string, Template][] = [];
    for (const [key, source] of Object.entries(definition.data ?? {})) {
      const compiled = template(source, [...path, 'data', key], roots);
      if (compiled !== undefined) data.push([key, compiled]);
    }

    if (variants.length === 0) return undefined;
    return {
      recipients,
      variants: variantTable(variants, defaults.locale),
      priority: definition.priority,
      category: definition.category ?? defaults.category,
      channels: definition.channels ?? defaults.channels,
      collapseKey:
        definition.collapseKey === undefined
          ? undefined
          : template(definition.collapseKey, [...path, 'collapseKey'], roots),
      expiresInMs: duration(definition.expiresIn, [...path, 'expiresIn']) ?? defaultExpiresInMs,
      data,
    };
  };

  const when = (
    at: string | undefined,
    inText: string | undefined,
    offset: string | undefined,
    path: (string | number)[],
  ): CompiledWhen => ({
    at: at === undefined ? undefined : field(at, [...path, 'at'], keyRoots),
    inMs: duration(inText, [...path, 'in']),
    offsetMs: duration(offset, [...path, 'offset']) ?? 0,
  });

  const policy = (
    definition: MissedFirePolicyDefinition | undefined,
    path: (string | number)[],
  ): MissedFirePolicy => {
    if (definition === undefined || definition === 'fire_now') return { policy: 'fire_now' };
    if (definition === 'skip') return { policy: 'skip' };
    if (definition.policy !== 'fire_if_late_within') return { policy: definition.policy };
    return {
      policy: 'fire_if_late_within',
      lateWithinMs: duration(definition.lateWithin, [...path, 'lateWithin']) ?? 1,
    };
  };

  const rules: CompiledRule[] = [];
  const byId = new Map<string, CompiledRule>();
  const references: {
    path: (string | number)[];
    target: string;
    rule: CompiledRule;
    kind: 'cancel' | 'reschedule';
    own: CompiledWhen | undefined;
    ownOffset: boolean;
  }[] = [];

  definition.rules.forEach((rule: RuleDefinition, index) => {
    const path = ['rules', index];
    if (byId.has(rule.id)) issues.push({ path: [...path, 'id'], message: `duplicate rule id '${rule.id}'` });

    const patterns = Array.isArray(rule.match.type) ? rule.match.type : [rule.match.type];
    const matchers: TypeMatcher[] = [];
    patterns.forEach((pattern, i) => {
      const matcher = compileTypePattern(pattern);
      const at = Array.isArray(rule.match.type) ? [...path, 'match', 'type', i] : [...path, 'match', 'type'];
      if (typeof matcher === 'string') issues.push({ path: at, message: matcher });
      else matchers.push(matcher);
    });
    const matchesType: TypeMatcher =
      matchers.length === 1 ? matchers[0]! : (type) => matchers.some((matcher) => matcher(type));

    const conditions: Condition[] = [];
    (rule.match.when ?? []).forEach((condition, i) => {
      const compiled = compileCondition(condition);
      if (typeof compiled === 'function') conditions.push(compiled);
      else issues.push({ path: [...path, 'match', 'when', i, compiled.member], message: compiled.message });
    });

    let schedule: CompiledSchedule | undefined;
    if (rule.schedule !== undefined) {
      const s = rule.schedule;
      const at = [...path, 'schedule'];
      const timezone = s.timezone ?? 'customer';
      if (timezone !== 'customer' && !isTimeZone(timezone)) {
        issues.push({
          path: [...at, 'timezone'],
          message: `unknown time zone '${timezone}' (expected customer or an IANA name)`,
        });
      }
      const scheduleNotify = notify(s.notify, [...at, 'notify'], reminderNotifyRoots);
      const keys: CompiledKeys = {
        ruleId: rule.id,
        record: s.record === undefined ? undefined : template(s.record, [...at, 'record'], keyRoots),
        cancellationKey:
          s.cancellationKey === undefined
            ? undefined
            : template(s.cancellationKey, [...at, 'cancellationKey'], keyRoots),
      };
      if (scheduleNotify !== undefined) {
        schedule = {
          ...when(s.at, s.in, s.offset, at),
          keys,
          rrule: s.rrule,
          cron: s.cron,
          timezone,
          missedFirePolicy: policy(s.missedFirePolicy, [...at, 'missedFirePolicy']),
          notify: scheduleNotify,
        };
      }
    }

    const compiled: CompiledRule = {
      id: rule.id,
      enabled: rule.enabled,
      matchesType,
      conditions,
      notify: notify(rule, path, notifyRoots),
      schedule,
      cancel: undefined,
      reschedule: undefined,
    };

    for (const kind of ['cancel', 'reschedule'] as const) {
      const target = rule[kind];
      if (target === undefined) continue;
      const at = [...path, kind];
      const explicitWhen =
        kind === 'reschedule' && rule.reschedule !== undefined
          ? when(rule.reschedule.at, rule.reschedule.in, rule.reschedule.offset, at)
          : undefined;
      if (target.cancellationKey !== undefined) {
        const key = template(target.cancellationKey, [...at, 'cancellationKey'], keyRoots);
        if (kind === 'reschedule' && explicitWhen?.at === undefined && explicitWhen?.inMs === undefined) {
          issues.push({
            path: [...at, 'at'],
            message: 'required: give at or in (or name the schedule rule with reminder)',
          });
        }
        if (key !== undefined) compiled[kind] = { keys: key, when: explicitWhen };
      } else if (target.reminder !== undefined) {
        references.push({
          path: [...at, 'reminder'],
          target: target.reminder,
          rule: compiled,
          kind,
          own: explicitWhen,
          ownOffset: kind === 'reschedule' && rule.reschedule?.offset !== undefined,
        });
      }
    }

    rules.push(compiled);
    if (!byId.has(rule.id)) byId.set(rule.id, compiled);
  });

  for (const { path, target, rule, kind, own, ownOffset } of references) {
    const schedule = byId.get(target)?.schedule;
    if (schedule === undefined) {
      issues.push({ path, message: `no schedule rule '${target}' in this rule set` });
      continue;
    }
    let reschedule: CompiledWhen | undefined;
    if (kind === 'reschedule') {
      const useOwn = own !== undefined && (own.at !== undefined || own.inMs !== undefined);
      reschedule = {
        at: useOwn ? own.at : schedule.at,
        inMs: useOwn ? own.inMs : schedule.inMs,
        offsetMs: ownOffset && own !== undefined ? own.offsetMs : schedule.offsetMs,
      };
      if (reschedule.at === undefined && reschedule.inMs === undefined) {
        issues.push({
          path: [...path.slice(0, -1), 'at'],
          message: `required: '${target}' repeats on a recurrence; give at or in`,
        });
      }
    }
    rule[kind] = { keys: schedule.keys, when: reschedule };
  }

  if (issues.length > 0) return issues;
  return { rules, byId, defaults, candidates: new Map() };
}

/** `rules[2].recipients[0].field` for a compile issue path. */
export function issueField(path: readonly (string | number)[]): string {
  return formatFieldPath(path);
}
