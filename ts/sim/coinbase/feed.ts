/**
 * Coinbase Advanced Trade market-data WebSocket over the engine (protocols.md §5 "WebSocket
 * subscribe, ack and limits", "Channels"):
 * - requests `{"type":"subscribe"|"unsubscribe","product_ids":[..],"channel":"..","jwt"?}`, one
 *   channel per message; each answered by a `subscriptions` message listing every subscription of
 *   the connection, or `{"type":"error","message":".."}` (unknown channel or product, bad JSON);
 * - every message of a connection carries `sequence_num`, counting from 0 across channels: a lost
 *   message (the skipSequence fault) is a jump in it;
 * - `heartbeats`: one message a second with `heartbeat_counter`;
 * - `level2` (frames on channel `l2_data`): the whole book as a snapshot after subscribing, then
 *   every 100 ms an update with the levels that changed (`new_quantity` absolute, "0" deletes; side
 *   `bid` / `offer`). All subscribers of a product share one published view;
 * - `ticker` (after trades or a best bid/ask change), `market_trades` (side = the maker's),
 *   `candles` (the running five-minute candle after trades);
 * - connection rules: the first subscribe within `firstSubscribeMs` (5 s) or the connection is
 *   closed; with no `heartbeats` subscription, a channel of a connection that sent nothing for
 *   `idleMs` (60 s) is closed: its subscription ends (it leaves the next `subscriptions` list and
 *   sends nothing more) while the connection and its other channels stay. Coinbase: "Most channels
 *   close within 60-90 seconds if no updates are sent. Subscribe to heartbeats to keep all
 *   subscriptions open" (docs.cdp.coinbase.com, Advanced Trade WebSocket Channels). The docs name
 *   no message for it, so none is sent.
 */
import { EngineTrade, MarketInfo, MatchingEngine } from '../engine';
import { BookWindow, TickLevel } from '../common/book-window';
import { parseObject, rfc3339, trimDecimal } from '../common/format';
import { top, topKey } from '../common/runtime';
import { Period, tapeTrade, TradeTape } from '../common/tape';
import { SimSocket, SocketGate, SocketServer } from '../common/ws-server';
import type { CoinbaseProduct } from './symbols';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
export const FIVE_MINUTES: Period = { ms: 5 * MIN };
const CHANNELS = ['heartbeats', 'level2', 'ticker', 'ticker_batch', 'market_trades', 'candles', 'status', 'user'];
/** The whole book: far more than the simulator's flow ever holds. */
const FULL_BOOK = 1_000_000;

export const px = (info: MarketInfo, ticks: number): string => trimDecimal(info.formatPrice(ticks));
export const sz = (info: MarketInfo, steps: number): string => trimDecimal(info.formatQty(steps));

export class CoinbaseConn extends SimSocket {
  /** sequence_num of the next message. */
  seq = 0;
  /** channel -> product ids. */
  readonly subs = new Map<string, Set<string>>();
  subscribed = false;
  heartbeatCounter = 0;
  /** Subscribe channel -> when it last sent a message (or was subscribed): its idle clock. */
  readonly channelActiveAt = new Map<string, number>();

  override subscribedTo(stream: string): boolean {
    const i = stream.indexOf(':');
    return i > 0 ? (this.subs.get(stream.slice(0, i))?.has(stream.slice(i + 1)) ?? false) : this.subs.has(stream);
  }

  /** Sends one message of a channel with the connection's next sequence_num (used even when withheld). */
  emit(channel: string, events: unknown[], now: number): void {
    this.touch(channel);
    const seq = this.seq++;
    this.send(`{"channel":${JSON.stringify(channel)},"client_id":"","timestamp":"${rfc3339(now, 9)}","sequence_num":${seq},"events":${JSON.stringify(events)}}`);
  }

  /** A message that never reaches the client: its sequence_num is spent (the channel was not idle). */
  lose(channel?: string): void {
    if (channel !== undefined) this.touch(channel);
    this.seq++;
  }

  /** The channel of a frame (`l2_data` is level2's) sent something now. */
  private touch(frameChannel: string): void {
    const ch = frameChannel === 'l2_data' ? 'level2' : frameChannel;
    if (this.subs.has(ch)) this.channelActiveAt.set(ch, Date.now());
  }

  has(channel: string, productId: string): boolean {
    return this.subs.get(channel)?.has(productId) ?? false;
  }
}

