/**
 * Kraken WebSocket v2 channel data over the engine: `book` (snapshot, then updates every
 * `bookIntervalMs` carrying what changed within each subscriber's depth and the checksum of the top
 * 10), `ticker` (on trades, or on best bid/offer changes with event_trigger "bbo"), `trade` (every
 * engine operation's trades in one message) and `ohlc` (the running candle after trades).
 *
 * Book subscribers of one pair and depth share one published view (BookWindow, 'truncate' rule), so
 * a message is rendered once. The skipSequence fault loses an update that touches the top 10 for
 * every current subscriber of the pair; a subscriber that lost one follows what it really holds
 * (a shadow view) and, should later messages happen to repair its top 10 before it could notice,
 * loses another: the fault always ends in a checksum the client cannot match.
 */
import { EngineTrade, MarketInfo, MatchingEngine } from '../engine';
import { applyChanges, BookWindow, sortLevels, TickLevel, WindowChanges } from '../common/book-window';
import { rfc3339 } from '../common/format';
import { SimSocket } from '../common/ws-server';
import { TapeTrade, tapeTrade, TradeTape } from '../common/tape';
import { top, topKey } from '../common/runtime';
import { bookChecksum, bookMessage } from './format';
import { candleElement, periodOf, tickerElement, tradeElement } from './market-data';
import type { KrakenPair } from './symbols';

export type Channel = 'book' | 'ticker' | 'trade' | 'ohlc';

export interface Sub {
  conn: KrakenConn;
  channel: Channel;
  pair: KrakenPair;
  depth: number;
  interval: number;
  trigger: 'trades' | 'bbo';
  /** book: lose the next update that touches the top 10 (skipSequence). */
  loseNext: boolean;
  /** book: what the client holds after a lost update. */
  shadow?: { bids: Map<number, number>; asks: Map<number, number> };
}

export class KrakenConn extends SimSocket {
  /** Subscription key ('book:BTC/USD', 'ohlc:BTC/USD:5') -> subscription. */
  readonly subs = new Map<string, Sub>();

  override subscribedTo(stream: string): boolean {
    return this.subs.has(stream);
  }
}

interface Group {
  window: BookWindow;
  /** Top 10 a side of the published view, best first. */
  top: { bids: TickLevel[]; asks: TickLevel[] };
  checksum: number;
  subs: Set<Sub>;
}

export interface PairFeed {
  pair: KrakenPair;
  info: MarketInfo;
  tape: TradeTape;
  groups: Map<number, Group>;
  tickers: Set<Sub>;
  trades: Set<Sub>;
  ohlc: Set<Sub>;
  pending: EngineTrade[];
  /** Last time (s) each price level changed, for REST Depth. */
  levelTimes: { bid: Map<number, number>; ask: Map<number, number> };
  lastBbo: string;
  skipPending: boolean;
  corruptPending: boolean;
}

export class KrakenFeed {
  readonly feeds = new Map<string, PairFeed>();

  constructor(
    private readonly engine: MatchingEngine,
    pairs: readonly KrakenPair[],
    private readonly now: () => number,
  ) {
    for (const pair of pairs) {
      this.feeds.set(pair.key, {
        pair,
        info: engine.market(pair.key),
        tape: new TradeTape(),
        groups: new Map(),
        tickers: new Set(),
        trades: new Set(),
        ohlc: new Set(),
        pending: [],
        levelTimes: { bid: new Map(), ask: new Map() },
        lastBbo: '',
        skipPending: false,
        corruptPending: false,
      });
    }
    engine.on('level', (c) => {
      const f = this.feeds.get(c.symbol);
      if (!f) return;
      const m = f.levelTimes[c.side];
      if (c.qty === 0) m.delete(c.price);
      else m.set(c.price, Math.floor(this.now() / 1000));
    });
    engine.on('trade', (t) => this.feeds.get(t.symbol)?.pending.push(t));
    engine.on('settled', (s) => {
      if (s.symbol !== undefined) this.settled(this.feeds.get(s.symbol));
    });
  }

  feed(key: string): PairFeed {
    return this.feeds.get(key) as PairFeed;
  }

