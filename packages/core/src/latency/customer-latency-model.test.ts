import { describe, expect, it } from 'vitest';
import { CoreError, type CoreErrorCode } from '../core-error.js';
import { CustomerLatencyModel } from './customer-latency-model.js';
import { MmcQueue } from './mmc-queue.js';

function expectCode(run: () => unknown, code: CoreErrorCode): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(CoreError.isInstance(thrown) ? thrown.code : thrown).toBe(code);
}

describe('CustomerLatencyModel', () => {
  it('gives T_update and T_response as the means over N updates and M requests', () => {
    const model = new CustomerLatencyModel();
    const updates = [3_000, 4_000, 5_000, 4_000]; // N = 4
    const responses = [6_000, 7_500, 9_000]; // M = 3
    for (const u of updates) model.recordUpdate(u);
    for (const r of responses) model.recordResponse(r);
    expect(model.tUpdate()).toBe(4_000);
    expect(model.tResponse()).toBe(7_500);
    expect(model.updates.count).toBe(4);
    expect(model.responses.count).toBe(3);
    expect(model.updatePercentile(100)).toBe(5_000);
    expect(model.responsePercentile(0)).toBe(6_000);
  });

  it('has no means before any data, and cannot predict without a service time', () => {
    const model = new CustomerLatencyModel();
    expect(model.tUpdate()).toBeUndefined();
    expect(model.tResponse()).toBeUndefined();
    expect(model.responsePercentile(99)).toBeUndefined();
    expectCode(() => model.predict({ arrivalRate: 10, servers: 1 }), 'EMPTY');
    expect(model.predict({ arrivalRate: 10, servers: 1, serviceTime: 1_000 }).meanResponse).toBeCloseTo(
      1_000 / 0.99,
      6,
    );
  });

  it('predicts M/M/1 response times in µs: W = 1/(μ − λ)', () => {
    const model = new CustomerLatencyModel();
    model.recordUpdate(5_000, 10); // T_update = 5 ms, μ = 200/s
    const queue = model.predict({ arrivalRate: 100, servers: 1 });
    expect(queue.utilisation).toBeCloseTo(0.5, 12);
    expect(queue.meanResponse).toBeCloseTo(10_000, 6); // 1/(200 − 100) s
    expect(queue.responsePercentile(99)).toBeCloseTo(-Math.log(0.01) * 10_000, 3);
  });

  it('predicts the same as an M/M/c queue in seconds, scaled to µs', () => {
    const model = new CustomerLatencyModel();
    model.recordUpdate(4_000);
    const queue = model.predict({ arrivalRate: 600, servers: 4 });
    const inSeconds = new MmcQueue({ arrivalRate: 600, serviceRate: 250, servers: 4 });
    expect(queue.probabilityOfWaiting).toBeCloseTo(inSeconds.probabilityOfWaiting, 12);
    expect(queue.meanResponse).toBeCloseTo(inSeconds.meanResponse * 1e6, 6);
    expect(queue.responsePercentile(99)).toBeCloseTo(inSeconds.responsePercentile(99) * 1e6, 3);
  });

  it('refuses a load beyond capacity and bad inputs', () => {
    const model = new CustomerLatencyModel();
    model.recordUpdate(4_000);
    expectCode(() => model.predict({ arrivalRate: 1_000, servers: 4 }), 'UNSTABLE_SYSTEM');
    expectCode(() => model.predict({ arrivalRate: 100, servers: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => model.predict({ arrivalRate: -1, servers: 1 }), 'INVALID_ARGUMENT');
    expectCode(() => model.predict({ arrivalRate: 1, servers: 1, serviceTime: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => model.recordResponse(-3), 'INVALID_ARGUMENT');
  });

  it('serialises both means and histograms', () => {
    const model = new CustomerLatencyModel({ relativeError: 0.05 });
    model.recordUpdate(2_000);
    const json = JSON.parse(JSON.stringify(model)) as ReturnType<CustomerLatencyModel['toJSON']>;
    expect(json).toMatchObject({ tUpdate: 2_000, tResponse: null });
    expect(json.updates).toMatchObject({ count: 1, relativeError: 0.05 });
    expect(json.responses.count).toBe(0);
  });
});
