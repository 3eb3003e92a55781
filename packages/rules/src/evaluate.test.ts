import {
  notificationId,
  reminderCommandSchema,
  reminderDueEventId,
  reminderId,
  type ReminderDueData,
} from '@herald/protocol';
import { describe, expect, test } from 'vitest';
import { evaluate, type EvaluationContext, type RuleEvent } from './evaluate.js';
import { parseRuleSet } from './parse-rule-set.js';

const ruleSet = parseRuleSet(
  `
defaults:
  timezone: Europe/Paris
rules:
  - id: big-order
    match:
      type: order.created
      when:
        - { field: data.total, op: gte, value: 1000 }
        - { field: data.status, op: in, value: [open, pending] }
    recipients: [owner, { users: [boss, owner-7] }, { team: sales }]
    priority: high
    category: orders
    channels: [in_app, webhook]
    collapseKey: 'order:{{data.orderId}}'
    expiresIn: P1D
    data: { orderId: '{{data.orderId}}', city: '{{data.shipTo.city}}' }
    template:
      en: { title: 'Big order #{{data.orderId}}', body: 'Hi {{recipient.id}}, {{customer.name}} spent {{data.total}} ({{data.shipTo.city}})' }
      zh-CN: { title: '大订单 #{{data.orderId}}', body: '{{customer.name}} 消费 {{data.total}}' }
      zh: { title: '大订单(zh) #{{data.orderId}}' }

  - id: any-order
    match: { type: 'order.*' }
    recipients: [customer]
    template:
      en: { title: '{{event.type}} for {{event.customerId}}' }
      zh-CN: { title: '{{event.type}}：{{event.customerId}}' }

  - id: assigned
    match: { type: [ticket.assigned, ticket.reassigned] }
    recipients: [{ field: data.assigneeId }, { field: data.watchers }]
    template: { title: 'Ticket {{data.ticketId}}' }

  - id: off
    enabled: false
    match: { type: '**' }
    recipients: [customer]
    template: { title: never }

  - id: payment-due
    match: { type: order.created, when: [{ field: data.dueAt, op: exists }] }
    schedule:
      at: data.dueAt
      offset: -PT1H
      record: 'order:{{data.orderId}}'
      missedFirePolicy: { policy: fire_if_late_within, lateWithin: PT30M }
      notify:
        recipients: [owner]
        priority: critical
        category: billing
        template:
          en: { title: 'Order #{{data.orderId}} due at {{reminder.dueAt}}', body: 'Record {{reminder.record}}, for {{recipient.id}}' }
          zh-CN: { title: '订单 #{{data.orderId}} 即将到期' }

  - id: follow-up
    match: { type: lead.created }
    schedule:
      in: P2D
      cancellationKey: 'lead:{{data.leadId}}:follow-up'
      timezone: Asia/Tokyo
      missedFirePolicy: skip
      notify: { recipients: [owner], template: { title: 'Follow up' } }

  - id: weekly-review
    match: { type: account.opened }
    schedule:
      rrule: FREQ=WEEKLY;BYDAY=MO;BYHOUR=9
      notify: { recipients: [owner], template: { title: 'Weekly review' } }

  - id: payment-due-cancel
    match: { type: order.paid }
    cancel: { reminder: payment-due }

  - id: payment-due-move
    match: { type: order.updated, when: [{ field: data.dueAt, op: exists }] }
    reschedule: { reminder: payment-due }

  - id: follow-up-move
    match: { type: lead.updated }
    reschedule: { cancellationKey: 'lead:{{data.leadId}}:follow-up', at: data.nextContactAt, offset: PT15M }

  - id: follow-up-cancel
    match: { type: lead.closed }
    cancel: { cancellationKey: 'lead:{{data.leadId}}:follow-up' }
`,
  { source: 'test.yaml' },
);

function event(type: string, data: Record<string, unknown>, extra: Partial<RuleEvent> = {}): RuleEvent {
  return {
    id: 'evt-1',
    tenant: 'acme',
    type,
    customerId: 'cust-42',
    occurredAt: '2030-01-01T00:00:00.000Z',
    data,
    ...extra,
  };
}

