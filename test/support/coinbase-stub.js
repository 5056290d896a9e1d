'use strict';
/**
 * A scripted Coinbase Advanced Trade server for integration tests: real HTTP + WebSocket on
 * 127.0.0.1 (port 0), speaking Coinbase's documented protocol (protocols.md §5), written from the
 * docs and independent of the library's code:
 * - REST /api/v3/brokerage/market/products[/{id}[/ticker|/candles]], /market/product_book, /time;
 *   an unknown product answers 404 `{"error":"NOT_FOUND","error_details":..,"message":..}`;
 * - the market-data socket: `{"type":"subscribe","product_ids":[..],"channel":".."}` (one channel
 *   per message), answered by a `subscriptions` message listing every subscription of the
 *   connection, or `{"type":"error","message":..}`; the connection is closed when no subscribe
 *   arrives within 5 s; `heartbeats` (one a second, or `heartbeatMs`); `level2` answered with an
 *   `l2_data` snapshot then updates (side bid/offer, new_quantity absolute, "0" deletes); ticker,
 *   market_trades, candles. Every message of a connection carries `sequence_num`, counting from 0
 *   across channels.
 * Every event happens when the test says; `skipSequence()` makes the next message jump one.
 */
const { StubServer } = require('./stub-server');

const DEFAULT_PRODUCTS = [
  {
    product_id: 'BTC-USD',
    base_currency_id: 'BTC',
    quote_currency_id: 'USD',
    base_increment: '0.00000001',
    quote_increment: '0.01',
    price_increment: '0.01',
    base_min_size: '0.00000001',
    base_max_size: '3400',
    quote_min_size: '1',
    quote_max_size: '150000000',
    status: 'online',
    trading_disabled: false,
    is_disabled: false,
    cancel_only: false,
    limit_only: false,
    post_only: false,
    product_type: 'SPOT',
  },
  {
    product_id: 'ETH-USD',
    base_currency_id: 'ETH',
    quote_currency_id: 'USD',
    base_increment: '0.00000001',
    quote_increment: '0.01',
    price_increment: '0.01',
    base_min_size: '0.00000001',
    base_max_size: '38000',
    quote_min_size: '1',
    quote_max_size: '150000000',
    status: 'online',
    trading_disabled: false,
    is_disabled: false,
    cancel_only: false,
    limit_only: false,
    post_only: false,
    product_type: 'SPOT',
  },
  {
    product_id: 'DOGE-EUR',
    base_currency_id: 'DOGE',
    quote_currency_id: 'EUR',
    base_increment: '0.1',
    quote_increment: '0.00001',
    price_increment: '0.00001',
    base_min_size: '1',
    base_max_size: '1000000',
    quote_min_size: '1',
    quote_max_size: '100000',
    status: 'online',
    trading_disabled: false,
    is_disabled: false,
    cancel_only: true,
    limit_only: false,
    post_only: false,
    product_type: 'SPOT',
  },
];

const CHANNELS = new Set(['heartbeats', 'level2', 'ticker', 'ticker_batch', 'market_trades', 'candles', 'status']);

class Book {
  constructor() {
    this.bids = new Map(); // price string -> size string
    this.asks = new Map();
  }
  set(side, px, sz) {
    const m = side === 'bid' ? this.bids : this.asks;
    for (const k of m.keys()) if (+k === +px) m.delete(k);
    if (+sz !== 0) m.set(String(px), String(sz));
  }
  sorted(side) {
    const arr = [...(side === 'bid' ? this.bids : this.asks).entries()];
    arr.sort((x, y) => (side === 'bid' ? +y[0] - +x[0] : +x[0] - +y[0]));
    return arr;
  }
}

class CoinbaseStub extends StubServer {
  constructor() {
    super();
    /** (channel, productId) => error message to refuse a subscribe, or undefined. */
    this.refuse = undefined;
    this.books = new Map();
    this.tickers = new Map();
    this.trades = new Map();
    this.candles = new Map();
    this.nextTradeId = 1;
    /** Receive times (ms) of every client message, for the rate check. */
    this.messageTimes = [];
    /** Heartbeat messages sent so far (all connections). */
    this.heartbeatsSent = 0;
    this.heartbeatMs = 1000;
    this.firstSubscribeMs = 5000;
  }

  static async start({ products = DEFAULT_PRODUCTS, heartbeatMs = 1000, firstSubscribeMs = 5000 } = {}) {
    const s = new CoinbaseStub();
    s.products = products;
    s.heartbeatMs = heartbeatMs;
    s.firstSubscribeMs = firstSubscribeMs;
    for (const p of products) s.books.set(p.product_id, new Book());
    return s.listen();
  }

  seed(productId, bids, asks) {
    const b = new Book();
    for (const [p, q] of bids) b.set('bid', p, q);
    for (const [p, q] of asks) b.set('offer', p, q);
    this.books.set(productId, b);
  }

  truth(productId) {
    const b = this.books.get(productId);
    const conv = (arr) => arr.map(([p, s]) => [+p, +s]);
    return { bids: conv(b.sorted('bid')), asks: conv(b.sorted('offer')) };
  }

