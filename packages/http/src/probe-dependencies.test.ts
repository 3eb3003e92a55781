import { openStore } from '@herald/store';
import { describe, expect, it } from 'vitest';
import { failingChecks, probeDependencies } from './probe-dependencies.js';

describe('probeDependencies', () => {
  it('asks the log and the store every time, and logs what does not answer', async () => {
    const store = openStore({ path: ':memory:' });
    const warnings: string[] = [];
    const logger = { warn: (_details: Record<string, unknown>, message: string) => warnings.push(message) };
    let logUp = true;
    let probes = 0;
    const log = {
      ensureTopic: () => {
        probes += 1;
        return logUp ? Promise.resolve() : Promise.reject(new Error('broker unreachable'));
      },
    };
    const targets = { log, topic: 'herald.events', store, logger };
    expect(await probeDependencies(targets)).toEqual({ log: true, store: true });
    logUp = false;
    await store.close();
    expect(await probeDependencies(targets)).toEqual({ log: false, store: false });
    expect(probes).toBe(2);
    expect(warnings).toEqual(['readiness: log unreachable']);
  });

  it('names the checks that failed', () => {
    expect(failingChecks({ log: true, store: false, consuming: false })).toEqual(['store', 'consuming']);
    expect(failingChecks({ log: true })).toEqual([]);
  });
});