const context: EvaluationContext = {
  customer: { id: 'cust-42', name: 'Li Lei', ownerId: 'owner-7', locale: 'zh-CN', timezone: 'Asia/Shanghai' },
  recipientLocale: (id) => ({ 'owner-7': 'en-US', boss: 'zh-TW', ann: 'zh-CN' })[id],
  teamMembers: (team) => (team === 'sales' ? ['ann', 'boss'] : undefined),
};

const bigOrder = { orderId: 'A1', total: 1500, status: 'open', shipTo: { city: 'Lyon' } };

describe('matching', () => {
  test('exact type with conditions, and a glob', () => {
    const { notifications } = evaluate(ruleSet, event('order.created', bigOrder), context);
    expect(new Set(notifications.map((n) => n.rule))).toEqual(new Set(['big-order', 'any-order']));
  });

  test('a failed condition skips the rule', () => {
    expect(
      evaluate(ruleSet, event('order.created', { ...bigOrder, total: 999 }), context).notifications.map(
        (n) => n.rule,
      ),
    ).toEqual(['any-order']);
    expect(
      evaluate(ruleSet, event('order.created', { ...bigOrder, status: 'closed' }), context).notifications.map(
        (n) => n.rule,
      ),
    ).toEqual(['any-order']);
  });

  test('a list of types; disabled rules never match; unmatched types make nothing', () => {
    expect(
      evaluate(ruleSet, event('ticket.reassigned', { ticketId: 'T', assigneeId: 'ann' }), context)
        .notifications,
    ).toHaveLength(1);
    expect(evaluate(ruleSet, event('invoice.sent', {}), context)).toEqual({
      notifications: [],
      reminders: [],
      warnings: [],
    });
  });

  test('* stays within a segment', () => {
    expect(evaluate(ruleSet, event('order.item.added', {}), context).notifications).toEqual([]);
  });
});

describe('recipients', () => {
  const { notifications } = evaluate(ruleSet, event('order.created', bigOrder), context);
  const big = notifications.filter((n) => n.rule === 'big-order');

  test('owner, users and team, without duplicates, in order', () => {
    expect(big.map((n) => [n.recipient, n.recipientKind])).toEqual([
      ['owner-7', 'owner'],
      ['boss', 'users'],
      ['ann', 'team'],
    ]);
  });

  test('customer', () => {
    expect(notifications.find((n) => n.rule === 'any-order')).toMatchObject({
      recipient: 'cust-42',
      recipientKind: 'customer',
    });
  });

  test('fields, single and lists; bad values are warnings', () => {
    const result = evaluate(
      ruleSet,
      event('ticket.assigned', {
        ticketId: 'T1',
        assigneeId: 'ann',
        watchers: ['boss', 'ann', 42, 'bad id'],
      }),
      context,
    );
    expect(result.notifications.map((n) => n.recipient)).toEqual(['ann', 'boss']);
    expect(result.warnings).toEqual([
      { rule: 'assigned', message: 'data.watchers: not a recipient id: 42' },
      { rule: 'assigned', message: 'data.watchers: not a recipient id: "bad id"' },
    ]);
  });

  test('a missing owner, field or team is a warning, not an error', () => {
    const result = evaluate(ruleSet, event('order.created', bigOrder), {
      ...context,
      customer: { id: 'cust-42' },
      teamMembers: undefined,
    });
    expect(result.notifications.filter((n) => n.rule === 'big-order').map((n) => n.recipient)).toEqual([
      'boss',
      'owner-7',
    ]);
    expect(result.warnings).toContainEqual({
      rule: 'big-order',
      message: 'owner of customer cust-42: no value',
    });
    expect(result.warnings).toContainEqual({ rule: 'big-order', message: 'team sales: no members' });
    expect(evaluate(ruleSet, event('ticket.assigned', { ticketId: 'T' }), context).warnings).toContainEqual({
      rule: 'assigned',
      message: 'data.assigneeId: no value',
    });
  });

  test('the owner comes from the event when no profile is given', () => {
    const result = evaluate(
      ruleSet,
      event('order.created', bigOrder, { customer: { ownerId: 'rep-9' } }),
      {},
    );
    expect(result.notifications[0]).toMatchObject({ recipient: 'rep-9', recipientKind: 'owner' });
  });
});

