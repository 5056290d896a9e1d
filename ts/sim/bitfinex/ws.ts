/**
 * Bitfinex WebSocket v2 at `/ws/2` over the engine (protocols.md §6; Bitfinex v2 docs ws-general,
 * ws-public books / ticker / trades / candles):
 * - on connect `{"event":"info","version":2,"serverId":..,"platform":{"status":1}}`;
 * - `{"event":"conf","flags":N}` -> `{"event":"conf","status":"OK","flags":N}`; flag 65536 puts the
 *   connection's next sequence number at the end of every data frame (one counter per
 *   connection, heartbeats included), flag 131072 sends `[chanId,"cs",CHECKSUM]` after every book
 *   change;
 * - `{"event":"ping","cid":N}` -> `{"event":"pong","ts":..,"cid":N}`;
 * - subscribe -> `subscribed` (echoing `subId`) and the channel's snapshot; unsubscribe by chanId ->
 *   `unsubscribed`; refusals `{"event":"error","msg":..,"code":..}` with the request's fields
 *   (10300 symbol: invalid, 10301 already subscribed, 10302 unknown channel, 10011 / 10012 bad
 *   precision / length, 10305 more than 25 channels, 10400 unsubscribe failed);
 * - books P0 (len 1, 25, 100, 250; F0): the snapshot, then one `[chanId,[PRICE,COUNT,AMOUNT]]`
 *   frame per changed level every `bookIntervalMs` (count 0 and amount 1 / -1 delete; a level
 *   entering the top `len` is sent, one leaving it deleted, so the client holds exactly the top
 *   `len`); ticker and trades (`te` then `tu`) after trades; candles (`trade:TF:SYMBOL`);
 *   `[chanId,"hb"]` per channel every `heartbeatMs`.
 * Faults: skipSequence loses the next book frame of a market (a sequence number is skipped),
 * corruptChecksum garbles the next `cs`, and the info codes 20051 / 20060 / 20061 (restart,
 * maintenance start and end). Between 20060 and 20061 the server is in maintenance: the books keep
 * moving but no channel update goes out (heartbeats, pongs and the snapshot of a channel subscribed
 * meanwhile do), so a client that does not
 * subscribe again after 20061 holds a book the server has left behind; new connections are
 * greeted with `platform.status` 0, REST /v2/platform/status answers [0], and every request a
 * client sends meanwhile is recorded (`maintenanceRequests`) — Bitfinex asks clients to "pause any
 * activity" until 20061.
 */
import type { EngineTrade, MarketInfo, MatchingEngine } from '../engine';
import { BookWindow } from '../common/book-window';
import { parseObject } from '../common/format';
import { Period, tapeTrade, TradeTape } from '../common/tape';
import { top } from '../common/runtime';
import { SimSocket, SocketGate, SocketServer } from '../common/ws-server';
import { amt, bookChecksum, levelText, px } from './format';
import { BfxPair, findPair } from './symbols';
import { BFX_USER, BitfinexAccount } from './account';

const FLAG_SEQ = 65536;
const FLAG_CS = 131072;
const LENGTHS = [1, 25, 100, 250];
const MAX_CHANNELS = 25;

const MIN = 60_000;
/** Candle timeframes of the `trade:TF:SYMBOL` keys. */
export const BFX_TIMEFRAMES: Record<string, Period> = {
  '1m': { ms: MIN }, '5m': { ms: 5 * MIN }, '15m': { ms: 15 * MIN }, '30m': { ms: 30 * MIN },
  '1h': { ms: 60 * MIN }, '3h': { ms: 180 * MIN }, '6h': { ms: 360 * MIN }, '12h': { ms: 720 * MIN },
  '1D': { ms: 1440 * MIN }, '1W': { ms: 7 * 1440 * MIN, baseMs: 4 * 1440 * MIN }, '14D': { ms: 14 * 1440 * MIN, baseMs: 4 * 1440 * MIN },
  '1M': { months: 1 },
};

type Channel = 'book' | 'ticker' | 'trades' | 'candles';

interface Sub {
  conn: BfxConn;
  chanId: number;
  channel: Channel;
  pair: BfxPair;
  len: number;
  tf: string;
  key: string;
}

