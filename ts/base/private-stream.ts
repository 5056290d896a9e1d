/**
 * Lifecycle of an account's private stream, exchange-agnostic: who uses it (callbacks, iterators,
 * pull retention), whether it is live, and the re-sync after an interruption.
 *
 *   off -> starting -> live -> down -> resyncing -> live ...      (failed -> off)
 *
 * - the adapter is asked to start the stream on the first user and to stop it after the last;
 * - `live` comes from the adapter once the subscription is active; after an interruption the owner's
 *   `recover` runs (REST: what changed while the stream was down) before the stream counts as live
 *   again, so pull calls wait for it rather than answer from state known to be incomplete;
 * - a failed re-sync is reported and retried with a capped backoff while the stream stays up.
 */
import { RequestTimeout } from '../core/errors';

export type PrivateStreamState = 'off' | 'starting' | 'live' | 'down' | 'resyncing';

export interface PrivateStreamHooks {
  exchange: string;
  /** Adapter: open the stream (it then calls live / down / failed). */
  start(): void;
  /** Adapter: close the stream. */
  stop(): void;
  /** Owner: the stream is live for the first time since start. */
  firstLive(): void;
  /** Owner: bring the state up to date after an interruption (REST). */
  recover(): Promise<void>;
  /** Owner: the subscription was refused; tell everyone waiting. */
  failed(err: Error): void;
  /** Owner: report an error that is nobody's call's answer. */
  error(err: Error): void;
}

interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

const RECOVER_RETRY_MIN_MS = 500;
const RECOVER_RETRY_MAX_MS = 30_000;

export class PrivateStream {
  state: PrivateStreamState = 'off';
  /** Local time the stream went live (first time since start) and last went down. */
  liveSince: number | undefined;
  downAt: number | undefined;
  private refs = 0;
  private retained = false;
  private waiters: Waiter[] = [];
  /** Bumped on every state change that makes a running recovery obsolete. */
  private generation = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private readonly hooks: PrivateStreamHooks;

  constructor(hooks: PrivateStreamHooks) {
    this.hooks = hooks;
  }

  /** True while the adapter is asked to keep the stream (state is maintained). */
  get active(): boolean {
    return this.state !== 'off';
  }

  /** A callback or iterator starts using the stream. */
  use(): void {
    this.refs++;
    this.ensure();
  }

  /** A callback or iterator stops using it; the stream stops with the last user (unless retained). */
  unuse(): void {
    if (this.refs > 0) this.refs--;
    if (this.refs === 0 && !this.retained && this.state !== 'off') this.stop();
  }

  /** Pull methods keep the stream (and the state) alive until close(). */
  retain(): void {
    this.retained = true;
    this.ensure();
  }

  private ensure(): void {
    if (this.closed || this.state !== 'off') return;
    this.state = 'starting';
    this.generation++;
    this.hooks.start();
  }

  private stop(): void {
    this.state = 'off';
    this.generation++;
    this.clearRetry();
    this.liveSince = this.downAt = undefined;
    this.hooks.stop();
  }

  /** Resolves once the stream is live and in sync (up to timeoutMs). */
  whenLive(timeoutMs: number): Promise<void> {
    if (this.state === 'live') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((x) => x !== w);
          reject(new RequestTimeout(`private stream not live within ${timeoutMs} ms (state: ${this.state})`, { exchange: this.hooks.exchange }));
        }, timeoutMs),
      };
      this.waiters.push(w);
    });
  }

  // ---------------------------------------------------------------- from the adapter

  /**
   * The subscription is active. The first time since start the state is seeded by the owner;
   * after an interruption it is re-synced before the stream counts as live again.
   */
  live(): void {
    if (this.closed) return;
    if (this.state === 'starting') {
      this.liveSince = Date.now();
      this.setLive();
      this.hooks.firstLive();
      return;
    }
    if (this.state !== 'down') return;
    this.state = 'resyncing';
    this.runRecover(++this.generation, RECOVER_RETRY_MIN_MS);
  }

  /** The stream was interrupted; the adapter is reconnecting. */
  down(): void {
    if (this.closed || this.state === 'off' || this.state === 'down') return;
    if (this.state !== 'starting') this.state = 'down';
    this.downAt = Date.now();
    this.generation++;
    this.clearRetry();
  }

  /** The subscription was refused: every waiter gets the error, the stream is off. */
  failed(err: Error): void {
    if (this.closed) return;
    this.state = 'off';
    this.generation++;
    this.clearRetry();
    this.retained = false;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) {
      clearTimeout(w.timer);
      w.reject(err);
    }
    this.hooks.failed(err);
    this.hooks.stop();
  }

  private setLive(): void {
    this.state = 'live';
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) {
      clearTimeout(w.timer);
      w.resolve();
    }
  }

  private runRecover(gen: number, retryMs: number): void {
    this.hooks.recover().then(
      () => {
        if (gen === this.generation && this.state === 'resyncing') this.setLive();
      },
      (err: Error) => {
        if (gen !== this.generation || this.state !== 'resyncing' || this.closed) return;
        this.hooks.error(err);
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          if (gen === this.generation && this.state === 'resyncing') {
            this.runRecover(gen, Math.min(retryMs * 2, RECOVER_RETRY_MAX_MS));
          }
        }, retryMs);
      },
    );
  }

  private clearRetry(): void {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  close(err: Error): void {
    this.closed = true;
    this.clearRetry();
    this.generation++;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) {
      clearTimeout(w.timer);
      w.reject(err);
    }
    this.state = 'off';
  }
}
