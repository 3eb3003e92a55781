import { describe, expect, it } from 'vitest';
import { HeraldClientError } from '../src/index.js';
import { HeraldTestServer, pause, testClient } from './helpers.js';

async function rejection(promise: Promise<unknown>): Promise<HeraldClientError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!HeraldClientError.isInstance(error))
    throw new Error(`expected a HeraldClientError, got ${String(error)}`);
  return error;
}

describe('tokens', () => {
  it('stops on a bad token with one error event and no reconnect loop', async () => {
    await using server = await HeraldTestServer.start();
    const { client, recorder } = testClient(server.base, { token: 'not-a-jwt' });
    await using _client = client;
    const error = await rejection(client.connect());
    expect(error).toMatchObject({ code: 'unauthorized', closeCode: 4001 });
    await pause(200);
    expect(recorder.events.error).toEqual([error]);
    expect(recorder.events.reconnecting).toEqual([]);
    expect(client.status).toBe('stopped');
    expect(server.gateway.stats().connections).toBe(0);
  });

  it('asks getToken once more after a refusal, then stops if that token is refused too', async () => {
    await using server = await HeraldTestServer.start();
    let calls = 0;
    const { client, recorder } = testClient(server.base, {
      getToken: () => {
        calls += 1;
        return `bad-${calls}`;
      },
    });
    await using _client = client;
    const error = await rejection(client.connect());
    expect(error.code).toBe('unauthorized');
    await pause(200);
    expect(calls).toBe(2);
    expect(recorder.events.reconnecting).toEqual([{ attempt: 0, delayMs: 0 }]);
    expect(recorder.events.error).toHaveLength(1);
  });

  it('replaces an expired token from getToken and connects', async () => {
    await using server = await HeraldTestServer.start();
    const expired = await server.token('alice', { ttlSeconds: 60, now: () => Date.now() - 120_000 });
    const tokens = [expired, await server.token('alice')];
    let calls = 0;
    const { client, recorder } = testClient(server.base, {
      getToken: () => Promise.resolve(tokens[calls++]!),
    });
    await using _client = client;
    await client.connect();
    expect(calls).toBe(2);
    expect(recorder.events.error).toEqual([]);
    await server.publish('alice', { title: 'hello' });
    await recorder.until(() => recorder.events.notification.length === 1);
  });

  it('reconnects with a fresh token when the one in use expires, and misses nothing', async () => {
    await using server = await HeraldTestServer.start();
    let calls = 0;
    const { client, recorder } = testClient(server.base, {
      // JWT expiry has whole-second precision: 2 s leaves at least 1 s, plenty for the first hello.
      getToken: () => server.token('alice', { ttlSeconds: calls++ === 0 ? 2 : 600 }),
    });
    await using _client = client;
    await client.connect();
    await server.publish('alice');
    await recorder.until(() => recorder.events.disconnected.length === 1, 4_000);
    expect(recorder.events.disconnected[0]).toMatchObject({ code: 4002, willReconnect: true });
    await server.publish('alice');
    await recorder.until(() => recorder.events.connected.length === 2);
    await recorder.until(() => recorder.events.notification.length === 2);
    expect(recorder.seqs()).toEqual([1, 2]);
    expect(calls).toBe(2);
    expect(recorder.events.error).toEqual([]);
  });

  it('stops with token_expired when a fixed token expires', async () => {
    await using server = await HeraldTestServer.start();
    const expired = await server.token('alice', { ttlSeconds: 60, now: () => Date.now() - 120_000 });
    const { client, recorder } = testClient(server.base, { token: expired });
    await using _client = client;
    expect(await rejection(client.connect())).toMatchObject({ code: 'token_expired', closeCode: 4002 });
    expect(recorder.events.reconnecting).toEqual([]);
  });

  it('requires exactly one of token and getToken', () => {
    expect(() => testClient('http://127.0.0.1:1', {})).toThrow(HeraldClientError);
    expect(() => testClient('http://127.0.0.1:1', { token: 'a', getToken: () => 'b' })).toThrow(
      /either token or getToken/,
    );
  });
});

describe('close', () => {
  it('is idempotent, disposes with await using, and refuses connect afterwards', async () => {
    await using server = await HeraldTestServer.start();
    const { client, recorder } = testClient(server.base, { token: await server.token('alice') });
    await client.connect();
    await Promise.all([client.close(), client.close()]);
    await client.close();
    await client[Symbol.asyncDispose]();
    expect(client.status).toBe('closed');
    expect(recorder.events.disconnected).toEqual([
      { code: 1000, reason: 'closed by the client', willReconnect: false },
    ]);
    expect((await rejection(client.connect())).code).toBe('closed');
    await pause(50);
    expect(server.gateway.stats().connections).toBe(0);
  });

  it('rejects a pending connect and cancels reconnecting', async () => {
    await using server = await HeraldTestServer.start();
    const port = server.port;
    await server.shutDown();
    const { client, recorder } = testClient(`http://127.0.0.1:${port}`, { token: 'x' });
    const connecting = client.connect();
    await recorder.until(() => recorder.events.reconnecting.length >= 1);
    await client.close();
    expect((await rejection(connecting)).code).toBe('closed');
    const attempts = recorder.events.reconnecting.length;
    await pause(300);
    expect(recorder.events.reconnecting.length).toBe(attempts);
  });
});