interface ProductFeed {
  product: CoinbaseProduct;
  info: MarketInfo;
  tape: TradeTape;
  window: BookWindow | undefined;
  pending: EngineTrade[];
  tickerDirty: boolean;
  lastTop: string;
  skipPending: boolean;
}

/** The account behind the `user` channel. */
export interface UserChannel {
  /** Why a WebSocket JWT is refused, or undefined. */
  checkJwt(token: unknown): string | undefined;
  /** Sends the open orders after a `user` subscription. */
  snapshot(c: CoinbaseConn): void;
  /** The next user-channel message about this product is lost (its sequence_num is spent). */
  skipNext(productId: string): void;
}

export interface CoinbaseWsOptions {
  firstSubscribeMs: number;
  idleMs: number;
}

export class CoinbaseFeed {
  readonly feeds = new Map<string, ProductFeed>();
  readonly server: SocketServer<CoinbaseConn>;
  /** The simulated account (the `user` channel needs it). */
  user: UserChannel | undefined;

  constructor(
    private readonly engine: MatchingEngine,
    products: readonly CoinbaseProduct[],
    private readonly now: () => number,
    private readonly gate: SocketGate,
    private readonly opts: CoinbaseWsOptions,
    maxMessagesPerSecond: number,
  ) {
    for (const p of products) {
      this.feeds.set(p.productId, {
        product: p,
        info: engine.market(p.productId),
        tape: new TradeTape(),
        window: undefined,
        pending: [],
        tickerDirty: false,
        lastTop: '',
        skipPending: false,
      });
    }
    engine.on('trade', (t) => this.feeds.get(t.symbol)?.pending.push(t));
    engine.on('settled', (s) => {
      const f = s.symbol === undefined ? undefined : this.feeds.get(s.symbol);
      if (f) this.settled(f);
    });
    // the market-data socket has no path
    this.server = new SocketServer<CoinbaseConn>((p) => p === '/' || p === '', {
      create: (ws, path, query, id) =>
        new CoinbaseConn(ws, path, query, id, gate, { pingIntervalMs: 0, pongTimeoutMs: 0, maxLifetimeMs: 0, maxMessagesPerSecond }),
      message: (c, text) => this.onMessage(c, text),
      closed: (c) => {
        c.subs.clear();
        this.release();
      },
    });
  }

  feed(productId: string): ProductFeed {
    return this.feeds.get(productId) as ProductFeed;
  }

  /**
   * The next level2 update of a product is lost on every connection subscribed to it, and so is
   * the next user-channel message about it.
   */
  skipSequence(productId: string): void {
    this.feed(productId).skipPending = true;
    this.user?.skipNext(productId);
  }

  /** Heartbeats and the connection rules; called every second. */
  second(): void {
    const now = Date.now();
    for (const c of this.server.clients) {
      if (!c.subscribed && now - c.connectedAt >= this.opts.firstSubscribeMs) {
        c.close(1008, 'subscribe within 5 seconds of connecting');
        continue;
      }
      if (c.subs.has('heartbeats')) {
        c.emit('heartbeats', [{ current_time: `${new Date(this.now()).toISOString().replace('T', ' ').replace('Z', '')} +0000 UTC`, heartbeat_counter: ++c.heartbeatCounter }], this.now());
      } else if (this.opts.idleMs > 0 && !this.gate.silenced()) {
        // no heartbeats: each channel quiet for idleMs closes on its own (the connection stays)
        let closed = false;
        for (const ch of [...c.subs.keys()]) {
          if (now - (c.channelActiveAt.get(ch) ?? c.connectedAt) < this.opts.idleMs) continue;
          c.subs.delete(ch);
          c.channelActiveAt.delete(ch);
          closed = true;
        }
        if (closed) this.release();
      }
    }
  }

