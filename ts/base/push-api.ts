/**
 * The push side of the public API (DESIGN.md §1 "Push"): on/off callbacks and the watch*
 * iterators/thenables, all fed by the topics' events; private channels go to the private side.
 */
import { BadRequest, BaseError } from '../core/errors';
import { Channel, CHANNELS, MarketChannel, PrivateChannel, eventKey, isMarketChannel, isPrivateChannel } from '../core/channels';
import type { OHLCV, OrderBookView, Ticker, Trade } from '../core/types';
import type { EventHub } from './events';
import type { MarketStore } from './markets';
import type { Topic } from './topic';
import type { TopicTable } from './topics';
import type { PrivateApi } from './trading';
import { checkLimit } from './args';
import { Watch } from './watch';

export type Callback = (payload: never) => void;

/** What the push side works with. */
export interface PushParts {
  id: string;
  events: EventHub;
  markets: MarketStore;
  topics: TopicTable;
  checkTimeframe(tf: string): void;
  privateApi(what: string): PrivateApi;
}

export class PushApi {
  constructor(private readonly p: PushParts) {}

  on(channel: Channel, a: string | Callback, b?: Callback, params?: { timeframe?: string }): () => void {
    const { symbol, cb } = this.callbackArgs(channel, a, b);
    if (isPrivateChannel(channel)) return this.onPrivate(channel, symbol, cb);
    if (symbol === undefined) {
      return this.p.events.add(channel, cb as (p: unknown) => void);
    }
    const kind = channel as MarketChannel;
    const tf = kind === 'ohlcv' ? (params?.timeframe ?? '1m') : undefined;
    if (tf !== undefined) this.p.checkTimeframe(tf);
    const key = eventKey(kind, symbol, tf);
    const existing = this.offs.get(key)?.get(cb);
    if (existing) return existing;
    const topic = this.p.topics.acquire(kind, symbol, tf, false);
    this.p.events.add(key, cb as (p: unknown) => void);
    const off = (): void => {
      const byCb = this.offs.get(key);
      if (byCb?.get(cb) !== off) return;
      byCb.delete(cb);
      if (byCb.size === 0) this.offs.delete(key);
      this.p.events.remove(key, cb as (p: unknown) => void);
      this.p.topics.release(topic);
    };
    let byCb = this.offs.get(key);
    if (!byCb) this.offs.set(key, (byCb = new Map()));
    byCb.set(cb, off);
    return off;
  }

  /** Removers of market-channel callbacks, by event key and callback. */
  private readonly offs = new Map<string, Map<Callback, () => void>>();

  /** Removes a callback registered with `on` (same arguments). */
  off(channel: Channel, a: string | Callback, b?: Callback, params?: { timeframe?: string }): void {
    const { symbol, cb } = this.callbackArgs(channel, a, b);
    if (isPrivateChannel(channel)) {
      this.offPrivate(channel, symbol, cb);
      return;
    }
    if (symbol === undefined || !isMarketChannel(channel)) {
      this.p.events.remove(eventKey(channel, symbol), cb as (p: unknown) => void);
      return;
    }
    const tf = channel === 'ohlcv' ? (params?.timeframe ?? '1m') : undefined;
    this.offs.get(eventKey(channel, symbol, tf))?.get(cb)?.();
  }

  /** Private channels ('balance', 'orders', 'myTrades'): all symbols, or narrowed to one. */
  private onPrivate(channel: Channel, symbol: string | undefined, cb: Callback): () => void {
    if (symbol !== undefined) this.p.markets.checkIfLoaded(symbol); // BadSymbol at once when we can know
    return this.p.privateApi(`on('${channel}')`).on(channel as PrivateChannel, symbol, cb);
  }

  private offPrivate(channel: Channel, symbol: string | undefined, cb: Callback): void {
    let api: PrivateApi;
    try {
      api = this.p.privateApi(`off('${channel}')`);
    } catch {
      return; // nothing can have been registered
    }
    api.off(channel as PrivateChannel, symbol, cb);
  }

  private callbackArgs(channel: Channel, a: string | Callback, b?: Callback): { symbol?: string; cb: Callback } {
    if (!CHANNELS.has(channel)) {
      throw new BadRequest(`unknown channel ${JSON.stringify(channel)}; use one of ${[...CHANNELS].join(', ')}`, {
        exchange: this.p.id,
      });
    }
    if (typeof a === 'function') {
      if (isMarketChannel(channel)) {
        throw new BadRequest(`on('${channel}', symbol, callback) needs a symbol`, { exchange: this.p.id });
      }
      return { cb: a };
    }
    if (typeof b !== 'function') {
      throw new BadRequest(`on('${channel}', ...) needs a callback function`, { exchange: this.p.id });
    }
    if (!isMarketChannel(channel) && !isPrivateChannel(channel)) {
      // 'status', 'resync' and 'error' cover the whole client: a symbol there is a mistake
      throw new BadRequest(`on('${channel}', callback) takes no symbol`, { exchange: this.p.id });
    }
    return { symbol: a, cb: b };
  }

  // ---------------------------------------------------------------- push: iterators

