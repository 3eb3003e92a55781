import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import { createHarness, event } from './harness.js';

describe('authentication and tenants', () => {
  it('answers 401 JSON for a missing, malformed, unknown or revoked key', async () => {
    await using h = await createHarness();
    const app = h.ingest.app;
    const body = JSON.stringify(event());
    const headers = { 'content-type': 'application/json' };
    const missing = await app.request('/v1/events', { method: 'POST', headers, body });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const basic = await app.request('/v1/events', {
      method: 'POST',
      headers: { ...headers, authorization: `Basic ${h.key}` },
      body,
    });
    expect(basic.status).toBe(401);
    const wrong = await app.request('/v1/events', {
      method: 'POST',
      headers: { ...headers, authorization: 'Bearer hrld_not-a-real-key' },
      body,
    });
    expect(wrong.status).toBe(401);
    const [apiKey] = h.store.tenants.listApiKeys(h.tenant);
    h.store.tenants.revokeApiKey(h.tenant, apiKey!.id);
    const revoked = await h.post('/v1/events', event());
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect(await h.readLog(0)).toHaveLength(0);
  });

  it('keeps tenants apart: a key of tenant A cannot read tenant B’s customer', async () => {
    await using h = await createHarness();
    h.store.tenants.create({ id: 'tenant-b', name: 'B' });
    const { key: keyB } = h.store.tenants.createApiKey('tenant-b');
    const asB = (init: RequestInit = {}) => ({
      ...init,
      headers: { authorization: `Bearer ${keyB}`, 'content-type': 'application/json' },
    });
    const put = await h.ingest.app.request(
      '/v1/customers/shared-id',
      asB({ method: 'PUT', body: JSON.stringify({ name: 'Bee', version: 1 }) }),
    );
    expect(put.status).toBe(200);
    expect((await h.ingest.app.request('/v1/customers/shared-id', asB())).status).toBe(200);
    const fromA = await h.get('/v1/customers/shared-id');
    expect(fromA.status).toBe(404);
    expect(await fromA.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('customers', () => {
  it('PUT applies newer versions, answers applied:false for older ones, and GET reads the profile', async () => {
    await using h = await createHarness();
    const first = await h.put('/v1/customers/c-42', { name: 'Ada', timezone: 'Europe/Paris', version: 5 });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ id: 'c-42', name: 'Ada', version: 5, applied: true });
    const older = await h.put('/v1/customers/c-42', { name: 'Old', version: 3 });
    expect(older.status).toBe(200);
    expect(await older.json()).toMatchObject({ name: 'Ada', version: 5, applied: false });
    const read = await h.get('/v1/customers/c-42');
    const profile = (await read.json()) as Record<string, unknown>;
    expect(profile).toMatchObject({ id: 'c-42', name: 'Ada', timezone: 'Europe/Paris', version: 5 });
    expect(profile).not.toHaveProperty('tenantId');
  });

  it('answers 404 for an unknown customer and 400 naming the field for bad input', async () => {
    await using h = await createHarness();
    expect((await h.get('/v1/customers/nobody')).status).toBe(404);
    const badEmail = await h.put('/v1/customers/c-1', { email: 'not-an-email', version: 1 });
    expect(badEmail.status).toBe(400);
    expect(await badEmail.json()).toMatchObject({ error: { code: 'invalid_field', field: 'email' } });
    const badId = await h.get('/v1/customers/bad%20id');
    expect(badId.status).toBe(400);
    expect(await badId.json()).toMatchObject({ error: { field: 'id' } });
  });
});

describe('limits', () => {
  it('answers 413 JSON for a body above the limit', async () => {
    await using h = await createHarness({ limits: { maxBodyBytes: 1000 } });
    const big = await h.post('/v1/events', event('c', { data: { blob: 'x'.repeat(2000) } }));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    expect((await h.post('/v1/events', event())).status).toBe(202);
  });

  it('answers 429 with Retry-After above the per-key rate', async () => {
    await using h = await createHarness({ limits: { requestsPerSecond: 2 }, now: () => 1_900_000_000_500 });
    expect((await h.post('/v1/events', event())).status).toBe(202);
    expect((await h.get('/v1/customers/x')).status).toBe(404);
    const limited = await h.post('/v1/events', event());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect(await h.readLog(2)).toHaveLength(1);
  });
});

describe('fuzzing', () => {
  function mulberry32(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it('answers every random, oversized, deeply nested or mistyped body with 4xx JSON and stays healthy', async () => {
    await using h = await createHarness({ limits: { maxBodyBytes: 64 * 1024, requestsPerSecond: 0 } });
    const random = mulberry32(20261122);
    const int = (n: number) => Math.floor(random() * n);
    const value = (depth: number): unknown => {
      switch (depth > 4 ? int(4) : int(7)) {
        case 0:
          return int(1e6) - 5e5;
        case 1:
          return 'k'.repeat(int(20)) + String.fromCharCode(int(0xffff));
        case 2:
          return random() < 0.5;
        case 3:
          return null;
        case 4:
          return Array.from({ length: int(5) }, () => value(depth + 1));
        default: {
          const object: Record<string, unknown> = { [`k${int(100)}`]: value(depth + 1) };
          for (let i = int(4); i > 0; i--) object[`k${int(100)}`] = value(depth + 1);
          return object;
        }
      }
    };
    const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const bodies: (() => { body: string | Uint8Array; type: string })[] = [
      () => ({ body: JSON.stringify(value(0)), type: 'application/json' }),
      () => ({ body: JSON.stringify({ ...event(), [`k${int(9)}`]: value(0) }), type: 'application/json' }),
      () => ({
        body: JSON.stringify({ events: [value(0), value(0)] }).slice(0, int(40)),
        type: 'application/json',
      }),
      () => ({
        body: `{"type":"order.created","customerId":"c","occurredAt":"2030-01-01T00:00:00Z","data":{"a":${nested(2000 + int(20_000))}}}`,
        type: 'application/json',
      }),
      () => ({ body: nested(30_000), type: 'application/json' }),
      () => ({
        body: JSON.stringify({ ...event(), data: { big: 'x'.repeat(70_000) } }),
        type: 'application/json',
      }),
      () => ({ body: Uint8Array.from({ length: 200 }, () => int(256)), type: 'application/json' }),
      () => ({
        body: JSON.stringify(event()),
        type: ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', ''][int(4)]!,
      }),
    ];
    const paths = ['/v1/events', '/v1/events/batch', '/v1/customers/c-fuzz'];
    for (let i = 0; i < 300; i++) {
      const { body, type } = bodies[int(bodies.length)]!();
      const path = paths[int(paths.length)]!;
      const headers: Record<string, string> = { authorization: `Bearer ${h.key}` };
      if (type !== '') headers['content-type'] = type;
      const response = await h.ingest.app.request(path, {
        method: path.startsWith('/v1/customers') ? 'PUT' : 'POST',
        headers,
        body: body as NonNullable<RequestInit['body']>,
      });
      const text = await response.text();
      if (response.status < 400 || response.status >= 500) {
        throw new Error(`case ${i}: ${path} answered ${response.status}: ${text.slice(0, 200)}`);
      }
      expect(JSON.parse(text)).toMatchObject({ error: { code: expect.any(String) as string } });
    }
    expect((await h.ingest.app.request('/healthz')).status).toBe(200);
    expect(await h.readLog(0)).toHaveLength(0);
  });
});

describe('operations', () => {
  it('answers unknown routes with 404 JSON', async () => {
    await using h = await createHarness();
    const response = await h.get('/v2/nothing');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('serves a valid-looking OpenAPI document, /healthz and /readyz', async () => {
    await using h = await createHarness();
    const doc = (await (await h.ingest.app.request('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.paths['/v1/events']).toHaveProperty('post');
    expect(doc.paths['/v1/customers/{id}']).toHaveProperty('put');
    expect(await (await h.ingest.app.request('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await h.ingest.app.request('/readyz');
    expect(ready.status).toBe(200);
    await h.store.close();
    expect((await h.ingest.app.request('/readyz')).status).toBe(503);
  });

  it('exposes request, event and append metrics', async () => {
    await using h = await createHarness();
    await h.post('/v1/events', event('c', { id: 'm-1' }));
    await h.post('/v1/events', event('c', { id: 'm-1' }));
    await h.post('/v1/events/batch', { events: [event('c', { id: 'm-2' }), { bad: true }] });
    await h.get('/nowhere');
    // Once m-1's record is written (the next turn), its repeat is confirmed in the store.
    await new Promise((resolve) => setImmediate(resolve));
    await h.post('/v1/events', event('c', { id: 'm-1' }));
    const text = await (await h.ingest.app.request('/metrics')).text();
    expect(text).toContain('herald_ingest_events_total{outcome="accepted"} 2');
    expect(text).toContain('herald_ingest_events_total{outcome="duplicate"} 2');
    expect(text).toContain('herald_ingest_events_total{outcome="rejected"} 1');
    expect(text).toContain(
      'herald_ingest_http_requests_total{method="POST",route="/v1/events",status="202"} 3',
    );
    expect(text).toContain(
      'herald_ingest_http_requests_total{method="GET",route="unmatched",status="404"} 1',
    );
    expect(text).toMatch(
      /herald_ingest_http_request_duration_seconds_count\{method="POST",route="\/v1\/events\/batch",status="202"\} 1/,
    );
    expect(text).toContain('herald_ingest_append_duration_seconds_count 2');
    // Only the last repeat of m-1 was looked up in the store: new ids are "definitely new".
    expect(text).toContain('herald_ingest_dedup_exact_checks_total 1');
    const rate = /^herald_ingest_dedup_filter_false_positive_rate (\S+)$/m.exec(text)?.[1];
    expect(Number(rate)).toBeGreaterThanOrEqual(0);
    expect(Number(rate)).toBeLessThan(0.001);
    expect(text).not.toContain(h.key);
  });

  it('shows an undersized dedup filter in /metrics: its estimated rate, and the store lookups it causes', async () => {
    await using h = await createHarness({ dedup: { expectedItems: 10 } });
    const batch = (from: number) => ({
      events: Array.from({ length: 500 }, (_, i) => event('c', { id: `u-${from + i}` })),
    });
    expect((await h.post('/v1/events/batch', batch(0))).status).toBe(202);
    expect((await h.post('/v1/events/batch', batch(500))).status).toBe(202);
    const text = await (await h.ingest.app.request('/metrics')).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    // All new, yet most of the second batch's ids were "probably seen" by the full filter.
    expect(value('herald_ingest_dedup_exact_checks_total')).toBeGreaterThan(250);
    expect(value('herald_ingest_dedup_filter_false_positive_rate')).toBeGreaterThan(0.5);
    expect(text).toContain('herald_ingest_events_total{outcome="accepted"} 1000');
  });

  it('serves real HTTP on port 0', async () => {
    await using h = await createHarness();
    const server = serve({ fetch: h.ingest.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    try {
      const { port } = server.address() as AddressInfo;
      const base = `http://127.0.0.1:${port}`;
      const response = await fetch(`${base}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json' },
        body: JSON.stringify(event('c-http', { id: 'evt-http' })),
      });
      expect(response.status).toBe(202);
      expect(await response.json()).toMatchObject({ id: 'evt-http', status: 'accepted' });
      const big = await fetch(`${base}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.key}`, 'content-type': 'application/json' },
        body: JSON.stringify(event('c', { data: { blob: 'x'.repeat(2_000_000) } })),
      });
      expect(big.status).toBe(413);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const [record] = await h.readLog(1);
      expect(record?.key).toBe(`${h.tenant}:c-http`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