  private onMessage(c: CoinbaseConn, text: string): void {
    const m = parseObject(text);
    if (!m) return this.error(c, 'failure to parse message');
    const type = m['type'];
    const channel = m['channel'];
    if (type !== 'subscribe' && type !== 'unsubscribe') return this.error(c, `Failed to ${String(type)}: type must be subscribe or unsubscribe`);
    if (typeof channel !== 'string' || !CHANNELS.includes(channel)) return this.error(c, `Failed to ${type}: unknown channel ${String(channel)}`);
    const raw = m['product_ids'];
    if (raw !== undefined && (!Array.isArray(raw) || raw.some((x) => typeof x !== 'string'))) return this.error(c, `Failed to ${type}: product_ids must be a list of strings`);
    const ids = (raw ?? []) as string[];
    for (const id of ids) if (!this.feeds.has(id)) return this.error(c, `Failed to ${type}: product ${id} is not a valid product`);
    if (channel === 'user' && type === 'subscribe') {
      const why = this.user ? this.user.checkJwt(m['jwt']) : 'no account';
      if (why) return this.error(c, `Failed to subscribe: authentication failure: ${why}`);
    }
    if (type === 'subscribe' && channel !== 'heartbeats' && channel !== 'status' && channel !== 'user' && ids.length === 0) {
      return this.error(c, `Failed to subscribe: you need to specify at least one product ID for channel ${channel}`);
    }
    const now = this.now();
    if (type === 'subscribe') {
      c.subscribed = true;
      const set = c.subs.get(channel) ?? new Set<string>();
      // a subscribe (re)starts the channel's idle clock
      c.channelActiveAt.set(channel, Date.now());
      if (channel === 'heartbeats' || channel === 'user') set.add(channel);
      for (const id of ids) set.add(id);
      c.subs.set(channel, set);
    } else if (ids.length === 0) {
      c.subs.delete(channel);
      c.channelActiveAt.delete(channel);
    } else {
      const set = c.subs.get(channel);
      for (const id of ids) set?.delete(id);
      if (set && set.size === 0) {
        c.subs.delete(channel);
        c.channelActiveAt.delete(channel);
      }
    }
    const subscriptions: Record<string, string[]> = {};
    for (const [ch, set] of c.subs) subscriptions[ch] = [...set];
    c.emit('subscriptions', [{ subscriptions }], now);
    if (type === 'unsubscribe') {
      this.release();
      return;
    }
    if (channel === 'user') this.user?.snapshot(c);
    for (const id of ids) {
      const f = this.feed(id);
      switch (channel) {
        case 'level2': {
          f.window ??= new BookWindow(this.engine, id, FULL_BOOK, 'window');
          const w = f.window;
          c.emit('l2_data', [{ type: 'snapshot', product_id: id, updates: [...this.levels(f, 'bid', w.levels('bid'), '1970-01-01T00:00:00Z'), ...this.levels(f, 'offer', w.levels('ask'), '1970-01-01T00:00:00Z')] }], now);
          break;
        }
        case 'ticker':
        case 'ticker_batch':
          if (f.tape.last) c.emit(channel, [{ type: 'snapshot', tickers: [this.ticker(f, now, channel === 'ticker')] }], now);
          break;
        case 'market_trades': {
          const recent = f.tape.recent(50).reverse();
          c.emit('market_trades', [{ type: 'snapshot', trades: recent.map((t) => this.trade(f, t)) }], now);
          break;
        }
        case 'candles': {
          const cur = f.tape.current(FIVE_MINUTES, now);
          c.emit('candles', [{ type: 'snapshot', candles: cur ? [this.candle(f, cur)] : [] }], now);
          break;
        }
        default:
          break;
      }
    }
    return undefined;
  }

  private error(c: CoinbaseConn, message: string): void {
    c.send(JSON.stringify({ type: 'error', message }));
  }

  /** Drops the published view of products nobody follows any more. */
  private release(): void {
    for (const [id, f] of this.feeds) {
      if (f.window && ![...this.server.clients].some((c) => c.has('level2', id))) f.window = undefined;
    }
  }

  private subscribers(channel: string, id: string): CoinbaseConn[] {
    return [...this.server.clients].filter((c) => c.has(channel, id));
  }

  private levels(f: ProductFeed, side: 'bid' | 'offer', levels: readonly TickLevel[], time: string): Array<Record<string, string>> {
    return levels.map(([p, q]) => ({ side, event_time: time, price_level: px(f.info, p), new_quantity: sz(f.info, q) }));
  }

