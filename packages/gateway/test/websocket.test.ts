import { request } from 'node:http';
import { closeCodes } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { mintSubscriberToken, type Gateway } from '../src/index.js';
import {
  closeOf,
  eventually,
  FakeInbox,
  notification,
  secret,
  startGateway,
  TestClient,
  unique,
} from './helpers.js';

const token = async (tenant: string, subscriber: string, ttlSeconds = 600): Promise<string> =>
  (await mintSubscriberToken({ tenant, subscriber, ttlSeconds }, secret)).token;

describe('WebSocket authentication', () => {
  it('welcomes a good token from the hello frame and from the URL', async () => {
    await using server = await startGateway();
    const tenant = unique('t');
    const jwt = await token(tenant, 'alice');
    await using viaHello = await TestClient.connect(server.port);
    await viaHello.hello(jwt);
    expect(viaHello.frames[0]).toMatchObject({ type: 'welcome', subscriber: 'alice', resumeFrom: 0 });
    await using viaUrl = await TestClient.connect(server.port, `?token=${jwt}`);
    await viaUrl.hello();
    expect(viaUrl.frames[0]).toMatchObject({ type: 'welcome', subscriber: 'alice' });
    expect(server.gateway.stats()).toMatchObject({ connections: 2, subscribers: 1 });
  });

  it('closes 4001 for a bad token, a missing token, or one signed with another key', async () => {
    await using server = await startGateway();
    const tenant = unique('t');
    await using bad = await TestClient.connect(server.port);
    bad.send({ type: 'hello', token: 'not-a-jwt' });
    expect(await closeOf(bad)).toMatchObject({ code: 4001, name: 'unauthorized' });

    await using missing = await TestClient.connect(server.port);
    missing.send({ type: 'hello' });
    expect(await closeOf(missing)).toMatchObject({ code: 4001 });

    const forged = (await mintSubscriberToken({ tenant, subscriber: 'alice' }, `${secret}-other`)).token;
    await using viaUrl = await TestClient.connect(server.port, `?token=${forged}`);
    const closed = await closeOf(viaUrl);
    expect(closed.code).toBe(4001);
    expect(closed.reason).toContain('unauthorized');
  });

  it('closes 4002 for an expired token, and when a token expires while connected', async () => {
    let clock = Date.now();
    await using server = await startGateway({ now: () => clock });
    const tenant = unique('t');
    const old = (
      await mintSubscriberToken(
        { tenant, subscriber: 'alice', ttlSeconds: 60, now: () => clock - 120_000 },
        secret,
      )
    ).token;
    await using expired = await TestClient.connect(server.port);
    expired.send({ type: 'hello', token: old });
    expect(await closeOf(expired)).toMatchObject({ code: 4002, name: 'tokenExpired' });

    const short = (
      await mintSubscriberToken({ tenant, subscriber: 'alice', ttlSeconds: 1, now: () => clock }, secret)
    ).token;
    await using live = await TestClient.connect(server.port);
    await live.hello(short);
    clock += 500;
    expect(await closeOf(live)).toMatchObject({ code: 4002 });
  });

  it('closes 4003 for a token without the stream scope', async () => {
    await using server = await startGateway();
    const jwt = (
      await mintSubscriberToken({ tenant: unique('t'), subscriber: 'alice', scopes: ['inbox:read'] }, secret)
    ).token;
    await using client = await TestClient.connect(server.port);
    client.send({ type: 'hello', token: jwt });
    expect(await closeOf(client)).toMatchObject({ code: 4003, name: 'forbidden' });
  });

  it('closes 4004 when no hello comes in time', async () => {
    await using server = await startGateway({ helloTimeoutMs: 50 });
    await using client = await TestClient.connect(server.port);
    expect(await closeOf(client)).toMatchObject({ code: 4004, name: 'helloTimeout' });
  });
});