  // ------------------------------------------------------------------ subscriptions

  add(sub: Sub, snapshot: boolean): void {
    const f = this.feed(sub.pair.key);
    switch (sub.channel) {
      case 'book': {
        let g = f.groups.get(sub.depth);
        if (!g) {
          const window = new BookWindow(this.engine, f.pair.key, sub.depth, 'truncate');
          g = { window, top: this.top10(f), checksum: 0, subs: new Set() };
          g.checksum = bookChecksum(f.info, g.top.asks, g.top.bids);
          f.groups.set(sub.depth, g);
        }
        g.subs.add(sub);
        if (snapshot) {
          const sum = this.checksumOut(f, g.checksum);
          f.corruptPending = false;
          sub.conn.send(bookMessage('snapshot', f.info, f.pair.symbol, g.window.levels('bid'), g.window.levels('ask'), sum, rfc3339(this.now())));
        }
        return;
      }
      case 'ticker':
        f.tickers.add(sub);
        if (snapshot) sub.conn.send(this.tickerMessage(f, 'snapshot'));
        return;
      case 'trade':
        f.trades.add(sub);
        if (snapshot) {
          const list = f.tape.recent(50);
          if (list.length > 0) sub.conn.send(this.tradeMessage(f, 'snapshot', list));
        }
        return;
      case 'ohlc': {
        f.ohlc.add(sub);
        if (!snapshot) return;
        const now = this.now();
        const candles = f.tape.candles(periodOf(sub.interval), now).slice(-60);
        if (candles.length === 0) return;
        const data = candles.map((c) => candleElement(f.pair, f.info, c, sub.interval));
        sub.conn.send(`{"channel":"ohlc","type":"snapshot","timestamp":"${rfc3339(now)}","data":[${data.join(',')}]}`);
        return;
      }
    }
  }

  remove(sub: Sub): void {
    const f = this.feed(sub.pair.key);
    switch (sub.channel) {
      case 'book': {
        const g = f.groups.get(sub.depth);
        g?.subs.delete(sub);
        if (g && g.subs.size === 0) f.groups.delete(sub.depth);
        return;
      }
      case 'ticker':
        f.tickers.delete(sub);
        return;
      case 'trade':
        f.trades.delete(sub);
        return;
      case 'ohlc':
        f.ohlc.delete(sub);
        return;
    }
  }

  // ------------------------------------------------------------------ faults

  skipSequence(key: string): void {
    this.feed(key).skipPending = true;
  }

  corruptChecksum(key: string): void {
    this.feed(key).corruptPending = true;
  }

  /** The pair is published at another precision from now on: checksums are taken at it. */
  repriced(key: string): void {
    const f = this.feed(key);
    for (const g of f.groups.values()) g.checksum = bookChecksum(f.info, g.top.asks, g.top.bids);
  }

  // ------------------------------------------------------------------ publishing

  /** Sends every book subscriber what changed since the last flush (and bbo tickers). */
  flush(): void {
    for (const f of this.feeds.values()) {
      if (f.skipPending && f.groups.size > 0) {
        f.skipPending = false;
        for (const g of f.groups.values()) for (const s of g.subs) s.loseNext = true;
      }
      let corrupted = false;
      for (const g of f.groups.values()) if (this.flushGroup(f, g)) corrupted = true;
      if (corrupted) f.corruptPending = false;
      this.bbo(f);
    }
  }

