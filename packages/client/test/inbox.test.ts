import { describe, expect, it } from 'vitest';
import { createHeraldClient, HeraldClientError } from '../src/index.js';
import { HeraldTestServer, testClient } from './helpers.js';

async function rejection(promise: Promise<unknown>): Promise<HeraldClientError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!HeraldClientError.isInstance(error))
    throw new Error(`expected a HeraldClientError, got ${String(error)}`);
  return error;
}

describe('inbox over HTTP', () => {
  it('lists pages newest first with filters, counts unread and marks', async () => {
    await using server = await HeraldTestServer.start();
    for (let i = 0; i < 5; i++) {
      await server.publish('alice', { category: i % 2 === 0 ? 'orders' : 'tickets' });
    }
    await server.publish('bob');
    const { client, recorder } = testClient(server.base, { token: await server.token('alice') });
    await using _client = client;

    const first = await client.list({ limit: 2 });
    expect(first.items.map((n) => n.seq)).toEqual([5, 4]);
    expect(first.nextCursor).toBe(4);
    const second = await client.list({ limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((n) => n.seq)).toEqual([3, 2]);
    expect((await client.list({ category: 'tickets' })).items.map((n) => n.seq)).toEqual([4, 2]);
    expect(await client.unreadCount()).toBe(5);

    const target = first.items[0]!;
    expect(await client.mark('read', [target.id])).toEqual({ updated: 1, unreadCount: 4 });
    expect((await client.list({ unread: true })).items.map((n) => n.seq)).toEqual([4, 3, 2, 1]);
    expect(await client.mark('read', { all: true, upTo: 2 })).toEqual({ updated: 2, unreadCount: 2 });
    expect(await client.mark('archived', [target.id])).toEqual({ updated: 1, unreadCount: 2 });
    const archived = await client.list({ archived: 'only' });
    expect(archived.items.map((n) => n.id)).toEqual([target.id]);
    expect(archived.items[0]?.readAt).toBeGreaterThan(0);
    expect(archived.items[0]?.archivedAt).toBeGreaterThan(0);
    expect(archived.nextCursor).toBeNull();
    expect(recorder.events['unread-count']).toEqual([5, 4, 2]);
  });

  it('turns HTTP errors into HeraldClientError with status, code and field', async () => {
    await using server = await HeraldTestServer.start();
    const { client } = testClient(server.base, { token: await server.token('alice') });
    expect(await rejection(client.list({ limit: 500 }))).toMatchObject({
      status: 400,
      code: 'invalid_field',
      field: 'limit',
    });
    expect(await rejection(client.mark('read', []))).toMatchObject({
      status: 400,
      code: 'invalid_field',
      field: 'ids',
    });
    const stranger = testClient(server.base, { token: 'not-a-jwt' }).client;
    expect(await rejection(stranger.unreadCount())).toMatchObject({ status: 401, code: 'unauthorized' });
    const lost = testClient(`${server.base}/elsewhere`, { token: 'x' }).client;
    expect(await rejection(lost.unreadCount())).toMatchObject({ status: 404, code: 'not_found' });

    const port = server.port;
    await server.shutDown();
    const offline = testClient(`http://127.0.0.1:${port}`, { token: 'x' }).client;
    const error = await rejection(offline.unreadCount());
    expect(error.code).toBe('network');
    expect(error.status).toBeUndefined();
  });

  it('retries a refused call once with a token from getToken', async () => {
    await using server = await HeraldTestServer.start();
    await server.publish('alice');
    const fresh = await server.token('alice');
    const given: string[] = [];
    const { client } = testClient(server.base, {
      getToken: () => {
        const token = given.length === 0 ? 'stale' : fresh;
        given.push(token);
        return token;
      },
    });
    expect(await client.unreadCount()).toBe(1);
    expect(await client.unreadCount()).toBe(1);
    expect(given).toEqual(['stale', fresh]);
  });

  it('rejects with the signal reason when aborted, and reports a non-Herald answer', async () => {
    await using server = await HeraldTestServer.start();
    const token = await server.token('alice');
    const { client } = testClient(server.base, { token });
    const controller = new AbortController();
    controller.abort(new Error('user left'));
    await expect(client.list({}, { signal: controller.signal })).rejects.toThrow('user left');

    const odd = createHeraldClient({
      url: server.base,
      token,
      fetch: () => Promise.resolve(new Response('{"items":"nope"}', { status: 200 })),
    });
    expect(await rejection(odd.list())).toMatchObject({ code: 'invalid_response', status: 200 });
  });
});

describe('state sync', () => {
  it('tells the other connections of a subscriber what one of them marked', async () => {
    await using server = await HeraldTestServer.start();
    const token = await server.token('alice');
    const phone = testClient(server.base, { token });
    const laptop = testClient(server.base, { token });
    const bob = testClient(server.base, { token: await server.token('bob') });
    await using _phone = phone.client;
    await using _laptop = laptop.client;
    await using _bob = bob.client;
    await Promise.all([phone.client.connect(), laptop.client.connect(), bob.client.connect()]);
    const items = [await server.publish('alice'), await server.publish('alice')];
    await laptop.recorder.until(() => laptop.recorder.events.notification.length === 2);

    await phone.client.mark('read', [items[0]!.id]);
    await laptop.recorder.until(() => laptop.recorder.events.state.length === 1);
    const change = laptop.recorder.events.state[0]!;
    expect(change).toEqual({ action: 'read', ids: [items[0]!.id], at: change.at, unreadCount: 1 });
    expect(change.at).toBeGreaterThan(0);
    expect(laptop.recorder.events['unread-count'].at(-1)).toBe(1);

    await laptop.client.mark('archived', { all: true });
    await phone.recorder.until(() => phone.recorder.events.state.length === 2);
    expect(phone.recorder.events.state[1]).toMatchObject({ action: 'archived', all: true, unreadCount: 0 });
    expect(phone.recorder.events['unread-count'].at(-1)).toBe(0);
    expect(bob.recorder.events.state).toEqual([]);
  });
});
