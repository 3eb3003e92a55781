import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { mintSubscriberToken } from '@herald/gateway';
import type { Notification } from '@herald/protocol';
import { secret, startPush, testRules, type PushHarness } from './harness.js';

/** Every field a test reads from a JSON answer (absent ones are simply undefined at run time). */
interface ApiBody {
  error: { code: string; message: string; field?: string };
  items: Notification[];
  nextCursor: number | null;
  count: number;
  updated: number;
  unreadCount: number;
  token: string;
  expiresAt: number;
  tenant: string;
  windowMs: number;
  arrivalRatePerSecond: number;
  stages: Record<string, { count: number; p50: number | null; p90: number | null; p99: number | null }>;
  prediction: { model: string; serviceTimeMs: number; unstable?: boolean; p50Ms: number; p99Ms: number };
  status: string;
  optOuts: unknown[];
  quietHours: unknown;
  id: string;
  locale: string | null;
  timezone: string | null;
  updatedAt: number | null;
  members: string[];
  teams: string[];
}

async function call(h: PushHarness, path: string, init: RequestInit & { auth?: string } = {}) {
  const { auth, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (auth !== undefined) headers.set('authorization', `Bearer ${auth}`);
  if (typeof rest.body === 'string' && !headers.has('content-type'))
    headers.set('content-type', 'application/json');
  const response = await fetch(`${h.url}${path}`, { ...rest, headers });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text === '' ? {} : JSON.parse(text)) as ApiBody,
  };
}

async function seed(h: PushHarness, tenant: string, recipient: string, count: number): Promise<void> {
  await h.publish(
    tenant,
    Array.from({ length: count }, (_, i) => ({ data: { to: recipient, n: i + 1 } })),
  );
  const deadline = Date.now() + 5_000;
  while (h.store.inbox.lastSequence(tenant, recipient) < count) {
    if (Date.now() > deadline) throw new Error('inbox not filled in time');
    await sleep(10);
  }
}

describe('subscriber tokens', () => {
  it('mints a token for the API key’s tenant that opens that subscriber’s stream', async () => {
    await using h = await startPush();
    const minted = await call(h, '/v1/subscribers/rep-7/token', {
      method: 'POST',
      auth: h.apiKey('acme'),
      body: JSON.stringify({ ttlSeconds: 120, scopes: ['inbox:read'] }),
    });
    expect(minted.status).toBe(201);
    expect(minted.body.expiresAt).toBeGreaterThan(Date.now() + 100_000);
    const inbox = await call(h, '/v1/inbox', { auth: minted.body.token });
    expect(inbox).toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
    // The token grants reading only.
    const mark = await call(h, '/v1/inbox/mark', {
      method: 'POST',
      auth: minted.body.token,
      body: JSON.stringify({ action: 'read', all: true }),
    });
    expect(mark).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    const noBody = await call(h, '/v1/subscribers/rep-7/token', { method: 'POST', auth: h.apiKey('acme') });
    expect(noBody.status).toBe(201);
  });

  it('refuses a missing key, a bad subscriber id and out-of-range settings, naming the field', async () => {
    await using h = await startPush();
    expect((await call(h, '/v1/subscribers/rep-7/token', { method: 'POST' })).status).toBe(401);
    const badId = await call(h, `/v1/subscribers/${'x'.repeat(300)}/token`, {
      method: 'POST',
      auth: h.apiKey('acme'),
    });
    expect(badId).toMatchObject({ status: 400, body: { error: { field: 'id' } } });
    const badTtl = await call(h, '/v1/subscribers/rep-7/token', {
      method: 'POST',
      auth: h.apiKey('acme'),
      body: JSON.stringify({ ttlSeconds: 5 }),
    });
    expect(badTtl).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_field', field: 'ttlSeconds' } },
    });
  });
});

