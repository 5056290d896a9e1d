'use strict';
/**
 * A scripted OKX v5 server for integration tests: real HTTP + WebSocket on 127.0.0.1 (port 0),
 * speaking OKX's documented protocol (protocols.md §3): REST /api/v5/* with the
 * `{"code":"0","msg":"","data":[...]}` envelope, WebSocket /ws/v5/public (books, tickers, trades)
 * and /ws/v5/business (candles) with `{"id","op","args"}` requests, one ack per arg, error events,
 * the books channel (snapshot with prevSeqId -1, then updates chained by prevSeqId/seqId, signed
 * CRC-32 of the top 25 levels interleaved from the wire strings), books5, the text ping/pong
 * keepalive and the 64008 service-upgrade notice. Every event happens when the test says.
 *
 * Options of start() choose the books behaviour: by default OKX's before its 2026 change (a
 * snapshot frame after subscribing, real checksums, REST books without seqId); today's OKX is
 * `{ snapshots: false, checksums: false, restSeqId: 'number' }` (no snapshot frame, checksum 0,
 * REST `GET /api/v5/market/books` carrying the seqId it is current to, as a number or, with
 * 'string', as a string). REST book replies can be held and answered with a chosen snapshot.
 */
const { StubServer } = require('./stub-server');
const { okxChecksum } = require('./book-oracles');

const DEFAULT_INSTRUMENTS = [
  { instId: 'BTC-USDT', baseCcy: 'BTC', quoteCcy: 'USDT', tickSz: '0.1', lotSz: '0.00000001', minSz: '0.00001' },
  { instId: 'ETH-USDT', baseCcy: 'ETH', quoteCcy: 'USDT', tickSz: '0.01', lotSz: '0.000001', minSz: '0.001' },
];

class StubBook {
  constructor() {
    this.bids = new Map(); // price string -> size string
    this.asks = new Map();
    this.seqId = 1000;
  }
  set(side, px, sz) {
    const m = side === 'b' ? this.bids : this.asks;
    // the same price may come with another spelling: the level is keyed by its value
    for (const k of m.keys()) if (+k === +px) m.delete(k);
    if (+sz !== 0) m.set(String(px), String(sz));
  }
  /** [[px, sz]] strings, best first. */
  sorted(side, limit = Infinity) {
    const m = side === 'b' ? this.bids : this.asks;
    const arr = [...m.entries()];
    arr.sort((x, y) => (side === 'b' ? +y[0] - +x[0] : +x[0] - +y[0]));
    return arr.slice(0, limit);
  }
  checksum() {
    return okxChecksum(this.sorted('b', 25), this.sorted('a', 25));
  }
}

const lv = ([px, sz]) => [px, sz, '0', +sz === 0 ? '0' : '1'];

class OkxStub extends StubServer {
  constructor() {
    super();
    this.pings = 0;
    /** (arg, path) => {code, msg} to refuse a request, or undefined. */
    this.refuse = undefined;
    /** (path) => {code, msg} for the REST envelope, or undefined. */
    this.restError = undefined;
    this.held = new Set();
    this.tickers = new Map();
    this.trades = new Map();
    this.candles = new Map();
    this.nextTradeId = 1;
    this.connSeq = 0;
    /** Held /market/books requests: { instId, sz, query, send(data) }. */
    this.booksPending = [];
    this.booksHold = false;
  }

  static async start({ instruments = DEFAULT_INSTRUMENTS, snapshots = true, checksums = true, restSeqId = false } = {}) {
    const s = new OkxStub();
    s.instruments = instruments;
    s.snapshots = snapshots;
    s.checksums = checksums;
    s.restSeqId = restSeqId;
    s.books = new Map(instruments.map((i) => [i.instId, new StubBook()]));
    return s.listen();
  }

  // ------------------------------------------------------------------ REST

