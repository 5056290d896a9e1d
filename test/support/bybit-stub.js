'use strict';
/**
 * A scripted Bybit v5 (spot) server for integration tests: real HTTP + WebSocket on 127.0.0.1
 * (port 0), written from Bybit's documented protocol (protocols.md §4), independent of the
 * library's code: REST /v5/market/* with the `{"retCode":0,"retMsg":"OK","result":{..},
 * "retExtInfo":{},"time":..}` envelope; WebSocket /v5/public/spot with
 * `{"req_id","op":"subscribe","args":[..]}` requests (at most 10 args, else "args size >10"), one
 * ack per request, refusals `{"success":false,"ret_msg":"error:handler not found,topic:.."}`,
 * `{"op":"ping"}` answered by the spot pong; orderbook.{1|50|200|1000} topics (a snapshot after
 * subscribing, then deltas numbered by a contiguous `u`; a `u: 1` restart snapshot on demand),
 * tickers, publicTrade and kline. Every event happens when the test says.
 */
const { StubServer } = require('./stub-server');

const DEFAULT_INSTRUMENTS = [
  { symbol: 'BTCUSDT', baseCoin: 'BTC', quoteCoin: 'USDT', tickSize: '0.01', basePrecision: '0.000001', minOrderQty: '0.000048' },
  { symbol: 'ETHUSDT', baseCoin: 'ETH', quoteCoin: 'USDT', tickSize: '0.01', basePrecision: '0.00001', minOrderQty: '0.00062' },
];

const INTERVALS = ['1', '3', '5', '15', '30', '60', '120', '240', '360', '720', 'D', 'W', 'M'];

class StubBook {
  constructor() {
    this.b = new Map(); // price string -> size string
    this.a = new Map();
    this.u = 1000;
    this.seq = 5000000;
  }
  set(side, px, sz) {
    const m = this[side];
    for (const k of m.keys()) if (+k === +px) m.delete(k);
    if (+sz !== 0) m.set(String(px), String(sz));
  }
  sorted(side, limit = Infinity) {
    const arr = [...this[side].entries()];
    arr.sort((x, y) => (side === 'b' ? +y[0] - +x[0] : +x[0] - +y[0]));
    return arr.slice(0, limit);
  }
}

class BybitStub extends StubServer {
  constructor() {
    super();
    this.pings = 0;
    this.connSeq = 0;
    /** (topic) => ret_msg to refuse a subscription, or undefined. */
    this.refuse = undefined;
    /** (path) => {status, retCode, retMsg} for a REST reply, or undefined. */
    this.restError = undefined;
    this.held = new Set();
    this.tickers = new Map();
    this.trades = new Map();
    this.klines = new Map();
  }

  static async start({ instruments = DEFAULT_INSTRUMENTS } = {}) {
    const s = new BybitStub();
    s.instruments = instruments;
    s.books = new Map(instruments.map((i) => [i.symbol, new StubBook()]));
    return s.listen();
  }

  seed(symbol, bids, asks) {
    const b = this.books.get(symbol);
    for (const [p, q] of bids) b.set('b', p, q);
    for (const [p, q] of asks) b.set('a', p, q);
  }

  // ------------------------------------------------------------------ REST

  onHttp(req, res) {
    const u = new URL(req.url, 'http://x');
    this.requests.push(u.pathname + u.search);
    const send = (status, body) => StubServer.reply(res, status, body);
    const ok = (result) => send(200, { retCode: 0, retMsg: 'OK', result, retExtInfo: {}, time: Date.now() });
    const injected = this.restError && this.restError(u.pathname);
    if (injected) return send(injected.status || 200, { retCode: injected.retCode, retMsg: injected.retMsg, result: {}, retExtInfo: {}, time: Date.now() });
    if (u.searchParams.get('category') !== 'spot') return send(200, { retCode: 10001, retMsg: 'params error: category', result: {}, retExtInfo: {}, time: Date.now() });
    const symbol = u.searchParams.get('symbol');
    if (symbol !== null && !this.books.has(symbol)) return send(200, { retCode: 10001, retMsg: 'Not supported symbols', result: {}, retExtInfo: {}, time: Date.now() });
    switch (u.pathname) {
      case '/v5/market/instruments-info':
        return ok({
          category: 'spot',
          list: this.instruments.map((i) => ({
            symbol: i.symbol, baseCoin: i.baseCoin, quoteCoin: i.quoteCoin, innovation: '0', status: 'Trading', marginTrading: 'both',
            lotSizeFilter: { basePrecision: i.basePrecision, quotePrecision: '0.00000001', minOrderQty: i.minOrderQty, maxOrderQty: '71.73956243', minOrderAmt: '1', maxOrderAmt: '2000000' },
            priceFilter: { tickSize: i.tickSize },
          })),
        });
      case '/v5/market/orderbook': {
        const b = this.books.get(symbol);
        const n = Number(u.searchParams.get('limit') || 1);
        return ok({ s: symbol, b: b.sorted('b', n), a: b.sorted('a', n), ts: Date.now(), u: b.u, seq: b.seq, cts: Date.now() });
      }
      case '/v5/market/tickers':
        return ok({ category: 'spot', list: (symbol ? [symbol] : [...this.books.keys()]).map((s) => this.tickerData(s, true)) });
      case '/v5/market/recent-trade': {
        const list = (this.trades.get(symbol) || []).slice().reverse(); // newest first
        return ok({ category: 'spot', list: list.slice(0, Number(u.searchParams.get('limit') || 60)) });
      }
      case '/v5/market/kline': {
        const rows = (this.klines.get(`${symbol}|${u.searchParams.get('interval')}`) || []).slice().reverse(); // newest first
        return ok({ category: 'spot', symbol, list: rows.map((k) => [String(k.start), k.open, k.high, k.low, k.close, k.volume, k.turnover]) });
      }
      default:
        return send(404, { retCode: 10404, retMsg: 'not found' });
    }
  }

