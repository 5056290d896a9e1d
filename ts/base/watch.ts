/**
 * The object `watch*` methods return: an async iterator over updates AND a thenable for the next
 * update (ccxt style), fed by the same subscription as `on()` callbacks (one queue feeds both, as
 * in nats.js).
 *
 * Two delivery modes:
 * - 'conflate' (books, tickers, balances): a slow reader gets the latest value, never a backlog;
 * - 'queue' (trades, orders, own trades): every batch is kept, in order, up to `maxQueue`; past
 *   that the oldest batch is dropped and counted in `dropped`; `onOverflow` is told once per
 *   episode (when the reader starts falling behind, not for every batch), so nothing vanishes
 *   silently and a slow reader does not flood 'error'.
 */
import { BaseError } from '../core/errors';

/**
 * Subscribes `push`/`fail` to a source; returns the function that releases the subscription.
 * `initial` asks the source to push its current value at once if it has one (an iterator wants
 * the current book first; `await watchX()` wants the next update, or a loop of awaits would spin).
 */
export type Subscribe<T> = (push: (value: T) => void, fail: (err: Error) => void, initial: boolean) => () => void;

export interface WatchOptions<T> {
  mode: 'conflate' | 'queue';
  /**
   * Conflate mode: values with the same key replace each other; different keys (e.g. the symbols
   * of watchOrderBooks) are each kept, so one busy symbol never hides another's update.
   */
  conflateKey?: (value: T) => string;
  /** Queue mode: most batches held for a slow reader (default 10000). */
  maxQueue?: number;
  /**
   * Queue mode: called once when the reader falls behind and batches start being dropped; not
   * again until the reader has emptied the queue (the episode's count keeps growing in `dropped`).
   */
  onOverflow?: (dropped: number) => void;
  /**
   * Called when a thenable (`await ex.watchX()`) use is made. Lets the exchange keep the
   * subscription alive between awaits, as ccxt does, instead of resubscribing every call.
   */
  retain?: () => void;
}

/** An async iterator over updates that is also a promise of the next update. */
export class Watch<T> implements AsyncIterableIterator<T>, PromiseLike<T> {
  private readonly subscribe: Subscribe<T>;
  private readonly opts: WatchOptions<T>;
  private release: (() => void) | undefined;
  private done = false;
  private queue: T[] = [];
  private latest = new Map<string, T>();
  private error: Error | undefined;
  private waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: Error) => void } | undefined;
  private nextPromise: Promise<T> | undefined;
  /** Batches dropped so far because the reader fell behind (queue mode). */
  dropped = 0;
  /** A drop episode is under way (reported once; ends when the reader empties the queue). */
  private overflowing = false;

  constructor(subscribe: Subscribe<T>, opts: WatchOptions<T>) {
    this.subscribe = subscribe;
    this.opts = opts;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private start(initial: boolean): void {
    if (this.release || this.done) return;
    this.release = this.subscribe(
      (value) => this.push(value),
      (err) => this.fail(err),
      initial,
    );
  }

  private push(value: T): void {
    if (this.done) return;
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w.resolve({ value, done: false });
      return;
    }
    if (this.opts.mode === 'conflate') {
      const k = this.opts.conflateKey ? this.opts.conflateKey(value) : '';
      // delete first so a re-set key moves to the back: readers see symbols in update order
      this.latest.delete(k);
      this.latest.set(k, value);
      return;
    }
    this.queue.push(value);
    const max = this.opts.maxQueue ?? 10000;
    if (this.queue.length > max) {
      const dropped = this.queue.length - max;
      this.queue.splice(0, dropped);
      this.dropped += dropped;
      if (!this.overflowing) {
        this.overflowing = true;
        this.opts.onOverflow?.(dropped);
      }
    }
  }

  private fail(err: Error): void {
    if (this.done) return;
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w.reject(err);
    } else {
      this.error = err;
    }
  }

  /** The next update (async iterator protocol). */
  next(): Promise<IteratorResult<T>> {
    return this.pull(true);
  }

  private pull(initial: boolean): Promise<IteratorResult<T>> {
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    if (this.waiter) return Promise.reject(new BaseError('watch: next() called again before the previous call resolved'));
    this.start(initial);
    if (this.error) {
      const e = this.error;
      this.error = undefined;
      return Promise.reject(e);
    }
    if (this.latest.size) {
      const [k, value] = this.latest.entries().next().value as [string, T];
      this.latest.delete(k);
      return Promise.resolve({ value, done: false });
    }
    if (this.queue.length) {
      const value = this.queue.shift() as T;
      if (this.queue.length === 0) this.overflowing = false; // caught up: a new episode may start
      return Promise.resolve({ value, done: false });
    }
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** Stops the iteration and releases the subscription (`break` out of `for await` calls this). */
  return(): Promise<IteratorResult<T>> {
    this.stop();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Ends the iteration with an error and releases the subscription. */
  throw(err?: unknown): Promise<IteratorResult<T>> {
    this.stop();
    return Promise.reject(err);
  }

  private stop(): void {
    if (this.done) return;
    this.done = true;
    const w = this.waiter;
    this.waiter = undefined;
    this.queue = [];
    this.latest.clear();
    const release = this.release;
    this.release = undefined;
    release?.();
    w?.resolve({ value: undefined, done: true });
  }

  /**
   * `await ex.watchOrderBook(symbol)`: resolves with the next update. The subscription stays
   * alive afterwards (retained by the exchange), so awaiting in a loop does not resubscribe.
   */
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    if (!this.nextPromise) {
      this.opts.retain?.();
      this.nextPromise = this.pull(false).then(
        (r) => {
          this.stop();
          if (r.done) throw new BaseError('watch: closed before an update arrived');
          return r.value;
        },
        (e: unknown) => {
          this.stop();
          throw e;
        },
      );
    }
    return this.nextPromise.then(onfulfilled, onrejected);
  }
}
