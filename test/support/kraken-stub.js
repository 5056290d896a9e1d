'use strict';
/**
 * A scripted Kraken Spot server for integration tests: real HTTP + WebSocket on 127.0.0.1 (port 0),
 * speaking Kraken's documented protocol (protocols.md §2): REST /0/public/* with the
 * `{"error":[],"result":{}}` envelope, WebSocket v2 at /v2 with per-symbol subscribe acks and
 * refusals, book snapshot + updates with the CRC-32 of the top 10 (JSON numbers at the pair's
 * precision), truncation to the subscribed depth (no qty 0 for levels pushed out of range; the
 * level that enters the range after a deletion is sent), ticker / trade / ohlc / instrument (snapshot only)
 * channels, heartbeat and ping/pong. Every event happens when the test says. Not the simulator (ts/sim).
 */
const { StubServer } = require('./stub-server');
const { krakenChecksum } = require('./book-oracles');

const DEFAULT_PAIRS = {
  XXBTZUSD: { altname: 'XBTUSD', wsname: 'XBT/USD', base: 'XXBT', quote: 'ZUSD', pair_decimals: 1, lot_decimals: 8 },
  XETHZUSD: { altname: 'ETHUSD', wsname: 'ETH/USD', base: 'XETH', quote: 'ZUSD', pair_decimals: 2, lot_decimals: 8 },
};
const V2_NAMES = { XBT: 'BTC', XDG: 'DOGE' };
const v2Asset = (a) => V2_NAMES[a] || a;

class StubBook {
  constructor(pd, qd) {
    this.pd = pd;
    this.qd = qd;
    this.bids = new Map();
    this.asks = new Map();
  }
  key(price) {
    return Number(price).toFixed(this.pd);
  }
  set(side, price, qty) {
    const m = side === 'b' ? this.bids : this.asks;
    if (Number(qty) === 0) m.delete(this.key(price));
    else m.set(this.key(price), Number(qty));
  }
  /** [[price, qty]] numbers, best first. */
  sorted(side, limit = Infinity) {
    const m = side === 'b' ? this.bids : this.asks;
    const arr = [...m.entries()].map(([p, q]) => [Number(p), q]);
    arr.sort((x, y) => (side === 'b' ? y[0] - x[0] : x[0] - y[0]));
    return arr.slice(0, limit);
  }
  /** Kraken's checksum of the top 10, over the levels as this stub prints them (the pair's precision). */
  checksum() {
    const printed = (side) => this.sorted(side, 10).map(([p, q]) => [p.toFixed(this.pd), q.toFixed(this.qd)]);
    return krakenChecksum(printed('a'), printed('b'));
  }
}

const now = () => new Date().toISOString().replace('Z', '000Z');

class KrakenStub extends StubServer {
  constructor() {
    super();
    this.pings = 0;
    /** (channel, symbol, params) => error text to refuse a subscription, or undefined. */
    this.refuse = undefined;
    /** (path) => error string for the REST envelope (e.g. 'EService:Unavailable'), or undefined. */
    this.restError = undefined;
    /** Symbols whose book snapshots are held until releaseSnapshots(). */
    this.held = new Set();
    this.tickers = new Map();
    this.trades = new Map();
    this.candles = new Map();
    this.nextTradeId = 1;
    /** The next N book snapshots carry a wrong checksum. */
    this.corruptSnapshots = 0;
  }

  static async start({ pairs = DEFAULT_PAIRS, heartbeatMs = 0 } = {}) {
    const s = new KrakenStub();
    s.pairs = pairs;
    s.books = new Map();
    s.keyOf = new Map(); // v2 symbol -> pair key
    for (const [key, p] of Object.entries(pairs)) {
      const [b, q] = p.wsname.split('/');
      const sym = `${v2Asset(b)}/${v2Asset(q)}`;
      s.keyOf.set(sym, key);
      s.books.set(sym, new StubBook(p.pair_decimals, p.lot_decimals));
    }
    await s.listen();
    if (heartbeatMs > 0) {
      s.heartbeatTimer = setInterval(() => s.heartbeat(), heartbeatMs);
    }
    return s;
  }

