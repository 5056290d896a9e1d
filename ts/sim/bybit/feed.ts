/**
 * Bybit v5 public spot topics over the engine (protocols.md §4 "Order book", "Ticker and trade"):
 * - `orderbook.{1|50|200|1000}.{symbol}`: a snapshot after subscribing (the view last published to
 *   the topic, with its `u`), then every 20 / 100 / 200 ms (depth 50 / 200 / 1000) a delta with the
 *   levels that changed within the top `depth` (levels leaving it with size "0", levels entering it
 *   with their size), `u` one more than the previous push of the topic and `seq` the engine's
 *   update id (the cross sequence). Depth 1 is snapshot-only (every 10 ms when the top changed).
 *   A restart (the resetSequence fault) re-sends a snapshot with `u: 1` and counts on from there.
 * - `tickers.{symbol}` (snapshot only, at most every 100 ms after a change), `publicTrade.{symbol}`
 *   (the trades of one matching step in one push, sharing a `seq`), `kline.{interval}.{symbol}`
 *   (the running kline after trades; the finished one with confirm true when a new one starts).
 */
import type { MarketInfo, MatchingEngine, EngineTrade } from '../engine';
import { BookWindow, TickLevel } from '../common/book-window';
import { SimSocket } from '../common/ws-server';
import { tapeTrade, TradeTape } from '../common/tape';
import { INTERVALS, px, sz, tickerData, wsKline, wsTrade } from './market-data';
import type { BybitInstrument } from './symbols';

/** Push interval of each book depth (ms): Bybit spot 1: 10 ms, 50: 20 ms, 200: 100 ms, 1000: 200 ms. */
export const DEPTH_INTERVAL_MS: Record<number, number> = { 1: 10, 50: 20, 200: 100, 1000: 200 };

export interface BybitSub {
  conn: BybitConn;
  topic: string;
  channel: 'orderbook' | 'tickers' | 'publicTrade' | 'kline';
  id: string;
  depth?: number;
  interval?: string;
  lastKline?: number;
}

export class BybitConn extends SimSocket {
  readonly subs = new Map<string, BybitSub>();

  override subscribedTo(stream: string): boolean {
    return this.subs.has(stream);
  }
}

interface BookGroup {
  depth: number;
  window: BookWindow;
  u: number;
  lastFlushAt: number;
  subs: Set<BybitSub>;
  skipPending: boolean;
}

interface MarketFeed {
  inst: BybitInstrument;
  info: MarketInfo;
  tape: TradeTape;
  books: Map<number, BookGroup>;
  tickers: Set<BybitSub>;
  trades: Set<BybitSub>;
  klines: Set<BybitSub>;
  pending: EngineTrade[];
  tickerDirty: boolean;
  lastTickerAt: number;
}

export class BybitFeed {
  readonly markets = new Map<string, MarketFeed>();

  constructor(
    private readonly engine: MatchingEngine,
    instruments: readonly BybitInstrument[],
    private readonly now: () => number,
  ) {
    for (const inst of instruments) {
      this.markets.set(inst.id, {
        inst,
        info: engine.market(inst.id),
        tape: new TradeTape(),
        books: new Map(),
        tickers: new Set(),
        trades: new Set(),
        klines: new Set(),
        pending: [],
        tickerDirty: false,
        lastTickerAt: 0,
      });
    }
    engine.on('trade', (t) => this.markets.get(t.symbol)?.pending.push(t));
    engine.on('settled', (s) => {
      const m = s.symbol === undefined ? undefined : this.markets.get(s.symbol);
      if (m) this.settled(m);
    });
  }

  /** The book topics some connection subscribes now (`orderbook.{depth}.{symbol}`), sorted. */
  bookTopics(): string[] {
    const out = new Set<string>();
    for (const m of this.markets.values()) for (const g of m.books.values()) for (const s of g.subs) out.add(s.topic);
    return [...out].sort();
  }

  market(id: string): MarketFeed {
    return this.markets.get(id) as MarketFeed;
  }

  add(sub: BybitSub): void {
    const m = this.market(sub.id);
    switch (sub.channel) {
      case 'orderbook': {
        const depth = sub.depth as number;
        let g = m.books.get(depth);
        if (!g) {
          g = { depth, window: new BookWindow(this.engine, sub.id, depth, 'window'), u: this.engine.updateId(sub.id), lastFlushAt: Date.now(), subs: new Set(), skipPending: false };
          m.books.set(depth, g);
        }
        g.subs.add(sub);
        sub.conn.send(this.bookFrame(sub.topic, 'snapshot', m, g.window.levels('bid'), g.window.levels('ask'), g.u));
        return;
      }
      case 'tickers':
        m.tickers.add(sub);
        sub.conn.send(this.frame(sub.topic, 'snapshot', tickerData(this.engine, sub.id, m.tape, this.now(), false), { cs: this.engine.updateId(sub.id) }));
        return;
      case 'publicTrade':
        m.trades.add(sub);
        return;
      case 'kline': {
        m.klines.add(sub);
        const period = INTERVALS[sub.interval as string];
        const c = period ? m.tape.current(period, this.now()) : undefined;
        if (c && period) {
          sub.lastKline = c.openTime;
          sub.conn.send(this.frame(sub.topic, 'snapshot', [wsKline(m.info, sub.interval as string, period.ms ?? 0, c, false, this.now())]));
        }
        return;
      }
    }
  }

