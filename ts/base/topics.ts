/**
 * The public subscriptions of one exchange (a symbol's book, ticker, trades or candles): created on
 * first use, counted, started on the wire once markets are loaded, stopped when nothing uses them,
 * and failed for good (unknown symbol, refused subscription) with every waiter told.
 *
 * The wire side is the stream engine's (`start` / `stop`); this table knows nothing of sockets.
 */
import { BadResponse, BaseError } from '../core/errors';
import type { MarketChannel } from '../core/channels';
import type { OHLCV, Ticker, Trade } from '../core/types';
import { EventHub, eventKey } from './events';
import type { MarketStore } from './markets';
import { Topic } from './topic';

/** Most trades kept per symbol for fetchTrades. */
export const TRADES_KEPT = 1000;
/** Most candles kept per symbol and timeframe for fetchOHLCV. */
export const CANDLES_KEPT = 1000;

export interface TopicWire {
  /** Start the wire subscription of a topic (its market is resolved). */
  start(topic: Topic): void;
  /** Stop the wire subscription of a topic. */
  stop(topic: Topic): void;
  /** A started book topic got a user with a new `limit`: move it to a deeper stream if that needs one. */
  limitsChanged?(topic: Topic): void;
}

export class TopicTable {
  readonly all = new Map<string, Topic>();
  closed = false;
  wire: TopicWire | undefined;

  constructor(
    private readonly exchange: string,
    private readonly markets: MarketStore,
    private readonly events: EventHub,
  ) {}

  get(kind: MarketChannel, symbol: string, timeframe?: string): Topic | undefined {
    return this.all.get(Topic.key(kind, symbol, timeframe));
  }

  /** Finds or creates a topic and adds a user (or retains it for pull); `limit`: the levels a book user wants. */
  acquire(kind: MarketChannel, symbol: string, timeframe: string | undefined, retain: boolean, limit?: number): Topic {
    if (this.closed) throw new BaseError('exchange is closed', { exchange: this.exchange });
    this.markets.checkIfLoaded(symbol);
    const key = Topic.key(kind, symbol, timeframe);
    let t = this.all.get(key);
    if (!t || t.error) {
      t = new Topic(kind, symbol, timeframe);
      this.all.set(key, t);
      const topic = t;
      this.markets.load().then(
        () => {
          if (this.all.get(key) !== topic || !topic.inUse || this.closed) return;
          try {
            topic.market = this.markets.get(symbol);
            topic.started = true;
            this.wire?.start(topic);
          } catch (err) {
            this.fail(topic, err as Error);
          }
        },
        (err: Error) => this.fail(topic, err),
      );
    }
    if (kind === 'orderbook' && !t.limits.has(limit)) {
      t.limits.add(limit);
      if (t.started) this.wire?.limitsChanged?.(t);
    }
    if (retain) t.retained = true;
    else t.refs++;
    return t;
  }

  /** Drops a user; the stream is unsubscribed when the topic has none left. */
  release(topic: Topic): void {
    if (topic.refs > 0) topic.refs--;
    if (topic.inUse) return;
    if (this.all.get(topic.key) === topic) this.all.delete(topic.key);
    if (topic.started) {
      topic.started = false;
      try {
        this.wire?.stop(topic);
      } catch (err) {
        this.events.error(err as Error);
      }
    }
    topic.book?.close();
  }

  /** A topic can never deliver (unknown symbol, refused subscription): tell everyone waiting. */
  fail(topic: Topic, err: Error): void {
    topic.fail(err);
    this.events.error(err);
    if (this.all.get(topic.key) === topic) this.all.delete(topic.key);
    if (topic.started) {
      topic.started = false;
      topic.book?.close();
    }
  }

  /** A ticker arrived for a topic. */
  pushTicker(topic: Topic, ticker: Ticker): void {
    topic.ticker = ticker;
    topic.markData();
    this.events.emit(eventKey('ticker', topic.symbol), ticker);
  }

  /** New trades arrived for a topic (oldest first). Trades with impossible numbers are reported, not kept. */
  pushTrades(topic: Topic, trades: Trade[]): void {
    if (!trades.every(sound)) {
      const bad = trades.filter((t) => !sound(t));
      this.events.error(
        new BadResponse(`${bad.length} trade(s) with a price that is not a finite number > 0 or an amount that is not a finite number >= 0 ignored`, {
          exchange: this.exchange,
          symbol: topic.symbol,
          raw: bad.map((t) => t.info),
        }),
      );
      trades = trades.filter(sound);
      if (trades.length === 0) return;
    }
    const kept = topic.trades;
    for (const tr of trades) kept.push(tr);
    if (kept.length > TRADES_KEPT) kept.splice(0, kept.length - TRADES_KEPT);
    topic.markData();
    this.events.emit(eventKey('trades', topic.symbol), trades);
  }

  /** A candle update arrived: replaces the candle with the same open time, or appends. */
  pushCandle(topic: Topic, candle: OHLCV): void {
    mergeCandle(topic.candles, candle);
    if (topic.candles.length > CANDLES_KEPT) topic.candles.splice(0, topic.candles.length - CANDLES_KEPT);
    topic.markData();
    this.events.emit(eventKey('ohlcv', topic.symbol, topic.timeframe), topic.candles);
  }

  /** Closes every topic's book; the table accepts no new topics. */
  close(): void {
    this.closed = true;
    for (const t of this.all.values()) t.book?.close();
    this.all.clear();
  }
}

/** A trade whose numbers can be real. */
function sound(t: Trade): boolean {
  return t.price > 0 && t.price < Infinity && t.amount >= 0 && t.amount < Infinity;
}

/** Replaces the candle with the same open time as `c`, or inserts it in time order. */
export function mergeCandle(list: OHLCV[], c: OHLCV): void {
  const last = list[list.length - 1];
  if (!last || last[0] < c[0]) list.push(c);
  else if (last[0] === c[0]) list[list.length - 1] = c;
  else {
    const i = list.findIndex((x) => x[0] >= c[0]);
    if (list[i][0] === c[0]) list[i] = c;
    else list.splice(i, 0, c);
  }
}

export function filterSinceLimit<T>(list: T[], since: number | undefined, limit: number | undefined, ts: (x: T) => number | undefined): T[] {
  let out = since === undefined ? list.slice() : list.filter((x) => (ts(x) ?? 0) >= since);
  if (limit !== undefined && out.length > limit) out = out.slice(out.length - limit);
  return out;
}
