import { TcpProxy } from '@herald/testkit';
import { describe, expect, it } from 'vitest';
import { HeraldClientError } from '../src/index.js';
import { HeraldTestServer, pause, testClient } from './helpers.js';

describe('live notifications', () => {
  it('receives notifications live, once each, after a welcome with the unread count', async () => {
    await using server = await HeraldTestServer.start();
    await server.publish('alice', { title: 'before' });
    const { client, recorder } = testClient(server.base, { token: await server.token('alice') });
    await using _client = client;
    await client.connect();
    expect(client.status).toBe('live');
    // Without a last seq, nothing old is resent: the client starts at the inbox's newest item.
    expect(recorder.events.connected).toEqual([{ missed: 0, lastSeq: 1 }]);
    expect(recorder.events['unread-count']).toEqual([1]);

    await server.publish('alice', { title: 'one' });
    await server.publish('bob', { title: 'for bob' });
    await server.publish('alice', { title: 'two' });
    await recorder.until(() => recorder.events.notification.length === 2);
    expect(recorder.titles()).toEqual(['one', 'two']);
    expect(recorder.seqs()).toEqual([2, 3]);
    expect(client.lastSeq).toBe(3);
    // Each live item brings the count a badge shows.
    expect(recorder.events['unread-count']).toEqual([1, 2, 3]);
  });

  it('takes the unread count of replace frames, and none from resent items', async () => {
    await using server = await HeraldTestServer.start();
    const missed = await server.publish('alice', { title: 'missed', collapseKey: 'order:1' });
    server.store.inbox.markRead(server.tenant, 'alice', missed.id);
    const { client, recorder } = testClient(server.base, { token: await server.token('alice'), lastSeq: 0 });
    await using _client = client;
    await client.connect();
    expect(recorder.events.notification.map((n) => n.title)).toEqual(['missed']);
    expect(recorder.events['unread-count']).toEqual([0]);
    await server.publish('alice', { title: 'newer', collapseKey: 'order:1' });
    await recorder.until(() => recorder.events.replace.length === 1);
    expect(recorder.events['unread-count']).toEqual([0, 1]);
    await server.publish('alice', { title: 'other' });
    await recorder.until(() => recorder.events.notification.length === 2);
    expect(recorder.events['unread-count']).toEqual([0, 1, 2]);
  });

  it('resumes after a dropped connection with exactly the missed items, and no repeats', async () => {
    await using server = await HeraldTestServer.start();
    await using proxy = new TcpProxy({ host: '127.0.0.1', port: server.port });
    await proxy.start();
    const { client, recorder } = testClient(`http://127.0.0.1:${proxy.port}`, {
      token: await server.token('alice'),
    });
    await using _client = client;
    await client.connect();
    await server.publish('alice');
    await server.publish('alice');
    await recorder.until(() => recorder.events.notification.length === 2);

    await proxy.stop();
    await recorder.until(() => recorder.events.disconnected.length === 1);
    expect(recorder.events.disconnected[0]).toMatchObject({ code: 1006, willReconnect: true });
    const missed = [
      await server.publish('alice'),
      await server.publish('alice'),
      await server.publish('alice'),
    ];
    // Let a few attempts fail against the closed port before it comes back.
    await recorder.until(() => recorder.events.reconnecting.length >= 2);
    await proxy.start();
    await recorder.until(() => recorder.events.connected.length === 2);
    expect(recorder.events.connected[1]).toEqual({ missed: 3, lastSeq: 5 });

    await server.publish('alice');
    await recorder.until(() => recorder.events.notification.length === 6);
    await pause(50);
    expect(recorder.seqs()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(recorder.events.notification.slice(2, 5)).toEqual(missed);
    expect(recorder.events.error).toEqual([]);
  });

  it('reconnects when the server shuts down (4010) and comes back on the same port', async () => {
    await using server = await HeraldTestServer.start();
    const { client, recorder } = testClient(server.base, { token: await server.token('alice') });
    await using _client = client;
    await client.connect();
    const first = await server.publish('alice');
    await recorder.until(() => recorder.events.notification.length === 1);

    await server.shutDown();
    await recorder.until(() => recorder.events.disconnected.length === 1);
    expect(recorder.events.disconnected[0]).toMatchObject({ code: 4010, willReconnect: true });
    await server.publish('alice');
    await server.publish('alice');
    await server.listen();
    await recorder.until(() => recorder.events.connected.length === 2);
    await recorder.until(() => recorder.events.notification.length === 3);

    // An at-least-once redelivery on the new connection is dropped by id.
    await server.gateway.deliver(first);
    await server.publish('alice');
    await recorder.until(() => recorder.events.notification.length === 4);
    await pause(50);
    expect(recorder.seqs()).toEqual([1, 2, 3, 4]);
    expect(server.gateway.stats().connections).toBe(1);
  });

  it('emits replace with the ids a collapse key replaced', async () => {
    await using server = await HeraldTestServer.start();
    const { client, recorder } = testClient(server.base, { token: await server.token('alice') });
    await using _client = client;
    await client.connect();
    const older = await server.publish('alice', { title: 'order 1: paid', collapseKey: 'order:1' });
    await server.publish('alice', { title: 'order 1: shipped', collapseKey: 'order:1' });
    await recorder.until(() => recorder.events.replace.length === 1);
    expect(recorder.events.notification.map((n) => n.id)).toEqual([older.id]);
    expect(recorder.events.replace[0]).toMatchObject({
      notification: { title: 'order 1: shipped', collapseKey: 'order:1', seq: 2 },
      replaces: [older.id],
    });
    expect(client.lastSeq).toBe(2);
  });

  it('keeps the last seq in storage, so a new client resumes where the last one stopped', async () => {
    await using server = await HeraldTestServer.start();
    const saved = new Map<string, string>();
    const storage = {
      getItem: (key: string) => Promise.resolve(saved.get(key)),
      setItem: (key: string, value: string) => void saved.set(key, value),
    };
    const token = await server.token('alice');
    {
      const { client, recorder } = testClient(server.base, { token, storage });
      await using _client = client;
      await client.connect();
      await server.publish('alice');
      await server.publish('alice');
      await recorder.until(() => recorder.events.notification.length === 2);
    }
    expect(saved.get(`herald:last-seq:${server.tenant}/alice`)).toBe('2');
    await server.publish('alice', { title: 'while away' });
    const { client, recorder } = testClient(server.base, { token, storage });
    await using _client = client;
    await client.connect();
    expect(recorder.events.connected).toEqual([{ missed: 1, lastSeq: 3 }]);
    expect(recorder.titles()).toEqual(['while away']);
  });

  it('backs off with growing delays while the server is away, then stops after maxAttempts', async () => {
    await using proxy = new TcpProxy({ host: '127.0.0.1', port: 9 });
    await proxy.start();
    const port = proxy.port;
    await proxy.stop();
    const { client, recorder } = testClient(`http://127.0.0.1:${port}`, {
      token: 'any',
      reconnect: { initialDelayMs: 10, maxDelayMs: 40, jitter: 0, maxAttempts: 5 },
    });
    await using _client = client;
    const connecting = client.connect();
    const failure = await connecting.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(recorder.events.reconnecting.map((r) => r.delayMs)).toEqual([10, 20, 40, 40, 40]);
    expect(HeraldClientError.isInstance(failure) && failure.code).toBe('network');
    expect(recorder.events.error).toHaveLength(1);
    expect(client.status).toBe('stopped');
  });
});