  remove(sub: BybitSub): void {
    const m = this.market(sub.id);
    if (sub.channel === 'orderbook') {
      const g = m.books.get(sub.depth as number);
      g?.subs.delete(sub);
      if (g && g.subs.size === 0) m.books.delete(g.depth);
    } else {
      m.tickers.delete(sub);
      m.trades.delete(sub);
      m.klines.delete(sub);
    }
  }

  /** The next delta of every book topic of the market is lost (its `u` is used up, unsent). */
  skipSequence(id: string): void {
    for (const g of this.market(id).books.values()) g.skipPending = true;
  }

  /** A service restart: every book topic of the market re-sends a snapshot with `u: 1`. */
  resetSequence(id: string): void {
    const m = this.market(id);
    for (const g of m.books.values()) {
      g.window.advance();
      g.u = 1;
      g.skipPending = false;
      const text = this.bookFrame('', 'snapshot', m, g.window.levels('bid'), g.window.levels('ask'), 1);
      for (const s of g.subs) s.conn.send(text.replace('"topic":""', `"topic":${JSON.stringify(s.topic)}`));
    }
  }

  /** REST /v5/market/orderbook: the engine's book now, `u` of the 1000-level topic when one runs. */
  restBook(id: string, n: number): { bids: TickLevel[]; asks: TickLevel[]; u: number } {
    const g = this.market(id).books.get(1000);
    if (g && n <= 1000) return { bids: g.window.levels('bid', n), asks: g.window.levels('ask', n), u: g.u };
    return { bids: this.engine.bookSide(id, 'bid').depth(n), asks: this.engine.bookSide(id, 'ask').depth(n), u: this.engine.updateId(id) };
  }

  /** Every 10 ms: book topics whose interval is due, tickers at most every 100 ms. */
  tick(force = false): void {
    const wall = Date.now();
    for (const m of this.markets.values()) {
      for (const g of m.books.values()) {
        if (!force && wall - g.lastFlushAt < (DEPTH_INTERVAL_MS[g.depth] ?? 100)) continue;
        g.lastFlushAt = wall;
        this.flushBook(m, g);
      }
      if (m.tickerDirty && m.tickers.size > 0 && (force || wall - m.lastTickerAt >= 100)) {
        m.tickerDirty = false;
        m.lastTickerAt = wall;
        const data = tickerData(this.engine, m.inst.id, m.tape, this.now(), false);
        for (const s of m.tickers) s.conn.send(this.frame(s.topic, 'snapshot', data, { cs: this.engine.updateId(m.inst.id) }));
      }
    }
  }

  /** Sends every pending change now (sim.flush()). */
  flush(): void {
    this.tick(true);
  }

  private flushBook(m: MarketFeed, g: BookGroup): void {
    const changes = g.window.advance();
    if (changes.bids.length === 0 && changes.asks.length === 0) return;
    g.u += 1;
    if (g.skipPending) {
      // lost on the way: the next delta's u is two ahead of the last one the clients saw
      g.skipPending = false;
      return;
    }
    const text =
      g.depth === 1
        ? this.bookFrame('', 'snapshot', m, g.window.levels('bid'), g.window.levels('ask'), g.u)
        : this.bookFrame('', 'delta', m, changes.bids, changes.asks, g.u);
    for (const s of g.subs) s.conn.send(text.replace('"topic":""', `"topic":${JSON.stringify(s.topic)}`));
  }

  /** `{"topic","ts","type","data":{"s","b","a","u","seq"},"cts"}` (spot: ts before type). */
  private bookFrame(topic: string, type: 'snapshot' | 'delta', m: MarketFeed, bids: readonly TickLevel[], asks: readonly TickLevel[], u: number): string {
    const now = this.now();
    const rows = (l: readonly TickLevel[]): string[][] => l.map(([p, q]) => [px(m.info, p), q === 0 ? '0' : sz(m.info, q)]);
    const data = { s: m.inst.id, b: rows(bids), a: rows(asks), u, seq: this.engine.updateId(m.inst.id) };
    return `{"topic":${JSON.stringify(topic)},"ts":${now},"type":"${type}","data":${JSON.stringify(data)},"cts":${now}}`;
  }

  private frame(topic: string, type: string, data: unknown, extra: Record<string, unknown> = {}): string {
    return JSON.stringify({ topic, ts: this.now(), type, ...extra, data });
  }

  private settled(m: MarketFeed): void {
    if (m.pending.length === 0) {
      m.tickerDirty ||= m.tickers.size > 0;
      return;
    }
    const trades = m.pending.map((t) => tapeTrade(this.engine, t));
    m.pending = [];
    for (const t of trades) m.tape.add(t);
    m.tickerDirty = true;
    const id = m.inst.id;
    if (m.trades.size > 0) {
      const seq = this.engine.updateId(id);
      const data = trades.map((t) => wsTrade(m.info, id, t, seq));
      for (const s of m.trades) s.conn.send(this.frame(s.topic, 'snapshot', data));
    }
    if (m.klines.size > 0) {
      const now = this.now();
      for (const s of m.klines) {
        const period = INTERVALS[s.interval as string];
        if (!period) continue;
        const c = m.tape.current(period, now);
        if (!c) continue;
        const ms = period.ms ?? 0;
        if (s.lastKline !== undefined && s.lastKline !== c.openTime) {
          const prev = m.tape.candles(period, now).find((x) => x.openTime === s.lastKline);
          if (prev) s.conn.send(this.frame(s.topic, 'snapshot', [wsKline(m.info, s.interval as string, ms, prev, true, now)]));
        }
        s.lastKline = c.openTime;
        s.conn.send(this.frame(s.topic, 'snapshot', [wsKline(m.info, s.interval as string, ms, c, false, now)]));
      }
    }
  }
}