  symbolOfPair(pair) {
    for (const [sym, key] of this.keyOf) if (key === pair || this.pairs[key].altname === pair) return sym;
    return undefined;
  }

  // ------------------------------------------------------------------ REST

  onHttp(req, res) {
    const u = new URL(req.url, 'http://x');
    this.requests.push(u.pathname + u.search);
    const send = (status, body) => StubServer.reply(res, status, body);
    const ok = (result) => send(200, { error: [], result });
    const fail = (e) => send(200, { error: [e], result: {} });
    const injected = this.restError && this.restError(u.pathname);
    if (injected) return fail(injected);
    if (u.pathname === '/0/public/AssetPairs') {
      const result = {};
      for (const [k, p] of Object.entries(this.pairs)) {
        result[k] = { aclass_base: 'currency', aclass_quote: 'currency', lot: 'unit', ordermin: '0.0001', costmin: '0.5', status: 'online', ...p };
      }
      // a dark-pool pair: no wsname, never a market
      result['XXBTZUSD.d'] = { altname: 'XBTUSD.d', base: 'XXBT', quote: 'ZUSD', pair_decimals: 1, lot_decimals: 8 };
      return ok(result);
    }
    const pairs = (u.searchParams.get('pair') || '').split(',').filter(Boolean);
    const syms = pairs.map((p) => this.symbolOfPair(p));
    if (u.pathname !== '/0/public/Ticker' || pairs.length) {
      if (!pairs.length || syms.some((x) => x === undefined)) return fail('EQuery:Unknown asset pair');
    }
    const key = (sym) => this.keyOf.get(sym);
    if (u.pathname === '/0/public/Depth') {
      const sym = syms[0];
      const b = this.books.get(sym);
      const count = Number(u.searchParams.get('count') || 100);
      const lv = ([p, q]) => [p.toFixed(b.pd), q.toFixed(b.qd), 1700000000];
      return ok({ [key(sym)]: { asks: b.sorted('a', count).map(lv), bids: b.sorted('b', count).map(lv) } });
    }
    if (u.pathname === '/0/public/Ticker') {
      const list = syms.length ? syms : [...this.keyOf.keys()];
      const result = {};
      for (const sym of list) result[key(sym)] = this.restTicker(sym);
      return ok(result);
    }
    if (u.pathname === '/0/public/Trades') {
      const sym = syms[0];
      const rows = (this.trades.get(sym) || []).map((t) => [
        t.price.toFixed(this.books.get(sym).pd), t.qty.toFixed(8), t.time / 1000, t.side === 'buy' ? 'b' : 's', 'l', '', t.id,
      ]);
      return ok({ [key(sym)]: rows, last: '1700000000000000000' });
    }
    if (u.pathname === '/0/public/OHLC') {
      const sym = syms[0];
      const interval = Number(u.searchParams.get('interval') || 1);
      const rows = (this.candles.get(`${sym}|${interval}`) || []).map((c) => [
        c.t / 1000, String(c.o), String(c.h), String(c.l), String(c.c), String(c.c), String(c.v), 3,
      ]);
      return ok({ [key(sym)]: rows, last: 1700000000 });
    }
    send(404, { error: ['EGeneral:Unknown method'] });
  }

  restTicker(sym) {
    const t = this.tickerData(sym);
    const s = (x) => String(x);
    return {
      a: [s(t.ask), '1', s(t.ask_qty)], b: [s(t.bid), '1', s(t.bid_qty)], c: [s(t.last), '0.1'],
      v: [s(t.volume), s(t.volume)], p: [s(t.vwap), s(t.vwap)], t: [10, 20], l: [s(t.low), s(t.low)],
      h: [s(t.high), s(t.high)], o: s(t.last - t.change),
    };
  }

  // ------------------------------------------------------------------ WebSocket

  onWs(ws, req) {
    const u = new URL(req.url, 'http://x');
    if (u.pathname !== '/v2') {
      ws.close(1008, 'unknown path');
      return;
    }
    const client = { ws, subs: new Map() };
    this.clients.add(client);
    ws.on('message', (raw) => this.onControl(client, raw.toString()));
    ws.on('close', () => this.clients.delete(client));
    this.sendTo(client, {
      channel: 'status', type: 'update',
      data: [{ api_version: 'v2', connection_id: 12345, system: 'online', version: '2.0.9' }],
    });
  }