  /** Returns whether the message went out with a corrupted checksum. */
  private flushGroup(f: PairFeed, g: Group): boolean {
    const tracking = [...g.subs].some((s) => s.loseNext || s.shadow);
    const before = tracking ? { bids: new Map(g.window.bids), asks: new Map(g.window.asks) } : undefined;
    const oldTop = g.top;
    const changes = g.window.advance();
    if (changes.bids.length === 0 && changes.asks.length === 0) return false;
    g.top = this.top10(f);
    g.checksum = bookChecksum(f.info, g.top.asks, g.top.bids);
    const corrupt = f.corruptPending;
    const sum = this.checksumOut(f, g.checksum, corrupt);
    const text = bookMessage('update', f.info, f.pair.symbol, changes.bids, changes.asks, sum, rfc3339(this.now()));
    const touchesTop = before !== undefined && touchesTop10(changes, oldTop, g.top);
    for (const s of g.subs) {
      if (s.loseNext && touchesTop && before) {
        s.loseNext = false;
        s.shadow ??= { bids: new Map(before.bids), asks: new Map(before.asks) };
        continue;
      }
      if (s.shadow) {
        applyChanges(s.shadow, changes, s.depth);
        const held = bookChecksum(f.info, sortLevels([...s.shadow.asks.entries()], 'ask'), sortLevels([...s.shadow.bids.entries()], 'bid'));
        // a client whose top 10 came back by chance would not notice the loss: lose another one
        if (held === g.checksum && !corrupt) s.loseNext = true;
        else s.shadow = undefined;
      }
      s.conn.send(text);
    }
    return corrupt;
  }

  private checksumOut(f: PairFeed, sum: number, corrupt = f.corruptPending): number {
    if (!corrupt) return sum;
    return (sum ^ 0x5a5a5a5a) >>> 0;
  }

  private top10(f: PairFeed): { bids: TickLevel[]; asks: TickLevel[] } {
    return {
      bids: this.engine.bookSide(f.pair.key, 'bid').depth(10),
      asks: this.engine.bookSide(f.pair.key, 'ask').depth(10),
    };
  }

  private bbo(f: PairFeed): void {
    const key = topKey(top(this.engine, f.pair.key));
    if (key === f.lastBbo) return;
    f.lastBbo = key;
    const subs = [...f.tickers].filter((s) => s.trigger === 'bbo');
    if (subs.length === 0) return;
    const text = this.tickerMessage(f, 'update');
    for (const s of subs) s.conn.send(text);
  }

  private settled(f: PairFeed | undefined): void {
    if (!f || f.pending.length === 0) return;
    const trades = f.pending.map((t) => tapeTrade(this.engine, t));
    f.pending = [];
    for (const t of trades) f.tape.add(t);
    if (f.trades.size > 0) {
      const text = this.tradeMessage(f, 'update', trades);
      for (const s of f.trades) s.conn.send(text);
    }
    const onTrades = [...f.tickers].filter((s) => s.trigger === 'trades');
    if (onTrades.length > 0) {
      const text = this.tickerMessage(f, 'update');
      for (const s of onTrades) s.conn.send(text);
    }
    if (f.ohlc.size > 0) {
      const now = this.now();
      const byInterval = new Map<number, string>();
      for (const s of f.ohlc) {
        let text = byInterval.get(s.interval);
        if (text === undefined) {
          const c = f.tape.current(periodOf(s.interval), now);
          if (!c) continue;
          text = `{"channel":"ohlc","type":"update","timestamp":"${rfc3339(now)}","data":[${candleElement(f.pair, f.info, c, s.interval)}]}`;
          byInterval.set(s.interval, text);
        }
        s.conn.send(text);
      }
    }
  }

  private tickerMessage(f: PairFeed, type: 'snapshot' | 'update'): string {
    const el = tickerElement(f.pair, f.info, f.tape, top(this.engine, f.pair.key), this.now());
    return `{"channel":"ticker","type":"${type}","data":[${el}]}`;
  }

  private tradeMessage(f: PairFeed, type: 'snapshot' | 'update', list: TapeTrade[]): string {
    return `{"channel":"trade","type":"${type}","data":[${list.map((t) => tradeElement(f.pair, f.info, t)).join(',')}]}`;
  }
}

/** Whether changes touch a level that is, or was, among the top 10 of its side. */
function touchesTop10(changes: WindowChanges, before: Group['top'], after: Group['top']): boolean {
  const inTop = (p: number, side: 'bid' | 'ask'): boolean =>
    (side === 'bid' ? [...before.bids, ...after.bids] : [...before.asks, ...after.asks]).some(([q]) => q === p);
  return changes.bids.some(([p]) => inTop(p, 'bid')) || changes.asks.some(([p]) => inTop(p, 'ask'));
}
