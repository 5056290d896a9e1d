/**
 * Turns engine events into Binance market streams (web-socket-streams.md):
 * - <sym>@depth@100ms / <sym>@depth: diff depth every 100 / 1000 ms. Each event carries every level
 *   change with update id in [U, u] (last value per price), U = previous u + 1, so a REST snapshot
 *   with lastUpdateId N plus the events with u > N reproduces the book exactly.
 * - <sym>@depth5|10|20[@100ms]: partial book snapshots; <sym>@bookTicker on every top change.
 * - <sym>@trade per fill, <sym>@aggTrade per taker order and price.
 * - <sym>@ticker, <sym>@miniTicker every 1000 ms; <sym>@kline_<i> every 1000 ms (1s) / 2000 ms.
 */
import { EngineTrade, LevelChange, MarketInfo, MatchingEngine } from '../engine';
import { top, topKey } from '../common/runtime';
import { tapeTrade, TradeTape } from '../common/tape';
import { price, qty } from './format';
import { klineEvent, miniTickerEvent, tickerEvent } from './market-data';
import { currentBar, INTERVALS, Interval } from './stats';
import { StreamHub } from './stream-hub';

class DiffBuffer {
  first = 0;
  last = 0;
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  /** Discard the next non-empty event (skipSequence fault). */
  dropNext = false;

  add(c: LevelChange): void {
    if (this.first === 0) this.first = c.updateId;
    this.last = c.updateId;
    (c.side === 'bid' ? this.bids : this.asks).set(c.price, c.qty);
  }

  clear(): void {
    this.first = 0;
    this.last = 0;
    this.bids.clear();
    this.asks.clear();
  }
}

interface AggPending {
  id: number;
  takerOrderId: number;
  price: number;
  qty: number;
  first: number;
  last: number;
  time: number;
  buyerIsMaker: boolean;
}

interface SymbolFeed {
  info: MarketInfo;
  stream: string;
  tape: TradeTape;
  fast: DiffBuffer;
  slow: DiffBuffer;
  lastTop: string;
  aggSeq: number;
  agg: AggPending | undefined;
  /** Open time of the last kline pushed, per interval. */
  klineOpen: Map<Interval, number>;
}

export class MarketFeed {
  private readonly feeds = new Map<string, SymbolFeed>();
  private slowTicks = 0;

  constructor(
    private readonly engine: MatchingEngine,
    private readonly hub: StreamHub,
    private readonly now: () => number,
  ) {
    engine.on('level', (c) => this.onLevel(c));
    engine.on('trade', (t) => this.onTrade(t));
    engine.on('settled', (s) => {
      if (s.symbol !== undefined) this.flushAgg(this.feeds.get(s.symbol));
    });
  }

  /** Starts publishing a market, as its book is now. */
  add(info: MarketInfo): void {
    this.feeds.set(info.symbol, {
      info,
      stream: info.symbol.toLowerCase(),
      tape: new TradeTape(),
      fast: new DiffBuffer(),
      slow: new DiffBuffer(),
      lastTop: topKey(top(this.engine, info.symbol)),
      aggSeq: 0,
      agg: undefined,
      klineOpen: new Map(),
    });
  }

  /** The trade tape of a market. */
  tape(symbol: string): TradeTape {
    return (this.feeds.get(symbol) as SymbolFeed).tape;
  }

  /** The next non-empty diff depth event of the symbol is lost, so the one after jumps U. */
  skipSequence(symbol: string): void {
    const f = this.feeds.get(symbol);
    if (!f) throw new RangeError(`unknown symbol ${symbol}`);
    f.fast.dropNext = true;
    f.slow.dropNext = true;
  }

  /** Sends pending diff depth events and partial books now. */
  flush(): void {
    this.fastTick();
    const now = this.now();
    for (const f of this.feeds.values()) {
      this.flushDiff(f, f.slow, `${f.stream}@depth`, now);
      for (const n of [5, 10, 20]) this.partial(f, `${f.stream}@depth${n}`, n);
    }
  }

  /** Every 100 ms. */
  fastTick(): void {
    const now = this.now();
    for (const f of this.feeds.values()) {
      this.flushDiff(f, f.fast, `${f.stream}@depth@100ms`, now);
      for (const n of [5, 10, 20]) this.partial(f, `${f.stream}@depth${n}@100ms`, n);
    }
  }