  // ------------------------------------------------------------------ REST

  onHttp(req, res) {
    const u = new URL(req.url, 'http://x');
    this.requests.push(u.pathname + u.search);
    const send = (status, body) => StubServer.reply(res, status, body);
    const notFound = () => send(404, { error: 'NOT_FOUND', error_details: 'ProductID is invalid', message: 'ProductID is invalid' });
    const B = '/api/v3/brokerage';
    const path = u.pathname;
    if (path === `${B}/time`) {
      const now = Date.now();
      return send(200, { iso: new Date(now).toISOString(), epochSeconds: String(Math.floor(now / 1000)), epochMillis: String(now) });
    }
    if (path === `${B}/market/products`) {
      const ids = u.searchParams.get('product_ids');
      let list = this.products;
      if (ids) list = list.filter((p) => ids.split(',').includes(p.product_id));
      return send(200, { products: list.map((p) => this.productRecord(p)), num_products: list.length });
    }
    if (path === `${B}/market/product_book`) {
      const id = u.searchParams.get('product_id');
      if (!this.books.has(id) || !this.products.some((p) => p.product_id === id)) return notFound();
      const limit = Number(u.searchParams.get('limit') || 0) || Infinity;
      const b = this.books.get(id);
      const lv = ([price, size]) => ({ price, size });
      return send(200, {
        pricebook: { product_id: id, bids: b.sorted('bid').slice(0, limit).map(lv), asks: b.sorted('offer').slice(0, limit).map(lv), time: new Date().toISOString() },
      });
    }
    const m = /^\/api\/v3\/brokerage\/market\/products\/([^/]+)(\/ticker|\/candles)?$/.exec(path);
    if (m) {
      const id = decodeURIComponent(m[1]);
      const p = this.products.find((x) => x.product_id === id);
      if (!p) return notFound();
      if (!m[2]) return send(200, this.productRecord(p));
      if (m[2] === '/ticker') {
        const limit = Number(u.searchParams.get('limit') || 100);
        const b = this.books.get(id);
        const trades = (this.trades.get(id) || []).slice().reverse().slice(0, limit); // newest first
        return send(200, { trades, best_bid: b.sorted('bid')[0]?.[0] ?? '', best_ask: b.sorted('offer')[0]?.[0] ?? '' });
      }
      const gran = u.searchParams.get('granularity');
      if (!u.searchParams.get('start') || !u.searchParams.get('end') || !gran) {
        return send(400, { error: 'INVALID_ARGUMENT', error_details: 'start, end and granularity are required', message: 'start, end and granularity are required' });
      }
      const rows = (this.candles.get(`${id}|${gran}`) || []).slice().reverse();
      return send(200, { candles: rows });
    }
    send(404, { error: 'NOT_FOUND', error_details: 'no such route', message: 'no such route' });
  }

  productRecord(p) {
    const t = this.tickers.get(p.product_id) || {};
    return { ...p, price: t.price ?? '', volume_24h: t.volume_24_h ?? '', price_percentage_change_24h: t.price_percent_chg_24_h ?? '' };
  }

  // ------------------------------------------------------------------ WebSocket

  onWs(ws, req) {
    const client = { ws, path: new URL(req.url, 'http://x').pathname, seq: 0, subs: new Map(), subscribed: false };
    this.clients.add(client);
    client.firstTimer = setTimeout(() => {
      // "the first subscribe must arrive within 5 s of connecting, or the server disconnects"
      if (!client.subscribed) ws.close(1008, 'no subscription');
    }, this.firstSubscribeMs);
    ws.on('message', (data) => this.onMessage(client, data.toString()));
    ws.on('close', () => {
      clearTimeout(client.firstTimer);
      clearInterval(client.hbTimer);
      this.clients.delete(client);
    });
  }

  /** Sends one message of a channel, with the connection's next sequence_num. */
  emit(client, channel, events) {
    if (this.silent) return;
    const msg = { channel, client_id: '', timestamp: new Date().toISOString(), sequence_num: client.seq++, events };
    client.ws.send(JSON.stringify(msg));
  }

  /** The next message of every connection jumps one sequence number (one message "lost"). */
  skipSequence() {
    for (const c of this.clients) c.seq++;
  }