  onControl(client, text) {
    let m;
    try {
      m = JSON.parse(text);
    } catch {
      return this.sendTo(client, { error: 'EGeneral:Invalid arguments', success: false, time_in: now(), time_out: now() });
    }
    this.controlMessages.push(m);
    const stamp = { time_in: now(), time_out: now() };
    const reqId = m.req_id === undefined ? {} : { req_id: m.req_id };
    if (m.method === 'ping') {
      this.pings++;
      return this.sendTo(client, { method: 'pong', ...reqId, ...stamp });
    }
    if (m.method !== 'subscribe' && m.method !== 'unsubscribe') {
      return this.sendTo(client, { error: `Method not supported: ${m.method}`, method: m.method, success: false, ...reqId, ...stamp });
    }
    const p = m.params || {};
    if (p.channel === 'instrument') {
      // reference data of every pair (the client follows it while books are open); no updates here
      this.sendTo(client, { method: m.method, result: { channel: 'instrument', ...(m.method === 'subscribe' ? { snapshot: p.snapshot !== false } : {}) }, success: true, ...reqId, ...stamp });
      if (m.method === 'subscribe' && p.snapshot !== false) {
        const pairs = [...this.keyOf].map(([sym, key]) => ({
          symbol: sym, status: 'online', price_precision: this.pairs[key].pair_decimals, qty_precision: this.pairs[key].lot_decimals,
        }));
        this.sendTo(client, { channel: 'instrument', type: 'snapshot', data: { assets: [], pairs } });
      }
      return undefined;
    }
    if (!['book', 'ticker', 'trade', 'ohlc'].includes(p.channel) || !Array.isArray(p.symbol)) {
      return this.sendTo(client, { error: 'EGeneral:Invalid arguments', method: m.method, success: false, ...reqId, ...stamp });
    }
    if (p.channel === 'book' && p.depth !== undefined && ![10, 25, 100, 500, 1000].includes(p.depth)) {
      return this.sendTo(client, { error: 'EGeneral:Invalid arguments:depth', method: m.method, success: false, ...reqId, ...stamp });
    }
    for (const sym of p.symbol) {
      const subKey = p.channel === 'ohlc' ? `ohlc|${sym}|${p.interval || 1}` : `${p.channel}|${sym}`;
      const refusal =
        (!this.books.has(sym) && `Currency pair not supported ${sym}`) ||
        (m.method === 'subscribe' && this.refuse && this.refuse(p.channel, sym, p));
      const result = { channel: p.channel, symbol: sym };
      if (p.channel === 'book') result.depth = p.depth || 10;
      if (p.channel === 'ohlc') result.interval = p.interval || 1;
      if (refusal) {
        this.sendTo(client, { error: refusal, method: m.method, success: false, symbol: sym, ...reqId, ...stamp });
        continue;
      }
      if (m.method === 'unsubscribe') {
        if (!client.subs.has(subKey)) {
          this.sendTo(client, { error: 'Subscription Not Found', method: 'unsubscribe', success: false, symbol: sym, ...reqId, ...stamp });
          continue;
        }
        client.subs.delete(subKey);
        this.sendTo(client, { method: 'unsubscribe', result, success: true, ...reqId, ...stamp });
        continue;
      }
      if (client.subs.has(subKey)) {
        this.sendTo(client, { error: 'Already subscribed', method: 'subscribe', success: false, symbol: sym, ...reqId, ...stamp });
        continue;
      }
      const snapshot = p.snapshot !== false;
      const sub = { channel: p.channel, symbol: sym, depth: result.depth, interval: result.interval, snapshot, active: true };
      client.subs.set(subKey, sub);
      this.sendTo(client, { method: 'subscribe', result: { ...result, snapshot }, success: true, ...reqId, ...stamp });
      if (p.channel === 'book') {
        if (this.held.has(sym)) sub.active = false;
        else this.sendBookSnapshot(client, sub);
      } else if (p.channel === 'ticker' && snapshot && this.tickers.has(sym)) {
        this.sendTo(client, { channel: 'ticker', type: 'snapshot', data: [this.tickerData(sym)] });
      } else if (p.channel === 'ohlc' && snapshot) {
        const list = this.candles.get(`${sym}|${sub.interval}`) || [];
        if (list.length) this.sendTo(client, { channel: 'ohlc', type: 'snapshot', data: list.map((c) => this.candleData(sym, sub.interval, c)) });
      }
    }
  }

