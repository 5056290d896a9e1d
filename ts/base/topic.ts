/**
 * A Topic is one public data subscription (a symbol's book, ticker, trades or candles) and the
 * live state it keeps. It counts who uses it (callbacks, iterators, pull retention) so the stream
 * is unsubscribed when nothing does.
 */
import type { MarketChannel } from '../core/channels';
import type { LiveBook } from './live-book';
import { RequestTimeout } from '../core/errors';
import type { Market, OHLCV, Ticker, Trade } from '../core/types';

interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class Topic {
  readonly key: string;
  readonly kind: MarketChannel;
  readonly symbol: string;
  readonly timeframe: string | undefined;
  market: Market | undefined;
  /** Users: callbacks + iterators. */
  refs = 0;
  /** Kept alive for pull methods and `await watchX()` until close(). */
  retained = false;
  /** Set once the subscription started on the wire. */
  started = false;
  /** Set when the subscription failed for good (BadSymbol, refused). */
  error: Error | undefined;

  book: LiveBook | undefined;
  ticker: Ticker | undefined;
  /** Recent trades, oldest first, bounded. */
  trades: Trade[] = [];
  /** Candles, oldest first, bounded. */
  candles: OHLCV[] = [];
  /** Ticker/trades/ohlcv: true once the first data (or REST seed) is in. */
  hasData = false;
  /** Adapter bookkeeping (e.g. stream name). */
  stream: string | undefined;
  /** Book topics: the `limit` each acquire gave (undefined: none), for exchanges whose stream depth follows it. */
  readonly limits = new Set<number | undefined>();
  /** Books: the depth the book stream was subscribed with ({@link AdapterInstance.bookDepthFor}). */
  subscribedDepth: number | undefined;

  /** Told when the topic fails for good (watch iterators end with the error). */
  readonly failListeners = new Set<(err: Error) => void>();

  private waiters: Waiter[] = [];

  constructor(kind: MarketChannel, symbol: string, timeframe?: string) {
    this.kind = kind;
    this.symbol = symbol;
    this.timeframe = timeframe;
    this.key = Topic.key(kind, symbol, timeframe);
  }

  static key(kind: MarketChannel, symbol: string, timeframe?: string): string {
    return timeframe === undefined ? `${kind}|${symbol}` : `${kind}|${symbol}|${timeframe}`;
  }

  get inUse(): boolean {
    return this.refs > 0 || this.retained;
  }

  get ready(): boolean {
    return this.book ? this.book.ready : this.hasData;
  }

  /** Non-book topics: resolves at the first data. */
  whenData(timeoutMs: number, exchange: string, what: string): Promise<void> {
    if (this.error) return Promise.reject(this.error);
    if (this.hasData) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((x) => x !== w);
          reject(new RequestTimeout(`no ${what} within ${timeoutMs} ms`, { exchange, symbol: this.symbol }));
        }, timeoutMs),
      };
      this.waiters.push(w);
    });
  }

  markData(): void {
    if (this.hasData) return;
    this.hasData = true;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) {
      clearTimeout(w.timer);
      w.resolve();
    }
  }

  fail(err: Error): void {
    this.error = err;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) {
      clearTimeout(w.timer);
      w.reject(err);
    }
    this.book?.fail(err);
    for (const f of [...this.failListeners]) f(err);
  }
}
