import { readFile } from 'node:fs/promises';
import {
  notificationSchema,
  reminderCommandSchema,
  reminderDueEventId,
  type ReminderCommand,
} from '@herald/protocol';
import { describe, expect, test } from 'vitest';
import { defaultRuleSet, defaultRuleSetPath } from './default-rule-set.js';
import { evaluate, type EvaluationContext, type RuleEvent } from './evaluate.js';

const ruleSet = defaultRuleSet();

const customer = {
  id: 'cust-42',
  name: 'Li Lei',
  ownerId: 'rep-7',
  locale: 'zh-CN',
  timezone: 'Asia/Shanghai',
};
const context: EvaluationContext = {
  customer,
  recipientLocale: (id) => ({ 'rep-7': 'en', 'agent-3': 'zh-CN', 'mgr-1': 'zh-Hans-CN' })[id],
};

let counter = 0;
function event(type: string, data: Record<string, unknown>): RuleEvent {
  counter += 1;
  return {
    id: `evt-${counter}`,
    tenant: 'acme',
    type,
    customerId: 'cust-42',
    occurredAt: '2030-01-01T00:00:00.000Z',
    data,
  };
}

function summary(type: string, data: Record<string, unknown>) {
  const result = evaluate(ruleSet, event(type, data), context);
  expect(result.warnings).toEqual([]);
  for (const draft of result.notifications) {
    // A draft plus what push adds is a valid Notification.
    const notification = {
      ...draft,
      tenant: 'acme',
      seq: 1,
      createdAt: 0,
      seenAt: null,
      readAt: null,
      archivedAt: null,
    };
    expect(notificationSchema.safeParse(notification).error).toBeUndefined();
  }
  for (const command of result.reminders)
    expect(reminderCommandSchema.safeParse(command).error).toBeUndefined();
  return {
    notifications: result.notifications.map((n) => ({
      rule: n.rule,
      to: n.recipient,
      priority: n.priority,
      title: n.title,
      body: n.body,
      ...(n.collapseKey === undefined ? {} : { collapseKey: n.collapseKey }),
    })),
    reminders: result.reminders,
  };
}

const order = { orderId: '123', total: 299, currency: 'CNY' };

/** How Intl writes an amount and an instant, as the `currency` and `datetime` filters do. */
const money = (locale: string, amount: number, currency: string) =>
  new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount);
const dateTime = (locale: string, timeZone: string, iso: string) =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
    new Date(iso),
  );

