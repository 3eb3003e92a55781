import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyAuth, type ApiKeyEnv } from './api-key-auth.js';
import { answerErrorsAsJson } from './json-errors.js';
import { limitBody } from './limit-body.js';
import { readJsonBody } from './read-json-body.js';
import { openStore } from '@herald/store';

// The same helpers behind a real node:http server, where they read the node request directly.
const store = openStore({ path: ':memory:' });
store.tenants.create({ id: 'acme', name: 'Acme' });
const { key } = store.tenants.createApiKey('acme');
const seen: unknown[] = [];
const app = new Hono<ApiKeyEnv>();
answerErrorsAsJson(app, { error: (details) => seen.push(details) });
app.use('/v1/*', limitBody(1024));
app.use('/v1/*', apiKeyAuth(store));
app.post('/v1/echo', async (c) => c.json({ tenant: c.var.apiKey.tenantId, body: await readJsonBody(c, 4) }));

let server: ServerType;
let port: number;
beforeAll(async () => {
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await store.close();
});

/** Posts `chunks` as the body; chunked framing unless `contentLength` is set. */
function post(
  chunks: string[],
  headers: Record<string, string | number> = {},
): Promise<{ status: number; body: { error?: { code: string }; body?: unknown; tenant?: string } }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/echo',
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) as never }));
      },
    );
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('on a node:http server', () => {
  it('reads a body framed by Content-Length, in one piece or several', async () => {
    const json = JSON.stringify({ order: { id: 'o-1', lines: [1, 2] } });
    expect(await post([json], { 'content-length': Buffer.byteLength(json) })).toEqual({
      status: 200,
      body: { tenant: 'acme', body: { order: { id: 'o-1', lines: [1, 2] } } },
    });
    const pieces = [json.slice(0, 5), json.slice(5, 20), json.slice(20)];
    expect((await post(pieces, { 'content-length': Buffer.byteLength(json) })).body.body).toEqual({
      order: { id: 'o-1', lines: [1, 2] },
    });
  });

  it('reads a chunked body', async () => {
    expect(await post(['{"a":', '"ü"}'])).toMatchObject({ status: 200, body: { body: { a: 'ü' } } });
  });

  it('refuses with 413 a Content-Length above the limit, and a chunked body that grows past it', async () => {
    const big = JSON.stringify({ text: 'x'.repeat(2000) });
    expect(await post([big], { 'content-length': Buffer.byteLength(big) })).toMatchObject({
      status: 413,
      body: { error: { code: 'payload_too_large' } },
    });
    expect(await post([big.slice(0, 600), big.slice(600)])).toMatchObject({
      status: 413,
      body: { error: { code: 'payload_too_large' } },
    });
  });

  it('answers JSON errors for a bad key, a wrong type and broken JSON', async () => {
    expect((await post(['{}'], { authorization: 'Bearer hrld_nope', 'content-length': 2 })).status).toBe(401);
    expect((await post(['{}'], { 'content-type': 'text/plain', 'content-length': 2 })).status).toBe(415);
    expect(await post(['{"a":'], { 'content-length': 5 })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_request' } },
    });
  });

  it('survives a client that goes away in the middle of its body', async () => {
    await new Promise<void>((resolve) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        path: '/v1/echo',
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'content-length': 100,
        },
      });
      req.on('error', () => resolve());
      req.write('{"a":', () => setTimeout(() => req.destroy(), 20));
    });
    expect((await post(['{"still":"up"}'], { 'content-length': 14 })).body.body).toEqual({ still: 'up' });
  });
});