  // ------------------------------------------------------------------ WebSocket

  onWs(ws, req) {
    const path = new URL(req.url, 'http://x').pathname;
    if (path !== '/v5/public/spot') {
      ws.close(1008, 'unknown path');
      return;
    }
    const client = { ws, path, subs: new Map(), connId: `conn-${++this.connSeq}` };
    this.clients.add(client);
    ws.on('message', (raw) => this.onControl(client, raw.toString()));
    ws.on('close', () => this.clients.delete(client));
  }

  onControl(client, text) {
    let m;
    try {
      m = JSON.parse(text);
    } catch {
      return;
    }
    if (m.op === 'ping') {
      this.pings++;
      return this.sendTo(client, { success: true, ret_msg: 'pong', conn_id: client.connId, op: 'ping' });
    }
    this.controlMessages.push({ path: client.path, ...m });
    const reply = (success, retMsg) =>
      this.sendTo(client, { success, ret_msg: retMsg, conn_id: client.connId, ...(m.req_id === undefined ? {} : { req_id: m.req_id }), op: m.op });
    if (m.op !== 'subscribe' && m.op !== 'unsubscribe') return reply(false, `error:op ${m.op} not supported`);
    if (!Array.isArray(m.args) || m.args.length === 0) return reply(false, 'error:args empty');
    if (m.args.length > 10) return reply(false, 'args size >10');
    for (const topic of m.args) {
      if (!this.known(topic)) return reply(false, `error:handler not found,topic:${topic}`);
      const r = m.op === 'subscribe' && this.refuse && this.refuse(topic);
      if (r) return reply(false, r);
    }
    reply(true, m.op);
    for (const topic of m.args) {
      if (m.op === 'unsubscribe') {
        client.subs.delete(topic);
        continue;
      }
      const [channel, a, b] = topic.split('.');
      const sub = { topic, channel, symbol: channel === 'orderbook' || channel === 'kline' ? b : a, depth: channel === 'orderbook' ? +a : undefined, active: true };
      client.subs.set(topic, sub);
      if (channel === 'orderbook') {
        if (this.held.has(sub.symbol)) sub.active = false;
        else this.sendSnapshot(client, sub);
      } else if (channel === 'tickers' && this.tickers.has(sub.symbol)) {
        this.sendTo(client, { topic, ts: Date.now(), type: 'snapshot', cs: 1, data: this.tickerData(sub.symbol) });
      }
    }
  }

  known(topic) {
    const p = String(topic).split('.');
    if (p[0] === 'orderbook') return p.length === 3 && ['1', '50', '200', '1000'].includes(p[1]) && this.books.has(p[2]);
    if (p[0] === 'tickers' || p[0] === 'publicTrade') return p.length === 2 && this.books.has(p[1]);
    if (p[0] === 'kline') return p.length === 3 && INTERVALS.includes(p[1]) && this.books.has(p[2]);
    return false;
  }

  /** Resolves with the subscription of `topic` once a client made it. */
  async subscribed(topic) {
    const c = await this.clientWhere((x) => x.subs.has(topic), `subscription ${topic}`);
    return c.subs.get(topic);
  }

  sendSnapshot(client, sub, u) {
    const b = this.books.get(sub.symbol);
    sub.active = true;
    const ts = Date.now();
    this.sendTo(client, {
      topic: sub.topic,
      ts,
      type: 'snapshot',
      data: { s: sub.symbol, b: b.sorted('b', sub.depth), a: b.sorted('a', sub.depth), u: u ?? b.u, seq: b.seq },
      cts: ts - 1,
    });
  }

  bookSubs(symbol, fn) {
    for (const c of this.clients) for (const sub of c.subs.values()) if (sub.channel === 'orderbook' && sub.symbol === symbol && sub.active) fn(c, sub);
  }

  /** Holds book snapshots of `symbol` (subscriptions stay inactive) until released. */
  holdSnapshots(symbol) {
    this.held.add(symbol);
  }

