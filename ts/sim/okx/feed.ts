/**
 * OKX v5 public channel data over the engine (protocols.md §3 "Order book channels", "2026 change",
 * "Ticker and trade channels"):
 * - `books`: every 100 ms an update with the levels that changed within the top 400 (levels leaving
 *   it sent with size "0", levels entering it with their size), seqId = the engine's update id
 *   (less the offset of the last sequence reset), prevSeqId = the previous message's seqId; after
 *   `noChangeMs` without changes an empty update with prevSeqId == seqId. All subscribers of an
 *   instrument share one published view, which is also what REST /market/books serves (with its
 *   seqId) while the channel is subscribed. Two behaviours (`BooksMode`):
 *   'rest-snapshot' (OKX from 2026: no snapshot after subscribing, `checksum` 0; clients join the
 *   REST snapshot) and 'stream-snapshot' (OKX before: a 400-level snapshot with prevSeqId -1 first,
 *   and the signed CRC-32 of the top 25 on every message).
 * - `books5` (every 100 ms when the top 5 changed) and `bbo-tbt` (whenever the best levels change):
 *   full snapshots without `action`.
 * - `tickers` (at most every 100 ms, after a trade or a best bid/ask change), `trades` (one entry per
 *   taker order and price), `trades-all` (one message per trade) and `candle<bar>` (the running
 *   candle after trades, the finished one with confirm "1" when a new period starts).
 */
import { EngineTrade, MarketInfo, MatchingEngine } from '../engine';
import { BookWindow, TickLevel } from '../common/book-window';
import { SimSocket } from '../common/ws-server';
import { TapeTrade, tapeTrade, TradeTape } from '../common/tape';
import { bookChecksum, levelRows, px, sz } from './format';
import { BARS, candleRow, restTrade, tickerData } from './market-data';
import type { OkxInstrument } from './symbols';

export interface OkxSub {
  conn: OkxConn;
  channel: string;
  instId: string;
  /** Candle bar ('1m', '1Dutc') for candle channels. */
  bar?: string;
  /** Open time of the last candle pushed. */
  lastCandle?: number;
}

/**
 * How the `books` channel starts and what its `checksum` holds: 'rest-snapshot' (OKX from 2026: no
 * snapshot frame, checksum 0) or 'stream-snapshot' (before: snapshot frame, real checksums).
 */
export type BooksMode = 'rest-snapshot' | 'stream-snapshot';

export class OkxConn extends SimSocket {
  /** 'channel:instId' -> subscription. */
  readonly subs = new Map<string, OkxSub>();
  /** Last time the subscription count went to or from zero (idle rule). */
  lastSubChange = 0;
  /** Logged in (business socket: the funding channels). */
  loggedIn = false;
  /** Funding channels subscribed (deposit-info, withdrawal-info). */
  readonly funding = new Set<string>();

  override subscribedTo(stream: string): boolean {
    return this.subs.has(stream);
  }
}

interface BooksGroup {
  window: BookWindow;
  seqId: number;
  checksum: number;
  lastPushAt: number;
  subs: Set<OkxSub>;
}

export interface InstFeed {
  inst: OkxInstrument;
  info: MarketInfo;
  tape: TradeTape;
  books: BooksGroup | undefined;
  shallow: Set<OkxSub>;
  tickers: Set<OkxSub>;
  trades: Set<OkxSub>;
  candles: Set<OkxSub>;
  pending: EngineTrade[];
  tickerDirty: boolean;
  lastTop: string;
  lastBooks5: string;
  lastBbo: string;
  tradeSeq: number;
  skipPending: boolean;
  corruptPending: boolean;
  /** Published seqId = engine update id - seqShift (raised by a sequence reset). */
  seqShift: number;
}

export class OkxFeed {
  readonly feeds = new Map<string, InstFeed>();

