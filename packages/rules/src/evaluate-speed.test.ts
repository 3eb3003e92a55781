import { describe, expect, test } from 'vitest';
import { defaultRuleSet } from './default-rule-set.js';
import { evaluate, type EvaluationContext, type RuleEvent } from './evaluate.js';

describe('evaluation speed', () => {
  test('10,000 events evaluate well under a second', () => {
    const ruleSet = defaultRuleSet();
    const types = [
      'order.created',
      'order.updated',
      'order.paid',
      'order.shipped',
      'refund.requested',
      'review.posted',
      'ticket.assigned',
      'customer.updated',
      'campaign.created',
      'invoice.sent',
    ];
    const events: RuleEvent[] = Array.from({ length: 10_000 }, (_, i) => ({
      id: `evt-${i}`,
      tenant: 'acme',
      type: types[i % types.length]!,
      customerId: `cust-${i % 500}`,
      occurredAt: '2030-01-01T00:00:00.000Z',
      data: {
        orderId: String(i),
        total: i,
        currency: 'CNY',
        dueAt: '2030-01-02T00:00:00Z',
        rating: i % 5,
        ticketId: `T${i}`,
        assigneeId: `agent-${i % 20}`,
        campaignId: `C${i}`,
        name: 'Sale',
        endsAt: '2030-02-01T00:00:00Z',
        managerId: 'mgr-1',
      },
    }));
    const context: EvaluationContext = {
      customer: { name: 'Li Lei', ownerId: 'rep-7', locale: 'zh-CN', timezone: 'Asia/Shanghai' },
      recipientLocale: (id) => (id.startsWith('agent') ? 'zh-CN' : 'en'),
    };
    for (const event of events.slice(0, 500)) evaluate(ruleSet, event, context);

    const started = performance.now();
    let notifications = 0;
    let reminders = 0;
    for (const event of events) {
      const result = evaluate(ruleSet, event, context);
      notifications += result.notifications.length;
      reminders += result.reminders.length;
    }
    const elapsed = performance.now() - started;
    console.log(
      `evaluate: 10,000 events → ${notifications} notifications, ${reminders} reminder commands in ${elapsed.toFixed(1)} ms ` +
        `(${((elapsed * 1000) / events.length).toFixed(1)} µs/event)`,
    );
    expect(notifications).toBeGreaterThan(8000);
    expect(elapsed).toBeLessThan(5000);
  });
});