describe('inbox API', () => {
  it('lists newest first with a cursor, filters, counts unread and marks', async () => {
    await using h = await startPush();
    await seed(h, 'acme', 'rep-7', 5);
    const token = await h.token('acme', 'rep-7');
    const first = await call(h, '/v1/inbox?limit=2', { auth: token });
    expect(first.body.items.map((n: { seq: number }) => n.seq)).toEqual([5, 4]);
    const second = await call(h, `/v1/inbox?limit=2&cursor=${first.body.nextCursor}`, { auth: token });
    expect(second.body.items.map((n: { seq: number }) => n.seq)).toEqual([3, 2]);
    expect((await call(h, '/v1/inbox/unread-count', { auth: token })).body).toEqual({ count: 5 });

    const ids = first.body.items.map((n: { id: string }) => n.id);
    const marked = await call(h, '/v1/inbox/mark', {
      method: 'POST',
      auth: token,
      body: JSON.stringify({ action: 'read', ids }),
    });
    expect(marked.body).toEqual({ updated: 2, unreadCount: 3 });
    const unread = await call(h, '/v1/inbox?unread=true', { auth: token });
    expect(unread.body.items.map((n: { seq: number }) => n.seq)).toEqual([3, 2, 1]);
    const all = await call(h, '/v1/inbox/mark', {
      method: 'POST',
      auth: token,
      body: JSON.stringify({ action: 'read', all: true, upTo: 2 }),
    });
    expect(all.body).toEqual({ updated: 2, unreadCount: 1 });
  });

  it('tells every connection of the subscriber when items are marked, from HTTP or a socket', async () => {
    await using h = await startPush();
    await seed(h, 'acme', 'rep-7', 2);
    const phone = await h.connect('acme', 'rep-7');
    const laptop = await h.connect('acme', 'rep-7');
    const id = h.store.inbox.list('acme', 'rep-7').items[0]!.id;
    await call(h, '/v1/inbox/mark', {
      method: 'POST',
      auth: await h.token('acme', 'rep-7'),
      body: JSON.stringify({ action: 'read', ids: [id] }),
    });
    for (const client of [phone, laptop]) {
      await client.until((frames) => frames.some((f) => f.type === 'state'));
      expect(client.frames.find((f) => f.type === 'state')).toMatchObject({
        action: 'read',
        ids: [id],
        unreadCount: 1,
      });
    }
    phone.send({ type: 'mark', action: 'read', all: true });
    await laptop.until((frames) => frames.filter((f) => f.type === 'state').length === 2);
    expect(laptop.frames.filter((f) => f.type === 'state')[1]).toMatchObject({
      action: 'read',
      all: true,
      unreadCount: 0,
    });
    expect(h.store.inbox.unreadCount('acme', 'rep-7')).toBe(0);
  });

  it('keeps subscribers and tenants apart', async () => {
    await using h = await startPush();
    await seed(h, 'acme', 'rep-7', 1);
    await seed(h, 'globex', 'rep-7', 1);
    const victim = h.store.inbox.list('acme', 'rep-7').items[0]!;
    // Another subscriber of the same tenant sees an empty inbox and cannot mark the victim's item.
    const other = await h.token('acme', 'rep-8');
    expect((await call(h, '/v1/inbox', { auth: other })).body.items).toEqual([]);
    const mark = await call(h, '/v1/inbox/mark', {
      method: 'POST',
      auth: other,
      body: JSON.stringify({ action: 'read', ids: [victim.id] }),
    });
    expect(mark.body.updated).toBe(0);
    expect(h.store.inbox.get('acme', victim.id)!.readAt).toBeNull();
    // The same subscriber id in another tenant sees only its own tenant's item.
    const globex = await call(h, '/v1/inbox', { auth: await h.token('globex', 'rep-7') });
    expect(globex.body.items.map((n: { tenant: string }) => n.tenant)).toEqual(['globex']);
    // A tenant's API key mints tokens for its own tenant only.
    const minted = await call(h, '/v1/subscribers/rep-7/token', { method: 'POST', auth: h.apiKey('globex') });
    const list = await call(h, '/v1/inbox', { auth: minted.body.token });
    expect(list.body.items.map((n: { tenant: string }) => n.tenant)).toEqual(['globex']);
  });

  it('refuses bad tokens, expired tokens and bad input with JSON errors', async () => {
    await using h = await startPush();
    expect(await call(h, '/v1/inbox')).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthorized' } },
    });
    expect((await call(h, '/v1/inbox', { auth: 'not-a-token' })).body.error.message).toBe(
      'invalid subscriber token',
    );
    const stale = await mintSubscriberToken(
      { tenant: 'acme', subscriber: 'rep-7', ttlSeconds: 60, now: () => Date.now() - 120_000 },
      secret,
    );
    const expired = await call(h, '/v1/inbox', { auth: stale.token });
    expect(expired).toMatchObject({
      status: 401,
      body: { error: { message: 'the subscriber token has expired' } },
    });
    const token = await h.token('acme', 'rep-7');
    expect(await call(h, '/v1/inbox?limit=0', { auth: token })).toMatchObject({
      status: 400,
      body: { error: { field: 'limit' } },
    });
    expect(await call(h, '/v1/inbox?color=red', { auth: token })).toMatchObject({ status: 400 });
    const both = await call(h, '/v1/inbox/mark', {
      method: 'POST',
      auth: token,
      body: JSON.stringify({ action: 'read' }),
    });
    expect(both).toMatchObject({ status: 400, body: { error: { field: 'ids' } } });
    const unreadAll = await call(h, '/v1/inbox/mark', {
      method: 'POST',
      auth: token,
      body: JSON.stringify({ action: 'unread', all: true }),
    });
    expect(unreadAll).toMatchObject({ status: 400, body: { error: { field: 'all' } } });
    const broken = await call(h, '/v1/inbox/mark', { method: 'POST', auth: token, body: '{"action":' });
    expect(broken).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
  });

  it('answers a fuzz of random and oversized bodies with 4xx JSON and stays healthy', async () => {
    await using h = await startPush();
    const token = await h.token('acme', 'rep-7');
    const random = (n: number) =>
      Array.from({ length: n }, () => String.fromCharCode(32 + Math.floor(Math.random() * 95))).join('');
    const bodies = [
      ...Array.from({ length: 40 }, (_, i) => random(1 + i * 7)),
      JSON.stringify({ action: 'read', ids: Array.from({ length: 600 }, (_, i) => `id-${i}`) }),
      JSON.stringify({ action: 'read', ids: ['x'.repeat(5000)] }),
      '['.repeat(10_000),
      JSON.stringify({ action: 'read', ids: [], all: true }),
    ];
    const oversized = await call(h, '/v1/inbox/mark', {
      method: 'POST',
      auth: token,
      body: 'x'.repeat(100_000),
    });
    expect(oversized).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
    for (const body of bodies) {
      for (const [path, auth] of [
        ['/v1/inbox/mark', token],
        ['/v1/subscribers/rep-7/token', h.apiKey('acme')],
      ] as const) {
        const response = await call(h, path, { method: 'POST', auth, body });
        expect(response.status, `${path} ${body.slice(0, 40)}`).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(typeof response.body.error.code).toBe('string');
      }
    }
    expect((await call(h, '/healthz')).status).toBe(200);
    expect((await call(h, '/readyz')).body.status).toBe('ready');
  });
});