  /** ticker / ticker_batch element (ticker_batch omits the best bid / ask). */
  ticker(f: ProductFeed, now: number, withTop: boolean): Record<string, string> {
    const info = f.info;
    const last = f.tape.last;
    const day = f.tape.since(now - DAY);
    const lastPx = last ? px(info, last.price) : '';
    const open = day.count > 0 ? day.open : last?.price;
    const pct = open && last ? (((last.price - open) / open) * 100).toString() : '0';
    const out: Record<string, string> = {
      type: 'ticker',
      product_id: f.product.productId,
      price: lastPx,
      volume_24_h: sz(info, day.volume),
      low_24_h: day.count > 0 ? px(info, day.low) : lastPx,
      high_24_h: day.count > 0 ? px(info, day.high) : lastPx,
      low_52_w: day.count > 0 ? px(info, day.low) : lastPx,
      high_52_w: day.count > 0 ? px(info, day.high) : lastPx,
      price_percent_chg_24_h: pct,
    };
    if (withTop) {
      const tp = top(this.engine, f.product.productId);
      out.best_bid = tp.bid ? px(info, tp.bid[0]) : '';
      out.best_bid_quantity = tp.bid ? sz(info, tp.bid[1]) : '';
      out.best_ask = tp.ask ? px(info, tp.ask[0]) : '';
      out.best_ask_quantity = tp.ask ? sz(info, tp.ask[1]) : '';
    }
    return out;
  }

  /** A public trade: `side` is the maker's (the taker's opposite). */
  trade(f: ProductFeed, t: { id: number; price: number; qty: number; time: number; takerSide: string }): Record<string, string> {
    return {
      trade_id: String(t.id),
      product_id: f.product.productId,
      price: px(f.info, t.price),
      size: sz(f.info, t.qty),
      side: t.takerSide === 'BUY' ? 'SELL' : 'BUY',
      time: rfc3339(t.time, 6),
    };
  }

  candle(f: ProductFeed, c: { openTime: number; open: number; high: number; low: number; close: number; volume: number }): Record<string, string> {
    return {
      start: String(Math.floor(c.openTime / 1000)),
      high: px(f.info, c.high),
      low: px(f.info, c.low),
      open: px(f.info, c.open),
      close: px(f.info, c.close),
      volume: sz(f.info, c.volume),
      product_id: f.product.productId,
    };
  }

  /** Every 100 ms: level2 updates and tickers. */
  flush(): void {
    const now = this.now();
    for (const [id, f] of this.feeds) {
      if (f.window) {
        const ch = f.window.advance();
        if (ch.bids.length > 0 || ch.asks.length > 0) {
          const subs = this.subscribers('level2', id);
          if (f.skipPending) {
            // lost on the way: every subscriber's sequence_num jumps over it
            f.skipPending = false;
            for (const c of subs) c.lose('l2_data');
          } else {
            const time = rfc3339(now, 6);
            const events = [{ type: 'update', product_id: id, updates: [...this.levels(f, 'bid', ch.bids, time), ...this.levels(f, 'offer', ch.asks, time)] }];
            for (const c of subs) c.emit('l2_data', events, now);
          }
        }
      }
      const key = topKey(top(this.engine, id));
      if (key !== f.lastTop) {
        f.lastTop = key;
        f.tickerDirty = true;
      }
      if (f.tickerDirty && f.tape.last) {
        const subs = this.subscribers('ticker', id);
        if (subs.length > 0) {
          const t = [{ type: 'update', tickers: [this.ticker(f, now, true)] }];
          for (const c of subs) c.emit('ticker', t, now);
        }
      }
      f.tickerDirty = false;
    }
  }

  /** Every 5 s: ticker_batch. */
  batch(): void {
    const now = this.now();
    for (const [id, f] of this.feeds) {
      if (!f.tape.last) continue;
      const subs = this.subscribers('ticker_batch', id);
      if (subs.length === 0) continue;
      const t = [{ type: 'update', tickers: [this.ticker(f, now, false)] }];
      for (const c of subs) c.emit('ticker_batch', t, now);
    }
  }

  private settled(f: ProductFeed): void {
    if (f.pending.length === 0) return;
    const trades = f.pending.map((t) => tapeTrade(this.engine, t));
    f.pending = [];
    for (const t of trades) f.tape.add(t);
    f.tickerDirty = true;
    const id = f.product.productId;
    const now = this.now();
    const tradeSubs = this.subscribers('market_trades', id);
    if (tradeSubs.length > 0) {
      // newest first, as Coinbase batches them
      const events = [{ type: 'update', trades: trades.slice().reverse().map((t) => this.trade(f, t)) }];
      for (const c of tradeSubs) c.emit('market_trades', events, now);
    }
    const candleSubs = this.subscribers('candles', id);
    if (candleSubs.length > 0) {
      const cur = f.tape.current(FIVE_MINUTES, now);
      if (cur) {
        const events = [{ type: 'update', candles: [this.candle(f, cur)] }];
        for (const c of candleSubs) c.emit('candles', events, now);
      }
    }
  }
}