export class BfxConn extends SimSocket {
  flags = 0;
  /** Authenticated with dms 4: its orders are cancelled when it closes. */
  dms = false;
  /** Authenticated, its account snapshots not sent yet: the account frames that wait for them. */
  queued: string[] | undefined;
  seq = 0;
  readonly chans = new Map<number, Sub>();

  override subscribedTo(stream: string): boolean {
    for (const s of this.chans.values()) if (`${s.channel}:${s.channel === 'candles' ? s.key : s.pair.id}` === stream) return true;
    return false;
  }

  /** Sends a data frame `[chanId, ...parts]` (JSON texts), with the next sequence number under flag 65536. */
  data(chanId: number, ...parts: string[]): void {
    const seq = this.flags & FLAG_SEQ ? `,${++this.seq}` : '';
    this.send(`[${chanId},${parts.join(',')}${seq}]`);
  }

  /** A sequence number goes by without its frame (the skipSequence fault). */
  lose(): void {
    if (this.flags & FLAG_SEQ) this.seq++;
  }
}

interface BookGroup {
  window: BookWindow;
  subs: Set<Sub>;
}

interface PairFeed {
  pair: BfxPair;
  info: MarketInfo;
  tape: TradeTape;
  books: Map<number, BookGroup>;
  tickers: Set<Sub>;
  trades: Set<Sub>;
  candles: Set<Sub>;
  pending: EngineTrade[];
  skipPending: boolean;
  corruptPending: boolean;
}

export class BitfinexWs {
  readonly server: SocketServer<BfxConn>;
  readonly feeds = new Map<string, PairFeed>();
  private nextChanId = 17_000;
  private serverSeq = 0;
  /** Between info 20060 and 20061. */
  maintenance = false;
  /** Every frame a client sent during maintenance, pings included (Bitfinex: "pause any activity"). */
  readonly maintenanceRequests: string[] = [];
  /** Subscribe requests held unanswered (a slow server: the holdSubscribes control), in order. */
  private held: [BfxConn, Record<string, unknown>][] | undefined;

  constructor(
    private readonly engine: MatchingEngine,
    private readonly pairs: readonly BfxPair[],
    private readonly gate: SocketGate,
    private readonly account: BitfinexAccount,
  ) {
    for (const pair of pairs) {
      this.feeds.set(pair.id, {
        pair, info: engine.market(pair.id), tape: new TradeTape(), books: new Map(), tickers: new Set(), trades: new Set(),
        candles: new Set(), pending: [], skipPending: false, corruptPending: false,
      });
    }
    engine.on('trade', (t) => this.feeds.get(t.symbol)?.pending.push(t));
    engine.on('settled', (s) => {
      if (s.symbol !== undefined) this.settled(this.feeds.get(s.symbol));
    });
    this.server = new SocketServer<BfxConn>((p) => p === '/ws/2' || p === '/ws/2/', {
      create: (ws, path, query, id) => new BfxConn(ws, path, query, id, gate),
      opened: (c) => c.send(JSON.stringify({ event: 'info', version: 2, serverId: `sim-${++this.serverSeq}`, platform: { status: this.maintenance ? 0 : 1 } })),
      message: (c, text) => this.onMessage(c, text),
      closed: (c) => {
        for (const s of c.chans.values()) this.remove(s);
        c.chans.clear();
        if (this.account.conns.delete(c) && c.dms) {
          // dead man switch (dms 4): the account's orders are cancelled when its socket goes
          for (const o of this.account.openOrders()) this.engine.cancelOrder(BFX_USER, o.symbol, { orderId: o.orderId });
        }
      },
    });
  }

  tape(id: string): TradeTape {
    return (this.feeds.get(id) as PairFeed).tape;
  }

  // ------------------------------------------------------------------ control

