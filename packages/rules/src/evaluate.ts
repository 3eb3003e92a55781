import {
  notificationId,
  recordRefPattern,
  reminderDueDataSchema,
  reminderDueEventType,
  reminderId,
  subjectIdPattern,
  type Channel,
  type CustomerProfile,
  type CustomerUpdate,
  type LoggedEvent,
  type Priority,
  type ReminderCommand,
} from '@herald/protocol';
import { readPath } from './field-path.js';
import {
  compiledRuleSet,
  type CompiledKeys,
  type CompiledNotify,
  type CompiledRule,
  type CompiledRuleSet,
  type CompiledSchedule,
  type CompiledWhen,
  type RuleSet,
} from './rule-set.js';
import { selectVariant } from './select-variant.js';
import { renderTemplate, type TemplateFormat, type Template, type TemplateScope } from './template.js';

/** The event fields rules read: a `LoggedEvent` fits. */
export type RuleEvent = Pick<LoggedEvent, 'id' | 'type' | 'customerId' | 'occurredAt' | 'data'> &
  Partial<Pick<LoggedEvent, 'tenant' | 'priority' | 'record' | 'customer'>>;

/** The profile fields rules read (a `CustomerProfile`, or part of one). */
export type RuleCustomer = Partial<CustomerProfile> | CustomerUpdate;

/** What evaluation may look up. Everything is synchronous: fetch before evaluating. */
export interface EvaluationContext {
  /** The customer's profile. @defaultValue the event's `customer` fields, if any */
  customer?: RuleCustomer | undefined;
  /** A recipient's locale (`zh-CN`). @defaultValue the customer's locale for the customer, else the rule set's default */
  recipientLocale?: ((recipient: string) => string | undefined) | undefined;
  /**
   * A recipient's IANA time zone, for the dates their templates format.
   * @defaultValue the customer's time zone for the customer, else the rule set's default
   */
  recipientTimeZone?: ((recipient: string) => string | undefined) | undefined;
  /** The members of a team. @defaultValue no team has members */
  teamMembers?: ((team: string) => readonly string[] | undefined) | undefined;
}

/** What to evaluate for: push needs only the notifications, the scheduler only the reminders. */
export interface EvaluateOptions {
  /**
   * Evaluate only the rules that make notifications, or only those that schedule, move or cancel
   * reminders (and leave the other list empty): rendering a notification nobody will store costs
   * templates and an id hash. @defaultValue both
   */
  only?: 'notifications' | 'reminders';
}

/** Which recipient kind produced a notification. */
export type RecipientKind = 'customer' | 'owner' | 'users' | 'team' | 'field' | 'reminder';

/** A notification to store and deliver: everything but what push adds (`seq`, `createdAt`, stage times). */
export interface NotificationDraft {
  /** `notificationId(event.id, rule, recipient)`: replays land on the same inbox row. */
  id: string;
  tenant?: string;
  recipient: string;
  recipientKind: RecipientKind;
  eventId: string;
  rule: string;
  category: string;
  priority: Priority;
  title: string;
  body: string | null;
  data: Record<string, unknown>;
  collapseKey?: string;
  channels: Channel[];
  /** Epoch ms: the event's `occurredAt` plus the rule's `expiresIn`. */
  expiresAt?: number;
  /** The template variant used (`zh-CN`, `en`, `default`). */
  locale: string;
}

/** Something that did not stop evaluation but should be looked at. */
export interface EvaluationWarning {
  rule: string;
  message: string;
}

/** What one event produced. */
export interface Evaluation {
  notifications: NotificationDraft[];
  reminders: ReminderCommand[];
  warnings: EvaluationWarning[];
}

interface Recipient {
  id: string;
  kind: RecipientKind;
}

