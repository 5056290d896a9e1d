'use strict';
/**
 * A scripted Bitfinex v2 server for integration tests: real HTTP + WebSocket on 127.0.0.1 (port 0),
 * speaking Bitfinex's documented protocol (protocols.md §6), written independently of the library:
 * REST /v2/conf/pub:list:pair:exchange, pub:info:pair, /v2/book, /v2/ticker(s), /v2/trades,
 * /v2/candles with `["error", CODE, "text"]` errors; WebSocket /ws/2 with the `info` event on
 * connect, `conf` flags (65536 sequence numbers on every data frame, one counter per connection;
 * 131072 `[chanId,"cs",CHECKSUM,SEQ]` after book changes), subscribe / subscribed (echoing
 * `subId`) / unsubscribe / unsubscribed / error, P0 book snapshots and updates (count 0 deletes,
 * amount 1 / -1 names the side), ticker, trades `te` + `tu`, candles, heartbeats, ping / pong,
 * and info codes 20051 / 20060 / 20061. Every event happens when the test says. Not the simulator.
 */
const { StubServer } = require('./stub-server');
const { crc32Signed } = require('./crc32');

const DEFAULT_PAIRS = ['BTCUSD', 'ETHUSD', 'TESTBTC:TESTUSD'];
const FLAG_SEQ = 65536;
const FLAG_CS = 131072;

/** Bitfinex's checksum: top 25 bids and asks interleaved, ask amounts negative, signed CRC-32. */
function bitfinexChecksum(bids, asks) {
  const parts = [];
  for (let i = 0; i < 25; i++) {
    if (bids[i]) parts.push(String(bids[i][0]), String(bids[i][2]));
    if (asks[i]) parts.push(String(asks[i][0]), String(asks[i][2]));
  }
  return crc32Signed(parts.join(':'));
}

class StubBook {
  constructor() {
    this.bids = new Map(); // price -> [price, count, amount>0]
    this.asks = new Map(); // price -> [price, count, amount<0]
  }
  /** amount > 0 a bid, < 0 an ask; count 0 deletes. Returns the wire level. */
  set(price, count, amount) {
    const m = amount > 0 ? this.bids : this.asks;
    if (count === 0) m.delete(price);
    else m.set(price, [price, count, amount]);
    return count === 0 ? [price, 0, amount > 0 ? 1 : -1] : [price, count, amount];
  }
  sorted(side) {
    const arr = [...(side === 'bids' ? this.bids : this.asks).values()];
    return arr.sort((x, y) => (side === 'bids' ? y[0] - x[0] : x[0] - y[0]));
  }
  checksum() {
    return bitfinexChecksum(this.sorted('bids'), this.sorted('asks'));
  }
}

class BitfinexStub extends StubServer {
  constructor() {
    super();
    this.pings = 0;
    this.nextChanId = 1000;
    /** (req) => { code, msg } to refuse a subscription, or undefined. */
    this.refuse = undefined;
    this.books = new Map();
    this.trades = new Map();
    this.candles = new Map();
    this.tickers = new Map();
    this.nextTradeId = 1;
    /** Skip this many sequence numbers before the next data frame (a lost frame). */
    this.skipSeq = 0;
  }

  static async start({ pairs = DEFAULT_PAIRS } = {}) {
    const s = new BitfinexStub();
    s.pairs = pairs;
    for (const p of pairs) s.books.set(`t${p}`, new StubBook());
    await s.listen();
    return s;
  }

  // ------------------------------------------------------------------ REST

  onHttp(req, res) {
    const u = new URL(req.url, 'http://x');
    this.requests.push(u.pathname + u.search);
    const send = (status, body) => StubServer.reply(res, status, body);
    const fail = (code, msg) => send(500, ['error', code, msg]);
    const path = decodeURIComponent(u.pathname);
    if (path === '/v2/conf/pub:list:pair:exchange') return send(200, [this.pairs]);
    if (path === '/v2/conf/pub:info:pair') {
      return send(200, [this.pairs.map((p) => [p, [null, null, null, '0.0002', '2000.0', null, null, null, 0.2, 0.1]])]);
    }
    let m;
    if ((m = /^\/v2\/book\/([^/]+)\/P0$/.exec(path))) {
      const b = this.books.get(m[1]);
      if (!b) return fail(10020, 'symbol: invalid');
      const len = Number(u.searchParams.get('len') || 25);
      if (![1, 25, 100].includes(len)) return fail(10020, 'len: invalid');
      return send(200, [...b.sorted('bids').slice(0, len), ...b.sorted('asks').slice(0, len)]);
    }
    if ((m = /^\/v2\/ticker\/([^/]+)$/.exec(path))) {
      if (!this.books.has(m[1])) return fail(10020, 'symbol: invalid');
      return send(200, this.tickerArray(m[1]));
    }
    if (path === '/v2/tickers') {
      const want = (u.searchParams.get('symbols') || 'ALL').split(',');
      const list = want[0] === 'ALL' ? [...this.books.keys()] : want.filter((s) => this.books.has(s));
      return send(200, [...list.map((s) => [s, ...this.tickerArray(s)]), ['fUSD', 0.0001, 0.0002, 2, 100]]);
    }
    if ((m = /^\/v2\/trades\/([^/]+)\/hist$/.exec(path))) {
      if (!this.books.has(m[1])) return fail(10020, 'symbol: invalid');
      const list = [...(this.trades.get(m[1]) || [])];
      if (u.searchParams.get('sort') !== '1') list.reverse();
      return send(200, list.slice(0, Number(u.searchParams.get('limit') || 125)));
    }
    if ((m = /^\/v2\/candles\/trade:([^:]+):([^/]+)\/hist$/.exec(path))) {
      const list = [...(this.candles.get(`trade:${m[1]}:${m[2]}`) || [])];
      if (u.searchParams.get('sort') !== '1') list.reverse();
      return send(200, list);
    }
    send(404, ['error', 10000, 'unknown path']);
  }