  onHttp(req, res) {
    const u = new URL(req.url, 'http://x');
    this.requests.push(u.pathname + u.search);
    const send = (status, body) => StubServer.reply(res, status, body);
    const ok = (data) => send(200, { code: '0', msg: '', data });
    const injected = this.restError && this.restError(u.pathname);
    if (injected) return send(injected.status || 200, { code: injected.code, msg: injected.msg, data: [] });
    if (u.pathname === '/api/v5/public/instruments') {
      if (u.searchParams.get('instType') !== 'SPOT') return send(200, { code: '51000', msg: 'Parameter instType error', data: [] });
      return ok(this.instruments.map((i) => ({ instType: 'SPOT', state: 'live', maxLmtSz: '9999999999', listTime: '1548133413000', ...i })));
    }
    const instId = u.searchParams.get('instId');
    if (instId !== null && !this.books.has(instId)) {
      return send(200, { code: '51001', msg: "Instrument ID, Instrument ID code or Spread ID doesn't exist.", data: [] });
    }
    if (u.pathname === '/api/v5/market/books') {
      const sz = Number(u.searchParams.get('sz') || 1);
      if (this.booksHold) {
        this.booksPending.push({ instId, sz, query: Object.fromEntries(u.searchParams), send: (data) => ok([data]) });
        return undefined;
      }
      return ok([this.restBook(instId, sz)]);
    }
    if (u.pathname === '/api/v5/market/ticker') return ok([this.tickerData(instId)]);
    if (u.pathname === '/api/v5/market/tickers') return ok(this.instruments.map((i) => this.tickerData(i.instId)));
    if (u.pathname === '/api/v5/market/trades') {
      const list = (this.trades.get(instId) || []).slice().reverse(); // newest first
      return ok(list.slice(0, Number(u.searchParams.get('limit') || 100)));
    }
    if (u.pathname === '/api/v5/market/candles') {
      const bar = u.searchParams.get('bar') || '1m';
      const rows = (this.candles.get(`${instId}|${bar}`) || []).slice().reverse();
      return ok(rows);
    }
    send(404, { code: '50005', msg: 'API endpoint is inactive or unavailable.', data: [] });
  }

  // ------------------------------------------------------------------ WebSocket

  onWs(ws, req) {
    const path = new URL(req.url, 'http://x').pathname;
    if (path !== '/ws/v5/public' && path !== '/ws/v5/business') {
      ws.close(1008, 'unknown path');
      return;
    }
    const client = { ws, path, subs: new Map(), connId: `c${++this.connSeq}` };
    this.clients.add(client);
    ws.on('message', (raw) => this.onControl(client, raw.toString()));
    ws.on('close', () => this.clients.delete(client));
  }

  onControl(client, text) {
    if (text === 'ping') {
      this.pings++;
      return this.sendTo(client, 'pong');
    }
    let m;
    try {
      m = JSON.parse(text);
    } catch {
      return this.sendTo(client, { event: 'error', code: '60012', msg: `Invalid request: ${text}`, connId: client.connId });
    }
    this.controlMessages.push({ path: client.path, ...m });
    const id = m.id === undefined ? {} : { id: m.id };
    const err = (code, msg) => this.sendTo(client, { ...id, event: 'error', code, msg, connId: client.connId });
    if (m.op !== 'subscribe' && m.op !== 'unsubscribe') return err('60019', `Invalid op: ${m.op}`);
    if (!Array.isArray(m.args) || m.args.length === 0) return err('60013', 'Invalid args');
    // the whole request is refused if one arg is
    for (const a of m.args) {
      const business = typeof a.channel === 'string' && a.channel.startsWith('candle');
      const known = ['books', 'books5', 'bbo-tbt', 'tickers', 'trades'].includes(a.channel) || /^candle\w+$/.test(a.channel);
      if (!known || !this.books.has(a.instId) || business !== (client.path === '/ws/v5/business')) {
        return err('60018', `Wrong URL or channel:${a.channel},instId:${a.instId} doesn't exist. Please use the correct URL, channel and parameters referring to API document.`);
      }
      const r = m.op === 'subscribe' && this.refuse && this.refuse(a, client.path);
      if (r) return err(r.code, r.msg);
    }
    for (const a of m.args) {
      const key = `${a.channel}|${a.instId}`;
      const arg = { channel: a.channel, instId: a.instId };
      if (m.op === 'unsubscribe') {
        client.subs.delete(key);
        this.sendTo(client, { ...id, event: 'unsubscribe', arg, connId: client.connId });
        continue;
      }
      const sub = { channel: a.channel, instId: a.instId, active: true };
      client.subs.set(key, sub);
      this.sendTo(client, { ...id, event: 'subscribe', arg, connId: client.connId });
      if (a.channel === 'books') {
        if (!this.snapshots) sub.active = true; // today's OKX: updates only, no snapshot frame
        else if (this.held.has(a.instId)) sub.active = false;
        else this.sendBookSnapshot(client, sub);
      } else if (a.channel === 'books5' || a.channel === 'bbo-tbt') {
        this.sendShallow(client, sub);
      } else if (a.channel === 'tickers' && this.tickers.has(a.instId)) {
        this.sendTo(client, { arg, data: [this.tickerData(a.instId)] });
      }
    }
  }