  /** Every merged update of a symbol's book (conflated for slow readers); thenable for the next. */
  watchOrderBook(symbol: string, limit?: number): Watch<OrderBookView> {
    checkLimit(this.p.id, 'watchOrderBook', limit);
    return this.watchTopics<OrderBookView>('orderbook', [symbol], undefined, 'conflate', (t) => {
      const lb = t.book;
      if (!lb || !lb.ready) return undefined;
      return limit ? lb.book.limit(limit) : lb.book;
    }, undefined, limit);
  }

  /** Updates of several books; each value is the book that changed. */
  watchOrderBooks(symbols: string[], limit?: number): Watch<OrderBookView> {
    checkLimit(this.p.id, 'watchOrderBooks', limit);
    return this.watchTopics<OrderBookView>('orderbook', this.symbolList(symbols), undefined, 'conflate', (t) => {
      const lb = t.book;
      if (!lb || !lb.ready) return undefined;
      return limit ? lb.book.limit(limit) : lb.book;
    }, undefined, limit);
  }

  watchTicker(symbol: string): Watch<Ticker> {
    return this.watchTopics<Ticker>('ticker', [symbol], undefined, 'conflate', (t) => t.ticker);
  }

  /** Updates of several tickers: each value maps symbol -> latest ticker, for every symbol seen so far. */
  watchTickers(symbols: string[]): Watch<Record<string, Ticker>> {
    const list = this.symbolList(symbols);
    return this.watchTopics<Record<string, Ticker>>('ticker', list, undefined, 'conflate', () => {
      const out: Record<string, Ticker> = {};
      for (const s of list) {
        const t = this.p.topics.get('ticker', s)?.ticker;
        if (t) out[s] = t;
      }
      return Object.keys(out).length ? out : undefined;
    }, () => 'all');
  }

  /** New trades of a symbol, queued so none are lost (bounded; overflow is reported on 'error'). */
  watchTrades(symbol: string): Watch<Trade[]> {
    return this.watchTopics<Trade[]>('trades', [symbol], undefined, 'queue', undefined);
  }

  /** Candles of a symbol (the whole kept list, oldest first) after every update. */
  watchOHLCV(symbol: string, timeframe = '1m'): Watch<OHLCV[]> {
    this.p.checkTimeframe(timeframe);
    return this.watchTopics<OHLCV[]>('ohlcv', [symbol], timeframe, 'conflate', (t) =>
      t.candles.length ? t.candles.slice() : undefined,
    );
  }

  private symbolList(symbols: string[]): string[] {
    if (!Array.isArray(symbols) || symbols.length === 0) {
      throw new BadRequest('symbols must be a non-empty array of unified symbols', { exchange: this.p.id });
    }
    return [...new Set(symbols)];
  }

  /**
   * One Watch over the topics of `symbols`. `current` gives the value to push for a topic (used
   * for the initial value and, in conflate mode, for each update); undefined means nothing yet.
   */
  private watchTopics<T>(
    kind: MarketChannel,
    symbols: string[],
    timeframe: string | undefined,
    mode: 'conflate' | 'queue',
    current: ((t: Topic) => T | undefined) | undefined,
    conflateKey?: (v: T) => string,
    /** Books: the levels a side the caller wants (its `limit`). */
    depth?: number,
  ): Watch<T> {
    for (const s of symbols) this.p.markets.checkIfLoaded(s);
    const retained: Topic[] = [];
    return new Watch<T>(
      (push, fail, initial) => {
        const subs: { key: string; cb: (p: unknown) => void; topic: Topic }[] = [];
        // a topic that fails for good (unknown symbol, refused subscription) ends the watch; passing
        // errors (a malformed frame, a snapshot retry) do not: the stream heals itself
        const onFail = (err: Error) => fail(err);
        for (const s of symbols) {
          const topic = this.p.topics.acquire(kind, s, timeframe, false, depth);
          const key = eventKey(kind, s, timeframe);
          const cb = current
            ? () => {
                const v = current(topic);
                if (v !== undefined) push(v);
              }
            : (p: unknown) => push(p as T);
          this.p.events.add(key, cb);
          topic.failListeners.add(onFail);
          subs.push({ key, cb, topic });
          if (topic.error) fail(topic.error);
          if (initial && current) {
            const v = current(topic);
            if (v !== undefined) push(v);
          }
        }
        return () => {
          for (const { key, cb, topic } of subs) {
            topic.failListeners.delete(onFail);
            this.p.events.remove(key, cb);
            this.p.topics.release(topic);
          }
        };
      },
      {
        mode,
        conflateKey: conflateKey ?? (mode === 'conflate' && symbols.length > 1 ? (v: T) => symbolOf(v) : undefined),
        onOverflow: (dropped) =>
          this.p.events.error(
            new BaseError(`watch ${kind}: reader fell behind; dropping the oldest batches until it catches up (${dropped} so far; the iterator's \`dropped\` counts them)`, {
              exchange: this.p.id,
              symbol: symbols.length === 1 ? symbols[0] : undefined,
            }),
          ),
        retain: () => {
          // ccxt-style `await watchX()` in a loop: keep the stream between awaits
          for (const s of symbols) retained.push(this.p.topics.acquire(kind, s, timeframe, true, depth));
        },
      },
    );
  }

}

function symbolOf(v: unknown): string {
  return (v as { symbol?: string })?.symbol ?? '';
}
