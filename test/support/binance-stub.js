'use strict';
/**
 * A scripted Binance Spot server for integration tests: real HTTP + WebSocket on 127.0.0.1,
 * speaking Binance's documented protocol (protocols.md §1), with every event under the test's
 * control so each fault happens exactly when the test says. Not the simulator (ts/sim): no order
 * flow of its own, only what the test pushes.
 */
const { StubServer } = require('./stub-server');

const fmt = (x) => Number(x).toFixed(8);

class StubBook {
  constructor() {
    this.bids = new Map();
    this.asks = new Map();
    this.id = 1000;
  }
  set(side, price, qty) {
    const m = side === 'b' ? this.bids : this.asks;
    if (Number(qty) === 0) m.delete(fmt(price));
    else m.set(fmt(price), fmt(qty));
  }
  sorted(side, limit = Infinity) {
    const m = side === 'b' ? this.bids : this.asks;
    const arr = [...m.entries()].sort((x, y) => (side === 'b' ? +y[0] - +x[0] : +x[0] - +y[0]));
    return arr.slice(0, limit);
  }
}

class BinanceStub extends StubServer {
  constructor() {
    super();
    this.books = new Map();
    this.snapshotGate = undefined;
    this.nextTradeId = 1;
  }

  /** Starts the server with the given symbols (exchange ids like 'BTCUSDT' -> {base, quote}). */
  static async start(symbols = { BTCUSDT: ['BTC', 'USDT'], ETHUSDT: ['ETH', 'USDT'] }) {
    const s = new BinanceStub();
    s.symbols = symbols;
    for (const id of Object.keys(symbols)) s.books.set(id, new StubBook());
    // pongs are the stub's to give (none while silent)
    return s.listen({ autoPong: false });
  }

  // ------------------------------------------------------------------ REST

  onHttp(req, res) {
    const u = new URL(req.url, 'http://x');
    this.requests.push(u.pathname + u.search);
    const send = (status, body) => StubServer.reply(res, status, body);
    if (u.pathname === '/api/v3/exchangeInfo') {
      return send(200, {
        timezone: 'UTC',
        serverTime: Date.now(),
        rateLimits: [],
        exchangeFilters: [],
        symbols: Object.entries(this.symbols).map(([id, [base, quote]]) => ({
          symbol: id,
          status: 'TRADING',
          baseAsset: base,
          baseAssetPrecision: 8,
          quoteAsset: quote,
          quoteAssetPrecision: 8,
          orderTypes: ['LIMIT', 'MARKET'],
          isSpotTradingAllowed: true,
          filters: [
            { filterType: 'PRICE_FILTER', minPrice: '0.01000000', maxPrice: '1000000.00000000', tickSize: '0.01000000' },
            { filterType: 'LOT_SIZE', minQty: '0.00001000', maxQty: '9000.00000000', stepSize: '0.00001000' },
          ],
        })),
      });
    }
    const sym = u.searchParams.get('symbol');
    if (u.pathname === '/api/v3/depth') {
      const b = this.books.get(sym);
      if (!b) return send(400, { code: -1121, msg: 'Invalid symbol.' });
      const limit = Number(u.searchParams.get('limit') || 100);
      // the snapshot is taken now; the gate (if any) delays only its delivery, like a slow
      // server, so the stream can run ahead of it
      let body = { lastUpdateId: b.id, bids: b.sorted('b', limit), asks: b.sorted('a', limit) };
      // a test may answer with another body, e.g. a stale snapshot
      if (this.snapshotOverride) body = this.snapshotOverride(sym, body) || body;
      if (this.snapshotGate) return this.snapshotGate(() => send(200, body), sym);
      return send(200, body);
    }
    if (u.pathname === '/api/v3/trades') return send(200, []);
    if (u.pathname === '/api/v3/klines') return send(200, []);
    if (u.pathname === '/api/v3/ticker/24hr') {
      if (sym && !this.books.has(sym)) return send(400, { code: -1121, msg: 'Invalid symbol.' });
      return send(200, this.tickerRest(sym || Object.keys(this.symbols)[0]));
    }
    send(404, { code: -1, msg: 'not found' });
  }

  tickerRest(sym) {
    const b = this.books.get(sym);
    const bid = b.sorted('b', 1)[0] || ['0', '0'];
    const ask = b.sorted('a', 1)[0] || ['0', '0'];
    return {
      symbol: sym, priceChange: '0', priceChangePercent: '0', weightedAvgPrice: '0', prevClosePrice: '0',
      lastPrice: bid[0], bidPrice: bid[0], bidQty: bid[1], askPrice: ask[0], askQty: ask[1],
      openPrice: bid[0], highPrice: bid[0], lowPrice: bid[0], volume: '0', quoteVolume: '0',
      openTime: Date.now() - 86400000, closeTime: Date.now(),
    };
  }

  // ------------------------------------------------------------------ WebSocket