  sendBookSnapshot(client, sub) {
    const b = this.books.get(sub.instId);
    sub.active = true;
    this.sendTo(client, {
      arg: { channel: 'books', instId: sub.instId },
      action: 'snapshot',
      data: [{ asks: b.sorted('a', 400).map(lv), bids: b.sorted('b', 400).map(lv), ts: String(Date.now()), checksum: this.checksums ? b.checksum() : 0, prevSeqId: -1, seqId: b.seqId }],
    });
  }

  /** A server-side resend of the snapshot frame to every `books` subscriber of instId. */
  resendSnapshot(instId) {
    for (const c of this.clients) {
      for (const sub of c.subs.values()) if (sub.channel === 'books' && sub.instId === instId) this.sendBookSnapshot(c, sub);
    }
  }

  /** The REST /market/books element as of now: top `sz` levels, with the seqId when configured. */
  restBook(instId, sz = 400) {
    const b = this.books.get(instId);
    const data = { asks: b.sorted('a', sz).map(lv), bids: b.sorted('b', sz).map(lv), ts: String(Date.now()) };
    if (this.restSeqId === 'number') data.seqId = b.seqId;
    else if (this.restSeqId === 'string') data.seqId = String(b.seqId);
    return data;
  }

  /** From now on /market/books requests wait until answered (answerBooks) or released. */
  holdBooks() {
    this.booksHold = true;
  }

  /** Resolves once `n` book requests are waiting. */
  async booksRequested(n = 1) {
    while (this.booksPending.length < n) await new Promise((r) => setImmediate(r));
  }

  /** Answers the oldest waiting book request with `data` (default: the book as of now). */
  answerBooks(data) {
    const p = this.booksPending.shift();
    p.send(data || this.restBook(p.instId, p.sz));
    return p;
  }

  /** Stops holding: answers every waiting request with the book as of now. */
  releaseBooks() {
    this.booksHold = false;
    while (this.booksPending.length) this.answerBooks();
  }

  sendShallow(client, sub) {
    const b = this.books.get(sub.instId);
    const n = sub.channel === 'books5' ? 5 : 1;
    const data = { asks: b.sorted('a', n).map(lv), bids: b.sorted('b', n).map(lv), ts: String(Date.now()), seqId: b.seqId };
    if (sub.channel === 'books5') data.instId = sub.instId;
    this.sendTo(client, { arg: { channel: sub.channel, instId: sub.instId }, data: [data] });
  }

  holdSnapshots(instId) {
    this.held.add(instId);
  }

  releaseSnapshots(instId) {
    this.held.delete(instId);
    for (const c of this.clients) {
      for (const sub of c.subs.values()) if (sub.channel === 'books' && sub.instId === instId && !sub.active) this.sendBookSnapshot(c, sub);
    }
  }

  /** Waits until some client carries the subscription (channel, instId). */
  subscribed(channel, instId) {
    return this.clientWhere((c) => [...c.subs.values()].some((sub) => sub.channel === channel && sub.instId === instId), `a ${channel} subscription of ${instId}`);
  }

  // ------------------------------------------------------------------ book scripting

  seed(instId, bids, asks) {
    const b = this.books.get(instId);
    for (const [p, s] of bids) b.set('b', p, s);
    for (const [p, s] of asks) b.set('a', p, s);
  }

  /**
   * Applies the levels ([px, sz] strings; sz "0" deletes) to the truth and publishes one books
   * update chained prevSeqId -> seqId (seqId advances by `step`). Options: `corrupt` sends a wrong
   * checksum; `publish: false` loses the update (the next one shows a gap); `seqId` forces the new
   * seqId (e.g. a reset below prevSeqId). books5 / bbo-tbt subscribers get a fresh snapshot.
   */
  book(instId, bids = [], asks = [], { corrupt = false, publish = true, step = 2, seqId } = {}) {
    const b = this.books.get(instId);
    for (const [p, s] of bids) b.set('b', p, s);
    for (const [p, s] of asks) b.set('a', p, s);
    const prevSeqId = b.seqId;
    b.seqId = seqId !== undefined ? seqId : b.seqId + step;
    if (!publish) return;
    // checksums off: 0 ("not sent"); a corrupted one is wrong and non-zero either way
    const sum = corrupt ? b.checksum() ^ 0x1234 || 0x1234 : this.checksums ? b.checksum() : 0;
    const frame = {
      arg: { channel: 'books', instId },
      action: 'update',
      data: [{ asks: asks.map(lv), bids: bids.map(lv), ts: String(Date.now()), checksum: sum, prevSeqId, seqId: b.seqId }],
    };
    for (const c of this.clients) {
      for (const sub of c.subs.values()) {
        if (sub.instId !== instId) continue;
        if (sub.channel === 'books' && sub.active) this.sendTo(c, frame);
        if (sub.channel === 'books5' || sub.channel === 'bbo-tbt') this.sendShallow(c, sub);
      }
    }
  }