describe('preferences API', () => {
  it('lets a recipient and the tenant backend set opt-outs and quiet hours, which delivery then follows', async () => {
    await using h = await startPush();
    const token = await h.token('acme', 'rep-7');
    expect((await call(h, '/v1/preferences', { auth: token })).body).toEqual({
      optOuts: [],
      quietHours: null,
      updatedAt: null,
    });
    // A quiet window that starts two hours from now, so it does not hold this test's delivery.
    const hour = (offset: number) =>
      `${String((new Date().getUTCHours() + offset) % 24).padStart(2, '0')}:00`;
    const quietHours = { start: hour(2), end: hour(3), timezone: 'UTC' };
    const mine = await call(h, '/v1/preferences', {
      method: 'PUT',
      auth: token,
      body: JSON.stringify({ optOuts: [{ category: 'notes' }], quietHours }),
    });
    expect(mine).toMatchObject({ status: 200, body: { optOuts: [{ category: 'notes' }], quietHours } });
    const client = await h.connect('acme', 'rep-7');
    await h.publish('acme', [
      { data: { to: 'rep-7', n: 1 } },
      { type: 'thread.updated', data: { to: 'rep-7', thread: 't', n: 2 } },
    ]);
    await client.until(() => client.notifications().length === 1);
    expect(client.notifications()[0]!.rule).toBe('thread');
    // The backend sees and replaces them with its API key; the recipient sees the change.
    const theirs = await call(h, '/v1/subscribers/rep-7/preferences', {
      method: 'PUT',
      auth: h.apiKey('acme'),
      body: JSON.stringify({ optOuts: [{ channel: 'webhook' }] }),
    });
    expect(theirs.body).toMatchObject({ optOuts: [{ channel: 'webhook' }], quietHours: null });
    expect((await call(h, '/v1/preferences', { auth: token })).body.optOuts).toEqual([
      { channel: 'webhook' },
    ]);
    // Another tenant's key sees its own, empty, preferences for the same id.
    expect(
      (await call(h, '/v1/subscribers/rep-7/preferences', { auth: h.apiKey('globex') })).body.optOuts,
    ).toEqual([]);
  });

  it('names the bad field: unknown zone, bad clock, empty opt-out, unknown channel', async () => {
    await using h = await startPush();
    const token = await h.token('acme', 'rep-7');
    const put = (body: unknown) =>
      call(h, '/v1/preferences', { method: 'PUT', auth: token, body: JSON.stringify(body) });
    expect(
      (await put({ quietHours: { start: '22:00', end: '07:00', timezone: 'Mars/Olympus' } })).body.error
        .field,
    ).toBe('quietHours.timezone');
    expect(
      (await put({ quietHours: { start: '25:00', end: '07:00', timezone: 'UTC' } })).body.error.field,
    ).toBe('quietHours.start');
    expect((await put({ optOuts: [{}] })).body.error.field).toBe('optOuts[0]');
    expect((await put({ optOuts: [{ channel: 'pigeon' }] })).body.error.field).toBe('optOuts[0].channel');
    expect((await call(h, '/v1/preferences', { method: 'PUT', body: '{}' })).status).toBe(401);
  });
});