describe('WebSocket delivery', () => {
  it('reaches only the recipient, in the right tenant, on every one of its connections', async () => {
    await using server = await startGateway();
    const tenantA = unique('a');
    const tenantB = unique('b');
    await using alice1 = await TestClient.connect(server.port);
    await using alice2 = await TestClient.connect(server.port);
    await using bob = await TestClient.connect(server.port);
    await using aliceInB = await TestClient.connect(server.port);
    await alice1.hello(await token(tenantA, 'alice'));
    await alice2.hello(await token(tenantA, 'alice'));
    await bob.hello(await token(tenantA, 'bob'));
    await aliceInB.hello(await token(tenantB, 'alice'));

    expect(await server.gateway.deliver(notification(tenantA, 'alice', 1))).toBe(2);
    await server.gateway.deliver(notification(tenantA, 'bob', 1, { title: 'for bob' }));
    await server.gateway.deliver(notification(tenantB, 'alice', 1, { title: 'alice in B' }));
    await server.gateway.deliver(notification(tenantA, 'alice', 2));

    for (const client of [alice1, alice2]) {
      await client.until(() => client.seqs().length === 2);
      expect(client.notifications().map((n) => [n.tenant, n.recipient, n.seq])).toEqual([
        [tenantA, 'alice', 1],
        [tenantA, 'alice', 2],
      ]);
    }
    await bob.until(() => bob.seqs().length === 1);
    await aliceInB.until(() => aliceInB.seqs().length === 1);
    // Give any misrouted frame time to arrive before asserting its absence.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bob.notifications().map((n) => n.title)).toEqual(['for bob']);
    expect(aliceInB.notifications().map((n) => n.title)).toEqual(['alice in B']);
    expect(server.gateway.stats().framesSent).toBeGreaterThan(0);
  });

  it('sends every frame as a text message, as browsers expect', async () => {
    await using server = await startGateway();
    const tenant = unique('t');
    await using client = await TestClient.connect(server.port);
    const binary: boolean[] = [];
    client.ws.on('message', (_data, isBinary) => binary.push(isBinary));
    await client.hello(await token(tenant, 'alice'));
    await server.gateway.deliver(notification(tenant, 'alice', 1, { title: 'Bestellung über 5 €' }));
    await client.until(() => client.seqs().length === 1);
    expect(client.notifications()[0]!.title).toBe('Bestellung über 5 €');
    expect(binary.length).toBeGreaterThanOrEqual(2);
    expect(binary.every((isBinary) => !isBinary)).toBe(true);
  });

  it('sends deliverState to all the subscriber connections and nobody else', async () => {
    await using server = await startGateway();
    const tenant = unique('t');
    await using alice1 = await TestClient.connect(server.port);
    await using alice2 = await TestClient.connect(server.port);
    await using bob = await TestClient.connect(server.port);
    await alice1.hello(await token(tenant, 'alice'));
    await alice2.hello(await token(tenant, 'alice'));
    await bob.hello(await token(tenant, 'bob'));
    const reached = await server.gateway.deliverState({
      tenant,
      subscriber: 'alice',
      action: 'read',
      ids: ['n-1'],
      at: 1_700_000_000_000,
      unreadCount: 4,
    });
    expect(reached).toBe(2);
    for (const client of [alice1, alice2]) {
      await client.until((frames) => frames.some((f) => f.type === 'state'));
      expect(client.frames.find((f) => f.type === 'state')).toEqual({
        type: 'state',
        action: 'read',
        ids: ['n-1'],
        at: 1_700_000_000_000,
        unreadCount: 4,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bob.frames.some((f) => f.type === 'state')).toBe(false);
  });

  it('hands mark frames to onMark, whose deliverState syncs the other connection', async () => {
    const tenant = unique('t');
    const ref: { gateway?: Gateway } = {};
    await using server = await startGateway({
      onMark: async (who, mark) => {
        await ref.gateway!.deliverState({
          ...who,
          action: mark.action,
          ids: mark.ids ?? [],
          at: 5,
          unreadCount: 0,
        });
      },
    });
    ref.gateway = server.gateway;
    await using phone = await TestClient.connect(server.port);
    await using laptop = await TestClient.connect(server.port);
    await phone.hello(await token(tenant, 'alice'));
    await laptop.hello(await token(tenant, 'alice'));
    phone.send({ type: 'mark', action: 'read', ids: ['n-9'] });
    await laptop.until((frames) => frames.some((f) => f.type === 'state'));
    expect(laptop.frames.find((f) => f.type === 'state')).toMatchObject({ action: 'read', ids: ['n-9'] });
  });

  it('passes live items that arrive out of seq order, and drops exact repeats', async () => {
    await using server = await startGateway();
    const tenant = unique('t');
    await using client = await TestClient.connect(server.port);
    await client.hello(await token(tenant, 'alice'));
    for (const seq of [2, 1, 2, 3, 1]) await server.gateway.deliver(notification(tenant, 'alice', seq));
    await client.until(() => client.seqs().includes(3));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(client.seqs()).toEqual([2, 1, 3]);
  });

  it('replaces through collapse keys with a replace frame', async () => {
    await using server = await startGateway();
    const tenant = unique('t');
    await using client = await TestClient.connect(server.port);
    await client.hello(await token(tenant, 'alice'));
    await server.gateway.deliver(notification(tenant, 'alice', 3), { replaces: ['n-old'] });
    await client.until((frames) => frames.some((f) => f.type === 'replace'));
    expect(client.frames.at(-1)).toMatchObject({
      type: 'replace',
      replaces: ['n-old'],
      notification: { seq: 3 },
    });
  });
});

describe('WebSocket unread counts', () => {
  it('sends the count given to deliver on live frames, and none on resumed items', async () => {
    await using server = await startGateway();
    const tenant = unique('t');
    server.inbox.store(notification(tenant, 'alice', 1));
    await using client = await TestClient.connect(server.port);
    await client.hello(await token(tenant, 'alice'), 0);
    await server.gateway.deliver(server.inbox.store(notification(tenant, 'alice', 2)), { unreadCount: 2 });
    await server.gateway.deliver(server.inbox.store(notification(tenant, 'alice', 3)), {
      replaces: ['n-2'],
      unreadCount: 2,
    });
    await server.gateway.deliver(server.inbox.store(notification(tenant, 'alice', 4)));
    await client.until(() => client.seqs().includes(4));
    const counts = client.frames
      .filter((frame) => frame.type === 'notification' || frame.type === 'replace')
      .map((frame) => [frame.type, frame.notification.seq, frame.unreadCount]);
    expect(counts).toEqual([
      ['notification', 1, undefined],
      ['notification', 2, 2],
      ['replace', 3, 2],
      ['notification', 4, undefined],
    ]);
  });
});

describe('WebSocket resume', () => {
  it('sends exactly the missed items page by page, then resume-complete, then live', async () => {
    await using server = await startGateway({ resumePageSize: 3 });
    const tenant = unique('t');
    for (let seq = 1; seq <= 10; seq += 1) server.inbox.store(notification(tenant, 'alice', seq));
    await using client = await TestClient.connect(server.port);
    await client.hello(await token(tenant, 'alice'), 4);
    expect(client.frames[0]).toMatchObject({ type: 'welcome', resumeFrom: 4, lastSeq: 10, unreadCount: 10 });
    expect(client.seqs()).toEqual([5, 6, 7, 8, 9, 10]);
    expect(client.frames.at(-1)).toEqual({ type: 'resume-complete', count: 6, lastSeq: 10 });
    expect(server.inbox.calls).toBe(3);
    await server.gateway.deliver(server.inbox.store(notification(tenant, 'alice', 11)));
    await client.until(() => client.seqs().length === 7);
    expect(client.seqs()).toEqual([5, 6, 7, 8, 9, 10, 11]);
  });

  it('has no gap and no repeat when deliveries race the resume', async () => {
    await using server = await startGateway({ resumePageSize: 2 });
    const tenant = unique('t');
    for (let seq = 1; seq <= 5; seq += 1) server.inbox.store(notification(tenant, 'alice', seq));
    // While the first page is being read, push stores and delivers 6 and 7, and re-delivers 3
    // (an at-least-once repeat); 8 arrives while the last page is being read.
    server.inbox.beforeAnswer = async (call) => {
      if (call === 1) {
        await server.gateway.deliver(server.inbox.store(notification(tenant, 'alice', 6)));
        await server.gateway.deliver(server.inbox.store(notification(tenant, 'alice', 7)));
        await server.gateway.deliver(notification(tenant, 'alice', 3));
      }
      if (call === 4) await server.gateway.deliver(server.inbox.store(notification(tenant, 'alice', 8)));
    };
    await using client = await TestClient.connect(server.port);
    await client.hello(await token(tenant, 'alice'), 1);
    await server.gateway.deliver(server.inbox.store(notification(tenant, 'alice', 9)));
    await client.until(() => client.seqs().includes(9));
    expect(client.seqs()).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    const complete = client.frames.findIndex((f) => f.type === 'resume-complete');
    // 2..7 came from the inbox pages; the live 6, 7 and the repeated 3 were held back and dropped.
    expect(client.frames[complete]).toEqual({ type: 'resume-complete', count: 6, lastSeq: 7 });
    expect(
      client.frames.slice(complete + 1).map((f) => (f.type === 'notification' ? f.notification.seq : f.type)),
    ).toEqual([8, 9]);
  });

  it('resumes a backlog larger than the queue limit, page by page, without dropping the client', async () => {
    await using server = await startGateway({ maxQueuedFrames: 20, resumePageSize: 500 });
    const tenant = unique('t');
    for (let seq = 1; seq <= 300; seq += 1) server.inbox.store(notification(tenant, 'alice', seq));
    await using client = await TestClient.connect(server.port);
    await client.hello(await token(tenant, 'alice'), 0);
    expect(client.seqs()).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(server.gateway.stats().droppedSlowConsumers).toBe(0);
    expect(server.inbox.calls).toBe(31);
  });

  it('closes 1011 and reports when the inbox cannot be read', async () => {
    const errors: unknown[] = [];
    const inbox = new FakeInbox();
    inbox.beforeAnswer = () => {
      throw new Error('database is locked');
    };
    await using server = await startGateway({ inbox, onError: (error) => errors.push(error) });
    await using client = await TestClient.connect(server.port);
    client.send({ type: 'hello', token: await token(unique('t'), 'alice'), lastSeq: 0 });
    expect(await closeOf(client)).toMatchObject({ code: 1011 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'UNAVAILABLE', cause: { message: 'database is locked' } });
    expect(server.gateway.stats().connections).toBe(0);
  });

  it('accepts ack, and answers mark with unavailable when no onMark is set', async () => {
    await using server = await startGateway();
    await using client = await TestClient.connect(server.port);
    await client.hello(await token(unique('t'), 'alice'));
    client.send({ type: 'ack', seq: 3 });
    client.send({ type: 'mark', action: 'read', all: true });
    await client.until((frames) => frames.some((f) => f.type === 'error'));
    expect(client.frames.filter((f) => f.type === 'error')).toEqual([
      { type: 'error', code: 'unavailable', message: 'marking is not available on this connection' },
    ]);
  });

  it('without lastSeq starts live from the newest item and resends nothing', async () => {
    await using server = await startGateway();
    const tenant = unique('t');
    for (let seq = 1; seq <= 3; seq += 1) server.inbox.store(notification(tenant, 'alice', seq));
    await using client = await TestClient.connect(server.port);
    await client.hello(await token(tenant, 'alice'));
    expect(client.frames[0]).toMatchObject({ type: 'welcome', resumeFrom: 3, lastSeq: 3 });
    expect(client.seqs()).toEqual([]);
    await server.gateway.deliver(server.inbox.store(notification(tenant, 'alice', 4)));
    await client.until(() => client.seqs().length === 1);
    expect(client.seqs()).toEqual([4]);
  });
});

describe('WebSocket robustness', () => {
  it('answers malformed frames with error frames and stays up', async () => {
    await using server = await startGateway();
    const tenant = unique('t');
    await using client = await TestClient.connect(server.port);
    await client.hello(await token(tenant, 'alice'));
    client.send('{not json');
    client.send({ type: 'mark', action: 'explode', ids: ['x'] });
    client.send({ type: 'hello' });
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    client.send({ type: 'ping', id: 'p1' });
    await client.until((frames) => frames.some((f) => f.type === 'pong'));
    const errors = client.frames.filter((f) => f.type === 'error');
    expect(errors).toHaveLength(4);
    expect(errors[0]).toMatchObject({ code: 'invalid_request', message: 'frame is not JSON' });
    expect(errors[1]).toMatchObject({ code: 'invalid_field', field: 'action' });
    expect(client.frames.at(-1)).toEqual({ type: 'pong', id: 'p1' });
    await server.gateway.deliver(notification(tenant, 'alice', 1));
    await client.until(() => client.seqs().length === 1);
  });

  it('closes 4000 for a malformed first frame; other clients are unaffected', async () => {
    await using server = await startGateway();
    const tenant = unique('t');
    await using good = await TestClient.connect(server.port);
    await good.hello(await token(tenant, 'alice'));
    await using bad = await TestClient.connect(server.port);
    bad.send('garbage');
    expect(await closeOf(bad)).toMatchObject({ code: 4000, name: 'invalidFrame' });
    await using ack = await TestClient.connect(server.port);
    ack.send({ type: 'ack', seq: 1 });
    expect(await closeOf(ack)).toMatchObject({ code: 4000 });
    await server.gateway.deliver(notification(tenant, 'alice', 1));
    await good.until(() => good.seqs().length === 1);
  });

  it('answers 404 to an upgrade on another path, with a JSON body naming the path to use', async () => {
    await using server = await startGateway();
    await expect(new TestClient(`ws://127.0.0.1:${server.port}/v1/other`).opened).rejects.toThrow(/404/);
    expect(await refusedUpgrade(server.port, '/v1/other')).toEqual({
      status: 404,
      retryAfter: undefined,
      body: { error: { code: 'not_found', message: 'no WebSocket endpoint at /v1/other; use /v1/ws' } },
    });
  });

  it('closes an oversized frame (1009) without harm to the server', async () => {
    await using server = await startGateway({ maxClientFrameBytes: 1024 });
    await using client = await TestClient.connect(server.port);
    client.send({ type: 'ping', id: 'x'.repeat(2000) });
    expect((await closeOf(client)).code).toBe(1009);
    await using next = await TestClient.connect(server.port);
    await next.hello(await token(unique('t'), 'alice'));
  });

  it('terminates a socket that stops answering pings', async () => {
    await using server = await startGateway({ heartbeatIntervalMs: 40 });
    const tenant = unique('t');
    await using dead = await TestClient.connect(server.port, '', { autoPong: false });
    await using alive = await TestClient.connect(server.port);
    await dead.hello(await token(tenant, 'alice'));
    await alive.hello(await token(tenant, 'bob'));
    expect((await closeOf(dead, 2_000)).code).toBe(1006);
    await eventually(() => server.gateway.stats().connections === 1);
    expect(alive.ws.readyState).toBe(alive.ws.OPEN);
  });

  it('closes a slow consumer 4008 and releases it while a fast one keeps receiving', async () => {
    await using server = await startGateway({ maxQueuedFrames: 50, maxBufferedBytes: 64 * 1024 });
    const tenant = unique('t');
    await using slow = await TestClient.connect(server.port);
    await using fast = await TestClient.connect(server.port);
    await slow.hello(await token(tenant, 'alice'));
    await fast.hello(await token(tenant, 'alice'));
    slow.ws.pause();
    const body = 'x'.repeat(16 * 1024);
    let seq = 0;
    while (server.gateway.stats().droppedSlowConsumers === 0) {
      if (seq > 20_000) throw new Error('the slow consumer was never dropped');
      for (let i = 0; i < 10; i += 1) {
        seq += 1;
        await server.gateway.deliver(notification(tenant, 'alice', seq, { body }));
      }
      // The fast client keeps up: it never has more than a batch outstanding.
      await fast.until(() => fast.seqs().length === seq, 10_000);
    }
    expect(server.gateway.stats()).toMatchObject({ droppedSlowConsumers: 1, connections: 1 });
    slow.ws.resume();
    expect(await closeOf(slow)).toMatchObject({ code: closeCodes.tooSlow, name: 'tooSlow' });
    expect(slow.seqs().length).toBeLessThan(seq);
    for (let i = 0; i < 5; i += 1) await server.gateway.deliver(notification(tenant, 'alice', ++seq));
    await fast.until(() => fast.seqs().length === seq);
    expect(fast.seqs()).toEqual(Array.from({ length: seq }, (_, i) => i + 1));
  });

  it('closes connections 4010 on close(), twice safely, and refuses new upgrades', async () => {
    const server = await startGateway();
    await using client = await TestClient.connect(server.port);
    await client.hello(await token(unique('t'), 'alice'));
    await Promise.all([server.gateway.close(), server.gateway.close()]);
    expect(await closeOf(client)).toMatchObject({ code: 4010, name: 'shuttingDown' });
    // The gateway has let go of upgrades: the server's own app answers, and nothing is upgraded.
    expect(await refusedUpgrade(server.port, '/v1/ws')).toMatchObject({ status: 404 });
    await expect(server.gateway.deliver(notification('t', 'alice', 1))).rejects.toMatchObject({
      code: 'CLOSED',
    });
    await server[Symbol.asyncDispose]();
  });
});

/** What the server answers an upgrade it refuses: status, Retry-After and the JSON body. */
function refusedUpgrade(
  port: number,
  path: string,
): Promise<{ status: number | undefined; retryAfter: string | undefined; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'sec-websocket-version': '13',
      },
    });
    req.on('upgrade', () => reject(new Error(`${path} was upgraded`)));
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () =>
        resolve({
          status: res.statusCode,
          retryAfter: res.headers['retry-after'],
          body: res.headers['content-type']?.startsWith('application/json')
            ? (JSON.parse(text) as unknown)
            : text,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}