  constructor(
    private readonly engine: MatchingEngine,
    instruments: readonly OkxInstrument[],
    private readonly now: () => number,
    private readonly noChangeMs: number,
    readonly booksMode: BooksMode = 'rest-snapshot',
  ) {
    for (const inst of instruments) {
      this.feeds.set(inst.instId, {
        inst,
        info: engine.market(inst.instId),
        tape: new TradeTape(),
        books: undefined,
        shallow: new Set(),
        tickers: new Set(),
        trades: new Set(),
        candles: new Set(),
        pending: [],
        tickerDirty: false,
        lastTop: '',
        lastBooks5: '',
        lastBbo: '',
        tradeSeq: 0,
        skipPending: false,
        corruptPending: false,
        seqShift: 0,
      });
    }
    engine.on('trade', (t) => this.feeds.get(t.symbol)?.pending.push(t));
    engine.on('settled', (s) => {
      const f = s.symbol === undefined ? undefined : this.feeds.get(s.symbol);
      if (f) this.settled(f);
    });
  }

  feed(instId: string): InstFeed {
    return this.feeds.get(instId) as InstFeed;
  }

  add(sub: OkxSub): void {
    const f = this.feed(sub.instId);
    switch (sub.channel) {
      case 'books': {
        if (!f.books) {
          const window = new BookWindow(this.engine, sub.instId, 400, 'window');
          f.books = { window, seqId: this.seqId(f), checksum: 0, lastPushAt: this.now(), subs: new Set() };
          f.books.checksum = this.checksum(f, window.levels('bid', 25), window.levels('ask', 25));
        }
        f.books.subs.add(sub);
        // OKX from 2026: no snapshot; the client joins the REST snapshot by seqId
        if (this.booksMode === 'rest-snapshot') return;
        const g = f.books;
        const corrupt = f.corruptPending;
        f.corruptPending = false;
        this.push(sub, 'snapshot', {
          asks: levelRows(this.engine, sub.instId, 'ask', g.window.levels('ask')),
          bids: levelRows(this.engine, sub.instId, 'bid', g.window.levels('bid')),
          ts: String(this.now()),
          checksum: corrupt ? this.wrong(g.checksum) : g.checksum,
          prevSeqId: -1,
          seqId: g.seqId,
        });
        return;
      }
      case 'books5':
      case 'bbo-tbt':
        f.shallow.add(sub);
        this.push(sub, undefined, this.shallowData(f, sub.channel));
        return;
      case 'tickers':
        f.tickers.add(sub);
        this.push(sub, undefined, tickerData(this.engine, sub.instId, f.tape, this.now()));
        return;
      case 'trades':
      case 'trades-all':
        f.trades.add(sub);
        return;
      default: {
        f.candles.add(sub);
        const period = BARS[sub.bar as string];
        const c = period ? f.tape.current(period, this.now()) : undefined;
        if (c) {
          sub.lastCandle = c.openTime;
          this.push(sub, undefined, candleRow(f.info, c, false));
        }
      }
    }
  }

  remove(sub: OkxSub): void {
    const f = this.feed(sub.instId);
    if (sub.channel === 'books') {
      f.books?.subs.delete(sub);
      if (f.books && f.books.subs.size === 0) f.books = undefined;
    } else {
      f.shallow.delete(sub);
      f.tickers.delete(sub);
      f.trades.delete(sub);
      f.candles.delete(sub);
    }
  }

  skipSequence(instId: string): void {
    this.feed(instId).skipPending = true;
  }

  corruptChecksum(instId: string): void {
    this.feed(instId).corruptPending = true;
  }

  /**
   * Sequence reset (as after OKX maintenance): the next books update's seqId starts again from a
   * small number, below its prevSeqId; REST snapshots follow the new numbering.
   */
  resetSequence(instId: string): void {
    const f = this.feed(instId);
    f.seqShift = this.engine.updateId(instId) - 1;
  }

  /** The seqId of the engine's book as it is now. */
  seqId(f: InstFeed): number {
    return this.engine.updateId(f.inst.instId) - f.seqShift;
  }