  /** Book frame text with JSON numbers printed at the pair's precision, as Kraken prints them. */
  bookFrame(type, sym, bids, asks, checksum) {
    const b = this.books.get(sym);
    const lv = ([p, q]) => `{"price":${p.toFixed(b.pd)},"qty":${q.toFixed(b.qd)}}`;
    return (
      `{"channel":"book","type":"${type}","data":[{"symbol":"${sym}",` +
      `"bids":[${bids.map(lv).join(',')}],"asks":[${asks.map(lv).join(',')}],` +
      `"checksum":${checksum},"timestamp":"${now()}"}]}`
    );
  }

  sendBookSnapshot(client, sub) {
    const b = this.books.get(sub.symbol);
    sub.view = { b: new Map(b.sorted('b', sub.depth).map(([p, q]) => [b.key(p), q])), a: new Map(b.sorted('a', sub.depth).map(([p, q]) => [b.key(p), q])) };
    sub.active = true;
    let sum = b.checksum();
    // a snapshot whose checksum the client cannot reproduce (as if the precision had changed)
    if (this.corruptSnapshots > 0) {
      this.corruptSnapshots--;
      sum = (sum ^ 0x77) >>> 0;
    }
    this.sendTo(client, this.bookFrame('snapshot', sub.symbol, b.sorted('b', sub.depth), b.sorted('a', sub.depth), sum));
  }

  /** Sends the snapshots held back for `sym` (taken now, from the current truth). */
  releaseSnapshots(sym) {
    this.held.delete(sym);
    for (const c of this.clients) {
      for (const sub of c.subs.values()) if (sub.channel === 'book' && sub.symbol === sym && !sub.active) this.sendBookSnapshot(c, sub);
    }
  }

  /** Holds the book snapshots of `sym` (subscriptions stay inactive until releaseSnapshots). */
  holdSnapshots(sym) {
    this.held.add(sym);
  }

  /** Waits until some client carries the subscription (channel, symbol). */
  subscribed(channel, sym) {
    return this.clientWhere((c) => [...c.subs.values()].some((sub) => sub.channel === channel && sub.symbol === sym), `a ${channel} subscription of ${sym}`);
  }

  // ------------------------------------------------------------------ book scripting

  seed(sym, bids, asks) {
    const b = this.books.get(sym);
    for (const [p, q] of bids) b.set('b', p, q);
    for (const [p, q] of asks) b.set('a', p, q);
  }

  /**
   * Applies changes to the truth and sends each subscriber what changed inside its depth window:
   * new / changed levels, qty 0 for deleted ones, and the level that enters the window after a
   * deletion; nothing for levels pushed out of range. Options: `corrupt` sends a wrong checksum;
   * `publish: false` loses the update (the truth and each client's window move without a message);
   * `exact: [bids, asks]` sends exactly these levels instead of the computed difference;
   * `publishHeld` also sends the levels to subscriptions whose snapshot is held (an update of the
   * previous subscription still in flight).
   */
  book(sym, bids = [], asks = [], { corrupt = false, publish = true, exact, publishHeld = false } = {}) {
    const b = this.books.get(sym);
    for (const [p, q] of bids) b.set('b', p, q);
    for (const [p, q] of asks) b.set('a', p, q);
    const sum = corrupt ? (b.checksum() ^ 0x5a5a) >>> 0 : b.checksum();
    let sent = 0;
    for (const c of this.clients) {
      for (const sub of c.subs.values()) {
        if (sub.channel !== 'book' || sub.symbol !== sym) continue;
        if (!sub.active) {
          if (publishHeld) this.sendTo(c, this.bookFrame('update', sym, bids.map(([p, q]) => [+p, +q]), asks.map(([p, q]) => [+p, +q]), sum));
          continue;
        }
        const diff = { b: [], a: [] };
        for (const side of ['b', 'a']) {
          const top = b.sorted(side, sub.depth);
          const next = new Map(top.map(([p, q]) => [b.key(p), q]));
          const view = sub.view[side];
          for (const [p, q] of top) if (view.get(b.key(p)) !== q) diff[side].push([p, q]);
          for (const k of view.keys()) {
            const inTruth = (side === 'b' ? b.bids : b.asks).has(k);
            if (!next.has(k) && !inTruth) diff[side].push([Number(k), 0]);
          }
          sub.view[side] = next;
        }
        const [sb, sa] = exact || [diff.b, diff.a];
        if (!publish || (sb.length === 0 && sa.length === 0)) continue;
        this.sendTo(c, this.bookFrame('update', sym, sb, sa, sum));
        sent++;
      }
    }
    return sent;
  }