  /** Every 1000 ms. */
  slowTick(): void {
    const now = this.now();
    this.slowTicks++;
    for (const f of this.feeds.values()) {
      this.flushDiff(f, f.slow, `${f.stream}@depth`, now);
      for (const n of [5, 10, 20]) this.partial(f, `${f.stream}@depth${n}`, n);
      if (this.hub.has(`${f.stream}@ticker`)) this.hub.publish(`${f.stream}@ticker`, tickerEvent(f.info, f.tape, top(this.engine, f.info.symbol), now));
      if (this.hub.has(`${f.stream}@miniTicker`)) this.hub.publish(`${f.stream}@miniTicker`, miniTickerEvent(f.info, f.tape, now));
      for (const interval of INTERVALS) {
        if (interval !== '1s' && this.slowTicks % 2 !== 0) continue;
        this.kline(f, interval, now);
      }
    }
  }

  private onLevel(c: LevelChange): void {
    const f = this.feeds.get(c.symbol);
    if (!f) return;
    f.fast.add(c);
    f.slow.add(c);
    const bt = `${f.stream}@bookTicker`;
    const tp = top(this.engine, c.symbol);
    const key = topKey(tp);
    if (key === f.lastTop) return;
    f.lastTop = key;
    if (!this.hub.has(bt)) return;
    this.hub.publish(bt, {
      u: c.updateId,
      s: f.info.symbol,
      b: price(f.info, tp.bid?.[0] ?? 0),
      B: qty(f.info, tp.bid?.[1] ?? 0),
      a: price(f.info, tp.ask?.[0] ?? 0),
      A: qty(f.info, tp.ask?.[1] ?? 0),
    });
  }

  private onTrade(t: EngineTrade): void {
    const f = this.feeds.get(t.symbol);
    if (!f) return;
    f.tape.add(tapeTrade(this.engine, t));
    const name = `${f.stream}@trade`;
    if (this.hub.has(name)) {
      this.hub.publish(name, {
        e: 'trade',
        E: this.now(),
        s: f.info.symbol,
        t: t.id,
        p: price(f.info, t.price),
        q: qty(f.info, t.qty),
        T: t.time,
        m: t.buyerIsMaker,
        M: true,
      });
    }
    const a = f.agg;
    if (a && a.takerOrderId === t.takerOrderId && a.price === t.price) {
      a.qty += t.qty;
      a.last = t.id;
      return;
    }
    this.flushAgg(f);
    f.agg = { id: ++f.aggSeq, takerOrderId: t.takerOrderId, price: t.price, qty: t.qty, first: t.id, last: t.id, time: t.time, buyerIsMaker: t.buyerIsMaker };
  }

  private flushAgg(f: SymbolFeed | undefined): void {
    const a = f?.agg;
    if (!f || !a) return;
    f.agg = undefined;
    const name = `${f.stream}@aggTrade`;
    if (!this.hub.has(name)) return;
    this.hub.publish(name, {
      e: 'aggTrade',
      E: this.now(),
      s: f.info.symbol,
      a: a.id,
      p: price(f.info, a.price),
      q: qty(f.info, a.qty),
      f: a.first,
      l: a.last,
      T: a.time,
      m: a.buyerIsMaker,
      M: true,
    });
  }

  private flushDiff(f: SymbolFeed, buf: DiffBuffer, name: string, now: number): void {
    if (buf.first === 0) return;
    if (buf.dropNext) {
      buf.dropNext = false;
      buf.clear();
      return;
    }
    if (this.hub.has(name)) {
      const info = f.info;
      const side = (m: Map<number, number>, desc: boolean): string[][] =>
        [...m.entries()].sort((x, y) => (desc ? y[0] - x[0] : x[0] - y[0])).map(([p, q]) => [price(info, p), qty(info, q)]);
      this.hub.publish(name, {
        e: 'depthUpdate',
        E: now,
        s: info.symbol,
        U: buf.first,
        u: buf.last,
        b: side(buf.bids, true),
        a: side(buf.asks, false),
      });
    }
    buf.clear();
  }

  private partial(f: SymbolFeed, name: string, n: number): void {
    if (!this.hub.has(name)) return;
    const d = this.engine.depth(f.info.symbol, n);
    this.hub.publish(name, {
      lastUpdateId: d.updateId,
      bids: d.bids.map(([p, q]) => [price(f.info, p), qty(f.info, q)]),
      asks: d.asks.map(([p, q]) => [price(f.info, p), qty(f.info, q)]),
    });
  }

  private kline(f: SymbolFeed, interval: Interval, now: number): void {
    const name = `${f.stream}@kline_${interval}`;
    if (!this.hub.has(name)) return;
    const prevOpen = f.klineOpen.get(interval);
    const bar = currentBar(f.tape, interval, now);
    if (!bar) return;
    if (prevOpen !== undefined && prevOpen !== bar.openTime) {
      const closed = currentBar(f.tape, interval, prevOpen);
      if (closed) this.hub.publish(name, klineEvent(f.info, closed, interval, true, now));
    }
    f.klineOpen.set(interval, bar.openTime);
    this.hub.publish(name, klineEvent(f.info, bar, interval, false, now));
  }
}
