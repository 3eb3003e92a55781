import { createEventLog, type EventLog } from '@herald/transport';
import { describe, expect, it } from 'vitest';
import { createHarness, event } from './harness.js';

describe('lifecycle', () => {
  it('close() refuses new requests with 503 and waits for the one in flight, which still gets its 202', async () => {
    const inner = await createEventLog('memory:');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const log: EventLog = {
      driver: inner.driver,
      ensureTopic: (topic, options) => inner.ensureTopic(topic, options),
      publish: async (topic, records) => {
        await gate;
        return inner.publish(topic, records);
      },
      subscribe: (options) => inner.subscribe(options),
      close: () => inner.close(),
      [Symbol.asyncDispose]: () => inner.close(),
    };
    await using h = await createHarness({ log });
    const inFlight = h.post('/v1/events', event('c', { id: 'evt-slow' }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    let closed = false;
    const closing = h.ingest.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closed).toBe(false);
    const refused = await h.post('/v1/events', event('c', { id: 'evt-late' }));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).not.toBeNull();
    release();
    expect((await inFlight).status).toBe(202);
    await closing;
    expect(closed).toBe(true);
    await h.ingest.close();
    expect(h.store.processedEvents.isProcessed(h.tenant, 'evt-slow')).toBe(true);
    expect(h.store.processedEvents.isProcessed(h.tenant, 'evt-late')).toBe(false);
  });

  it('refuses an Idempotency-Key that is too long, naming the header', async () => {
    await using h = await createHarness();
    const response = await h.post('/v1/events', event(), { 'idempotency-key': 'k'.repeat(300) });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { field: 'Idempotency-Key' } });
  });
});
