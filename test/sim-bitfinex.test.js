'use strict';
/**
 * The Bitfinex simulator speaks Bitfinex v2 (protocols.md §6), checked with a raw WebSocket client
 * and plain HTTP and an independent replica of the book (test/support/crc32, not the library):
 * `info` on connect, `conf` flags, ping/pong, subscribe acks echoing `subId`, refusals with their
 * codes, the 25-channel limit, one sequence number per connection on every data frame, P0 book
 * frames whose `cs` the replica reproduces, trades `te` + `tu`, tickers, candles, heartbeats, the
 * faults (skipped sequence number, corrupted checksum, info events) and REST with its errors.
 */
const assert = require('assert');
const { simulate } = require('../js/sim');
const { WsClient } = require('./support/ws-client');
const { crc32Signed } = require('./support/crc32');

/** A replica of one P0 book kept from raw frames, with Bitfinex's checksum. */
class Replica {
  constructor() {
    this.bids = new Map();
    this.asks = new Map();
  }
  apply(levels) {
    for (const [p, c, a] of levels) {
      const side = a > 0 ? this.bids : this.asks;
      if (c === 0) side.delete(p);
      else side.set(p, a);
    }
  }
  checksum() {
    const b = [...this.bids].sort((x, y) => y[0] - x[0]);
    const a = [...this.asks].sort((x, y) => x[0] - y[0]);
    const parts = [];
    for (let i = 0; i < 25; i++) {
      if (b[i]) parts.push(String(b[i][0]), String(b[i][1]));
      if (a[i]) parts.push(String(a[i][0]), String(a[i][1]));
    }
    return crc32Signed(parts.join(':'));
  }
}