describe('rendering', () => {
  const { notifications, warnings } = evaluate(ruleSet, event('order.created', bigOrder), context);
  const byRecipient = new Map(
    notifications.filter((n) => n.rule === 'big-order').map((n) => [n.recipient, n]),
  );

  test('each recipient gets their locale: en-US → en, zh-TW → zh, zh-CN exact', () => {
    expect(byRecipient.get('owner-7')).toMatchObject({
      locale: 'en',
      title: 'Big order #A1',
      body: 'Hi owner-7, Li Lei spent 1500 (Lyon)',
    });
    expect(byRecipient.get('boss')).toMatchObject({ locale: 'zh', title: '大订单(zh) #A1', body: null });
    expect(byRecipient.get('ann')).toMatchObject({
      locale: 'zh-CN',
      title: '大订单 #A1',
      body: 'Li Lei 消费 1500',
    });
  });

  test('the customer recipient falls back to the profile locale', () => {
    const customer = notifications.find((n) => n.rule === 'any-order')!;
    expect(customer.locale).toBe('zh-CN');
    expect(customer.title).toBe('order.created：cust-42');
    const noProfile = evaluate(ruleSet, event('order.paid', {}), {}).notifications[0]!;
    expect(noProfile).toMatchObject({ locale: 'en', title: 'order.paid for cust-42' });
  });

  test('ids are notificationId(event, rule, recipient)', () => {
    for (const n of notifications) expect(n.id).toBe(notificationId('evt-1', n.rule, n.recipient));
  });

  test('priority, category, channels, collapse key, expiry and data', () => {
    expect(byRecipient.get('ann')).toMatchObject({
      tenant: 'acme',
      eventId: 'evt-1',
      priority: 'high',
      category: 'orders',
      channels: ['in_app', 'webhook'],
      collapseKey: 'order:A1',
      expiresAt: Date.parse('2030-01-02T00:00:00.000Z'),
      data: { eventType: 'order.created', orderId: 'A1', city: 'Lyon' },
    });
    expect(warnings).toEqual([]);
  });

  test("expiry comes from the rule, else the rule set's default, else none", () => {
    const rules = (defaults: string) =>
      parseRuleSet(`
defaults: { ${defaults} }
rules:
  - { id: own, match: { type: a.b }, recipients: [owner], template: { en: { title: x } }, expiresIn: PT1H }
  - { id: inherits, match: { type: a.b }, recipients: [owner], template: { en: { title: y } } }
`);
    const expiries = (set: ReturnType<typeof parseRuleSet>) =>
      Object.fromEntries(
        evaluate(set, event('a.b', {}), context).notifications.map((n) => [n.rule, n.expiresAt]),
      );
    const occurred = Date.parse('2030-01-01T00:00:00.000Z');
    expect(expiries(rules('expiresIn: P7D'))).toEqual({
      own: occurred + 3_600_000,
      inherits: occurred + 7 * 86_400_000,
    });
    expect(expiries(rules(''))).toEqual({ own: occurred + 3_600_000, inherits: undefined });
  });

  test('priority comes from the rule, else the event, else the rule set default', () => {
    const plain = (priority?: 'critical') =>
      evaluate(ruleSet, event('order.paid', {}, priority === undefined ? {} : { priority }), context)
        .notifications[0]!.priority;
    expect(plain()).toBe('normal');
    expect(plain('critical')).toBe('critical');
  });

  test('missing placeholders render empty and warn once; a partial collapse key is dropped', () => {
    const result = evaluate(ruleSet, event('order.created', { total: 1000, status: 'open' }), context);
    const first = result.notifications.find((n) => n.rule === 'big-order')!;
    expect(first.title).toBe('Big order #');
    expect(first.collapseKey).toBeUndefined();
    expect(first.data).toEqual({ eventType: 'order.created' });
    expect(result.warnings).toEqual([
      { rule: 'big-order', message: 'template en.title: no value for {{data.orderId}}' },
      { rule: 'big-order', message: 'template en.body: no value for {{data.shipTo.city}}' },
      { rule: 'big-order', message: 'data.orderId: no value for {{data.orderId}}' },
      { rule: 'big-order', message: 'data.city: no value for {{data.shipTo.city}}' },
      { rule: 'big-order', message: 'collapseKey: no value for {{data.orderId}}' },
      { rule: 'big-order', message: 'template zh.title: no value for {{data.orderId}}' },
      { rule: 'big-order', message: 'template zh-CN.title: no value for {{data.orderId}}' },
    ]);
  });

  test("dates and amounts are written in each recipient's locale and time zone", () => {
    const rules = parseRuleSet(`
defaults: { locale: en, timezone: Europe/Paris }
rules:
  - id: due
    match: { type: order.created }
    recipients: [customer, owner, { users: [ann, bob] }]
    collapseKey: 'due:{{data.dueAt | date}}'
    template:
      en: { title: '{{data.total | currency: data.currency}} due {{data.dueAt | datetime}}' }
      zh-CN: { title: '{{data.total | currency: data.currency}} 截止 {{data.dueAt | datetime}}' }
`);
    const dueAt = '2030-01-08T20:00:00Z';
    const { notifications, warnings } = evaluate(
      rules,
      event('order.created', { total: 1234.5, currency: 'EUR', dueAt }),
      {
        customer: { id: 'cust-42', ownerId: 'owner-7', locale: 'zh-CN', timezone: 'Asia/Shanghai' },
        recipientLocale: (id) => ({ 'owner-7': 'en-GB', ann: 'de' })[id],
        recipientTimeZone: (id) => ({ 'owner-7': 'America/Los_Angeles' })[id],
      },
    );
    const dateTime = (locale: string, timeZone: string) =>
      new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
        new Date(dueAt),
      );
    const money = (locale: string) =>
      new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' }).format(1234.5);
    const titles = Object.fromEntries(notifications.map((n) => [n.recipient, n.title]));
    expect(titles).toEqual({
      // The profile's locale and zone for the customer.
      'cust-42': `${money('zh-CN')} 截止 ${dateTime('zh-CN', 'Asia/Shanghai')}`,
      // en-GB reads the en text, with British dates, in its own zone.
      'owner-7': `${money('en-GB')} due ${dateTime('en-GB', 'America/Los_Angeles')}`,
      // de has no variant: the en text, German numbers, the rule set's zone.
      ann: `${money('de')} due ${dateTime('de', 'Europe/Paris')}`,
      // Nothing known: the rule set's defaults.
      bob: `${money('en')} due ${dateTime('en', 'Europe/Paris')}`,
    });
    expect(titles['cust-42']).toContain('1月9日');
    expect(titles['owner-7']).toContain('8 Jan 2030');
    // Keys are written for no one in particular: the rule set's locale and zone.
    const key = `due:${new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'Europe/Paris' }).format(new Date(dueAt))}`;
    for (const n of notifications) expect(n.collapseKey).toBe(key);
    expect(warnings).toEqual([]);
  });

  test('is deterministic', () => {
    const e = event('order.created', { ...bigOrder, dueAt: '2030-01-05T12:00:00+01:00' });
    expect(evaluate(ruleSet, e, context)).toEqual(evaluate(ruleSet, e, context));
  });
});

