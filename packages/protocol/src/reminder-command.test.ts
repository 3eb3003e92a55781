import { describe, expect, test } from 'vitest';
import { apiErrorFromZod } from './api-error.js';
import { reminderCommandSchema, reminderCreateSchema, reminderPatchSchema } from './reminder-command.js';
import { reminderDueDataSchema, reminderDueEventId } from './reminder-due.js';
import { eventIdPattern } from './event-id.js';
import { isCron, isRrule, missedFirePolicySchema } from './reminder-schedule.js';
import { reminderSchema } from './reminder.js';

const base = { customerId: 'cust-42', notify: { recipients: ['rep-7'], title: 'Call back' } };

function field(
  schema: { safeParse(v: unknown): { success: boolean; error?: unknown } },
  input: unknown,
): string | undefined {
  const result = schema.safeParse(input);
  expect(result.success).toBe(false);
  return apiErrorFromZod(result.error as never).error.field;
}

describe('reminderCreateSchema', () => {
  test('at an instant, normalised to UTC, with defaults', () => {
    const reminder = reminderCreateSchema.parse({ ...base, at: '2030-01-01T09:00:00+08:00' });
    expect(reminder).toMatchObject({
      at: '2030-01-01T01:00:00.000Z',
      timezone: 'UTC',
      missedFirePolicy: { policy: 'fire_now' },
      payload: {},
      notify: { category: 'reminders', priority: 'normal', channels: ['in_app'] },
    });
  });

  test('after a delay', () => {
    expect(reminderCreateSchema.parse({ ...base, in: 'PT1H' }).in).toBe('PT1H');
    expect(reminderCreateSchema.parse({ ...base, in: '90m' }).in).toBe('90m');
  });

  test('on a recurrence in a time zone', () => {
    const rrule = reminderCreateSchema.parse({
      ...base,
      rrule: 'FREQ=WEEKLY;BYDAY=MO;BYHOUR=9',
      timezone: 'Asia/Shanghai',
    });
    expect(rrule.timezone).toBe('Asia/Shanghai');
    expect(reminderCreateSchema.safeParse({ ...base, cron: '0 9 * * 1-5' }).success).toBe(true);
  });

  test('with every option', () => {
    const result = reminderCreateSchema.safeParse({
      ...base,
      id: 'rem-1',
      at: '2030-01-01T09:00:00Z',
      record: 'order:123',
      cancellationKey: 'order:123:payment-due',
      missedFirePolicy: { policy: 'fire_if_late_within', lateWithinMs: 3_600_000 },
      payload: { orderId: '123' },
      rule: 'payment-due',
    });
    expect(result.success).toBe(true);
  });

  test('refuses a bad time zone', () => {
    expect(field(reminderCreateSchema, { ...base, in: 'PT1H', timezone: 'Asia/Atlantis' })).toBe('timezone');
  });

  test('refuses at and in together, rrule and cron together, and no time at all', () => {
    expect(field(reminderCreateSchema, { ...base, at: '2030-01-01T09:00:00Z', in: 'PT1H' })).toBe('in');
    expect(field(reminderCreateSchema, { ...base, rrule: 'FREQ=DAILY', cron: '0 9 * * *' })).toBe('cron');
    expect(field(reminderCreateSchema, base)).toBe('at');
  });

  test('refuses bad durations, rules and policies', () => {
    expect(field(reminderCreateSchema, { ...base, in: '-PT1H' })).toBe('in');
    expect(field(reminderCreateSchema, { ...base, rrule: 'EVERY MONDAY' })).toBe('rrule');
    expect(field(reminderCreateSchema, { ...base, cron: '* * *' })).toBe('cron');
    expect(
      field(reminderCreateSchema, {
        ...base,
        in: 'PT1H',
        missedFirePolicy: { policy: 'fire_if_late_within' },
      }),
    ).toBe('missedFirePolicy.lateWithinMs');
    expect(field(reminderCreateSchema, { ...base, in: 'PT1H', missedFirePolicy: { policy: 'maybe' } })).toBe(
      'missedFirePolicy.policy',
    );
  });

  test('needs a notification or the rule that renders one', () => {
    expect(field(reminderCreateSchema, { customerId: 'c', in: 'PT1H' })).toBe('notify');
    expect(field(reminderCreateSchema, { ...base, in: 'PT1H', notify: { recipients: [], title: 'x' } })).toBe(
      'notify.recipients',
    );
  });
});