describe('bitfinex simulator: the v2 protocol on the wire', function () {
  let sim;
  const clients = [];

  beforeEach(async () => {
    sim = await simulate('bitfinex', { seed: 5, tickMs: 10, heartbeatMs: 100 });
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await sim.close();
  });

  async function open(flags) {
    const c = await WsClient.connect(`${sim.urls.ws}/ws/2`);
    clients.push(c);
    const info = await c.next((m) => m.event === 'info');
    assert.strictEqual(info.version, 2);
    assert.deepStrictEqual(info.platform, { status: 1 });
    if (flags !== undefined) {
      c.send({ event: 'conf', flags });
      assert.deepStrictEqual(await c.next((m) => m.event === 'conf'), { event: 'conf', status: 'OK', flags });
    }
    return c;
  }

  /** Follows one book channel: every frame applied to a replica, every `cs` checked. */
  function follow(c, chanId) {
    const r = { replica: new Replica(), checked: 0, bad: 0, frames: 0 };
    c.follow((m) => {
      if (!Array.isArray(m) || m[0] !== chanId || m[1] === 'hb') return;
      r.frames++;
      if (m[1] === 'cs') {
        r.checked++;
        if (m[2] !== r.replica.checksum()) r.bad++;
        return;
      }
      r.replica.apply(Array.isArray(m[1][0]) ? m[1] : [m[1]]);
    });
    return r;
  }

  it('acks a P0 book subscription with subId, sends the snapshot, then level frames and a cs the replica reproduces', async () => {
    const c = await open(65536 + 131072);
    c.send({ event: 'subscribe', channel: 'book', symbol: 'tBTCUSD', prec: 'P0', freq: 'F0', len: '25', subId: 42 });
    const ack = await c.next((m) => m.event === 'subscribed');
    assert.deepStrictEqual(
      { ...ack, chanId: 0 },
      { event: 'subscribed', channel: 'book', chanId: 0, symbol: 'tBTCUSD', pair: 'BTCUSD', prec: 'P0', freq: 'F0', len: '25', subId: 42 },
    );
    const snap = await c.next((m) => Array.isArray(m) && m[0] === ack.chanId && Array.isArray(m[1]));
    assert.strictEqual(snap[1].filter((l) => l[2] > 0).length, 25);
    assert.strictEqual(snap[1].filter((l) => l[2] < 0).length, 25);
    const r = follow(c, ack.chanId);
    r.replica.apply(snap[1]);
    await c.until(() => r.checked >= 30, '30 checksums');
    assert.strictEqual(r.bad, 0);
    assert.ok(r.replica.bids.size === 25 && r.replica.asks.size === 25, 'the server keeps the client at len levels');
    // the sequence numbers of the connection: contiguous from 1 across every data frame
    const seqs = c.msgs.filter(Array.isArray).map((m) => m[m.length - 1]);
    assert.deepStrictEqual(seqs, seqs.map((_, i) => i + 1));
  });

  it('skipSequence loses a book frame: its sequence number never arrives; corruptChecksum garbles the next cs', async () => {
    const c = await open(65536 + 131072);
    c.send({ event: 'subscribe', channel: 'book', symbol: 'tBTCUSD', prec: 'P0', len: '25' });
    const ack = await c.next((m) => m.event === 'subscribed');
    await c.next((m) => Array.isArray(m) && m[0] === ack.chanId && m[1] === 'cs');
    sim.faults.skipSequence('BTC/USD');
    await c.until((ms) => {
      const seqs = ms.filter(Array.isArray).map((m) => m[m.length - 1]);
      return seqs.some((s, i) => i > 0 && s !== seqs[i - 1] + 1);
    }, 'a skipped sequence number');
    const seqs = c.msgs.filter(Array.isArray).map((m) => m[m.length - 1]);
    const jumps = seqs.filter((s, i) => i > 0 && s !== seqs[i - 1] + 1);
    assert.strictEqual(jumps.length, 1);

    const c2 = await open(131072);
    c2.send({ event: 'subscribe', channel: 'book', symbol: 'tETHUSD', prec: 'P0', len: '25' });
    const ack2 = await c2.next((m) => m.event === 'subscribed');
    const snap = await c2.next((m) => Array.isArray(m) && m[0] === ack2.chanId && Array.isArray(m[1]));
    // without flag 65536 frames carry no sequence number
    assert.strictEqual(snap.length, 2);
    const r = follow(c2, ack2.chanId);
    r.replica.apply(snap[1]);
    await c2.until(() => r.checked >= 3, 'three checksums');
    assert.strictEqual(r.bad, 0);
    sim.faults.corruptChecksum('ETH/USD');
    await c2.until(() => r.bad >= 1, 'a wrong checksum');
    const after = r.checked;
    await c2.until(() => r.checked >= after + 3, 'three more checksums');
    assert.strictEqual(r.bad, 1, 'only the next one is wrong');
  });

  it('refuses what Bitfinex refuses, unsubscribes by chanId, caps a connection at 25 channels', async () => {
    const c = await open(0);
    const err = async (req) => {
      c.send(req);
      return c.take((m) => m.event === 'error');
    };
    assert.strictEqual((await err({ event: 'subscribe', channel: 'book', symbol: 'tNOPE', prec: 'P0', len: '25' })).code, 10300);
    assert.strictEqual((await err({ event: 'subscribe', channel: 'book', symbol: 'tBTCUSD', prec: 'P0', len: '7' })).code, 10012);
    assert.strictEqual((await err({ event: 'subscribe', channel: 'book', symbol: 'tBTCUSD', prec: 'P9', len: '25' })).code, 10011);
    assert.strictEqual((await err({ event: 'subscribe', channel: 'nope', symbol: 'tBTCUSD' })).code, 10302);
    const refused = await err({ event: 'subscribe', channel: 'ticker', symbol: 'tXXXUSD', subId: 9 });
    assert.deepStrictEqual([refused.channel, refused.symbol, refused.subId, refused.msg], ['ticker', 'tXXXUSD', 9, 'symbol: invalid']);
    c.send({ event: 'subscribe', channel: 'ticker', symbol: 'tBTCUSD' });
    const ack = await c.take((m) => m.event === 'subscribed');
    assert.strictEqual((await err({ event: 'subscribe', channel: 'ticker', symbol: 'tBTCUSD' })).code, 10301);
    c.send({ event: 'unsubscribe', chanId: ack.chanId });
    assert.deepStrictEqual(await c.take((m) => m.event === 'unsubscribed'), { event: 'unsubscribed', status: 'OK', chanId: ack.chanId });
    assert.strictEqual((await err({ event: 'unsubscribe', chanId: ack.chanId })).code, 10400);
    const tfs = ['1m', '5m', '15m', '30m', '1h', '3h', '6h', '12h', '1D', '1W', '14D', '1M'];
    for (const sym of ['tBTCUSD', 'tETHUSD']) for (const tf of tfs) c.send({ event: 'subscribe', channel: 'candles', key: `trade:${tf}:${sym}` });
    c.send({ event: 'subscribe', channel: 'trades', symbol: 'tBTCUSD' });
    await c.collect((m) => m.event === 'subscribed', 25, 0, '25 subscriptions');
    assert.strictEqual((await err({ event: 'subscribe', channel: 'trades', symbol: 'tETHUSD' })).code, 10305);
    c.send({ event: 'ping', cid: 1234 });
    const pong = await c.take((m) => m.event === 'pong');
    assert.strictEqual(pong.cid, 1234);
    assert.strictEqual(typeof pong.ts, 'number');
  });

  it('trades go out as te then tu with the same payload, tickers and candles after trades, heartbeats per channel', async () => {
    const c = await open(65536);
    for (const channel of ['trades', 'ticker']) c.send({ event: 'subscribe', channel, symbol: 'tBTCUSD' });
    c.send({ event: 'subscribe', channel: 'candles', key: 'trade:1m:tBTCUSD' });
    const acks = await c.collect((m) => m.event === 'subscribed', 3);
    const chan = Object.fromEntries(acks.map((a) => [a.channel, a.chanId]));
    assert.strictEqual(acks.find((a) => a.channel === 'candles').key, 'trade:1m:tBTCUSD');
    const te = await c.next((m) => Array.isArray(m) && m[0] === chan.trades && m[1] === 'te');
    const tu = await c.next((m) => Array.isArray(m) && m[0] === chan.trades && m[1] === 'tu' && m[2][0] === te[2][0]);
    assert.deepStrictEqual(tu[2], te[2]);
    const [, mts, amount, price] = te[2];
    assert.ok(mts > 0 && amount !== 0 && price > 0);
    const ticker = await c.next((m) => Array.isArray(m) && m[0] === chan.ticker && Array.isArray(m[1]) && m.length === 3);
    assert.strictEqual(ticker[1].length, 10);
    assert.ok(ticker[1][0] < ticker[1][2], 'bid below ask');
    const candle = await c.next((m) => Array.isArray(m) && m[0] === chan.candles && Array.isArray(m[1]) && m[1].length === 6 && !Array.isArray(m[1][0]));
    const [t, o, cl, hi, lo] = candle[1];
    assert.strictEqual(t % 60_000, 0);
    assert.ok(lo <= o && o <= hi && lo <= cl && cl <= hi);
    await c.collect((m) => Array.isArray(m) && m[1] === 'hb', 3);
  });

  it('info events 20051, 20060 and 20061 reach every connection', async () => {
    const a = await open(0);
    const b = await open(0);
    for (const code of [20051, 20060, 20061]) {
      assert.strictEqual(sim.infoEvent(code), 2);
      for (const c of [a, b]) assert.strictEqual((await c.take((m) => m.event === 'info' && m.code === code)).code, code);
    }
  });

  it('auth takes the documented forms: a number or numeric-string authNonce, "AUTH" + nonce or (bitfinex-api-node) "AUTH" + nonce + nonce; refuses a bad signature and a nonce that does not grow', async () => {
    const { createHmac } = require('crypto');
    const sign = (payload) => createHmac('sha384', sim.secret).update(payload).digest('hex');
    let nonce = Date.now() * 1000;
    const attempt = async (make) => {
      const c = await open();
      const n = ++nonce;
      c.send({ event: 'auth', apiKey: sim.apiKey, ...make(n) });
      return c.next((m) => m.event === 'auth');
    };
    for (const form of [
      (n) => ({ authNonce: n, authPayload: `AUTH${n}`, authSig: sign(`AUTH${n}`) }),
      (n) => ({ authNonce: String(n), authPayload: `AUTH${n}`, authSig: sign(`AUTH${n}`) }),
      (n) => ({ authNonce: n, authPayload: `AUTH${n}${n}`, authSig: sign(`AUTH${n}${n}`) }),
    ]) {
      assert.strictEqual((await attempt(form)).status, 'OK');
    }
    const badSig = await attempt((n) => ({ authNonce: n, authPayload: `AUTH${n}`, authSig: sign(`AUTH${n + 1}`) }));
    assert.deepStrictEqual([badSig.status, badSig.code], ['FAILED', 10100]);
    const old = nonce - 10;
    const stale = await attempt(() => ({ authNonce: old, authPayload: `AUTH${old}`, authSig: sign(`AUTH${old}`) }));
    assert.deepStrictEqual([stale.status, stale.code], ['FAILED', 10114]);
  });

  it('maintenance (20060 .. 20061): no channel data goes out, heartbeats do; new connections are greeted with platform status 0; REST platform/status is [0]; requests are recorded', async () => {
    const c = await open(65536);
    c.send({ event: 'subscribe', channel: 'book', symbol: 'tBTCUSD', prec: 'P0', len: '25' });
    const ack = await c.next((m) => m.event === 'subscribed');
    await c.next((m) => Array.isArray(m) && m[0] === ack.chanId && Array.isArray(m[1]) && !Array.isArray(m[1][0]));
    sim.infoEvent(20060);
    await c.next((m) => m.event === 'info' && m.code === 20060);
    const from = c.msgs.length;
    await c.until((ms) => ms.slice(from).filter((m) => Array.isArray(m) && m[1] === 'hb').length >= 3, 'three heartbeats in maintenance');
    assert.deepStrictEqual(c.msgs.slice(from).filter((m) => Array.isArray(m) && m[1] !== 'hb'), [], 'no data in maintenance');
    const late = await WsClient.connect(`${sim.urls.ws}/ws/2`);
    clients.push(late);
    assert.deepStrictEqual((await late.next((m) => m.event === 'info')).platform, { status: 0 });
    assert.deepStrictEqual(await (await fetch(`${sim.urls.rest}/v2/platform/status`)).json(), [0]);
    c.send({ event: 'ping', cid: 7 });
    c.send({ event: 'subscribe', channel: 'ticker', symbol: 'tBTCUSD' });
    await c.next((m) => m.event === 'subscribed' && m.channel === 'ticker');
    assert.deepStrictEqual(sim.maintenanceRequests().map((t) => JSON.parse(t).event), ['ping', 'subscribe']);
    sim.infoEvent(20061);
    await c.next((m) => Array.isArray(m) && m[0] === ack.chanId && Array.isArray(m[1]));
    assert.deepStrictEqual(await (await fetch(`${sim.urls.rest}/v2/platform/status`)).json(), [1]);
  });

  it('REST: pair list and info, P0 book, tickers, trades and candles, errors as ["error", code, text]', async () => {
    const get = async (path) => {
      const r = await fetch(sim.urls.rest + path);
      return { status: r.status, body: await r.json() };
    };
    sim.pause();
    assert.deepStrictEqual((await get('/v2/conf/pub:list:pair:exchange')).body, [['BTCUSD', 'ETHUSD']]);
    const info = (await get('/v2/conf/pub:info:pair')).body[0];
    assert.deepStrictEqual(info[0][0], 'BTCUSD');
    assert.strictEqual(info[0][1][3], '0.00004');
    // several configs at once, comma-separated: one list each, in order
    const multi = (await get('/v2/conf/pub:info:pair,pub:info:pair:futures,pub:list:pair:exchange')).body;
    assert.strictEqual(multi.length, 3);
    assert.strictEqual(multi[0][0][0], 'BTCUSD');
    assert.deepStrictEqual(multi[1], []);
    assert.deepStrictEqual(multi[2], ['BTCUSD', 'ETHUSD']);
    // the raw book: one [ORDER_ID, PRICE, AMOUNT] per resting order; they add up to the levels
    const raw = (await get('/v2/book/tBTCUSD/R0?len=100')).body;
    const bestBid = sim.book('BTC/USD').bids[0];
    const atBest = raw.filter((r) => r[1] === bestBid[0] && r[2] > 0);
    assert.ok(atBest.length >= 1 && atBest.every((r) => r.length === 3 && Number.isInteger(r[0])));
    assert.ok(Math.abs(atBest.reduce((t, r) => t + r[2], 0) - bestBid[1]) < 1e-9);
    const book = (await get('/v2/book/tBTCUSD/P0?len=25')).body;
    const truth = sim.book('BTC/USD');
    assert.deepStrictEqual(book.filter((l) => l[2] > 0).map(([p, , a]) => [p, a]), truth.bids.slice(0, 25));
    assert.deepStrictEqual(book.filter((l) => l[2] < 0).map(([p, , a]) => [p, -a]), truth.asks.slice(0, 25));
    const ticker = (await get('/v2/ticker/tBTCUSD')).body;
    assert.deepStrictEqual([ticker[0], ticker[1], ticker[2], ticker[3]], [...truth.bids[0], ...truth.asks[0]]);
    const tickers = (await get('/v2/tickers?symbols=tBTCUSD,tETHUSD')).body;
    assert.deepStrictEqual(tickers.map((t) => t[0]), ['tBTCUSD', 'tETHUSD']);
    sim.resume();
    sim.tick(20);
    const trades = (await get('/v2/trades/tBTCUSD/hist?limit=5')).body;
    assert.ok(trades.length > 0 && trades.length <= 5);
    for (let i = 1; i < trades.length; i++) assert.ok(trades[i][1] <= trades[i - 1][1], 'newest first');
    const candles = (await get('/v2/candles/trade:1m:tBTCUSD/hist?limit=2&sort=1')).body;
    assert.ok(candles.length >= 1 && candles[0].length === 6);
    assert.deepStrictEqual(await get('/v2/ticker/tNOPE'), { status: 500, body: ['error', 10020, 'symbol: invalid'] });
    assert.deepStrictEqual((await get('/v2/book/tBTCUSD/P0?len=7')).body, ['error', 10020, 'len: invalid']);
    sim.faults.rateLimit({ retryAfterSec: 1 });
    assert.deepStrictEqual(await get('/v2/ticker/tBTCUSD'), { status: 429, body: ['error', 11010, 'ratelimit: error'] });
    assert.deepStrictEqual((await get('/v2/platform/status')).body, [1]);
  });
});