describe('reminders', () => {
  test('schedule: at a field minus an offset, keyed by record, in the customer zone', () => {
    const result = evaluate(
      ruleSet,
      event('order.created', { ...bigOrder, dueAt: '2030-01-05T12:00:00+01:00' }),
      context,
    );
    expect(result.reminders).toEqual([
      {
        kind: 'create',
        id: reminderId('evt-1', 'payment-due'),
        customerId: 'cust-42',
        at: '2030-01-05T10:00:00.000Z',
        timezone: 'Asia/Shanghai',
        missedFirePolicy: { policy: 'fire_if_late_within', lateWithinMs: 1_800_000 },
        record: 'order:A1',
        cancellationKey: 'order:A1:payment-due',
        rule: 'payment-due',
        payload: {
          event: { id: 'evt-1', type: 'order.created', occurredAt: '2030-01-01T00:00:00.000Z' },
          data: { ...bigOrder, dueAt: '2030-01-05T12:00:00+01:00' },
        },
      },
    ]);
    for (const command of result.reminders)
      expect(reminderCommandSchema.safeParse(command).success).toBe(true);
  });

  test('schedule: epoch ms works; the rule set zone when the customer has none', () => {
    const result = evaluate(
      ruleSet,
      event('order.created', { orderId: 'B', dueAt: Date.parse('2030-01-05T12:00:00Z') }),
      { customer: {} },
    );
    expect(result.reminders[0]).toMatchObject({ at: '2030-01-05T11:00:00.000Z', timezone: 'Europe/Paris' });
  });

  test('schedule: a due time that is not an instant is a warning, not a reminder', () => {
    const result = evaluate(
      ruleSet,
      event('order.created', { orderId: 'B', dueAt: 'next tuesday' }),
      context,
    );
    expect(result.reminders).toEqual([]);
    expect(result.warnings).toContainEqual({
      rule: 'payment-due',
      message: 'data.dueAt: not an ISO 8601 instant with an offset, or epoch ms: "next tuesday"; no reminder',
    });
  });

  test('schedule: an incomplete record is a warning, not a reminder', () => {
    const result = evaluate(ruleSet, event('order.created', { dueAt: '2030-01-05T12:00:00Z' }), context);
    expect(result.reminders).toEqual([]);
    expect(result.warnings.map((w) => w.message)).toContain('not scheduled: the record is incomplete');
  });

  test('schedule: a delay after the event, an explicit key and zone; and a recurrence', () => {
    const lead = evaluate(ruleSet, event('lead.created', { leadId: 'L1' }), context).reminders[0]!;
    expect(lead).toMatchObject({
      kind: 'create',
      at: '2030-01-03T00:00:00.000Z',
      cancellationKey: 'lead:L1:follow-up',
      timezone: 'Asia/Tokyo',
      missedFirePolicy: { policy: 'skip' },
    });
    expect(lead).not.toHaveProperty('record');
    const weekly = evaluate(ruleSet, event('account.opened', {}), context).reminders[0]!;
    expect(weekly).toMatchObject({ kind: 'create', rrule: 'FREQ=WEEKLY;BYDAY=MO;BYHOUR=9' });
    expect(weekly).not.toHaveProperty('at');
    expect(reminderCommandSchema.safeParse(weekly).success).toBe(true);
  });

  test('cancel by the schedule rule: its key, rendered for this event', () => {
    expect(evaluate(ruleSet, event('order.paid', { orderId: 'A1' }), context).reminders).toEqual([
      { kind: 'cancel', cancellationKey: 'order:A1:payment-due' },
    ]);
    expect(evaluate(ruleSet, event('lead.closed', { leadId: 'L1' }), context).reminders).toEqual([
      { kind: 'cancel', cancellationKey: 'lead:L1:follow-up' },
    ]);
  });

  test('reschedule by the schedule rule: its key, field and offset', () => {
    const result = evaluate(
      ruleSet,
      event('order.updated', { orderId: 'A1', dueAt: '2030-02-01T09:00:00Z' }),
      context,
    );
    expect(result.reminders).toEqual([
      { kind: 'reschedule', cancellationKey: 'order:A1:payment-due', at: '2030-02-01T08:00:00.000Z' },
    ]);
    expect(evaluate(ruleSet, event('order.updated', { orderId: 'A1' }), context).reminders).toEqual([]);
    const lead = evaluate(
      ruleSet,
      event('lead.updated', { leadId: 'L1', nextContactAt: '2030-02-01T09:00:00Z' }),
      context,
    );
    expect(lead.reminders).toEqual([
      { kind: 'reschedule', cancellationKey: 'lead:L1:follow-up', at: '2030-02-01T09:15:00.000Z' },
    ]);
    for (const command of [...result.reminders, ...lead.reminders])
      expect(reminderCommandSchema.safeParse(command).success).toBe(true);
  });

  test('a cancel without a key value is a warning', () => {
    expect(evaluate(ruleSet, event('order.paid', {}), context).warnings).toContainEqual({
      rule: 'payment-due-cancel',
      message: 'no cancel: the cancellation key is incomplete',
    });
  });
});

