/**
 * Client-side request budget, so we slow ourselves down before the exchange bans us.
 *
 * Exchanges publish weight-based limits ("1200 weight per minute"): a token bucket that holds
 * `capacity` tokens and refills continuously at `capacity / intervalMs` models that directly.
 * When the exchange still says 429/418, {@link RateLimiter.pauseUntil} stops everyone until the
 * time it asked for.
 */

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Bucket size: the weight that may be spent in one burst. */
  capacity: number;
  /** Time in which an empty bucket refills completely (ms). */
  intervalMs: number;
  /**
   * 'rolling' (default): tokens refill continuously. 'fixed': the whole budget comes back at each
   * boundary of `intervalMs` on the clock (Binance counts weight per minute that way, and a rolling
   * bucket would let a burst plus its refill land in one counted minute: up to twice the limit).
   */
  window?: 'rolling' | 'fixed';
}

interface Waiter {
  weight: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Weight-based token bucket with a FIFO queue of waiters.
 *
 * Timers: at most one timer exists, and only while someone is waiting; it is cleared as soon as
 * the queue is empty. An idle limiter therefore never holds the process open, while a pending
 * `acquire()` (which stands for real pending work) does - unref'ing it instead could let Node
 * exit in the middle of an `await`.
 */
export class RateLimiter {
  /** Bucket size. */
  readonly capacity: number;
  /** Full-refill time (ms). */
  readonly intervalMs: number;

  private tokens: number;
  private lastRefill: number;
  private pausedUntilMs = 0;
  private readonly waiters: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closedWith: Error | undefined;
  private readonly fixed: boolean;

  constructor(opts: RateLimiterOptions) {
    if (!(opts.capacity > 0) || !(opts.intervalMs > 0)) {
      throw new RangeError('RateLimiter: capacity and intervalMs must be positive');
    }
    this.capacity = opts.capacity;
    this.intervalMs = opts.intervalMs;
    this.tokens = opts.capacity;
    this.lastRefill = Date.now();
    this.fixed = opts.window === 'fixed';
  }

  /**
   * The exchange said how much of the current window is spent (e.g. Binance's
   * X-MBX-USED-WEIGHT-1M, which also counts other clients on the same IP): never believe we have
   * more left than that.
   */
  sync(used: number): void {
    if (!(used >= 0)) return;
    this.refill(Date.now());
    this.tokens = Math.min(this.tokens, this.capacity - used);
  }

  /** Number of acquire() calls waiting for tokens. */
  get pending(): number {
    return this.waiters.length;
  }

  /**
   * Resolves once `weight` tokens have been taken from the bucket.
   *
   * Waiters are served in order (a heavy request is not starved by light ones). A weight larger
   * than the capacity is let through when the bucket is full and leaves the bucket in debt,
   * rather than waiting forever.
   */
  acquire(weight = 1): Promise<void> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (this.waiters.length === 0 && this.tryTake(weight, Date.now())) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ weight, resolve, reject });
      if (this.waiters.length === 1) this.schedule();
    });
  }

  /**
   * Rejects every waiting acquire() (and every later one) with `err` and drops the timer, so a
   * closed client neither sends what was queued nor keeps the process alive draining it.
   */
  close(err: Error): void {
    if (this.closedWith) return;
    this.closedWith = err;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const ws = this.waiters.splice(0);
    for (const w of ws) w.reject(err);
  }

  /**
   * Blocks every acquire() until `epochMs` (a `Date.now()` timestamp), e.g. the end of the
   * Retry-After the exchange sent with a 429. Never shortens an existing pause. A rolling bucket is
   * emptied too: the exchange just told us our local budget was too optimistic.
   */
  pauseUntil(epochMs: number): void {
    if (!(epochMs > this.pausedUntilMs)) return;
    this.pausedUntilMs = epochMs;
    this.refill(Date.now());
    // a rolling bucket starts again from empty; a fixed window keeps its count (the exchange's own
    // count comes with every reply through sync(), and the pause covers the rest)
    if (!this.fixed) this.tokens = Math.min(this.tokens, 0);
    if (this.waiters.length > 0) this.schedule();
  }

  private refill(now: number): void {
    if (this.fixed) {
      // a new window on the clock: the whole budget is back (a debt from an oversized request is not carried)
      if (Math.floor(now / this.intervalMs) > Math.floor(this.lastRefill / this.intervalMs)) this.tokens = this.capacity;
      this.lastRefill = now;
      return;
    }
    if (now > this.lastRefill) {
      this.tokens = Math.min(
        this.capacity,
        this.tokens + ((now - this.lastRefill) * this.capacity) / this.intervalMs,
      );
    }
    this.lastRefill = now;
  }

  private tryTake(weight: number, now: number): boolean {
    if (now < this.pausedUntilMs) return false;
    this.refill(now);
    if (this.tokens >= Math.min(weight, this.capacity)) {
      this.tokens -= weight;
      return true;
    }
    return false;
  }

  /** (Re)arms the single timer for the moment the head of the queue can proceed. */
  private schedule(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const head = this.waiters[0];
    if (!head) return;
    const now = Date.now();
    let waitMs: number;
    if (now < this.pausedUntilMs) {
      waitMs = this.pausedUntilMs - now;
    } else {
      this.refill(now);
      const missing = Math.min(head.weight, this.capacity) - this.tokens;
      waitMs = this.fixed
        ? this.intervalMs - (now % this.intervalMs) // the next window
        : Math.ceil((missing * this.intervalMs) / this.capacity);
    }
    // At least 1 ms: float rounding must not turn this into a busy loop.
    this.timer = setTimeout(() => this.drain(), Math.max(1, waitMs));
  }

  private drain(): void {
    this.timer = undefined;
    const now = Date.now();
    while (this.waiters.length > 0 && this.tryTake(this.waiters[0]!.weight, now)) {
      this.waiters.shift()!.resolve();
    }
    this.schedule();
  }
}