  tickerArray(sym) {
    const b = this.books.get(sym);
    const bid = b.sorted('bids')[0] || [0, 0, 0];
    const ask = b.sorted('asks')[0] || [0, 0, 0];
    const t = this.tickers.get(sym) || { last: bid[0], change: 0 };
    return [bid[0], bid[2], ask[0], -ask[2], t.change, t.last ? t.change / (t.last - t.change) : 0, t.last, 12.5, t.last + 10, t.last - 10];
  }

  // ------------------------------------------------------------------ WebSocket

  onWs(ws, req) {
    const u = new URL(req.url, 'http://x');
    if (u.pathname !== '/ws/2') {
      ws.close(1008, 'unknown path');
      return;
    }
    const client = { ws, chans: new Map(), flags: 0, seq: 0, confs: [] };
    this.clients.add(client);
    ws.on('message', (raw) => this.onControl(client, raw.toString()));
    ws.on('close', () => this.clients.delete(client));
    this.sendTo(client, { event: 'info', version: 2, serverId: 'stub', platform: { status: 1 } });
  }

  /** Sends a data frame with the connection's next sequence number (flag 65536). */
  data(client, arr) {
    if (client.flags & FLAG_SEQ) {
      client.seq += 1 + this.skipSeq;
      this.skipSeq = 0;
      arr = [...arr, client.seq];
    }
    this.sendTo(client, arr);
  }

  onControl(client, text) {
    let m;
    try {
      m = JSON.parse(text);
    } catch {
      return this.sendTo(client, { event: 'error', msg: 'invalid json', code: 10000 });
    }
    this.controlMessages.push(m);
    if (m.event === 'ping') {
      this.pings++;
      return this.sendTo(client, { event: 'pong', ts: Date.now(), cid: m.cid });
    }
    if (m.event === 'conf') {
      client.flags = m.flags;
      client.confs.push(m.flags);
      return this.sendTo(client, { event: 'conf', status: 'OK', flags: m.flags });
    }
    if (m.event === 'unsubscribe') {
      if (!client.chans.has(m.chanId)) return this.sendTo(client, { event: 'error', msg: 'unsubscribe: invalid', code: 10400, chanId: m.chanId });
      client.chans.delete(m.chanId);
      return this.sendTo(client, { event: 'unsubscribed', status: 'OK', chanId: m.chanId });
    }
    if (m.event !== 'subscribe') return this.sendTo(client, { event: 'error', msg: 'unknown event', code: 10000 });
    const echo = { channel: m.channel, symbol: m.symbol, key: m.key, subId: m.subId };
    const sym = m.channel === 'candles' ? (m.key || '').split(':')[2] : m.symbol;
    if (!['book', 'ticker', 'trades', 'candles'].includes(m.channel)) return this.sendTo(client, { event: 'error', msg: 'channel: unknown', code: 10302, ...echo });
    if (!this.books.has(sym)) return this.sendTo(client, { event: 'error', msg: 'symbol: invalid', code: 10300, ...echo });
    if (m.channel === 'book' && (m.prec !== 'P0' || !['25', '100', '250'].includes(m.len))) return this.sendTo(client, { event: 'error', msg: 'len: invalid', code: 10012, ...echo });
    const refusal = this.refuse && this.refuse(m);
    if (refusal) return this.sendTo(client, { event: 'error', ...refusal, ...echo });
    for (const c of client.chans.values()) {
      if (c.channel === m.channel && (c.symbol === m.symbol && c.key === m.key)) return this.sendTo(client, { event: 'error', msg: 'subscribe: dup', code: 10301, ...echo });
    }
    if (client.chans.size >= 25) return this.sendTo(client, { event: 'error', msg: 'subscribe: limit', code: 10305, ...echo });
    const chanId = this.nextChanId++;
    const sub = { chanId, channel: m.channel, symbol: m.symbol, key: m.key, sym, len: Number(m.len) };
    client.chans.set(chanId, sub);
    const ack = { event: 'subscribed', channel: m.channel, chanId };
    if (m.channel === 'candles') ack.key = m.key;
    else Object.assign(ack, { symbol: m.symbol, pair: m.symbol.slice(1) });
    if (m.channel === 'book') Object.assign(ack, { prec: m.prec, freq: m.freq, len: m.len });
    if (m.subId !== undefined) ack.subId = m.subId;
    this.sendTo(client, ack);
    if (m.channel === 'book') {
      const b = this.books.get(sym);
      this.data(client, [chanId, [...b.sorted('bids').slice(0, sub.len), ...b.sorted('asks').slice(0, sub.len)]]);
    } else if (m.channel === 'ticker') {
      this.data(client, [chanId, this.tickerArray(sym)]);
    } else if (m.channel === 'trades') {
      this.data(client, [chanId, [...(this.trades.get(sym) || [])].reverse()]);
    } else {
      this.data(client, [chanId, [...(this.candles.get(m.key) || [])].reverse()]);
    }
  }