describe('the default rule set', () => {
  test('loads from the package, and is shared', async () => {
    expect(ruleSet.ruleIds).toContain('payment-due');
    expect(defaultRuleSet()).toBe(ruleSet);
    expect(await readFile(defaultRuleSetPath, 'utf8')).toContain('rules:');
  });

  test('every rule with a template speaks English and Simplified Chinese', () => {
    for (const rule of ruleSet.definition.rules) {
      for (const template of [rule.template, rule.schedule?.notify.template]) {
        if (template !== undefined) expect(Object.keys(template).sort(), rule.id).toEqual(['en', 'zh-CN']);
      }
    }
  });

  test('order.created: the owner hears, and payment-due is scheduled an hour early', () => {
    const result = summary('order.created', { ...order, dueAt: '2030-01-02T18:00:00+08:00' });
    expect(result.notifications).toEqual([
      {
        rule: 'order-created',
        to: 'rep-7',
        priority: 'normal',
        title: 'New order #123',
        body: `Li Lei placed an order of ${money('en', 299, 'CNY')}.`,
        collapseKey: 'order:123',
      },
    ]);
    expect(result.reminders).toEqual([
      expect.objectContaining({
        kind: 'create',
        at: '2030-01-02T09:00:00.000Z',
        record: 'order:123',
        cancellationKey: 'order:123:payment-due',
        timezone: 'Asia/Shanghai',
        missedFirePolicy: { policy: 'fire_if_late_within', lateWithinMs: 3_600_000 },
        rule: 'payment-due',
      }),
    ]);
  });

  test('order.created without a due time schedules nothing', () => {
    expect(summary('order.created', order).reminders).toEqual([]);
  });

  test('order.updated: the owner hears (collapsing), and a new due time moves the reminder', () => {
    expect(summary('order.updated', { ...order, dueAt: '2030-01-03T18:00:00+08:00' })).toEqual({
      notifications: [
        {
          rule: 'order-updated',
          to: 'rep-7',
          priority: 'low',
          title: 'Order #123 updated',
          body: 'Li Lei changed order #123.',
          collapseKey: 'order:123',
        },
      ],
      reminders: [
        { kind: 'reschedule', cancellationKey: 'order:123:payment-due', at: '2030-01-03T09:00:00.000Z' },
      ],
    });
    expect(summary('order.updated', order).reminders).toEqual([]);
  });

  test('order.paid and order.cancelled cancel the payment reminder', () => {
    expect(summary('order.paid', order)).toEqual({
      notifications: [
        {
          rule: 'order-paid',
          to: 'rep-7',
          priority: 'normal',
          title: 'Order #123 paid',
          body: 'Li Lei paid order #123.',
          collapseKey: 'order:123',
        },
      ],
      reminders: [{ kind: 'cancel', cancellationKey: 'order:123:payment-due' }],
    });
    expect(summary('order.cancelled', order)).toEqual({
      notifications: [],
      reminders: [{ kind: 'cancel', cancellationKey: 'order:123:payment-due' }],
    });
  });

  test('order.shipped: the customer (in Chinese) and the owner', () => {
    expect(
      summary('order.shipped', { ...order, carrier: 'SF Express', trackingNumber: 'SF1234' }).notifications,
    ).toEqual([
      {
        rule: 'order-shipped',
        to: 'cust-42',
        priority: 'normal',
        title: '订单 #123 已发货',
        body: '承运商 SF Express，运单号 SF1234。',
        collapseKey: 'order:123',
      },
      {
        rule: 'order-shipped',
        to: 'rep-7',
        priority: 'normal',
        title: 'Order #123 has shipped',
        body: 'Carrier SF Express, tracking number SF1234.',
        collapseKey: 'order:123',
      },
    ]);
  });

  test('refund.requested: high priority to the owner', () => {
    expect(
      summary('refund.requested', {
        orderId: '123',
        refundId: 'R9',
        amount: 99,
        currency: 'CNY',
        reason: 'damaged',
      }).notifications,
    ).toEqual([
      {
        rule: 'refund-requested',
        to: 'rep-7',
        priority: 'high',
        title: 'Refund requested for order #123',
        body: `Li Lei asks for ${money('en', 99, 'CNY')} back: damaged`,
        collapseKey: 'refund:R9',
      },
    ]);
  });

  test('review.posted: low ratings are urgent for the owner, others are low priority', () => {
    const review = { reviewId: 'V1', productName: 'Tea', comment: 'Meh' };
    expect(summary('review.posted', { ...review, rating: 1 }).notifications).toEqual([
      {
        rule: 'review-low-rating',
        to: 'rep-7',
        priority: 'high',
        title: '1-star review from Li Lei',
        body: 'Tea: Meh',
      },
    ]);
    expect(summary('review.posted', { ...review, rating: '2' }).notifications[0]).toMatchObject({
      rule: 'review-low-rating',
    });
    expect(summary('review.posted', { ...review, rating: 5 }).notifications).toEqual([
      {
        rule: 'review-posted',
        to: 'rep-7',
        priority: 'low',
        title: '5-star review from Li Lei',
        body: 'Tea: Meh',
      },
    ]);
  });

  test('optional fields left out read as the rule says, without warnings', () => {
    const bodies = (type: string, data: Record<string, unknown>) =>
      summary(type, data).notifications.map((n) => n.body);
    expect(bodies('review.posted', { reviewId: 'V1', rating: 1 })).toEqual(['Their purchase: no comment']);
    expect(
      bodies('refund.requested', { orderId: '123', refundId: 'R9', amount: 5, currency: 'EUR' }),
    ).toEqual([`Li Lei asks for ${money('en', 5, 'EUR')} back: no reason given`]);
    expect(bodies('ticket.assigned', { ticketId: 'T7', assigneeId: 'agent-3' })).toEqual([
      '无主题（来自 Li Lei）',
    ]);
    expect(bodies('order.shipped', { orderId: '123', trackingNumber: 'SF1' })).toEqual([
      '承运商 未提供，运单号 SF1。',
      'Carrier not given, tracking number SF1.',
    ]);
    expect(bodies('order.shipped', { orderId: '123' })).toEqual([
      '承运商 未提供，运单号 未提供。',
      'Carrier not given, tracking number not given.',
    ]);
    // The notification's data carries the tracking number when there is one, and no member when not.
    const shippedData = (data: Record<string, unknown>) =>
      evaluate(ruleSet, event('order.shipped', data), context).notifications.map((n) => n.data);
    expect(shippedData({ orderId: '123', trackingNumber: 'SF1' })[0]).toMatchObject({
      trackingNumber: 'SF1',
    });
    expect(shippedData({ orderId: '123' })[0]).not.toHaveProperty('trackingNumber');
  });

  test('ticket.assigned: to the assignee, in their language', () => {
    expect(
      summary('ticket.assigned', { ticketId: 'T7', subject: '无法登录', assigneeId: 'agent-3' })
        .notifications,
    ).toEqual([
      {
        rule: 'ticket-assigned',
        to: 'agent-3',
        priority: 'normal',
        title: '工单 #T7 已分配给你',
        body: '无法登录（来自 Li Lei）',
        collapseKey: 'ticket:T7',
      },
    ]);
  });

  test('customer.updated: low priority to the owner, collapsing per customer', () => {
    expect(summary('customer.updated', {}).notifications).toEqual([
      {
        rule: 'customer-updated',
        to: 'rep-7',
        priority: 'low',
        title: 'Li Lei updated their profile',
        body: null,
        collapseKey: 'customer:cust-42',
      },
    ]);
  });

  test('campaign.ending: the owner and the campaign manager', () => {
    const campaign = {
      campaignId: 'C1',
      name: 'Spring Sale',
      endsAt: '2030-03-31T23:59:00+08:00',
      managerId: 'mgr-1',
    };
    expect(summary('campaign.ending', campaign).notifications).toEqual([
      {
        rule: 'campaign-ending',
        to: 'rep-7',
        priority: 'normal',
        title: 'Campaign “Spring Sale” is ending',
        body: `It ends on ${dateTime('en', 'UTC', '2030-03-31T23:59:00+08:00')}.`,
        collapseKey: 'campaign:C1:ending',
      },
      {
        rule: 'campaign-ending',
        to: 'mgr-1',
        priority: 'normal',
        title: '活动“Spring Sale”即将结束',
        body: `结束时间：${dateTime('zh-Hans-CN', 'UTC', '2030-03-31T23:59:00+08:00')}。`,
        collapseKey: 'campaign:C1:ending',
      },
    ]);
  });

  test('campaign.created schedules “ends in 1 hour”; cancelled cancels it; updated moves it', () => {
    const campaign = {
      campaignId: 'C1',
      name: 'Spring Sale',
      endsAt: '2030-03-31T23:59:00+08:00',
      managerId: 'mgr-1',
    };
    expect(summary('campaign.created', campaign).reminders).toEqual([
      expect.objectContaining({
        kind: 'create',
        at: '2030-03-31T14:59:00.000Z',
        record: 'campaign:C1',
        cancellationKey: 'campaign:C1:ends-soon',
        missedFirePolicy: { policy: 'skip' },
      }),
    ]);
    expect(summary('campaign.cancelled', campaign).reminders).toEqual([
      { kind: 'cancel', cancellationKey: 'campaign:C1:ends-soon' },
    ]);
    expect(summary('campaign.updated', { ...campaign, endsAt: '2030-04-01T00:00:00Z' }).reminders).toEqual([
      { kind: 'reschedule', cancellationKey: 'campaign:C1:ends-soon', at: '2030-03-31T23:00:00.000Z' },
    ]);
  });

  test('reminder.due renders the reminder that fired, for every scheduled reminder', () => {
    const fire = (command: ReminderCommand) => {
      if (command.kind !== 'create') throw new Error('expected create');
      const dueAt = Date.parse(command.at!);
      return summary('reminder.due', {
        reminderId: command.id,
        dueAt,
        firedAt: dueAt,
        lateMs: 0,
        record: command.record,
        cancellationKey: command.cancellationKey,
        rule: command.rule,
        payload: command.payload,
      }).notifications;
    };
    const [payment] = summary('order.created', { ...order, dueAt: '2030-01-02T18:00:00+08:00' }).reminders;
    expect(fire(payment!)).toEqual([
      {
        rule: 'payment-due',
        to: 'rep-7',
        priority: 'high',
        title: 'Payment for order #123 is due in 1 hour',
        // The rule set's zone (UTC) for the owner, who has none of their own.
        body: `${money('en', 299, 'CNY')} is due at ${dateTime('en', 'UTC', '2030-01-02T18:00:00+08:00')}.`,
        collapseKey: 'order:123:payment-due',
      },
      {
        rule: 'payment-due',
        to: 'cust-42',
        priority: 'high',
        title: '订单 #123 将在 1 小时后到期付款',
        // The customer's own locale and zone, from the profile.
        body: `应付 ${money('zh-CN', 299, 'CNY')}，截止时间 ${dateTime('zh-CN', 'Asia/Shanghai', '2030-01-02T18:00:00+08:00')}。`,
        collapseKey: 'order:123:payment-due',
      },
    ]);
    const [ending] = summary('campaign.created', {
      campaignId: 'C1',
      name: 'Spring Sale',
      endsAt: '2030-03-31T23:59:00+08:00',
      managerId: 'mgr-1',
    }).reminders;
    expect(fire(ending!).map((n) => [n.to, n.title])).toEqual([
      ['rep-7', 'Campaign “Spring Sale” ends in 1 hour'],
      ['mgr-1', '活动“Spring Sale”将在 1 小时后结束'],
    ]);
    expect(reminderDueEventId('x', 1)).toBe('rem:x:1');
  });
});