describe('only one of the two lists', () => {
  const due = { ...bigOrder, dueAt: '2030-01-05T12:00:00+01:00' };

  test('reminders only: the same commands, and no notification rendered', () => {
    const full = evaluate(ruleSet, event('order.created', due), context);
    expect(full.notifications.length).toBeGreaterThan(0);
    const reminders = evaluate(ruleSet, event('order.created', due), context, { only: 'reminders' });
    expect(reminders.reminders).toEqual(full.reminders);
    expect(reminders.notifications).toEqual([]);
    expect(evaluate(ruleSet, event('order.paid', due), context, { only: 'reminders' }).reminders).toEqual(
      evaluate(ruleSet, event('order.paid', due), context).reminders,
    );
  });

  test('notifications only: the same drafts, and no reminder command', () => {
    const full = evaluate(ruleSet, event('order.created', due), context);
    expect(full.reminders.length).toBeGreaterThan(0);
    const notifications = evaluate(ruleSet, event('order.created', due), context, { only: 'notifications' });
    expect(notifications.notifications).toEqual(full.notifications);
    expect(notifications.reminders).toEqual([]);
  });

  test('a rule of the other kind is not even matched, so it warns of nothing', () => {
    // The notify rule's template reads a field this event lacks: a warning, but only when rendered.
    const noCity = { ...bigOrder, shipTo: {} };
    expect(evaluate(ruleSet, event('order.created', noCity), context).warnings).not.toEqual([]);
    expect(
      evaluate(ruleSet, event('order.created', noCity), context, { only: 'reminders' }).warnings,
    ).toEqual([]);
  });
});