  private onMessage(c: BfxConn, text: string): void {
    if (this.maintenance) this.maintenanceRequests.push(text);
    if (text.startsWith('[')) {
      // account channel inputs: [0, "on" | "ou" | "oc" | "oc_multi", null, {...}]
      let a: unknown;
      try {
        a = JSON.parse(text);
      } catch {
        a = undefined;
      }
      if (Array.isArray(a) && a[0] === 0 && typeof a[1] === 'string' && a[3] !== null && typeof a[3] === 'object') {
        this.account.input(c, a[1], a[3] as Record<string, unknown>);
      } else c.send(JSON.stringify({ event: 'error', msg: 'invalid', code: 10000 }));
      return;
    }
    const m = parseObject(text);
    if (!m) {
      c.send(JSON.stringify({ event: 'error', msg: 'invalid', code: 10000 }));
      return;
    }
    switch (m['event']) {
      case 'ping':
        c.send(JSON.stringify({ event: 'pong', ts: this.gate.now(), cid: m['cid'] }));
        return;
      case 'conf': {
        const flags = typeof m['flags'] === 'number' ? m['flags'] : 0;
        c.flags = flags;
        c.send(JSON.stringify({ event: 'conf', status: 'OK', flags }));
        return;
      }
      case 'subscribe':
        if (this.held) this.held.push([c, m]);
        else this.subscribe(c, m);
        return;
      case 'unsubscribe': {
        const chanId = m['chanId'];
        const sub = typeof chanId === 'number' ? c.chans.get(chanId) : undefined;
        if (!sub) {
          c.send(JSON.stringify({ event: 'error', msg: 'unsubscribe: invalid', code: 10400, chanId }));
          return;
        }
        c.chans.delete(sub.chanId);
        this.remove(sub);
        c.send(JSON.stringify({ event: 'unsubscribed', status: 'OK', chanId: sub.chanId }));
        return;
      }
      case 'auth':
        if (this.account.conns.has(c)) {
          c.send(JSON.stringify({ event: 'auth', status: 'FAILED', chanId: 0, code: 10100, msg: 'auth: dup' }));
          return;
        }
        if (this.account.auth(c, m) && m['dms'] === 4) c.dms = true;
        return;
      default:
        c.send(JSON.stringify({ event: 'error', msg: 'unknown event', code: 10000 }));
    }
  }

  private subscribe(c: BfxConn, m: Record<string, unknown>): void {
    const channel = m['channel'];
    const echo: Record<string, unknown> = { channel };
    for (const k of ['symbol', 'key', 'prec', 'freq', 'len', 'subId']) if (m[k] !== undefined) echo[k] = m[k];
    const fail = (code: number, msg: string): void => {
      c.send(JSON.stringify({ event: 'error', msg, code, ...echo }));
    };
    if (channel !== 'book' && channel !== 'ticker' && channel !== 'trades' && channel !== 'candles') return fail(10302, 'channel: unknown');
    let symbol: unknown = m['symbol'];
    let tf = '1m';
    let key = '';
    if (channel === 'candles') {
      const parts = typeof m['key'] === 'string' ? m['key'].split(':') : [];
      if (parts.length < 3 || parts[0] !== 'trade' || !BFX_TIMEFRAMES[parts[1] as string]) return fail(10300, 'key: invalid');
      tf = parts[1] as string;
      symbol = parts.slice(2).join(':');
      key = m['key'] as string;
    }
    const pair = typeof symbol === 'string' ? this.pairs.find((p) => p.id === symbol) : undefined;
    if (!pair) return fail(10300, 'symbol: invalid');
    let len = 25;
    if (channel === 'book') {
      const prec = m['prec'] ?? 'P0';
      if (prec !== 'P0') return fail(10011, 'prec: invalid');
      const freq = m['freq'] ?? 'F0';
      if (freq !== 'F0') return fail(10300, 'freq: invalid');
      len = Number(m['len'] ?? 25);
      if (!LENGTHS.includes(len)) return fail(10012, 'len: invalid');
    }
    for (const s of c.chans.values()) {
      if (s.channel === channel && s.pair === pair && s.key === key) return fail(10301, 'subscribe: dup');
    }
    if (c.chans.size >= MAX_CHANNELS) return fail(10305, 'subscribe: limit');
    const sub: Sub = { conn: c, chanId: ++this.nextChanId, channel, pair, len, tf, key };
    c.chans.set(sub.chanId, sub);
    const ack: Record<string, unknown> = { event: 'subscribed', channel, chanId: sub.chanId };
    if (channel === 'candles') ack['key'] = key;
    else Object.assign(ack, { symbol: pair.id, pair: pair.pair });
    if (channel === 'book') Object.assign(ack, { prec: 'P0', freq: 'F0', len: String(len) });
    if (m['subId'] !== undefined) ack['subId'] = m['subId'];
    c.send(JSON.stringify(ack));
    this.add(sub);
  }