  onMessage(client, text) {
    this.messageTimes.push(Date.now());
    let m;
    try {
      m = JSON.parse(text);
    } catch {
      return this.sendTo(client, { type: 'error', message: 'failure to parse message' });
    }
    this.controlMessages.push({ ...m, path: client.path });
    if (m.type !== 'subscribe' && m.type !== 'unsubscribe') return this.sendTo(client, { type: 'error', message: `unknown message type ${m.type}` });
    if (typeof m.channel !== 'string' || !CHANNELS.has(m.channel)) {
      return this.sendTo(client, { type: 'error', message: `Failed to subscribe: unknown channel ${m.channel}` });
    }
    const ids = Array.isArray(m.product_ids) ? m.product_ids : [];
    for (const id of ids) {
      if (!this.products.some((p) => p.product_id === id)) return this.sendTo(client, { type: 'error', message: `Failed to subscribe: product ${id} is invalid` });
      const refused = m.type === 'subscribe' && this.refuse && this.refuse(m.channel, id);
      if (refused) return this.sendTo(client, { type: 'error', message: refused });
    }
    if (m.type === 'subscribe') {
      client.subscribed = true;
      const set = client.subs.get(m.channel) || new Set();
      for (const id of ids) set.add(id);
      if (m.channel === 'heartbeats') set.add('heartbeats');
      client.subs.set(m.channel, set);
    } else if (ids.length === 0) client.subs.delete(m.channel);
    else for (const id of ids) client.subs.get(m.channel)?.delete(id);

    const subscriptions = {};
    for (const [ch, set] of client.subs) if (set.size) subscriptions[ch] = [...set];
    this.emit(client, 'subscriptions', [{ subscriptions }]);

    if (m.type !== 'subscribe') return undefined;
    if (m.channel === 'heartbeats' && !client.hbTimer) {
      let counter = 0;
      client.hbTimer = setInterval(() => {
        if (!client.subs.has('heartbeats') || this.silent) return;
        this.heartbeatsSent++;
        this.emit(client, 'heartbeats', [{ current_time: new Date().toISOString(), heartbeat_counter: ++counter }]);
      }, this.heartbeatMs);
    }
    for (const id of ids) {
      if (m.channel === 'level2') this.emit(client, 'l2_data', [{ type: 'snapshot', product_id: id, updates: this.snapshotUpdates(id) }]);
      if (m.channel === 'ticker' && this.tickers.has(id)) this.emit(client, 'ticker', [{ type: 'snapshot', tickers: [this.tickerData(id)] }]);
    }
    return undefined;
  }

  snapshotUpdates(id) {
    const b = this.books.get(id);
    const out = [];
    for (const [p, q] of b.sorted('bid')) out.push({ side: 'bid', event_time: '1970-01-01T00:00:00Z', price_level: p, new_quantity: q });
    for (const [p, q] of b.sorted('offer')) out.push({ side: 'offer', event_time: '1970-01-01T00:00:00Z', price_level: p, new_quantity: q });
    return out;
  }

  subscribers(channel, id) {
    return [...this.clients].filter((c) => c.subs.get(channel)?.has(id));
  }

  // ------------------------------------------------------------------ market events

  /** Changes the book and sends one l2_data update ([price, qty] strings; qty "0" deletes). */
  book(id, bids, asks) {
    const b = this.books.get(id);
    const updates = [];
    const time = new Date().toISOString();
    for (const [p, q] of bids) {
      b.set('bid', p, q);
      updates.push({ side: 'bid', event_time: time, price_level: String(p), new_quantity: String(q) });
    }
    for (const [p, q] of asks) {
      b.set('offer', p, q);
      updates.push({ side: 'offer', event_time: time, price_level: String(p), new_quantity: String(q) });
    }
    for (const c of this.subscribers('level2', id)) this.emit(c, 'l2_data', [{ type: 'update', product_id: id, updates }]);
  }

  /** Sends a raw l2_data event to the book's subscribers (not applied to the truth). */
  rawL2(id, event) {
    for (const c of this.subscribers('level2', id)) this.emit(c, 'l2_data', [event]);
  }

  tickerData(id) {
    return { type: 'ticker', product_id: id, ...this.tickers.get(id) };
  }

  ticker(id, fields) {
    this.tickers.set(id, { ...this.tickers.get(id), ...fields });
    for (const c of this.subscribers('ticker', id)) this.emit(c, 'ticker', [{ type: 'update', tickers: [this.tickerData(id)] }]);
  }

  /** Trades ({price, size, side: maker side 'BUY'|'SELL'}), sent newest first in one message. */
  trade(id, list) {
    const rows = list.map((t, i) => ({
      trade_id: String(this.nextTradeId++),
      product_id: id,
      price: String(t.price),
      size: String(t.size),
      side: t.side,
      time: new Date(t.time ?? Date.now() + i).toISOString(),
    }));
    this.trades.set(id, [...(this.trades.get(id) || []), ...rows]);
    for (const c of this.subscribers('market_trades', id)) this.emit(c, 'market_trades', [{ type: 'update', trades: rows.slice().reverse() }]);
  }

  /** A five-minute candle update ({start (s), open, high, low, close, volume}); kept for REST too. */
  candle(id, c, granularity = 'FIVE_MINUTE') {
    const row = { start: String(c.start), high: String(c.high), low: String(c.low), open: String(c.open), close: String(c.close), volume: String(c.volume), product_id: id };
    const key = `${id}|${granularity}`;
    const rows = (this.candles.get(key) || []).filter((r) => r.start !== row.start);
    rows.push(row);
    this.candles.set(key, rows);
    if (granularity === 'FIVE_MINUTE') for (const cl of this.subscribers('candles', id)) this.emit(cl, 'candles', [{ type: 'update', candles: [row] }]);
  }

  async close() {
    for (const c of this.clients) {
      clearTimeout(c.firstTimer);
      clearInterval(c.hbTimer);
    }
    await super.close();
  }
}

module.exports = { CoinbaseStub, DEFAULT_PRODUCTS };
