import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventLog } from '@herald/transport';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createHarness, event } from './harness.js';

describe('POST /v1/events', () => {
  it('appends an accepted event to the log, keyed by tenant:customer, and answers 202 with its id', async () => {
    await using h = await createHarness();
    const response = await h.post('/v1/events', event('cust-7', { id: 'evt-1' }));
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ id: 'evt-1', status: 'accepted', duplicate: false });
    const records = await h.readLog(1);
    expect(records).toHaveLength(1);
    expect(records[0]!.key).toBe(`${h.tenant}:cust-7`);
    expect(records[0]!.event).toMatchObject({
      id: 'evt-1',
      tenant: h.tenant,
      type: 'order.created',
      customerId: 'cust-7',
      data: { orderId: '123', total: 99.5 },
    });
    expect(h.store.processedEvents.isProcessed(h.tenant, 'evt-1')).toBe(true);
  });

  it('generates an id when the event has none', async () => {
    await using h = await createHarness();
    const response = await h.post('/v1/events', event());
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    const [record] = await h.readLog(1);
    expect(record?.event.id).toBe(id);
    // Nobody can retry with an id made here: nothing is recorded for it.
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.store.processedEvents.isProcessed(h.tenant, id)).toBe(false);
  });

  it('drops a duplicate by event id without appending it again', async () => {
    await using h = await createHarness();
    expect((await h.post('/v1/events', event('c', { id: 'evt-dup' }))).status).toBe(202);
    const again = await h.post('/v1/events', event('c', { id: 'evt-dup' }));
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ id: 'evt-dup', status: 'duplicate', duplicate: true });
    expect(await h.readLog(2)).toHaveLength(1);
  });

  it('drops a duplicate by Idempotency-Key, answering the same id', async () => {
    await using h = await createHarness();
    const first = await h.post('/v1/events', event(), { 'idempotency-key': 'retry-1' });
    const { id } = (await first.json()) as { id: string };
    const second = await h.post('/v1/events', event(), { 'idempotency-key': 'retry-1' });
    expect(await second.json()).toEqual({ id, status: 'duplicate', duplicate: true });
    const other = await h.post('/v1/events', event(), { 'idempotency-key': 'retry-2' });
    expect(await other.json()).toMatchObject({ status: 'accepted' });
    const records = await h.readLog(3);
    expect(records).toHaveLength(2);
    expect(records[0]!.event.idempotencyKey).toBe('retry-1');
  });

  it('catches duplicates after a restart with a fresh Bloom filter', async () => {
    await using h = await createHarness();
    await h.post('/v1/events', event('c', { id: 'evt-r' }));
    await h.post('/v1/events', event('c'), { 'idempotency-key': 'k-r' });
    await h.restart();
    expect(await (await h.post('/v1/events', event('c', { id: 'evt-r' }))).json()).toMatchObject({
      status: 'duplicate',
    });
    expect(await (await h.post('/v1/events', event('c'), { 'idempotency-key': 'k-r' })).json()).toMatchObject(
      { status: 'duplicate' },
    );
    expect(await h.readLog(3)).toHaveLength(2);
  });

  it('with exactCheck always, catches ids another user of the store recorded after it started', async () => {
    await using h = await createHarness({ dedup: { exactCheck: 'always' } });
    h.store.processedEvents.markProcessed(h.tenant, 'evt-elsewhere', Date.now() + 60_000);
    const response = await h.post('/v1/events', event('c', { id: 'evt-elsewhere' }));
    expect(await response.json()).toMatchObject({ status: 'duplicate' });
    expect(await h.readLog(0)).toHaveLength(0);
  });

  it('warns, naming the setting, when more ids arrive than the dedup filter was sized for', async () => {
    type LogLine = { level: number; msg: string; expectedItems?: number };
    const lines: LogLine[] = [];
    const logger = pino(
      { level: 'warn' },
      { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
    );
    await using h = await createHarness({ logger, dedup: { expectedItems: 50 } });
    for (let batch = 0; batch < 6; batch++) {
      const events = Array.from({ length: 500 }, (_, i) => event('c', { id: `evt-${batch}-${i}` }));
      expect((await h.post('/v1/events/batch', { events })).status).toBe(202);
    }
    const warnings = lines.filter((line) => line.msg.includes('HERALD_INGEST_DEDUP_EXPECTED_ITEMS'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, expectedItems: 50 });
  });

  it('at start, sizes the dedup filter for the ids the store already holds, and says so', async () => {
    type LogLine = { level: number; msg: string; recorded?: number; expectedItems?: number };
    const lines: LogLine[] = [];
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
    );
    await using h = await createHarness({ logger, dedup: { expectedItems: 50 } });
    const events = Array.from({ length: 300 }, (_, i) => event('c', { id: `evt-${i}` }));
    expect((await h.post('/v1/events/batch', { events })).status).toBe(202);
    await new Promise((resolve) => setImmediate(resolve));
    await h.restart();
    const sized = lines.filter((line) => line.msg.includes('sized it for twice as many'));
    expect(sized).toHaveLength(1);
    expect(sized[0]).toMatchObject({ level: 30, recorded: 300, expectedItems: 600 });
    // Sized for them, the filter sends hardly any new id of the next batch to the store (sized
    // for 50, it sent most: see the /metrics test of an undersized filter).
    const more = Array.from({ length: 300 }, (_, i) => event('c', { id: `evt-new-${i}` }));
    expect((await h.post('/v1/events/batch', { events: more })).status).toBe(202);
    const metrics = await (await h.ingest.app.request('/metrics')).text();
    const exactChecks = Number(/^herald_ingest_dedup_exact_checks_total (\S+)$/m.exec(metrics)?.[1]);
    expect(exactChecks).toBeLessThan(5);
  });

  it('appends concurrent requests with one id only once', async () => {
    await using h = await createHarness();
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => h.post('/v1/events', event('c', { id: 'evt-race' }))),
    );
    const statuses = await Promise.all(
      responses.map(async (r) => ((await r.json()) as { status: string }).status),
    );
    expect(statuses.filter((s) => s === 'accepted')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(4);
    expect(await h.readLog(2)).toHaveLength(1);
  });

  it('accepts each id once when batches sharing ids race each other and single requests', async () => {
    await using h = await createHarness();
    const ids = Array.from({ length: 20 }, (_, i) => `evt-shared-${i}`);
    const batch = () => h.post('/v1/events/batch', { events: ids.map((id) => event('c', { id })) });
    const responses = await Promise.all([batch(), batch(), h.post('/v1/events', event('c', { id: ids[7] }))]);
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as {
      accepted?: number;
      status?: string;
    }[];
    const accepted =
      (bodies[0]!.accepted ?? 0) + (bodies[1]!.accepted ?? 0) + (bodies[2]!.status === 'accepted' ? 1 : 0);
    expect(accepted).toBe(20);
    expect(await h.readLog(20)).toHaveLength(20);
  });

  it('answers 400 naming the field for an invalid event, and 400 for malformed JSON', async () => {
    await using h = await createHarness();
    const bad = await h.post('/v1/events', { ...event(), occurredAt: undefined });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_field', field: 'occurredAt' } });
    const unknown = await h.post('/v1/events', { ...event(), colour: 'red' });
    expect(await unknown.json()).toMatchObject({ error: { field: 'colour' } });
    const malformed = await h.post('/v1/events', '{"type": ');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'invalid_request' } });
    const wrongType = await h.post('/v1/events', JSON.stringify(event()), { 'content-type': 'text/plain' });
    expect(wrongType.status).toBe(415);
    expect(await h.readLog(0)).toHaveLength(0);
  });

  it('writes customer profile fields through to the profiles', async () => {
    await using h = await createHarness();
    const response = await h.post(
      '/v1/events',
      event('cust-p', {
        type: 'customer.updated',
        customer: { name: 'Ada', email: 'ada@example.com', version: 3 },
      }),
    );
    expect(response.status).toBe(202);
    expect(await h.profiles.get(h.tenant, 'cust-p')).toMatchObject({
      name: 'Ada',
      email: 'ada@example.com',
      version: 3,
    });
    const read = await h.get('/v1/customers/cust-p');
    expect(await read.json()).toMatchObject({ id: 'cust-p', name: 'Ada', version: 3 });
    const [record] = await h.readLog(1);
    expect(record?.event.customer).toMatchObject({ name: 'Ada' });
  });

  it('answers 503 with Retry-After when the log is closed, marking nothing processed; a retry then succeeds', async () => {
    await using h = await createHarness({ limits: { retryAfterSeconds: 7 } });
    await h.log.close();
    const response = await h.post('/v1/events', event('c', { id: 'evt-down' }), {
      'idempotency-key': 'k-down',
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(await response.json()).toMatchObject({ error: { code: 'unavailable' } });
    expect(h.store.processedEvents.isProcessed(h.tenant, 'evt-down')).toBe(false);
    const batch = await h.post('/v1/events/batch', { events: [event('c', { id: 'evt-down-2' })] });
    expect(batch.status).toBe(503);
    expect(h.store.processedEvents.isProcessed(h.tenant, 'evt-down-2')).toBe(false);
    expect((await h.get('/readyz')).status).toBe(503);

    const log = await createEventLog('memory:');
    try {
      await h.restart({ log });
      const retry = await h.post('/v1/events', event('c', { id: 'evt-down' }), {
        'idempotency-key': 'k-down',
      });
      expect(await retry.json()).toMatchObject({ status: 'accepted' });
    } finally {
      await log.close();
    }
  });

  it('keeps accepted events in a SQLite log file across reopening it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-ingest-'));
    try {
      const url = `sqlite:${join(dir, 'log.db')}`;
      let topic: string;
      {
        await using h = await createHarness({ logUrl: url });
        topic = h.topic;
        expect((await h.post('/v1/events', event('c-sql', { id: 'evt-sql' }))).status).toBe(202);
      }
      await using log = await createEventLog(url);
      const values: string[] = [];
      const sub = await log.subscribe({
        topic,
        group: 'check',
        handler: (batch) => {
          for (const record of batch.records) values.push(record.value.toString());
        },
      });
      for (let i = 0; i < 40 && values.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      await sub.close();
      expect(values).toHaveLength(1);
      expect(JSON.parse(values[0]!)).toMatchObject({ id: 'evt-sql', customerId: 'c-sql', v: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('POST /v1/events/batch', () => {
  it('answers per-item results for a mix of good, bad and duplicate events', async () => {
    await using h = await createHarness();
    await h.post('/v1/events', event('c', { id: 'evt-old' }));
    const response = await h.post('/v1/events/batch', {
      events: [
        event('c1', { id: 'evt-a' }),
        { ...event('c2'), type: 'Not A Type' },
        event('c3', { id: 'evt-old' }),
        event('c4', { id: 'evt-a' }),
        event('c5'),
      ],
    });
    expect(response.status).toBe(202);
    const body = (await response.json()) as {
      results: { index: number; status: string; id?: string; error?: { field?: string } }[];
      accepted: number;
      duplicates: number;
      rejected: number;
    };
    expect(body.results.map((r) => r.status)).toEqual([
      'accepted',
      'rejected',
      'duplicate',
      'duplicate',
      'accepted',
    ]);
    expect(body.results[1]!.error).toMatchObject({ code: 'invalid_field', field: 'events[1].type' });
    expect(body).toMatchObject({ accepted: 2, duplicates: 2, rejected: 1 });
    const records = await h.readLog(4);
    expect(records.map((r) => r.event.customerId).sort()).toEqual(['c', 'c1', 'c5']);
  });

  it('records a whole batch as processed, so resending it after a restart is all duplicates', async () => {
    await using h = await createHarness();
    const events = Array.from({ length: 3 }, (_, i) => event(`c${i}`, { id: `evt-batch-${i}` }));
    expect(await (await h.post('/v1/events/batch', { events })).json()).toMatchObject({ accepted: 3 });
    for (let i = 0; i < 3; i++)
      expect(h.store.processedEvents.isProcessed(h.tenant, `evt-batch-${i}`)).toBe(true);
    await h.restart();
    expect(await (await h.post('/v1/events/batch', { events })).json()).toMatchObject({
      accepted: 0,
      duplicates: 3,
    });
  });

  it('rejects a batch above the configured size with 413 naming events, and a bad envelope with 400', async () => {
    await using h = await createHarness({ limits: { maxBatchEvents: 3 } });
    const tooMany = await h.post('/v1/events/batch', { events: [event(), event(), event(), event()] });
    expect(tooMany.status).toBe(413);
    expect(await tooMany.json()).toMatchObject({ error: { code: 'payload_too_large', field: 'events' } });
    const empty = await h.post('/v1/events/batch', { events: [] });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: { field: 'events' } });
    const notArray = await h.post('/v1/events/batch', { events: 'x' });
    expect(await notArray.json()).toMatchObject({ error: { field: 'events' } });
    expect(await h.readLog(0)).toHaveLength(0);
  });
});

describe('POST /v1/events/batch with nothing valid', () => {
  it('answers 400 with the first error and the per-item results', async () => {
    await using h = await createHarness();
    const response = await h.post('/v1/events/batch', { events: [{ nope: 1 }, event('c', { type: 'BAD' })] });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: { field: string };
      results: unknown[];
      rejected: number;
    };
    expect(body.error.field).toMatch(/^events\[0\]\./);
    expect(body.results).toHaveLength(2);
    expect(body.rejected).toBe(2);
  });

  it('refuses nesting deeper than the limit with 400 naming the field', async () => {
    await using h = await createHarness({ limits: { maxDepth: 4 } });
    const response = await h.post('/v1/events', event('c', { data: { a: { b: { c: {} } } } }));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_field', field: 'data.a.b.c' } });
    expect((await h.post('/v1/events', event('c', { data: { a: { b: 1 } } }))).status).toBe(202);
  });
});