  /**
   * REST /market/books: the top `n` levels and their seqId. While the channel is subscribed, the
   * view last published on it (the book as of that seqId, so a client can join the stream to it
   * exactly); otherwise the engine's book as it is now.
   */
  restBook(instId: string, n: number): { bids: TickLevel[]; asks: TickLevel[]; seqId: number } {
    const f = this.feed(instId);
    const g = f.books;
    if (g) return { bids: g.window.levels('bid', n), asks: g.window.levels('ask', n), seqId: g.seqId };
    return { bids: this.engine.bookSide(instId, 'bid').depth(n), asks: this.engine.bookSide(instId, 'ask').depth(n), seqId: this.seqId(f) };
  }

  /** The checksum field: the signed CRC-32 of the top 25 ('stream-snapshot'), or 0 ('rest-snapshot'). */
  private checksum(f: InstFeed, bids: readonly TickLevel[], asks: readonly TickLevel[]): number {
    return this.booksMode === 'stream-snapshot' ? bookChecksum(f.info, bids, asks) : 0;
  }

  /** A checksum that does not match (the corruptChecksum fault): never 0, which means "not sent". */
  private wrong(sum: number): number {
    return sum ^ 0x2468ace || 0x2468ace;
  }

  /** Every 100 ms: books updates, books5 snapshots, tickers. */
  flush(): void {
    const now = this.now();
    for (const f of this.feeds.values()) {
      if (f.books) this.flushBooks(f, f.books, now);
      const tp = this.topKey(f, 1);
      if (tp !== f.lastTop) {
        f.lastTop = tp;
        f.tickerDirty = true;
      }
      if (f.tickerDirty && f.tickers.size > 0) {
        const data = tickerData(this.engine, f.inst.instId, f.tape, now);
        for (const s of f.tickers) this.push(s, undefined, data);
      }
      f.tickerDirty = false;
      const five = [...f.shallow].filter((s) => s.channel === 'books5');
      if (five.length > 0) {
        const key = this.topKey(f, 5);
        if (key !== f.lastBooks5) {
          f.lastBooks5 = key;
          const data = this.shallowData(f, 'books5');
          for (const s of five) this.push(s, undefined, data);
        }
      }
    }
  }

  private flushBooks(f: InstFeed, g: BooksGroup, now: number): void {
    const changes = g.window.advance();
    const instId = f.inst.instId;
    if (changes.bids.length === 0 && changes.asks.length === 0) {
      if (this.noChangeMs > 0 && now - g.lastPushAt >= this.noChangeMs) {
        g.lastPushAt = now;
        const data = { asks: [], bids: [], ts: String(now), checksum: g.checksum, prevSeqId: g.seqId, seqId: g.seqId };
        for (const s of g.subs) this.push(s, 'update', data);
      }
      return;
    }
    const prevSeqId = g.seqId;
    g.seqId = this.seqId(f);
    g.lastPushAt = now;
    g.checksum = this.checksum(f, this.engine.bookSide(instId, 'bid').depth(25), this.engine.bookSide(instId, 'ask').depth(25));
    if (f.skipPending) {
      // lost on the way: the next update's prevSeqId names a seqId the clients never saw
      f.skipPending = false;
      return;
    }
    const corrupt = f.corruptPending;
    f.corruptPending = false;
    const data = {
      asks: levelRows(this.engine, instId, 'ask', changes.asks),
      bids: levelRows(this.engine, instId, 'bid', changes.bids),
      ts: String(now),
      checksum: corrupt ? this.wrong(g.checksum) : g.checksum,
      prevSeqId,
      seqId: g.seqId,
    };
    const text = this.frame('books', instId, 'update', data);
    for (const s of g.subs) s.conn.send(text);
  }

  private topKey(f: InstFeed, n: number): string {
    const id = f.inst.instId;
    return `${JSON.stringify(this.engine.bookSide(id, 'bid').depth(n))}|${JSON.stringify(this.engine.bookSide(id, 'ask').depth(n))}`;
  }