  // ------------------------------------------------------------------ channels

  private add(sub: Sub): void {
    const f = this.feeds.get(sub.pair.id) as PairFeed;
    const id = f.pair.id;
    switch (sub.channel) {
      case 'book': {
        let g = f.books.get(sub.len);
        if (!g) f.books.set(sub.len, (g = { window: new BookWindow(this.engine, id, sub.len, 'window'), subs: new Set() }));
        g.subs.add(sub);
        const levels = [
          ...g.window.levels('bid').map((l) => levelText(this.engine, id, 'bid', l)),
          ...g.window.levels('ask').map((l) => levelText(this.engine, id, 'ask', l)),
        ];
        sub.conn.data(sub.chanId, `[${levels.join(',')}]`);
        if (sub.conn.flags & FLAG_CS) sub.conn.data(sub.chanId, '"cs"', String(this.checksum(f, g)));
        return;
      }
      case 'ticker':
        f.tickers.add(sub);
        sub.conn.data(sub.chanId, this.tickerText(f));
        return;
      case 'trades':
        f.trades.add(sub);
        sub.conn.data(sub.chanId, `[${f.tape.recent(30).reverse().map((t) => tradeText(f.info, t)).join(',')}]`);
        return;
      case 'candles': {
        f.candles.add(sub);
        const list = f.tape.candles(BFX_TIMEFRAMES[sub.tf] as Period, this.gate.now()).slice(-240).reverse();
        sub.conn.data(sub.chanId, `[${list.map((x) => candleText(f.info, x)).join(',')}]`);
        return;
      }
    }
  }

  private remove(sub: Sub): void {
    const f = this.feeds.get(sub.pair.id) as PairFeed;
    if (sub.channel === 'book') {
      const g = f.books.get(sub.len);
      g?.subs.delete(sub);
      if (g && g.subs.size === 0) f.books.delete(sub.len);
    } else if (sub.channel === 'ticker') f.tickers.delete(sub);
    else if (sub.channel === 'trades') f.trades.delete(sub);
    else f.candles.delete(sub);
  }

  private checksum(f: PairFeed, g: BookGroup): number {
    return bookChecksum(f.info, g.window.levels('bid', 25), g.window.levels('ask', 25));
  }

  // ------------------------------------------------------------------ faults

  skipSequence(id: string): void {
    (this.feeds.get(id) as PairFeed).skipPending = true;
  }

  corruptChecksum(id: string): void {
    (this.feeds.get(id) as PairFeed).corruptPending = true;
  }

  /** An `info` event with a code to every connection (20051 restart, 20060 / 20061 maintenance). */
  info(code: number, msg: string): number {
    if (code === 20060) this.maintenance = true;
    if (code === 20061) this.maintenance = false;
    return this.server.broadcast(JSON.stringify({ event: 'info', code, msg }));
  }

  /**
   * While on, subscribe requests are held unanswered (no ack, no channel yet); turning it off
   * answers them in order (for clients still connected). Returns how many are held now.
   */
  holdSubscribes(on: boolean): number {
    if (on) {
      this.held ??= [];
      return this.held.length;
    }
    const list = this.held ?? [];
    this.held = undefined;
    for (const [c, m] of list) if (this.server.clients.has(c)) this.subscribe(c, m);
    return 0;
  }

  /** Subscribe requests held unanswered right now. */
  heldSubscribes(): number {
    return this.held?.length ?? 0;
  }

  /** Channels open on the server, over every connection (each subscribe acknowledged and not unsubscribed). */
  openChannels(): number {
    let n = 0;
    for (const c of this.server.clients) n += c.chans.size;
    return n;
  }

  // ------------------------------------------------------------------ publishing