  /** An update the clients never see: the next one's prevSeqId does not match. */
  lose(instId, bids = [], asks = []) {
    this.book(instId, bids, asks, { publish: false });
  }

  /** The no-change push sent after ~60 s without updates: empty sides, prevSeqId == seqId. */
  noChange(instId) {
    const b = this.books.get(instId);
    const frame = {
      arg: { channel: 'books', instId },
      action: 'update',
      data: [{ asks: [], bids: [], ts: String(Date.now()), checksum: this.checksums ? b.checksum() : 0, prevSeqId: b.seqId, seqId: b.seqId }],
    };
    for (const c of this.clients) for (const sub of c.subs.values()) if (sub.channel === 'books' && sub.instId === instId && sub.active) this.sendTo(c, frame);
  }

  /** The server's book in unified shape (numbers, best first). */
  truth(instId, limit = Infinity) {
    const b = this.books.get(instId);
    const conv = (arr) => arr.map(([p, s]) => [+p, +s]);
    return { bids: conv(b.sorted('b', limit)), asks: conv(b.sorted('a', limit)) };
  }

  // ------------------------------------------------------------------ other channels

  tickerData(instId) {
    const b = this.books.get(instId);
    const bid = b.sorted('b', 1)[0] || ['0', '0'];
    const ask = b.sorted('a', 1)[0] || ['0', '0'];
    const t = this.tickers.get(instId) || { last: bid[0], open: bid[0] };
    return {
      instType: 'SPOT', instId, last: t.last, lastSz: '0.1', askPx: ask[0], askSz: ask[1], bidPx: bid[0], bidSz: bid[1],
      open24h: t.open, high24h: t.last, low24h: t.open, volCcy24h: '2000', vol24h: '10', sodUtc0: t.open, sodUtc8: t.open,
      ts: String(Date.now()),
    };
  }

  ticker(instId, last, open = last) {
    this.tickers.set(instId, { last: String(last), open: String(open) });
    this.publish('tickers', instId, [this.tickerData(instId)]);
  }

  /** Publishes trades [{px, sz, side}] in one push. */
  trade(instId, list) {
    const data = list.map((t) => {
      const rec = { instId, tradeId: String(this.nextTradeId++), px: String(t.px), sz: String(t.sz), side: t.side, ts: String(Date.now()), count: '1' };
      const arr = this.trades.get(instId) || [];
      arr.push(rec);
      this.trades.set(instId, arr);
      return rec;
    });
    this.publish('trades', instId, data);
  }

  /** Adds or updates a candle row [ts, o, h, l, c, vol] and publishes it on candle<bar>. */
  candle(instId, bar, row) {
    const k = `${instId}|${bar}`;
    const list = this.candles.get(k) || [];
    const full = [...row.map(String), String(+row[5] * +row[4]), String(+row[5] * +row[4]), '0'];
    const i = list.findIndex((x) => x[0] === full[0]);
    if (i >= 0) list[i] = full;
    else list.push(full);
    this.candles.set(k, list);
    this.publish(`candle${bar}`, instId, [full]);
  }

  publish(channel, instId, data) {
    for (const c of this.clients) {
      for (const sub of c.subs.values()) if (sub.channel === channel && sub.instId === instId) this.sendTo(c, { arg: { channel, instId }, data });
    }
  }

  /** 64008: the connection will soon be closed for a service upgrade. */
  notice() {
    for (const c of this.clients) {
      this.sendTo(c, { event: 'notice', code: '64008', msg: 'The connection will soon be closed for a service upgrade. Please reconnect.', connId: c.connId });
    }
  }
}

module.exports = { OkxStub };