describe('bitfinex client on its simulator: info events', function () {
  const { bitfinex } = require('..');
  const { onSim } = require('./support/on-sim');
  let h;

  beforeEach(async () => {
    h = await onSim({
      sim: { id: 'bitfinex', options: { seed: 9, tickMs: 10, heartbeatMs: 200 } },
      client: { Exchange: bitfinex, options: { staleTimeoutMs: 1500 } },
      symbols: ['BTC/USD', 'ETH/USD'],
      book: { nonce: 'none', depth: 25 },
    });
  });

  afterEach(async () => {
    await h.close();
  });

  it('20051 (restart): every book resyncs (reconnect) and is exact again; 20060 / 20061: every book resyncs (maintenance) and is exact again, no error', async () => {
    await h.ex.fetchOrderBook('BTC/USD');
    await h.ex.fetchOrderBook('ETH/USD');
    for (const [code, reason] of [[20051, 'reconnect'], [20060, 'maintenance']]) {
      const both = Promise.all(['BTC/USD', 'ETH/USD'].map((s) => h.next('resync', (e) => e.reason === reason && e.symbol === s)));
      h.sim.infoEvent(code);
      await both;
      if (code === 20060) h.sim.infoEvent(20061);
      await h.flow(5);
      await h.exact('BTC/USD');
      await h.exact('ETH/USD');
    }
    assert.deepStrictEqual(h.resyncs.map((r) => r.reason), ['reconnect', 'reconnect', 'maintenance', 'maintenance']);
    assert.deepStrictEqual(h.errs, []);
  });
});