describe('subscribers API', () => {
  it('lets the tenant backend set a subscriber’s locale and time zone, which their notifications then follow', async () => {
    await using h = await startPush({
      rules: testRules
        .replace(
          "en: { title: 'Note {{data.n}}', body: 'from {{customer.name}}' }",
          "en: { title: 'Note {{data.n}}', body: 'due {{data.due | datetime}}' }",
        )
        .replace(
          "zh-CN: { title: '留言 {{data.n}}', body: '来自 {{customer.name}}' }",
          "zh-CN: { title: '留言 {{data.n}}', body: '截止 {{data.due | datetime}}' }",
        ),
    });
    const key = h.apiKey('acme');
    expect((await call(h, '/v1/subscribers/rep-7', { auth: key })).body).toEqual({
      id: 'rep-7',
      locale: null,
      timezone: null,
      updatedAt: null,
    });
    const client = await h.connect('acme', 'rep-7');
    const due = '2030-01-08T20:00:00Z';
    await h.publish('acme', [{ data: { to: 'rep-7', n: 1, due } }]);
    await client.until(() => client.notifications().length === 1);
    // Never described: the rule set's defaults (en, UTC).
    expect(client.notifications()[0]).toMatchObject({
      title: 'Note 1',
      body: `due ${format('en', 'UTC', due)}`,
    });

    const put = await call(h, '/v1/subscribers/rep-7', {
      method: 'PUT',
      auth: key,
      body: JSON.stringify({ locale: 'zh_cn', timezone: 'Asia/Shanghai' }),
    });
    expect(put).toMatchObject({
      status: 200,
      body: { id: 'rep-7', locale: 'zh-CN', timezone: 'Asia/Shanghai' },
    });
    expect(put.body.updatedAt).toEqual(expect.any(Number));
    expect((await call(h, '/v1/subscribers/rep-7', { auth: key })).body).toEqual(put.body);
    await h.publish('acme', [{ data: { to: 'rep-7', n: 2, due } }]);
    await client.until(() => client.notifications().length === 2);
    // 20:00 UTC is the next morning in Shanghai: the date itself moves.
    expect(client.notifications()[1]).toMatchObject({
      title: '留言 2',
      body: `截止 ${format('zh-CN', 'Asia/Shanghai', due)}`,
    });
    expect(client.notifications()[1]!.body).toContain('1月9日');

    // Another tenant's key knows nothing of acme's rep-7.
    expect((await call(h, '/v1/subscribers/rep-7', { auth: h.apiKey('globex') })).body.locale).toBeNull();
    // Nulls put the defaults back.
    await call(h, '/v1/subscribers/rep-7', { method: 'PUT', auth: key, body: '{}' });
    await h.publish('acme', [{ data: { to: 'rep-7', n: 3, due } }]);
    await client.until(() => client.notifications().length === 3);
    expect(client.notifications()[2]!.title).toBe('Note 3');
  });

  it('names the bad field and refuses subscriber tokens and other tenants’ keys', async () => {
    await using h = await startPush();
    const key = h.apiKey('acme');
    const put = (body: unknown, path = '/v1/subscribers/rep-7') =>
      call(h, path, { method: 'PUT', auth: key, body: JSON.stringify(body) });
    expect((await put({ locale: 'not a locale' })).body.error).toMatchObject({
      code: 'invalid_field',
      field: 'locale',
    });
    expect((await put({ timezone: 'Mars/Olympus' })).body.error.field).toBe('timezone');
    expect((await put({ locale: 'en', nickname: 'Ada' })).body.error.field).toBe('nickname');
    expect((await put({ locale: 'en' }, '/v1/subscribers/bad%20id')).body.error.field).toBe('id');
    expect((await call(h, '/v1/subscribers/rep-7', { method: 'PUT', auth: key, body: '[' })).status).toBe(
      400,
    );
    const token = await h.token('acme', 'rep-7');
    expect((await call(h, '/v1/subscribers/rep-7', { auth: token })).status).toBe(401);
    expect((await call(h, '/v1/subscribers/rep-7')).status).toBe(401);
    expect(h.store.subscribers.get('acme', 'rep-7')).toBeUndefined();
  });
});