  /** An update the clients never see: the next checksum they check must fail. */
  lose(sym, bids = [], asks = []) {
    return this.book(sym, bids, asks, { publish: false });
  }

  /** The server's book in unified shape (top `limit` levels a side). */
  truth(sym, limit = Infinity) {
    const b = this.books.get(sym);
    return { bids: b.sorted('b', limit), asks: b.sorted('a', limit) };
  }

  // ------------------------------------------------------------------ other channels

  tickerData(sym) {
    const b = this.books.get(sym);
    const bid = b.sorted('b', 1)[0] || [0, 0];
    const ask = b.sorted('a', 1)[0] || [0, 0];
    const t = this.tickers.get(sym) || { last: bid[0], change: 0 };
    return {
      symbol: sym, bid: bid[0], bid_qty: bid[1], ask: ask[0], ask_qty: ask[1], last: t.last, volume: 12.5,
      vwap: t.last, low: t.last - 10, high: t.last + 10, change: t.change, change_pct: t.last ? (t.change / (t.last - t.change)) * 100 : 0,
      timestamp: now(),
    };
  }

  /** Sets the last price and publishes a ticker update. */
  ticker(sym, last, change = 0) {
    this.tickers.set(sym, { last, change });
    this.publish('ticker', sym, { channel: 'ticker', type: 'update', data: [this.tickerData(sym)] });
  }

  /** Publishes trades (one message); each is {price, qty, side}. */
  trade(sym, list) {
    const data = list.map((t) => {
      const rec = { id: this.nextTradeId++, time: Date.now(), ...t };
      const arr = this.trades.get(sym) || [];
      arr.push(rec);
      this.trades.set(sym, arr);
      return { symbol: sym, side: rec.side, price: rec.price, qty: rec.qty, ord_type: 'limit', trade_id: rec.id, timestamp: new Date(rec.time).toISOString() };
    });
    this.publish('trade', sym, { channel: 'trade', type: 'update', data });
  }

  candleData(sym, interval, c) {
    return {
      symbol: sym, open: c.o, high: c.h, low: c.l, close: c.c, trades: 3, volume: c.v, vwap: c.c,
      interval_begin: new Date(c.t).toISOString().replace('Z', '000000Z'), interval, timestamp: new Date(c.t + interval * 60000).toISOString(),
    };
  }

  /** Adds or updates a candle {t, o, h, l, c, v} and publishes it. */
  candle(sym, interval, c) {
    const k = `${sym}|${interval}`;
    const list = this.candles.get(k) || [];
    const i = list.findIndex((x) => x.t === c.t);
    if (i >= 0) list[i] = c;
    else list.push(c);
    this.candles.set(k, list);
    this.publish('ohlc', sym, { channel: 'ohlc', type: 'update', data: [this.candleData(sym, interval, c)] }, interval);
  }

  publish(channel, sym, obj, interval) {
    for (const c of this.clients) {
      for (const sub of c.subs.values()) {
        if (sub.channel === channel && sub.symbol === sym && (interval === undefined || sub.interval === interval)) this.sendTo(c, obj);
      }
    }
  }

  heartbeat() {
    for (const c of this.clients) if (c.subs.size) this.sendTo(c, { channel: 'heartbeat' });
  }

  async close() {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    await super.close();
  }
}

module.exports = { KrakenStub };