  /** Waits until some client carries the subscription (channel, symbol-or-key). */
  subscribed(channel, symOrKey) {
    return this.clientWhere(
      (c) => [...c.chans.values()].some((s) => s.channel === channel && (s.symbol === symOrKey || s.key === symOrKey)),
      `a ${channel} subscription of ${symOrKey}`,
    );
  }

  subsOf(channel, sym) {
    const out = [];
    for (const c of this.clients) for (const s of c.chans.values()) if (s.channel === channel && s.sym === sym) out.push([c, s]);
    return out;
  }

  // ------------------------------------------------------------------ scripting

  /** Seeds a book: levels [price, count, amount] (amount sign = side). */
  seed(sym, levels) {
    const b = this.books.get(sym);
    for (const [p, c, a] of levels) b.set(p, c, a);
  }

  /**
   * Applies levels [price, count, amount] to the truth and sends each book subscriber one update
   * frame per level, then (flag 131072) `[chanId,"cs",CHECKSUM]`. `corrupt` sends a wrong checksum;
   * `publish: false` loses the updates (the next checksum must then fail).
   */
  book(sym, levels, { corrupt = false, publish = true } = {}) {
    const b = this.books.get(sym);
    const wire = levels.map(([p, c, a]) => b.set(p, c, a));
    const sum = corrupt ? b.checksum() ^ 0x5a5a : b.checksum();
    for (const [c, s] of this.subsOf('book', sym)) {
      if (publish) for (const lv of wire) this.data(c, [s.chanId, lv]);
      if (c.flags & FLAG_CS) this.data(c, [s.chanId, 'cs', sum]);
    }
  }

  /** The server's book in unified shape: [[price, amount]] best first, amounts positive. */
  truth(sym) {
    const b = this.books.get(sym);
    return { bids: b.sorted('bids').map(([p, , a]) => [p, a]), asks: b.sorted('asks').map(([p, , a]) => [p, -a]) };
  }

  /** Sets the last price and publishes a ticker update. */
  ticker(sym, last, change = 0) {
    this.tickers.set(sym, { last, change });
    for (const [c, s] of this.subsOf('ticker', sym)) this.data(c, [s.chanId, this.tickerArray(sym)]);
  }

  /** Publishes one trade: `te` then `tu` (same payload). amount < 0: the seller was the taker. */
  trade(sym, price, amount, { tu = true } = {}) {
    const t = [this.nextTradeId++, Date.now(), amount, price];
    const list = this.trades.get(sym) || [];
    list.push(t);
    this.trades.set(sym, list);
    for (const [c, s] of this.subsOf('trades', sym)) {
      this.data(c, [s.chanId, 'te', t]);
      if (tu) this.data(c, [s.chanId, 'tu', t]);
    }
    return t;
  }

  /** Adds or updates a candle [MTS, OPEN, CLOSE, HIGH, LOW, VOLUME] of `key` and publishes it. */
  candle(key, c) {
    const list = this.candles.get(key) || [];
    const i = list.findIndex((x) => x[0] === c[0]);
    if (i >= 0) list[i] = c;
    else list.push(c);
    this.candles.set(key, list);
    for (const cl of this.clients) for (const s of cl.chans.values()) if (s.channel === 'candles' && s.key === key) this.data(cl, [s.chanId, c]);
  }

  heartbeat() {
    for (const c of this.clients) for (const s of c.chans.values()) this.data(c, [s.chanId, 'hb']);
  }

  /** An `info` event with a code (20051 restart, 20060 maintenance start, 20061 end) to every client. */
  info(code) {
    for (const c of this.clients) this.sendTo(c, { event: 'info', code, msg: `info ${code}` });
  }
}

module.exports = { BitfinexStub, bitfinexChecksum };