class Run {
  readonly notifications: NotificationDraft[] = [];
  readonly reminders: ReminderCommand[] = [];
  readonly warnings: EvaluationWarning[] = [];
  readonly #seen = new Set<string>();
  readonly occurredMs: number;
  readonly profile: RuleCustomer | undefined;
  readonly scope: TemplateScope;
  /** How keys and records (written for no one in particular) format dates and numbers. */
  readonly defaultFormat: TemplateFormat;

  constructor(
    readonly compiled: CompiledRuleSet,
    readonly event: RuleEvent,
    readonly context: EvaluationContext,
  ) {
    this.occurredMs = Date.parse(event.occurredAt);
    this.profile = context.customer ?? event.customer;
    this.defaultFormat = { locale: compiled.defaults.locale, timeZone: compiled.defaults.timezone };
    const view: Record<string, unknown> = {
      id: event.id,
      type: event.type,
      customerId: event.customerId,
      occurredAt: event.occurredAt,
    };
    if (event.tenant !== undefined) view.tenant = event.tenant;
    if (event.priority !== undefined) view.priority = event.priority;
    if (event.record !== undefined) view.record = event.record;
    this.scope = { event: view, data: event.data, customer: this.profile };
  }

  warn(rule: string, message: string): void {
    const key = `${rule}\u0000${message}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.warnings.push({ rule, message });
  }

  render(
    rule: string,
    template: Template,
    scope: TemplateScope,
    label: string,
    format: TemplateFormat = this.defaultFormat,
  ): { text: string; complete: boolean } {
    const { text, missing, problems } = renderTemplate(template, scope, format);
    if (problems !== undefined) for (const problem of problems) this.warn(rule, `${label}: ${problem}`);
    if (missing === undefined) return { text, complete: true };
    for (const path of missing) this.warn(rule, `${label}: no value for {{${path}}}`);
    return { text, complete: false };
  }

  recipients(rule: string, notify: CompiledNotify, scope: TemplateScope): Recipient[] {
    const out: Recipient[] = [];
    const ids = new Set<string>();
    const add = (id: unknown, kind: RecipientKind, what: string) => {
      if (typeof id !== 'string' || !subjectIdPattern.test(id)) {
        this.warn(
          rule,
          `${what}: ${id === undefined || id === null ? 'no value' : `not a recipient id: ${JSON.stringify(id)}`}`,
        );
        return;
      }
      if (ids.has(id)) return;
      ids.add(id);
      out.push({ id, kind });
    };
    for (const recipient of notify.recipients) {
      switch (recipient.kind) {
        case 'customer':
          add(this.event.customerId, 'customer', 'customer');
          break;
        case 'owner':
          add(this.profile?.ownerId ?? undefined, 'owner', `owner of customer ${this.event.customerId}`);
          break;
        case 'users':
          for (const id of recipient.ids) add(id, 'users', 'users');
          break;
        case 'team': {
          const members = this.context.teamMembers?.(recipient.team);
          if (members === undefined || members.length === 0)
            this.warn(rule, `team ${recipient.team}: no members`);
          else for (const id of members) add(id, 'team', `team ${recipient.team}`);
          break;
        }
        case 'field': {
          const value = readPath(scope[recipient.path.root], recipient.path.keys);
          if (Array.isArray(value)) for (const id of value) add(id, 'field', recipient.path.text);
          else add(value, 'field', recipient.path.text);
          break;
        }
      }
    }
    return out;
  }

  localeOf(recipient: Recipient): string | undefined {
    const found = this.context.recipientLocale?.(recipient.id);
    if (found !== undefined) return found;
    if (this.isCustomer(recipient)) return this.profile?.locale ?? undefined;
    return undefined;
  }

  timeZoneOf(recipient: Recipient): string {
    const found = this.context.recipientTimeZone?.(recipient.id);
    if (found !== undefined) return found;
    return this.isCustomer(recipient) ? this.timezone('customer') : this.compiled.defaults.timezone;
  }

  isCustomer(recipient: Recipient): boolean {
    return recipient.kind === 'customer' || recipient.id === this.event.customerId;
  }

  notify(ruleId: string, notify: CompiledNotify, scope: TemplateScope, recipients: Recipient[]): void {
    const priority = notify.priority ?? this.event.priority ?? this.compiled.defaults.priority;
    const expiresAt =
      notify.expiresInMs !== undefined && Number.isFinite(this.occurredMs)
        ? this.occurredMs + notify.expiresInMs
        : undefined;
    for (const recipient of recipients) {
      const locale = this.localeOf(recipient);
      const timezone = this.timeZoneOf(recipient);
      const recipientScope: TemplateScope = {
        ...scope,
        recipient: { id: recipient.id, kind: recipient.kind, locale, timezone },
      };
      const { variant, tag } = selectVariant(notify.variants, locale);
      // Dates and numbers as the recipient writes them (`en-GB` reading the `en` variant), else
      // in the language of the variant they read.
      const format: TemplateFormat = {
        locale: locale ?? (tag === 'default' ? this.compiled.defaults.locale : tag),
        timeZone: timezone,
      };
      const title = this.render(ruleId, variant.title, recipientScope, `template ${tag}.title`, format).text;
      const body =
        variant.body === undefined
          ? null
          : this.render(ruleId, variant.body, recipientScope, `template ${tag}.body`, format).text;
      const data: Record<string, unknown> = { eventType: this.event.type };
      if (this.event.record !== undefined) data.record = this.event.record;
      for (const [key, template] of notify.data) {
        const rendered = this.render(ruleId, template, recipientScope, `data.${key}`, format);
        // Empty is left out: `{{data.x | default: ''}}` is how a rule makes a member optional.
        if (rendered.complete && rendered.text !== '') data[key] = rendered.text;
      }
      const draft: NotificationDraft = {
        id: notificationId(this.event.id, ruleId, recipient.id),
        recipient: recipient.id,
        recipientKind: recipient.kind,
        eventId: this.event.id,
        rule: ruleId,
        category: notify.category,
        priority,
        title,
        body,
        data,
        channels: [...notify.channels],
        locale: tag,
      };
      if (this.event.tenant !== undefined) draft.tenant = this.event.tenant;
      if (notify.collapseKey !== undefined) {
        // In the rule set's locale and zone, not the recipient's: a key must not change when
        // its recipient's settings do. A partial key (`order:`) would collapse unrelated
        // notifications into one.
        const key = this.render(ruleId, notify.collapseKey, recipientScope, 'collapseKey');
        if (key.complete && key.text !== '') draft.collapseKey = key.text;
      }
      if (expiresAt !== undefined) draft.expiresAt = expiresAt;
      this.notifications.push(draft);
    }
  }

  dueAt(ruleId: string, when: CompiledWhen): number | undefined {
    let base: number;
    if (when.at !== undefined) {
      const value = readPath(this.scope[when.at.root], when.at.keys);
      const parsed = instantMs(value);
      if (parsed === undefined) {
        this.warn(
          ruleId,
          `${when.at.text}: ${value === undefined || value === null ? 'no value' : `not an ISO 8601 instant with an offset, or epoch ms: ${JSON.stringify(value)}`}; no reminder`,
        );
        return undefined;
      }
      base = parsed;
    } else if (when.inMs !== undefined) {
      base = this.occurredMs + when.inMs;
    } else {
      return undefined;
    }
    return base + when.offsetMs;
  }

  record(ruleId: string, keys: CompiledKeys): { value: string | undefined; ok: boolean } {
    if (keys.record === undefined) return { value: this.event.record, ok: true };
    const rendered = this.render(ruleId, keys.record, this.scope, 'record');
    if (!rendered.complete) return { value: undefined, ok: false };
    if (!recordRefPattern.test(rendered.text)) {
      this.warn(ruleId, `record: '${rendered.text}' is not kind:id`);
      return { value: undefined, ok: false };
    }
    return { value: rendered.text, ok: true };
  }

  cancellationKey(ruleId: string, keys: CompiledKeys | Template): string | undefined {
    if ('parts' in keys || keys.cancellationKey !== undefined) {
      const template = 'parts' in keys ? keys : keys.cancellationKey!;
      const rendered = this.render(ruleId, template, this.scope, 'cancellationKey');
      if (!rendered.complete || rendered.text === '' || /\s/.test(rendered.text)) {
        if (rendered.complete)
          this.warn(ruleId, `cancellationKey: '${rendered.text}' is empty or has whitespace`);
        return undefined;
      }
      return rendered.text;
    }
    const record = this.record(ruleId, keys);
    if (!record.ok) return undefined;
    if (record.value === undefined) {
      this.warn(
        ruleId,
        'no record (the event has none and the rule gives no record template) to key the reminder by',
      );
      return undefined;
    }
    return `${record.value}:${keys.ruleId}`;
  }

  schedule(rule: CompiledRule, schedule: CompiledSchedule): void {
    const record = this.record(rule.id, schedule.keys);
    if (!record.ok) return this.warn(rule.id, 'not scheduled: the record is incomplete');
    const hasKey = schedule.keys.cancellationKey !== undefined || record.value !== undefined;
    const cancellationKey = hasKey ? this.cancellationKey(rule.id, schedule.keys) : undefined;
    if (hasKey && cancellationKey === undefined)
      return this.warn(rule.id, 'not scheduled: the cancellation key is incomplete');

    const command: Extract<ReminderCommand, { kind: 'create' }> = {
      kind: 'create',
      id: reminderId(this.event.id, rule.id),
      customerId: this.event.customerId,
      timezone: this.timezone(schedule.timezone),
      missedFirePolicy: schedule.missedFirePolicy,
      rule: rule.id,
      payload: this.payload(),
    };
    if (schedule.at !== undefined || schedule.inMs !== undefined) {
      const due = this.dueAt(rule.id, schedule);
      if (due === undefined) return;
      command.at = new Date(due).toISOString();
    }
    if (schedule.rrule !== undefined) command.rrule = schedule.rrule;
    if (schedule.cron !== undefined) command.cron = schedule.cron;
    if (record.value !== undefined) command.record = record.value;
    if (cancellationKey !== undefined) command.cancellationKey = cancellationKey;
    this.reminders.push(command);
  }

  timezone(setting: string): string {
    if (setting !== 'customer') return setting;
    const zone = this.profile?.timezone;
    return typeof zone === 'string' && zone !== '' ? zone : this.compiled.defaults.timezone;
  }

  payload(): Record<string, unknown> {
    const event: Record<string, unknown> = {
      id: this.event.id,
      type: this.event.type,
      occurredAt: this.event.occurredAt,
    };
    if (this.event.record !== undefined) event.record = this.event.record;
    return { event, data: this.event.data };
  }

  target(rule: CompiledRule, kind: 'cancel' | 'reschedule'): void {
    const target = rule[kind]!;
    const cancellationKey = this.cancellationKey(rule.id, target.keys);
    if (cancellationKey === undefined)
      return this.warn(rule.id, `no ${kind}: the cancellation key is incomplete`);
    if (kind === 'cancel') {
      this.reminders.push({ kind: 'cancel', cancellationKey });
      return;
    }
    const due = this.dueAt(rule.id, target.when!);
    if (due === undefined) return;
    this.reminders.push({ kind: 'reschedule', cancellationKey, at: new Date(due).toISOString() });
  }

  fired(): void {
    const parsed = reminderDueDataSchema.safeParse(this.event.data);
    if (!parsed.success)
      return this.warn(reminderDueEventType, 'reminder.due data is malformed; nothing sent');
    const due = parsed.data;
    const reminder: Record<string, unknown> = {
      id: due.reminderId,
      dueAt: new Date(due.dueAt).toISOString(),
      firedAt: new Date(due.firedAt).toISOString(),
      lateMs: due.lateMs,
      record: due.record,
      cancellationKey: due.cancellationKey,
      event: due.payload.event,
    };
    if (due.rule !== undefined) {
      const rule = this.compiled.byId.get(due.rule);
      if (rule?.schedule === undefined)
        return this.warn(due.rule, 'reminder fired but its schedule rule is gone; nothing sent');
      if (!rule.enabled) return this.warn(due.rule, 'reminder fired but its rule is disabled; nothing sent');
      const data = due.payload.data;
      const scope: TemplateScope = {
        ...this.scope,
        data: typeof data === 'object' && data !== null && !Array.isArray(data) ? data : {},
        reminder,
      };
      this.notify(
        rule.id,
        rule.schedule.notify,
        scope,
        this.recipients(rule.id, rule.schedule.notify, scope),
      );
    }
    if (due.notify !== undefined) {
      const notify = due.notify;
      for (const recipient of notify.recipients) {
        const draft: NotificationDraft = {
          id: notificationId(this.event.id, 'reminder', recipient),
          recipient,
          recipientKind: 'reminder',
          eventId: this.event.id,
          rule: 'reminder',
          category: notify.category,
          priority: notify.priority,
          title: notify.title,
          body: notify.body ?? null,
          data: {
            eventType: this.event.type,
            reminderId: due.reminderId,
            ...(due.record === undefined ? {} : { record: due.record }),
          },
          channels: [...notify.channels],
          locale: 'default',
        };
        if (this.event.tenant !== undefined) draft.tenant = this.event.tenant;
        this.notifications.push(draft);
      }
    }
  }
}

const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

function instantMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !isoInstant.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function candidates(compiled: CompiledRuleSet, type: string): readonly CompiledRule[] {
  const cached = compiled.candidates.get(type);
  if (cached !== undefined) return cached;
  const found = compiled.rules.filter((rule) => rule.enabled && rule.matchesType(type));
  if (compiled.candidates.size < 10_000) compiled.candidates.set(type, found);
  return found;
}

/**
 * What one event makes: notification drafts (each with its deterministic id), reminder commands,
 * and warnings (missing placeholders, recipients without an id). Pure and synchronous: the same
 * event, rule set and context give the same result. A `reminder.due` event also renders the
 * notification of the schedule rule that made the reminder. `options.only` limits the work to
 * one of the two lists.
 *
 * @example
 * const { notifications, reminders, warnings } = evaluate(ruleSet, loggedEvent, {
 *   customer: profile,
 *   recipientLocale: (id) => subscribers.get(id)?.locale,
 *   recipientTimeZone: (id) => subscribers.get(id)?.timezone,
 *   teamMembers: (team) => teams.get(team),
 * });
 */
export function evaluate(
  ruleSet: RuleSet,
  event: RuleEvent,
  context: EvaluationContext = {},
  options: EvaluateOptions = {},
): Evaluation {
  const run = new Run(compiledRuleSet(ruleSet), event, context);
  const notifications = options.only !== 'reminders';
  const reminders = options.only !== 'notifications';
  for (const rule of candidates(run.compiled, event.type)) {
    const notify = notifications ? rule.notify : undefined;
    const reminds =
      reminders &&
      (rule.schedule !== undefined || rule.cancel !== undefined || rule.reschedule !== undefined);
    if (notify === undefined && !reminds) continue;
    if (!rule.conditions.every((condition) => condition(run.scope))) continue;
    if (notify !== undefined)
      run.notify(rule.id, notify, run.scope, run.recipients(rule.id, notify, run.scope));
    if (!reminds) continue;
    if (rule.schedule !== undefined) run.schedule(rule, rule.schedule);
    if (rule.cancel !== undefined) run.target(rule, 'cancel');
    if (rule.reschedule !== undefined) run.target(rule, 'reschedule');
  }
  if (notifications && event.type === reminderDueEventType) run.fired();
  return { notifications: run.notifications, reminders: run.reminders, warnings: run.warnings };
}
