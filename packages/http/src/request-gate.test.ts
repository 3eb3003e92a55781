import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { answerErrorsAsJson } from './json-errors.js';
import { RequestGate } from './request-gate.js';

describe('RequestGate', () => {
  it('lets requests through, then refuses new ones with 503 while those in progress finish', async () => {
    const gate = new RequestGate(7);
    const app = new Hono();
    answerErrorsAsJson(app, { error: () => undefined });
    app.use('*', gate.middleware);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    app.get('/slow', async (c) => {
      await held;
      return c.text('done');
    });
    app.get('/fast', (c) => c.text('ok'));
    expect((await app.request('/fast')).status).toBe(200);
    const slow = app.request('/slow');
    await new Promise((resolve) => setTimeout(resolve, 10));
    let closed = false;
    const closing = gate.close().then(() => (closed = true));
    expect(gate.closing).toBe(true);
    const refused = await app.request('/fast');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('7');
    expect(await refused.json()).toMatchObject({ error: { code: 'unavailable', message: 'shutting down' } });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(closed).toBe(false);
    release();
    expect(await (await slow).text()).toBe('done');
    await closing;
    expect(closed).toBe(true);
    await gate.close();
  });
});
