/** A listener of event `K` of map `E`. */
export type Listener<E, K extends keyof E> = (payload: E[K]) => void;

/** Removes the listener it was returned for. */
export type Unsubscribe = () => void;

/**
 * A small typed event emitter. A listener that throws does not stop the others: its error is
 * rethrown on a later tick, where the host reports it (the console in a browser).
 *
 * @example
 * const events = new TypedEmitter<{ tick: number }>();
 * const off = events.on('tick', (n) => console.log(n));
 * events.emit('tick', 1);
 * off();
 */
export class TypedEmitter<E> {
  readonly #listeners = new Map<keyof E, Set<Listener<E, keyof E>>>();

  /** Calls `listener` with every `event` until the returned function is called. */
  on<K extends keyof E>(event: K, listener: Listener<E, K>): Unsubscribe {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    // Each key's set only ever holds listeners of that key.
    set.add(listener as Listener<E, keyof E>);
    return () => this.off(event, listener);
  }

  /** Calls `listener` with the next `event` only. */
  once<K extends keyof E>(event: K, listener: Listener<E, K>): Unsubscribe {
    const off = this.on(event, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  off<K extends keyof E>(event: K, listener: Listener<E, K>): void {
    this.#listeners.get(event)?.delete(listener as Listener<E, keyof E>);
  }

  /** How many listeners `event` has. */
  listenerCount(event: keyof E): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  emit<K extends keyof E>(event: K, payload: E[K]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<E, K>)(payload);
      } catch (error) {
        setTimeout(() => {
          throw error;
        }, 0);
      }
    }
  }

  removeAll(): void {
    this.#listeners.clear();
  }
}