describe('reminder.due', () => {
  const scheduled = evaluate(
    ruleSet,
    event('order.created', { ...bigOrder, dueAt: '2030-01-05T12:00:00+01:00' }),
    context,
  ).reminders[0] as Extract<ReturnType<typeof evaluate>['reminders'][number], { kind: 'create' }>;
  const dueAt = Date.parse(scheduled.at!);
  const due = (data: Partial<ReminderDueData>): RuleEvent => ({
    id: reminderDueEventId(scheduled.id!, dueAt),
    tenant: 'acme',
    type: 'reminder.due',
    customerId: 'cust-42',
    occurredAt: new Date(dueAt).toISOString(),
    data: {
      reminderId: scheduled.id!,
      dueAt,
      firedAt: dueAt + 5000,
      lateMs: 5000,
      record: scheduled.record!,
      cancellationKey: scheduled.cancellationKey!,
      rule: 'payment-due',
      payload: scheduled.payload,
      ...data,
    },
  });

  test('is a notification: with reminders only, nothing is rendered', () => {
    expect(evaluate(ruleSet, due({}), context).notifications).toHaveLength(1);
    expect(evaluate(ruleSet, due({}), context, { only: 'reminders' })).toEqual({
      notifications: [],
      reminders: [],
      warnings: [],
    });
  });

  test('renders the schedule rule’s notify with the scheduling event’s data', () => {
    const result = evaluate(ruleSet, due({}), context);
    expect(result.warnings).toEqual([]);
    expect(result.notifications).toEqual([
      {
        id: notificationId(reminderDueEventId(scheduled.id!, dueAt), 'payment-due', 'owner-7'),
        tenant: 'acme',
        recipient: 'owner-7',
        recipientKind: 'owner',
        eventId: reminderDueEventId(scheduled.id!, dueAt),
        rule: 'payment-due',
        category: 'billing',
        priority: 'critical',
        title: 'Order #A1 due at 2030-01-05T10:00:00.000Z',
        body: 'Record order:A1, for owner-7',
        data: { eventType: 'reminder.due' },
        channels: ['in_app'],
        locale: 'en',
      },
    ]);
  });

  test('a reminder of a removed or disabled rule sends nothing and warns', () => {
    expect(evaluate(ruleSet, due({ rule: 'gone' }), context)).toMatchObject({
      notifications: [],
      warnings: [{ rule: 'gone', message: 'reminder fired but its schedule rule is gone; nothing sent' }],
    });
  });

  test('an HTTP reminder sends its own notification', () => {
    const { rule: _rule, ...rest } = due({}).data as unknown as ReminderDueData;
    const result = evaluate(
      ruleSet,
      {
        ...due({}),
        data: {
          ...rest,
          notify: {
            recipients: ['ann', 'boss'],
            title: 'Call Li Lei',
            category: 'reminders',
            priority: 'normal',
            channels: ['in_app'],
          },
        },
      },
      context,
    );
    expect(result.notifications.map((n) => [n.recipient, n.rule, n.title, n.body])).toEqual([
      ['ann', 'reminder', 'Call Li Lei', null],
      ['boss', 'reminder', 'Call Li Lei', null],
    ]);
  });

  test('malformed due data warns', () => {
    expect(evaluate(ruleSet, { ...due({}), data: { nope: true } }, context).warnings).toEqual([
      { rule: 'reminder.due', message: 'reminder.due data is malformed; nothing sent' },
    ]);
  });
});
