/** One subscriber as the bus sees it: which channels it wants and how to hand it a message. */
export interface MemorySubscription {
  /** Called only for pattern subscriptions, with the full (prefixed) channel name. */
  matches(channel: string): boolean;
  /** Hands over one message; must not throw. */
  deliver(message: string, channel: string): void;
}

/**
 * In-process publish/subscribe with Redis semantics: the subscribers of a message are those
 * subscribed when it is published; delivery is at most once and in publish order.
 *
 * Delivery is deferred with `setImmediate`, never run inside `publish`: a publisher is never
 * re-entered by handlers, and a handler that publishes in a loop yields to I/O between rounds
 * (with `queueMicrotask` it would starve the event loop).
 */
export class MemoryBus {
  readonly #channels = new Map<string, Set<MemorySubscription>>();
  readonly #patterns = new Set<MemorySubscription>();
  readonly #active = new Set<MemorySubscription>();
  #queue: { subscriptions: MemorySubscription[]; message: string; channel: string }[] = [];
  #scheduled = false;

  /** Subscribes to one channel; returns the function that ends it. */
  subscribe(channel: string, subscription: MemorySubscription): () => void {
    let subscriptions = this.#channels.get(channel);
    if (subscriptions === undefined) {
      subscriptions = new Set();
      this.#channels.set(channel, subscriptions);
    }
    subscriptions.add(subscription);
    this.#active.add(subscription);
    return () => {
      this.#active.delete(subscription);
      const current = this.#channels.get(channel);
      if (current?.delete(subscription) === true && current.size === 0) this.#channels.delete(channel);
    };
  }

  /** Subscribes to every channel the subscription `matches`; returns the function that ends it. */
  psubscribe(subscription: MemorySubscription): () => void {
    this.#patterns.add(subscription);
    this.#active.add(subscription);
    return () => {
      this.#active.delete(subscription);
      this.#patterns.delete(subscription);
    };
  }

  /** Queues a message for the current subscribers of `channel`; returns how many there are. */
  publish(channel: string, message: string): number {
    const subscriptions = [...(this.#channels.get(channel) ?? [])];
    for (const subscription of this.#patterns) {
      if (subscription.matches(channel)) subscriptions.push(subscription);
    }
    if (subscriptions.length === 0) return 0;
    this.#queue.push({ subscriptions, message, channel });
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flush);
    }
    return subscriptions.length;
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    const queue = this.#queue;
    this.#queue = [];
    for (const { subscriptions, message, channel } of queue) {
      for (const subscription of subscriptions) {
        if (this.#active.has(subscription)) subscription.deliver(message, channel);
      }
    }
  };
}
