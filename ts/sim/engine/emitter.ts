/**
 * Minimal typed event emitter for the engine's hot path: plain arrays of listeners, no wildcard.
 * A throwing listener never interrupts the engine or other listeners; the error goes to onError.
 */
type Handler<T> = (event: T) => void;

export class Emitter<E> {
  private readonly handlers = new Map<keyof E, Array<Handler<never>>>();
  /** Receives errors thrown by listeners (default: console.error). */
  onError: (err: unknown) => void = (err) => console.error('exstream sim listener error:', err);

  /** Registers a listener; returns a function that removes it. */
  on<K extends keyof E>(type: K, fn: Handler<E[K]>): () => void {
    let list = this.handlers.get(type);
    if (!list) {
      list = [];
      this.handlers.set(type, list);
    }
    list.push(fn as Handler<never>);
    return () => this.off(type, fn);
  }

  off<K extends keyof E>(type: K, fn: Handler<E[K]>): void {
    const list = this.handlers.get(type);
    if (!list) return;
    const idx = list.indexOf(fn as Handler<never>);
    if (idx >= 0) list.splice(idx, 1);
  }

  has<K extends keyof E>(type: K): boolean {
    const list = this.handlers.get(type);
    return list !== undefined && list.length > 0;
  }

  emit<K extends keyof E>(type: K, event: E[K]): void {
    const list = this.handlers.get(type);
    if (!list || list.length === 0) return;
    for (const fn of list.length === 1 ? list : list.slice()) {
      try {
        (fn as Handler<E[K]>)(event);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}
