import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { AppendNotifier } from './append-notifier.js';

/** Whether `promise` settles within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = await Promise.race([promise.then(() => true), late]);
  clearTimeout(timer);
  return settled;
}

describe('AppendNotifier', () => {
  it('wakes the waits of a partition on its next append, and only those', async () => {
    const notifier = new AppendNotifier();
    const signal = new AbortController().signal;
    const first = notifier.wait('events', 0, 60_000, signal);
    const second = notifier.wait('events', 0, 60_000, signal);
    const other = notifier.wait('events', 1, 60_000, signal);
    notifier.notify('events', 0);
    expect(await settlesWithin(Promise.all([first, second]), 1000)).toBe(true);
    expect(await settlesWithin(other, 50)).toBe(false);
    expect(notifier.appendCount('events', 0)).toBe(1);
    notifier.notify('events', 1);
    expect(await settlesWithin(other, 1000)).toBe(true);
  });

  it("wakes every partition's waits on another process's commit, and moves every partition's count", async () => {
    const notifier = new AppendNotifier();
    const signal = new AbortController().signal;
    notifier.notify('events', 0);
    const waits = [notifier.wait('events', 0, 60_000, signal), notifier.wait('reminders', 3, 60_000, signal)];
    notifier.notifyElsewhere();
    expect(await settlesWithin(Promise.all(waits), 1000)).toBe(true);
    expect(notifier.appendCount('events', 0)).toBe(2);
    expect(notifier.appendCount('reminders', 3)).toBe(1);
  });

  it('ends a wait after its timeout', async () => {
    const notifier = new AppendNotifier();
    const started = performance.now();
    await notifier.wait('events', 0, 30, new AbortController().signal);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it("ends every wait of a signal when it aborts, not other signals' waits", async () => {
    const notifier = new AppendNotifier();
    const stopping = new AbortController();
    const staying = new AbortController();
    const waits = [
      notifier.wait('events', 0, 60_000, stopping.signal),
      notifier.wait('events', 1, 60_000, stopping.signal),
    ];
    const kept = notifier.wait('events', 0, 60_000, staying.signal);
    stopping.abort();
    expect(await settlesWithin(Promise.all(waits), 1000)).toBe(true);
    expect(await settlesWithin(kept, 50)).toBe(false);
    expect(await settlesWithin(notifier.wait('events', 0, 60_000, stopping.signal), 1000)).toBe(true);
    staying.abort();
    expect(await settlesWithin(kept, 1000)).toBe(true);
  });

  it('keeps one abort listener per signal however many waits it had', async () => {
    const notifier = new AppendNotifier();
    const signal = new AbortController().signal;
    for (let i = 0; i < 100; i++) {
      const wait = notifier.wait('events', 0, 60_000, signal);
      notifier.notify('events', 0);
      await wait;
    }
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);
  });
});
