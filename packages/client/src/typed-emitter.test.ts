import { afterEach, describe, expect, it, vi } from 'vitest';
import { TypedEmitter } from './typed-emitter.js';

interface Events {
  tick: number;
  name: string;
}

describe('TypedEmitter', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('calls listeners until unsubscribed, and once listeners once', () => {
    const events = new TypedEmitter<Events>();
    const ticks: number[] = [];
    const names: string[] = [];
    const off = events.on('tick', (n) => ticks.push(n));
    events.once('name', (name) => names.push(name));
    events.emit('tick', 1);
    events.emit('name', 'a');
    events.emit('name', 'b');
    off();
    events.emit('tick', 2);
    expect(ticks).toEqual([1]);
    expect(names).toEqual(['a']);
    expect(events.listenerCount('tick')).toBe(0);
  });

  it('keeps calling the other listeners when one throws, and rethrows later', () => {
    const deferred: (() => void)[] = [];
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((callback: () => void) => {
      deferred.push(callback);
      return 0;
    }) as unknown as typeof setTimeout);
    const events = new TypedEmitter<Events>();
    const seen: number[] = [];
    events.on('tick', () => {
      throw new Error('listener bug');
    });
    events.on('tick', (n) => seen.push(n));
    events.emit('tick', 7);
    expect(seen).toEqual([7]);
    expect(deferred).toHaveLength(1);
    expect(() => deferred[0]!()).toThrow('listener bug');
  });
});