describe('teams API', () => {
  const teamRules = `${testRules}
  - id: team-note
    match: { type: team.note }
    recipients: [{ team: sales }]
    template: { title: 'Team note {{data.n}}' }
`;

  it('keeps the teams rules notify: set, add, take out, delete — and delivery follows', async () => {
    await using h = await startPush({ rules: teamRules });
    const key = h.apiKey('acme');
    const send = (path: string, method: string, body?: unknown) =>
      call(h, path, { method, auth: key, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    expect((await send('/v1/teams/sales', 'GET')).body).toEqual({ id: 'sales', members: [] });
    expect((await send('/v1/teams/sales', 'PUT', { members: ['rep-9', 'rep-7'] })).body).toEqual({
      id: 'sales',
      members: ['rep-7', 'rep-9'],
    });
    const rep7 = await h.connect('acme', 'rep-7');
    const rep8 = await h.connect('acme', 'rep-8');
    const rep9 = await h.connect('acme', 'rep-9');
    await h.publish('acme', [{ type: 'team.note', data: { n: 1 } }]);
    await rep7.until(() => rep7.notifications().length === 1);
    await rep9.until(() => rep9.notifications().length === 1);
    expect(rep9.notifications()[0]!.title).toBe('Team note 1');

    expect((await send('/v1/teams/sales/members', 'POST', { members: ['rep-8'] })).body.members).toEqual([
      'rep-7',
      'rep-8',
      'rep-9',
    ]);
    expect((await send('/v1/teams/sales/members/rep-7', 'DELETE')).body.members).toEqual(['rep-8', 'rep-9']);
    expect((await send('/v1/teams', 'GET')).body).toEqual({ teams: ['sales'] });
    await h.publish('acme', [{ type: 'team.note', data: { n: 2 } }]);
    await rep8.until(() => rep8.notifications().length === 1);
    await rep9.until(() => rep9.notifications().length === 2);
    expect(rep8.notifications()[0]!.title).toBe('Team note 2');

    // Another tenant's sales team is its own.
    expect((await call(h, '/v1/teams/sales', { auth: h.apiKey('globex') })).body.members).toEqual([]);
    expect((await send('/v1/teams/sales', 'DELETE')).body).toEqual({ id: 'sales', members: [] });
    expect((await send('/v1/teams', 'GET')).body).toEqual({ teams: [] });
    await h.publish('acme', [{ type: 'team.note', data: { n: 3 } }, { data: { to: 'rep-7', n: 4 } }]);
    // rep-7's own note arrives after the team note would have: the team had no one left.
    await rep7.until(() => rep7.notifications().length === 2);
    expect(rep7.notifications().map((n) => n.title)).toEqual(['Team note 1', 'Note 4']);
    expect(rep8.notifications()).toHaveLength(1);
  });

  it('names the bad field, caps a request at 1,000 members and wants the API key', async () => {
    await using h = await startPush();
    const key = h.apiKey('acme');
    const put = (body: unknown, path = '/v1/teams/sales') =>
      call(h, path, { method: 'PUT', auth: key, body: JSON.stringify(body) });
    expect((await put({ members: ['rep 7'] })).body.error).toMatchObject({
      code: 'invalid_field',
      field: 'members[0]',
    });
    expect((await put({})).body.error.field).toBe('members');
    expect((await put({ members: [], extra: 1 })).body.error.field).toBe('extra');
    const many = Array.from({ length: 1001 }, (_, i) => `rep-${i}`);
    expect((await put({ members: many })).body.error.field).toBe('members');
    expect((await put({ members: ['rep-7'] }, '/v1/teams/sales%20team')).body.error.field).toBe('id');
    expect(
      (await call(h, '/v1/teams/sales/members/bad%20id', { method: 'DELETE', auth: key })).body.error.field,
    ).toBe('subscriber');
    const token = await h.token('acme', 'rep-7');
    expect((await call(h, '/v1/teams', { auth: token })).status).toBe(401);
    expect((await call(h, '/v1/teams/sales', { method: 'PUT', body: '{"members":[]}' })).status).toBe(401);
    expect(h.store.teams.list('acme')).toEqual([]);
  });
});

/** How Intl writes `iso` with `datetime`'s default styles, for the assertions above. */
function format(locale: string, timeZone: string, iso: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
    new Date(iso),
  );
}

describe('latency and metrics', () => {
  it('reports per-stage percentiles and the M/M/c prediction for the tenant, and exports them', async () => {
    await using h = await startPush();
    const client = await h.connect('acme', 'rep-7');
    await h.publish(
      'acme',
      Array.from({ length: 20 }, (_, i) => ({ data: { to: 'rep-7', n: i } })),
    );
    await client.until(() => client.notifications().length === 20);
    const stats = await call(h, '/v1/stats/latency', { auth: h.apiKey('acme') });
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ tenant: 'acme', windowMs: 60_000 });
    expect(stats.body.stages.total!.count).toBe(20);
    expect(stats.body.stages.total!.p99).toBeGreaterThanOrEqual(stats.body.stages.total!.p50!);
    // Push's own stages are timed to a fraction of a millisecond (whole milliseconds read 0 or 1).
    const deliver = stats.body.stages.deliver!.p50!;
    expect(deliver).toBeGreaterThan(0);
    expect(deliver).toBeLessThan(0.99);
    expect(stats.body.arrivalRatePerSecond).toBeGreaterThan(0);
    // A burst may look like overload to M/M/1; either way the model answers.
    const prediction = stats.body.prediction;
    expect(prediction.model).toBe('M/M/c');
    expect(prediction.serviceTimeMs).toBeGreaterThan(0);
    if (prediction.unstable !== true) expect(prediction.p99Ms).toBeGreaterThanOrEqual(prediction.p50Ms);
    const globex = await call(h, '/v1/stats/latency', { auth: h.apiKey('globex') });
    expect(globex.body.stages.total!.count).toBe(0);
    expect((await call(h, '/v1/stats/latency')).status).toBe(401);
    const metrics = await fetch(`${h.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/herald_push_latency_ms\{tenant="acme",stage="total",quantile="p99"\} \d/);
    expect(metrics).toMatch(/herald_push_notifications_total\{outcome="delivered"\} 20/);
    expect(metrics).toMatch(/herald_push_connections 1/);
  });
});

describe('browser origins (CORS)', () => {
  const crm = 'https://crm.example.com';

  it('lets an allowed origin call the subscriber routes, preflight and errors included', async () => {
    await using h = await startPush({ corsOrigins: [crm] });
    const token = await h.token('acme', 'rep-1');
    const preflight = await fetch(`${h.url}/v1/inbox/mark`, {
      method: 'OPTIONS',
      headers: {
        origin: crm,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(crm);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    for (const path of ['/v1/inbox', '/v1/inbox/unread-count', '/v1/preferences']) {
      const answer = await call(h, path, { auth: token, headers: { origin: crm } });
      expect(answer.status, path).toBe(200);
      expect(answer.headers.get('access-control-allow-origin'), path).toBe(crm);
    }
    // A browser must be able to read a refusal, or the SDK could not tell 401 (renew the token) from a network error.
    const refused = await call(h, '/v1/inbox', { auth: 'not-a-token', headers: { origin: crm } });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('unauthorized');
    expect(refused.headers.get('access-control-allow-origin')).toBe(crm);
    const stream = await fetch(`${h.url}/v1/stream?token=${token}`, { headers: { origin: crm } });
    expect(stream.headers.get('access-control-allow-origin')).toBe(crm);
    await stream.body?.cancel();
  });

  it('gives other origins and the API-key routes no CORS headers', async () => {
    await using h = await startPush({ corsOrigins: [crm] });
    const token = await h.token('acme', 'rep-1');
    const other = await call(h, '/v1/inbox', { auth: token, headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const keyRoute = await fetch(`${h.url}/v1/subscribers/rep-1/token`, {
      method: 'OPTIONS',
      headers: { origin: crm, 'access-control-request-method': 'POST' },
    });
    expect(keyRoute.headers.get('access-control-allow-origin')).toBeNull();
    const latency = await call(h, '/v1/stats/latency', { auth: h.apiKey('acme'), headers: { origin: crm } });
    expect(latency.status).toBe(200);
    expect(latency.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends no CORS headers without origins, and * allows any origin', async () => {
    {
      await using h = await startPush();
      const answer = await call(h, '/v1/inbox', {
        auth: await h.token('acme', 'rep-1'),
        headers: { origin: crm },
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    }
    await using h = await startPush({ corsOrigins: ['*'] });
    const answer = await call(h, '/v1/inbox', {
      auth: await h.token('acme', 'rep-1'),
      headers: { origin: crm },
    });
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('refuses an entry that is not an origin, naming it', async () => {
    await expect(startPush({ corsOrigins: ['https://crm.example.com/app'] })).rejects.toThrow(
      'CORS origin "https://crm.example.com/app" has a path: an origin is scheme://host[:port]',
    );
    await expect(startPush({ corsOrigins: ['crm.example.com'] })).rejects.toThrow(
      'CORS origin "crm.example.com" is not a URL',
    );
    await expect(startPush({ corsOrigins: ['ftp://crm.example.com'] })).rejects.toThrow(
      'is not http or https',
    );
  });
});