describe('reminderCommandSchema', () => {
  test('create, reschedule, cancel and snooze', () => {
    expect(reminderCommandSchema.parse({ kind: 'create', ...base, at: '2030-01-01T09:00:00Z' }).kind).toBe(
      'create',
    );
    expect(
      reminderCommandSchema.parse({
        kind: 'reschedule',
        cancellationKey: 'order:1:due',
        at: '2030-01-02T09:00:00Z',
      }),
    ).toMatchObject({
      kind: 'reschedule',
    });
    expect(reminderCommandSchema.parse({ kind: 'cancel', id: 'rem-1' })).toEqual({
      kind: 'cancel',
      id: 'rem-1',
    });
    expect(reminderCommandSchema.parse({ kind: 'cancel', cancellationKey: 'order:1:due' }).kind).toBe(
      'cancel',
    );
    expect(reminderCommandSchema.parse({ kind: 'snooze', id: 'rem-1', for: '10m' }).kind).toBe('snooze');
  });

  test('refuses a target given twice or not at all', () => {
    expect(field(reminderCommandSchema, { kind: 'cancel' })).toBe('id');
    expect(field(reminderCommandSchema, { kind: 'cancel', id: 'r', cancellationKey: 'k' })).toBe('id');
    expect(field(reminderCommandSchema, { kind: 'reschedule', id: 'r' })).toBe('at');
    expect(field(reminderCommandSchema, { kind: 'snooze', id: 'r' })).toBe('for');
    expect(field(reminderCommandSchema, { kind: 'pause', id: 'r' })).toBe('kind');
  });
});

describe('reminderPatchSchema', () => {
  test('one move at a time, and something to change', () => {
    expect(reminderPatchSchema.parse({ snooze: '15m' })).toEqual({ snooze: '15m' });
    expect(reminderPatchSchema.safeParse({ at: '2030-01-01T00:00:00Z', snooze: '15m' }).success).toBe(false);
    expect(reminderPatchSchema.safeParse({}).success).toBe(false);
    expect(reminderPatchSchema.safeParse({ missedFirePolicy: { policy: 'skip' } }).success).toBe(true);
  });
});

describe('schedules', () => {
  test('isRrule', () => {
    expect(isRrule('FREQ=DAILY')).toBe(true);
    expect(isRrule('RRULE:FREQ=MONTHLY;BYMONTHDAY=1;COUNT=12')).toBe(true);
    expect(isRrule('FREQ=DAILY;FREQ=WEEKLY')).toBe(false);
    expect(isRrule('FREQ=DAILY;COUNT=2;UNTIL=20300101T000000Z')).toBe(false);
    expect(isRrule('FREQ=DAILY;COLOR=RED')).toBe(false);
  });

  test('isCron', () => {
    for (const ok of [
      '* * * * *',
      '0 9 * * 1-5',
      '*/15 * * * *',
      '0 0 9 ? * MON-FRI',
      '0 12 L * *',
      '0 9 * * 1#2',
    ]) {
      expect(isCron(ok)).toBe(true);
    }
    for (const bad of ['', '* * * *', '* * * * * * *', '0 9 * * mon;rm']) expect(isCron(bad)).toBe(false);
  });

  test('missedFirePolicySchema', () => {
    expect(missedFirePolicySchema.parse({ policy: 'skip' })).toEqual({ policy: 'skip' });
    expect(missedFirePolicySchema.safeParse({ policy: 'fire_if_late_within', lateWithinMs: 0 }).success).toBe(
      false,
    );
  });
});

describe('reminder.due and reminder resources', () => {
  test('the due event id is stable per occurrence and a valid event id', () => {
    const id = reminderDueEventId('Ab_-9xYz0123456789abcd', 1_893_488_400_000);
    expect(id).toBe('rem:Ab_-9xYz0123456789abcd:1893488400000');
    expect(eventIdPattern.test(id)).toBe(true);
    expect(eventIdPattern.test(reminderDueEventId('r'.repeat(96), Number.MAX_SAFE_INTEGER))).toBe(true);
  });

  test('due data', () => {
    const data = {
      reminderId: 'rem-1',
      dueAt: 1,
      firedAt: 2,
      lateMs: 1,
      rule: 'payment-due',
      payload: { orderId: '1' },
    };
    expect(reminderDueDataSchema.parse(data)).toEqual(data);
    expect(reminderDueDataSchema.safeParse({ ...data, lateMs: -1 }).success).toBe(false);
  });

  test('a stored reminder', () => {
    const reminder = {
      id: 'rem-1',
      customerId: 'cust-42',
      record: 'order:123',
      cancellationKey: null,
      dueAt: 1,
      timezone: 'UTC',
      recurrence: null,
      missedFirePolicy: { policy: 'fire_now' },
      rule: null,
      notify: null,
      payload: {},
      status: 'pending',
      attempts: 0,
      lastError: null,
      createdAt: 0,
      updatedAt: 0,
      firedAt: null,
    };
    expect(reminderSchema.parse(reminder)).toEqual(reminder);
    expect(reminderSchema.safeParse({ ...reminder, status: 'sleeping' }).success).toBe(false);
  });
});