  releaseSnapshots(symbol) {
    this.held.delete(symbol);
    for (const c of this.clients) for (const sub of c.subs.values()) if (sub.channel === 'orderbook' && sub.symbol === symbol && !sub.active) this.sendSnapshot(c, sub);
  }

  /** A delta: levels [[px, sz]] (sz "0" deletes), `u` + 1 (or `opts.u`), sent to every active subscriber. */
  book(symbol, bids, asks, opts = {}) {
    const b = this.books.get(symbol);
    for (const [p, q] of bids) b.set('b', p, q);
    for (const [p, q] of asks) b.set('a', p, q);
    b.u = opts.u ?? b.u + 1;
    b.seq += 3;
    const ts = Date.now();
    const frame = (sub) => ({ topic: sub.topic, ts, type: 'delta', data: { s: symbol, b: bids.map(([p, q]) => [String(p), String(q)]), a: asks.map(([p, q]) => [String(p), String(q)]), u: b.u, seq: b.seq }, cts: ts - 1 });
    this.bookSubs(symbol, (c, sub) => this.sendTo(c, frame(sub)));
  }

  /** Applies a delta to the server's book without sending it (a lost update). */
  lose(symbol, bids, asks) {
    const b = this.books.get(symbol);
    for (const [p, q] of bids) b.set('b', p, q);
    for (const [p, q] of asks) b.set('a', p, q);
    b.u += 1;
  }

  /** A service restart: the book's `u` starts again at 1 with a snapshot. */
  restart(symbol, bids, asks) {
    const b = this.books.get(symbol);
    b.b.clear();
    b.a.clear();
    for (const [p, q] of bids) b.set('b', p, q);
    for (const [p, q] of asks) b.set('a', p, q);
    b.u = 1;
    this.bookSubs(symbol, (c, sub) => this.sendSnapshot(c, sub, 1));
  }

  truth(symbol, limit = Infinity) {
    const b = this.books.get(symbol);
    const conv = (arr) => arr.map(([p, s]) => [+p, +s]);
    return { bids: conv(b.sorted('b', limit)), asks: conv(b.sorted('a', limit)) };
  }

  // ------------------------------------------------------------------ other topics

  tickerData(symbol, rest = false) {
    const b = this.books.get(symbol);
    const bid = b.sorted('b', 1)[0] || ['0', '0'];
    const ask = b.sorted('a', 1)[0] || ['0', '0'];
    const t = this.tickers.get(symbol) || { last: bid[0], prev: bid[0] };
    const data = {
      symbol, lastPrice: t.last, highPrice24h: t.last, lowPrice24h: t.prev, prevPrice24h: t.prev, volume24h: '10', turnover24h: '2000',
      price24hPcnt: String((+t.last - +t.prev) / +t.prev), usdIndexPrice: t.last,
    };
    return rest ? { ...data, bid1Price: bid[0], bid1Size: bid[1], ask1Price: ask[0], ask1Size: ask[1] } : data;
  }

  ticker(symbol, last, prev = last) {
    this.tickers.set(symbol, { last: String(last), prev: String(prev) });
    this.publish(`tickers.${symbol}`, 'snapshot', this.tickerData(symbol));
  }

  /** Trades [{p, v, S}] in one push. */
  trade(symbol, list) {
    const T = Date.now();
    const data = list.map((t, i) => {
      const rec = { T: T + i, s: symbol, S: t.S, v: String(t.v), p: String(t.p), L: 'PlusTick', i: `${symbol}-${(this.trades.get(symbol) || []).length + i + 1}`, BT: false, seq: 1 };
      return rec;
    });
    const arr = this.trades.get(symbol) || [];
    for (const r of data) arr.push({ execId: r.i, symbol, price: r.p, size: r.v, side: r.S, time: String(r.T), isBlockTrade: false, seq: '1' });
    this.trades.set(symbol, arr);
    this.publish(`publicTrade.${symbol}`, 'snapshot', data);
  }

  /** Adds or updates a kline [start, o, h, l, c, volume] and publishes it on kline.{interval}. */
  kline(symbol, interval, row) {
    const k = `${symbol}|${interval}`;
    const list = this.klines.get(k) || [];
    const rec = { start: row[0], end: row[0] + 59999, interval, open: String(row[1]), high: String(row[2]), low: String(row[3]), close: String(row[4]), volume: String(row[5]), turnover: String(row[5] * row[4]), confirm: false, timestamp: Date.now() };
    const i = list.findIndex((x) => x.start === rec.start);
    if (i >= 0) list[i] = rec;
    else list.push(rec);
    this.klines.set(k, list);
    this.publish(`kline.${interval}.${symbol}`, 'snapshot', [rec]);
  }

  publish(topic, type, data) {
    for (const c of this.clients) if (c.subs.has(topic)) this.sendTo(c, { topic, ts: Date.now(), type, data });
  }
}

module.exports = { BybitStub };
