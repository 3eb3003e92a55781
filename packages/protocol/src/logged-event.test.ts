import { describe, expect, test } from 'vitest';
import { crmEventSchema } from './crm-event.js';
import { generateEventId } from './event-id.js';
import {
  createLoggedEvent,
  decodeLoggedEvent,
  encodeLoggedEvent,
  encodeNewLoggedEvent,
  type LoggedEvent,
} from './logged-event.js';
import { ProtocolError } from './protocol-error.js';

const event = crmEventSchema.parse({
  type: 'order.created',
  customerId: 'cust-42',
  occurredAt: '2030-01-01T09:00:00+08:00',
  data: { orderId: '123', items: [{ sku: 'A', qty: 2 }] },
  record: 'order:123',
});

function decodeError(input: string): ProtocolError {
  try {
    decodeLoggedEvent(input);
  } catch (error) {
    if (ProtocolError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('decoded');
}

describe('createLoggedEvent', () => {
  test('generates a UUIDv7 id when the client gave none', () => {
    const logged = createLoggedEvent(event, { tenant: 'acme', receivedAt: 1_700_000_000_000 });
    expect(logged.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(logged.id.replace(/-/g, '').slice(0, 12), 16)).toBe(1_700_000_000_000);
    expect(logged).toMatchObject({
      tenant: 'acme',
      receivedAt: 1_700_000_000_000,
      appendedAt: 1_700_000_000_000,
    });
  });

  test('keeps the client id and the idempotency key', () => {
    const logged = createLoggedEvent(
      { ...event, id: 'crm-1' },
      { tenant: 'acme', idempotencyKey: 'k-1', appendedAt: 5 },
    );
    expect(logged).toMatchObject({ id: 'crm-1', idempotencyKey: 'k-1', appendedAt: 5 });
  });

  test('generated ids are unique and sort by time', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => generateEventId(1_700_000_000_000 + i));
    expect(new Set(ids).size).toBe(1000);
    expect([...ids].sort()).toEqual(ids);
  });

  test('generated ids stay unique, UUIDv7-shaped and random across refills of the random pool', () => {
    const ids = Array.from({ length: 20_000 }, () => generateEventId(1_700_000_000_000));
    expect(new Set(ids).size).toBe(20_000);
    for (const id of ids.slice(0, 1000)) {
      expect(id).toMatch(/^018bcfe5-6800-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    // Each random hex digit of the last group is about uniform: no stuck or repeated pool bytes.
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(id.at(-1)!, (counts.get(id.at(-1)!) ?? 0) + 1);
    for (const count of counts.values()) expect(count).toBeGreaterThan(1000);
    expect(counts.size).toBe(16);
  });
});

describe('encodeLoggedEvent / decodeLoggedEvent', () => {
  const logged: LoggedEvent = createLoggedEvent(event, {
    tenant: 'acme',
    receivedAt: 10,
    appendedAt: 12,
    idempotencyKey: 'k',
  });

  test('round-trips text and bytes', () => {
    const text = encodeLoggedEvent(logged);
    expect(JSON.parse(text)).toMatchObject({ v: 1, tenant: 'acme' });
    expect(decodeLoggedEvent(text)).toEqual(logged);
    expect(decodeLoggedEvent(new TextEncoder().encode(text))).toEqual(logged);
  });

  test('names the missing or bad field', () => {
    const { tenant: _omit, ...noTenant } = logged;
    const error = decodeError(JSON.stringify({ v: 1, ...noTenant }));
    expect(error.code).toBe('DECODE_FAILED');
    expect(error.field).toBe('tenant');
    expect(error.message).toBe('logged event: tenant: required');
    expect(decodeError(JSON.stringify({ v: 1, ...logged, occurredAt: 'soon' })).field).toBe('occurredAt');
    expect(decodeError(JSON.stringify({ v: 1, ...logged, extra: true })).field).toBe('extra');
  });

  test('keeps the fraction of its stage times, and refuses negative or missing ones', () => {
    const precise = createLoggedEvent(event, {
      tenant: 'acme',
      receivedAt: 1_796_573_618_123.437,
      appendedAt: 1_796_573_618_123.912,
    });
    expect(decodeLoggedEvent(encodeLoggedEvent(precise))).toMatchObject({
      receivedAt: 1_796_573_618_123.437,
      appendedAt: 1_796_573_618_123.912,
    });
    expect(decodeError(JSON.stringify({ v: 1, ...logged, appendedAt: -1 })).field).toBe('appendedAt');
    expect(decodeError(JSON.stringify({ v: 1, ...logged, receivedAt: '10' })).field).toBe('receivedAt');
  });

  test('encodeNewLoggedEvent writes what createLoggedEvent then encodeLoggedEvent would', () => {
    const options = { tenant: 'acme', receivedAt: 10, appendedAt: 12, idempotencyKey: 'k"\\' };
    const withId = { ...event, id: 'evt-own' };
    expect(decodeLoggedEvent(encodeNewLoggedEvent(withId, options))).toEqual(
      createLoggedEvent(withId, options),
    );
    // No id: the given one, else a new UUIDv7; never a second "id" key.
    const { id: _none, ...withoutId } = withId;
    const named = encodeNewLoggedEvent(withoutId, { ...options, id: 'idk-1' });
    expect(decodeLoggedEvent(named)).toEqual(createLoggedEvent(withoutId, { ...options, id: 'idk-1' }));
    expect(named.match(/"id":/g)).toHaveLength(1);
    const generated = decodeLoggedEvent(encodeNewLoggedEvent(withoutId, { tenant: 'acme', receivedAt: 10 }));
    expect(generated).toMatchObject({ receivedAt: 10, appendedAt: 10 });
    expect(generated.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(generated).not.toHaveProperty('idempotencyKey');
  });

  test('encodeNewLoggedEvent gives each call its own tenant and times, and escapes an id that needs it', () => {
    // The envelope's start is reused while tenant and times repeat (a batch): any change shows.
    const calls = [
      { tenant: 'acme', receivedAt: 10, appendedAt: 11 },
      { tenant: 'acme', receivedAt: 10, appendedAt: 11 },
      { tenant: 'globex', receivedAt: 10, appendedAt: 11 },
      { tenant: 'globex', receivedAt: 10.5, appendedAt: 11 },
      { tenant: 'globex', receivedAt: 10.5, appendedAt: 12.25 },
    ];
    for (const options of calls) {
      expect(decodeLoggedEvent(encodeNewLoggedEvent(event, options))).toMatchObject(options);
    }
    // Ingest's own ids are plain; an id from elsewhere is still written as valid JSON.
    const odd = JSON.parse(encodeNewLoggedEvent(event, { tenant: 'acme', id: 'a"b\\c' })) as { id: string };
    expect(odd.id).toBe('a"b\\c');
  });

  test('refuses another envelope version', () => {
    expect(decodeError(JSON.stringify({ ...logged, v: 2 })).field).toBe('v');
    expect(decodeError(JSON.stringify(logged)).field).toBe('v');
  });

  test('refuses text that is not JSON, and bytes that are not UTF-8', () => {
    expect(decodeError('{nope').message).toMatch(/not valid UTF-8 JSON/);
    expect(() => decodeLoggedEvent(new Uint8Array([0xff, 0xfe]))).toThrow(/not valid UTF-8 JSON/);
    expect(decodeError('[]').code).toBe('DECODE_FAILED');
  });
});

describe('ProtocolError', () => {
  test('carries a code and cause and is recognised across copies', () => {
    const cause = new Error('inner');
    const error = new ProtocolError('INVALID_ARGUMENT', 'bad', { cause });
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('ProtocolError');
    expect(ProtocolError.isInstance(error)).toBe(true);
    expect(ProtocolError.isInstance({ [Symbol.for('@herald/protocol/error')]: true })).toBe(true);
    expect(ProtocolError.isInstance(new Error('x'))).toBe(false);
    expect(ProtocolError.isInstance(null)).toBe(false);
  });
});
