import { describe, expect, test } from 'vitest';
import { apiErrorFromZod } from './api-error.js';
import { crmEventSchema, type CrmEventInput } from './crm-event.js';
import { customerProfileSchema, customerUpdateSchema } from './customer-profile.js';

const valid: CrmEventInput = {
  type: 'order.created',
  customerId: 'cust-42',
  occurredAt: '2030-01-01T09:00:00+08:00',
  data: { orderId: '123', total: 99.5 },
};

function firstError(input: unknown) {
  const result = crmEventSchema.safeParse(input);
  expect(result.success).toBe(false);
  return apiErrorFromZod(result.error!).error;
}

describe('crmEventSchema', () => {
  test('accepts a minimal event and normalises occurredAt to UTC', () => {
    const event = crmEventSchema.parse(valid);
    expect(event.occurredAt).toBe('2030-01-01T01:00:00.000Z');
    expect(event.data).toEqual({ orderId: '123', total: 99.5 });
  });

  test('normalises every accepted form of an instant to the same UTC text', () => {
    const forms = [
      '2030-01-01T01:00:00.000Z',
      '2030-01-01T01:00:00Z',
      '2030-01-01T01:00:00.0Z',
      '2030-01-01T09:00:00+08:00',
      '2029-12-31T20:00:00.000-05:00',
    ];
    for (const occurredAt of forms) {
      expect(crmEventSchema.parse({ ...valid, occurredAt }).occurredAt).toBe('2030-01-01T01:00:00.000Z');
    }
    expect(crmEventSchema.parse({ ...valid, occurredAt: '2028-02-29T23:59:59.999Z' }).occurredAt).toBe(
      '2028-02-29T23:59:59.999Z',
    );
    expect(crmEventSchema.safeParse({ ...valid, occurredAt: '2030-02-29T00:00:00.000Z' }).success).toBe(
      false,
    );
  });

  test('accepts every optional member', () => {
    const event = crmEventSchema.parse({
      ...valid,
      id: 'crm:evt_1.2-3',
      priority: 'high',
      record: 'order:123',
      customer: {
        name: 'Li Lei',
        email: 'li@example.com',
        locale: 'zh-cn',
        timezone: 'Asia/Shanghai',
        ownerId: 'rep-7',
        version: 3,
      },
    });
    expect(event.id).toBe('crm:evt_1.2-3');
    expect(event.customer?.locale).toBe('zh-CN');
  });

  test.each([
    ['Order.Created', 'uppercase'],
    ['order', 'a single segment'],
    ['order..created', 'an empty segment'],
    ['order.created.', 'a trailing dot'],
    ['1order.created', 'a leading digit'],
    ['order created', 'a space'],
  ])('refuses the type %j (%s)', (type) => {
    expect(firstError({ ...valid, type })).toMatchObject({ code: 'invalid_field', field: 'type' });
  });

  test('accepts dotted types with digits, underscores and dashes', () => {
    for (const type of [
      'ticket.sla_breached',
      'campaign.ends-soon',
      'crm.v2.order.created',
      'reminder.due',
    ]) {
      expect(crmEventSchema.safeParse({ ...valid, type }).success).toBe(true);
    }
  });

  test('names a missing customerId as required', () => {
    const { customerId: _omit, ...rest } = valid;
    expect(firstError(rest)).toEqual({
      code: 'invalid_field',
      message: 'customerId: required',
      field: 'customerId',
    });
  });

  test('refuses an occurredAt without an offset, or not a date', () => {
    expect(firstError({ ...valid, occurredAt: '2030-01-01T09:00:00' }).field).toBe('occurredAt');
    expect(firstError({ ...valid, occurredAt: 'yesterday' }).message).toMatch(/ISO 8601/);
    expect(firstError({ ...valid, occurredAt: 1_700_000_000_000 }).field).toBe('occurredAt');
  });

  test('refuses a bad priority', () => {
    expect(firstError({ ...valid, priority: 'urgent' })).toMatchObject({ field: 'priority' });
  });

  test('refuses an id over 128 characters or with other characters', () => {
    expect(crmEventSchema.safeParse({ ...valid, id: 'a'.repeat(128) }).success).toBe(true);
    expect(firstError({ ...valid, id: 'a'.repeat(129) }).field).toBe('id');
    expect(firstError({ ...valid, id: '' }).field).toBe('id');
    expect(firstError({ ...valid, id: 'evt/1' }).field).toBe('id');
  });

  test('refuses a tenant in the body and any unknown member', () => {
    expect(firstError({ ...valid, tenant: 'acme' })).toEqual({
      code: 'invalid_field',
      message: "tenant: unknown field 'tenant'",
      field: 'tenant',
    });
  });

  test('refuses data that is not a plain object, naming what it is', () => {
    expect(firstError({ ...valid, data: [1, 2] })).toEqual({
      code: 'invalid_field',
      message: 'data: Invalid input: expected record, received array',
      field: 'data',
    });
    expect(firstError({ ...valid, data: null }).message).toBe(
      'data: Invalid input: expected record, received null',
    );
    expect(firstError({ ...valid, data: 'text' }).field).toBe('data');
    expect(firstError({ ...valid, data: new Map([['a', 1]]) }).message).toMatch(/received Map$/);
    const { data: _data, ...withoutData } = valid;
    expect(firstError(withoutData).message).toBe('data: required');
  });

  test('takes data as it came, members untouched', () => {
    const data = JSON.parse(
      '{"orderId":"1","nested":{"a":[1,{"b":null}]},"__proto__":{"x":1},"constructor":"c"}',
    ) as Record<string, unknown>;
    const parsed = crmEventSchema.parse({ ...valid, data });
    expect(parsed.data).toBe(data);
    expect(Object.keys(parsed.data)).toEqual(['orderId', 'nested', '__proto__', 'constructor']);
    const bare = Object.create(null) as Record<string, unknown>;
    expect(crmEventSchema.parse({ ...valid, data: bare }).data).toEqual({});
  });

  test('refuses a record that is not kind:id', () => {
    expect(firstError({ ...valid, record: '123' }).field).toBe('record');
  });

  test('names nested customer fields', () => {
    expect(firstError({ ...valid, customer: { timezone: 'Mars/Olympus' } })).toMatchObject({
      field: 'customer.timezone',
    });
    expect(firstError({ ...valid, customer: { email: 'nope' } })).toMatchObject({ field: 'customer.email' });
    expect(firstError({ ...valid, customer: { locale: 'not a locale!' } })).toMatchObject({
      field: 'customer.locale',
    });
    expect(firstError({ ...valid, customer: { version: -1 } })).toMatchObject({ field: 'customer.version' });
  });
});

describe('customer profiles', () => {
  test('an update may clear fields with null', () => {
    expect(customerUpdateSchema.parse({ name: null, ownerId: null })).toEqual({ name: null, ownerId: null });
  });

  test('a full profile needs every column', () => {
    const profile = {
      id: 'cust-42',
      name: 'Ada',
      email: null,
      phone: '+86 138 0000 0000',
      locale: 'en',
      timezone: 'Europe/London',
      ownerId: 'rep-7',
      attributes: { tier: 'gold' },
      version: 1,
      updatedAt: 1_700_000_000_000,
    };
    expect(customerProfileSchema.parse(profile)).toEqual(profile);
    const { attributes: _omit, ...rest } = profile;
    expect(customerProfileSchema.safeParse(rest).success).toBe(false);
  });
});

describe('locales', () => {
  test('profile locales are canonicalised, underscores included', () => {
    expect(customerUpdateSchema.parse({ locale: 'zh_cn' }).locale).toBe('zh-CN');
    expect(customerUpdateSchema.parse({ locale: 'EN-us' }).locale).toBe('en-US');
  });
});