  onWs(ws, req) {
    const u = new URL(req.url, 'http://x');
    const client = { ws, path: u.pathname, streams: new Set(), combined: u.pathname === '/stream' };
    const q = u.searchParams.get('streams');
    if (q) for (const s of q.split('/')) client.streams.add(s);
    this.clients.add(client);
    ws.on('ping', (data) => {
      if (!this.silent) ws.pong(data);
    });
    ws.on('message', (raw) => this.onControl(client, raw.toString()));
    ws.on('close', () => this.clients.delete(client));
    this.emitConnection?.(client);
  }

  onControl(client, text) {
    let m;
    try {
      m = JSON.parse(text);
    } catch {
      return client.ws.send(JSON.stringify({ code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' }));
    }
    this.controlMessages.push(m);
    const reply = (o) => this.sendTo(client, o);
    if (m.method === 'SUBSCRIBE' || m.method === 'UNSUBSCRIBE') {
      if (!Array.isArray(m.params) || m.params.some((p) => typeof p !== 'string')) {
        return reply({ code: 2, msg: 'Invalid request: params must be a list of strings', id: m.id });
      }
      if (this.refuseStreams && m.params.some((p) => this.refuseStreams.test(p))) {
        return reply({ code: 2, msg: `Invalid request: invalid stream name`, id: m.id });
      }
      for (const p of m.params) {
        if (m.method === 'SUBSCRIBE') client.streams.add(p);
        else client.streams.delete(p);
      }
      return reply({ result: null, id: m.id });
    }
    if (m.method === 'LIST_SUBSCRIPTIONS') return reply({ result: [...client.streams], id: m.id });
    reply({ code: 2, msg: 'Invalid request: unknown method', id: m.id });
  }

  /** Sends `data` on `stream` to every client subscribed to it. */
  publish(stream, data) {
    for (const c of this.clients) if (c.streams.has(stream)) this.sendTo(c, c.combined ? { stream, data } : data);
  }

  /** Waits until some client carries `stream`. */
  subscribed(stream) {
    return this.clientWhere((c) => c.streams.has(stream), `a client subscribed to ${stream}`);
  }

  // ------------------------------------------------------------------ book scripting

  /** Seeds a symbol's book without publishing anything. */
  seed(sym, bids, asks) {
    const b = this.books.get(sym);
    for (const [p, q] of bids) b.set('b', p, q);
    for (const [p, q] of asks) b.set('a', p, q);
  }

  /**
   * Applies one depth event to the truth and publishes it on <sym>@depth@100ms. Each level change
   * takes one update id, so U..u spans them, as Binance does.
   */
  depth(sym, bids = [], asks = [], { publish = true } = {}) {
    const b = this.books.get(sym);
    const U = b.id + 1;
    for (const [p, q] of bids) b.set('b', p, q);
    for (const [p, q] of asks) b.set('a', p, q);
    b.id += Math.max(1, bids.length + asks.length);
    const ev = {
      e: 'depthUpdate', E: Date.now(), s: sym, U, u: b.id,
      b: bids.map(([p, q]) => [fmt(p), fmt(q)]), a: asks.map(([p, q]) => [fmt(p), fmt(q)]),
    };
    if (publish) this.publish(`${sym.toLowerCase()}@depth@100ms`, ev);
    return ev;
  }

  /** A depth event the clients never see: the next published event shows a gap. */
  lose(sym, bids = [], asks = []) {
    return this.depth(sym, bids, asks, { publish: false });
  }

  trade(sym, price, qty, buyerMaker = false) {
    const id = this.nextTradeId++;
    this.publish(`${sym.toLowerCase()}@trade`, {
      e: 'trade', E: Date.now(), s: sym, t: id, p: fmt(price), q: fmt(qty), T: Date.now(), m: buyerMaker, M: true,
    });
  }

  ticker(sym, last) {
    const b = this.books.get(sym);
    const bid = b.sorted('b', 1)[0] || ['0', '0'];
    const ask = b.sorted('a', 1)[0] || ['0', '0'];
    this.publish(`${sym.toLowerCase()}@ticker`, {
      e: '24hrTicker', E: Date.now(), s: sym, p: '0', P: '0', w: fmt(last), x: fmt(last), c: fmt(last), Q: '1',
      b: bid[0], B: bid[1], a: ask[0], A: ask[1], o: fmt(last), h: fmt(last), l: fmt(last), v: '10', q: '100',
      O: Date.now() - 86400000, C: Date.now(), F: 1, L: 2, n: 2,
    });
  }

  /** The server's book in unified shape: numbers, bids descending, asks ascending. */
  truth(sym, limit = Infinity) {
    const b = this.books.get(sym);
    const conv = (arr) => arr.map(([p, q]) => [+p, +q]);
    return { nonce: b.id, bids: conv(b.sorted('b', limit)), asks: conv(b.sorted('a', limit)) };
  }
}

module.exports = { BinanceStub };