  /** Sends every book subscriber the levels that changed since the last flush, then the checksum. */
  flush(): void {
    for (const f of this.feeds.values()) {
      let lost = false;
      let corrupted = false;
      for (const g of f.books.values()) {
        const ch = g.window.advance();
        if (ch.bids.length === 0 && ch.asks.length === 0) continue;
        // in maintenance the change is lost to every subscriber (see the file comment)
        if (this.maintenance) continue;
        const frames = [
          ...ch.bids.map((l) => levelText(this.engine, f.pair.id, 'bid', l)),
          ...ch.asks.map((l) => levelText(this.engine, f.pair.id, 'ask', l)),
        ];
        let sum = this.checksum(f, g);
        if (f.corruptPending) {
          sum = (sum ^ 0x5a5a5a5a) | 0;
          corrupted = true;
        }
        for (const s of g.subs) {
          frames.forEach((text, i) => {
            if (i === 0 && f.skipPending) {
              s.conn.lose();
              lost = true;
            } else s.conn.data(s.chanId, text);
          });
          if (s.conn.flags & FLAG_CS) s.conn.data(s.chanId, '"cs"', String(sum));
        }
      }
      if (lost) f.skipPending = false;
      if (corrupted) f.corruptPending = false;
    }
  }

  /** `[chanId,"hb"]` on every channel of every connection, `[0,"hb"]` on authenticated ones. */
  heartbeat(): void {
    for (const c of this.server.clients) {
      for (const s of c.chans.values()) c.data(s.chanId, '"hb"');
      if (this.account.conns.has(c)) c.send('[0,"hb"]');
    }
  }

  private settled(f: PairFeed | undefined): void {
    if (!f || f.pending.length === 0) return;
    const trades = f.pending.map((t) => tapeTrade(this.engine, t));
    f.pending = [];
    for (const t of trades) f.tape.add(t);
    if (this.maintenance) return;
    for (const t of trades) {
      const text = tradeText(f.info, t);
      for (const s of f.trades) s.conn.data(s.chanId, '"te"', text);
      for (const s of f.trades) s.conn.data(s.chanId, '"tu"', text);
    }
    if (f.tickers.size > 0) {
      const text = this.tickerText(f);
      for (const s of f.tickers) s.conn.data(s.chanId, text);
    }
    const now = this.gate.now();
    for (const s of f.candles) {
      const c = f.tape.current(BFX_TIMEFRAMES[s.tf] as Period, now);
      if (c) s.conn.data(s.chanId, candleText(f.info, c));
    }
  }

  tickerText(f: PairFeed): string {
    return tickerText(this.engine, f.pair.id, f.tape, this.gate.now());
  }
}

/** `[ID,MTS,AMOUNT,PRICE]`, AMOUNT < 0 when the seller was the taker. */
export function tradeText(info: MarketInfo, t: { id: number; time: number; qty: number; price: number; takerSide: string }): string {
  return `[${t.id},${t.time},${t.takerSide === 'BUY' ? '' : '-'}${amt(info, t.qty)},${px(info, t.price)}]`;
}

/** `[MTS,OPEN,CLOSE,HIGH,LOW,VOLUME]`. */
export function candleText(info: MarketInfo, c: { openTime: number; open: number; close: number; high: number; low: number; volume: number }): string {
  return `[${c.openTime},${px(info, c.open)},${px(info, c.close)},${px(info, c.high)},${px(info, c.low)},${amt(info, c.volume)}]`;
}

/** `[BID,BID_SIZE,ASK,ASK_SIZE,DAILY_CHANGE,DAILY_CHANGE_RELATIVE,LAST_PRICE,VOLUME,HIGH,LOW]`. */
export function tickerText(engine: MatchingEngine, id: string, tape: TradeTape, now: number): string {
  const info = engine.market(id);
  const tp = top(engine, id);
  const s = tape.since(now - 86_400_000);
  const last = tape.last?.price ?? tp.bid?.[0] ?? 0;
  const open = s.count > 0 ? s.open : last;
  const change = last - open;
  const rel = open > 0 ? Number((change / open).toFixed(4)) : 0;
  const sign = change < 0 ? '-' : '';
  return `[${px(info, tp.bid?.[0] ?? 0)},${amt(info, tp.bid?.[1] ?? 0)},${px(info, tp.ask?.[0] ?? 0)},${amt(info, tp.ask?.[1] ?? 0)},` +
    `${sign}${px(info, Math.abs(change))},${rel},${px(info, last)},${amt(info, s.volume)},${px(info, s.count > 0 ? s.high : last)},${px(info, s.count > 0 ? s.low : last)}]`;
}

export { findPair };
