import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { answerErrorsAsJson } from './json-errors.js';
import { readJsonBody } from './read-json-body.js';

const errors: unknown[] = [];
const app = new Hono();
answerErrorsAsJson(app, { error: (details) => errors.push(details) });
app.post('/echo', async (c) => c.json({ body: await readJsonBody(c, 3) }));
app.get('/boom', () => {
  throw new Error('bug');
});

function post(body: string, type = 'application/json') {
  return app.request('/echo', { method: 'POST', body, headers: { 'content-type': type } });
}

describe('readJsonBody and JSON errors', () => {
  it('parses JSON bodies, including +json types', async () => {
    const response = await post('{"a":[1]}', 'application/vnd.herald+json; charset=utf-8');
    expect(await response.json()).toEqual({ body: { a: [1] } });
  });

  it('refuses other types (415), broken JSON (400) and deep nesting naming the field (400)', async () => {
    const wrongType = await post('{}', 'text/plain');
    expect(wrongType.status).toBe(415);
    const broken = await post('{"a":');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: { code: 'invalid_request' } });
    const deep = await post('{"a":{"b":[{"c":1}]}}');
    expect(deep.status).toBe(400);
    expect(await deep.json()).toMatchObject({ error: { code: 'invalid_field', field: 'a.b[0]' } });
  });

  it('answers unknown routes 404 and bugs 500, logging the bug', async () => {
    const missing = await app.request('/nowhere');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      error: { code: 'not_found', message: 'no route GET /nowhere' },
    });
    const boom = await app.request('/boom');
    expect(boom.status).toBe(500);
    expect(await boom.json()).toEqual({ error: { code: 'internal', message: 'internal error' } });
    expect(errors).toHaveLength(1);
  });
});