  private shallowData(f: InstFeed, channel: string): Record<string, unknown> {
    const id = f.inst.instId;
    const n = channel === 'books5' ? 5 : 1;
    const data: Record<string, unknown> = {
      asks: levelRows(this.engine, id, 'ask', this.engine.bookSide(id, 'ask').depth(n)),
      bids: levelRows(this.engine, id, 'bid', this.engine.bookSide(id, 'bid').depth(n)),
    };
    if (channel === 'books5') data['instId'] = id;
    data['ts'] = String(this.now());
    data['seqId'] = this.engine.updateId(id);
    return data;
  }

  private frame(channel: string, instId: string, action: string | undefined, data: unknown): string {
    const arg = `{"channel":${JSON.stringify(channel)},"instId":${JSON.stringify(instId)}}`;
    return `{"arg":${arg},${action ? `"action":"${action}",` : ''}"data":[${JSON.stringify(data)}]}`;
  }

  private push(sub: OkxSub, action: string | undefined, data: unknown): void {
    sub.conn.send(this.frame(sub.channel, sub.instId, action, data));
  }

  private settled(f: InstFeed): void {
    if (f.pending.length === 0) {
      this.bbo(f);
      return;
    }
    const trades = f.pending.map((t) => tapeTrade(this.engine, t));
    const raw = f.pending;
    f.pending = [];
    for (const t of trades) f.tape.add(t);
    f.tickerDirty = true;
    this.bbo(f);
    if (f.trades.size > 0) this.publishTrades(f, raw, trades);
    if (f.candles.size > 0) {
      const now = this.now();
      for (const s of f.candles) {
        const period = BARS[s.bar as string];
        if (!period) continue;
        const c = f.tape.current(period, now);
        if (!c) continue;
        if (s.lastCandle !== undefined && s.lastCandle !== c.openTime) {
          const prev = f.tape.candles(period, now).find((x) => x.openTime === s.lastCandle);
          if (prev) this.push(s, undefined, candleRow(f.info, prev, true));
        }
        s.lastCandle = c.openTime;
        this.push(s, undefined, candleRow(f.info, c, false));
      }
    }
  }

  private publishTrades(f: InstFeed, raw: EngineTrade[], trades: TapeTrade[]): void {
    const id = f.inst.instId;
    const all = trades.map((t) => restTrade(f.info, id, t));
    const agg: Array<Record<string, string | number>> = [];
    let cur: { takerOrderId: number; price: number; qty: number; count: number; last: TapeTrade } | undefined;
    const close = (): void => {
      if (!cur) return;
      agg.push({
        instId: id,
        tradeId: String(cur.last.id),
        px: px(f.info, cur.price),
        sz: sz(f.info, cur.qty),
        side: cur.last.takerSide === 'BUY' ? 'buy' : 'sell',
        ts: String(cur.last.time),
        count: String(cur.count),
        source: '0',
        seqId: ++f.tradeSeq,
      });
    };
    trades.forEach((t, i) => {
      const e = raw[i] as EngineTrade;
      if (cur && cur.takerOrderId === e.takerOrderId && cur.price === t.price) {
        cur.qty += t.qty;
        cur.count++;
        cur.last = t;
        return;
      }
      close();
      cur = { takerOrderId: e.takerOrderId, price: t.price, qty: t.qty, count: 1, last: t };
    });
    close();
    for (const s of f.trades) {
      if (s.channel === 'trades') {
        s.conn.send(`{"arg":{"channel":"trades","instId":"${id}"},"data":${JSON.stringify(agg)}}`);
      } else {
        for (const t of all) s.conn.send(`{"arg":{"channel":"trades-all","instId":"${id}"},"data":[${JSON.stringify(t)}]}`);
      }
    }
  }

  private bbo(f: InstFeed): void {
    const subs = [...f.shallow].filter((s) => s.channel === 'bbo-tbt');
    if (subs.length === 0) return;
    const key = this.topKey(f, 1);
    if (key === f.lastBbo) return;
    f.lastBbo = key;
    const data = this.shallowData(f, 'bbo-tbt');
    for (const s of subs) this.push(s, undefined, data);
  }
}
