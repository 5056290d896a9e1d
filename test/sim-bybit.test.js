'use strict';
/**
 * The Bybit simulator at the protocol level, with a raw WebSocket client and plain HTTP (none of
 * the library's client code): Bybit v5's documented shapes (protocols.md §4) — the REST envelope
 * and market endpoints, subscribe acks and refusals (unknown topic, more than 10 args), the spot
 * pong, orderbook snapshots then deltas by contiguous `u` that rebuild the server's book exactly,
 * a lost delta (u jumps by 2), a restart (`u: 1` snapshot mid-stream), tickers, publicTrade,
 * klines, and the rate-limit fault (retCode 10006).
 */
const assert = require('assert');
const { simulate } = require('../js/sim');
const { WsClient } = require('./support/ws-client');
const { fetchJson } = require('./support/http');

/** A book replica kept from raw frames by Bybit's rules: snapshot (or u 1) replaces, deltas upsert, "0" deletes. */
function replica() {
  const b = new Map();
  const a = new Map();
  let u;
  return {
    apply(m) {
      if (m.type === 'snapshot' || m.data.u === 1) {
        b.clear();
        a.clear();
      } else assert.strictEqual(m.data.u, u + 1, `delta u ${m.data.u} follows ${u}`);
      for (const [side, map] of [['b', b], ['a', a]]) {
        for (const [p, q] of m.data[side]) {
          if (Number(q) === 0) map.delete(Number(p));
          else map.set(Number(p), Number(q));
        }
      }
      u = m.data.u;
    },
    sides(n) {
      const s = (map, desc) => [...map.entries()].sort((x, y) => (desc ? y[0] - x[0] : x[0] - y[0])).slice(0, n);
      return { bids: s(b, true), asks: s(a, false) };
    },
    get u() {
      return u;
    },
  };
}

describe('bybit simulator (raw protocol)', function () {
  let sim;
  let c;

  beforeEach(async () => {
    sim = await simulate('bybit', { port: 0, seed: 7, tickMs: 10 });
  });

  afterEach(async () => {
    c?.close();
    c = undefined;
    await sim.close();
  });

  const open = async () => (c = await WsClient.connect(`${sim.urls.ws}/v5/public/spot`));

  it('REST: instruments-info, orderbook, tickers, recent-trade and kline in the v5 envelope', async () => {
    const ins = await fetchJson(`${sim.urls.rest}/v5/market/instruments-info?category=spot`);
    assert.strictEqual(ins.body.retCode, 0);
    assert.strictEqual(ins.body.retMsg, 'OK');
    const btc = ins.body.result.list.find((i) => i.symbol === 'BTCUSDT');
    assert.deepStrictEqual([btc.baseCoin, btc.quoteCoin, btc.status, btc.priceFilter.tickSize, btc.lotSizeFilter.basePrecision], ['BTC', 'USDT', 'Trading', '0.01', '0.000001']);
    sim.pause();
    const ob = await fetchJson(`${sim.urls.rest}/v5/market/orderbook?category=spot&symbol=BTCUSDT&limit=50`);
    const truth = sim.book('BTC/USDT');
    assert.deepStrictEqual(ob.body.result.b.map(([p, q]) => [+p, +q]), truth.bids.slice(0, 50));
    assert.deepStrictEqual(ob.body.result.a.map(([p, q]) => [+p, +q]), truth.asks.slice(0, 50));
    assert.match(ob.body.result.b[0][0], /^\d+\.\d{2}$/, 'prices at the tick decimals');
    assert.strictEqual(typeof ob.body.result.u, 'number');
    const t = await fetchJson(`${sim.urls.rest}/v5/market/tickers?category=spot&symbol=BTCUSDT`);
    assert.deepStrictEqual([+t.body.result.list[0].bid1Price, +t.body.result.list[0].ask1Price], [truth.bids[0][0], truth.asks[0][0]]);
    sim.resume();
    sim.tick(200);
    const tr = await fetchJson(`${sim.urls.rest}/v5/market/recent-trade?category=spot&symbol=BTCUSDT&limit=5`);
    assert.strictEqual(tr.body.result.list.length, 5);
    const times = tr.body.result.list.map((x) => +x.time);
    assert.deepStrictEqual(times, [...times].sort((x, y) => y - x), 'newest first');
    assert.ok(tr.body.result.list.every((x) => x.side === 'Buy' || x.side === 'Sell'));
    const k = await fetchJson(`${sim.urls.rest}/v5/market/kline?category=spot&symbol=BTCUSDT&interval=1`);
    const row = k.body.result.list[0];
    assert.strictEqual(row.length, 7);
    assert.strictEqual(+row[0] % 60000, 0);
    const bad = await fetchJson(`${sim.urls.rest}/v5/market/orderbook?category=spot&symbol=NOPE`);
    assert.deepStrictEqual([bad.status, bad.body.retCode], [200, 10001]);
    sim.faults.rateLimit({ status: 200 });
    const limited = await fetchJson(`${sim.urls.rest}/v5/market/tickers?category=spot`);
    assert.deepStrictEqual([limited.status, limited.body.retCode, limited.body.retMsg], [200, 10006, 'Too many visits!']);
  });

  it('signed REST: X-BAPI-SIGN over timestamp + key + recv_window + query / body, 10004 bad sign, 10002 stale timestamp', async () => {
    const crypto = require('crypto');
    const sign = (ts, payload, secret = sim.secret) => crypto.createHmac('sha256', secret).update(`${ts}${sim.apiKey}5000${payload}`).digest('hex');
    const headers = (ts, payload, secret) => ({ 'X-BAPI-API-KEY': sim.apiKey, 'X-BAPI-TIMESTAMP': String(ts), 'X-BAPI-RECV-WINDOW': '5000', 'X-BAPI-SIGN': sign(ts, payload, secret) });
    const q = 'accountType=UNIFIED';
    const ok = await fetchJson(`${sim.urls.rest}/v5/account/wallet-balance?${q}`, { headers: headers(Date.now(), q) });
    assert.strictEqual(ok.body.retCode, 0);
    const usdt = ok.body.result.list[0].coin.find((c) => c.coin === 'USDT');
    assert.strictEqual(ok.body.result.list[0].accountType, 'UNIFIED');
    assert.strictEqual(Number(usdt.walletBalance), 100000);
    const bad = await fetchJson(`${sim.urls.rest}/v5/account/wallet-balance?${q}`, { headers: headers(Date.now(), q, 'wrong') });
    assert.deepStrictEqual([bad.status, bad.body.retCode], [200, 10004]);
    const old = await fetchJson(`${sim.urls.rest}/v5/account/wallet-balance?${q}`, { headers: headers(Date.now() - 60_000, q) });
    assert.strictEqual(old.body.retCode, 10002);
    const body = JSON.stringify({ category: 'spot', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '1000', orderLinkId: 'raw-1' });
    const ts = Date.now();
    const placed = await fetchJson(`${sim.urls.rest}/v5/order/create`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers(ts, body) } });
    assert.strictEqual(placed.body.retCode, 0, JSON.stringify(placed.body));
    assert.strictEqual(placed.body.result.orderLinkId, 'raw-1');
    const info = await fetchJson(`${sim.urls.rest}/v5/account/info`, { headers: headers(Date.now(), '') });
    assert.strictEqual(info.body.retCode, 0);
    // fee rates and a deposit address, read by ccxt's fetchTradingFee / fetchDepositAddress
    const fq = 'category=spot&symbol=BTCUSDT';
    const fee = await fetchJson(`${sim.urls.rest}/v5/account/fee-rate?${fq}`, { headers: headers(Date.now(), fq) });
    assert.deepStrictEqual(fee.body.result.list, [{ symbol: 'BTCUSDT', takerFeeRate: '0.001', makerFeeRate: '0.001' }]);
    const aq = 'coin=USDT';
    const addr = await fetchJson(`${sim.urls.rest}/v5/asset/deposit/query-address?${aq}`, { headers: headers(Date.now(), aq) });
    assert.deepStrictEqual([addr.body.retCode, addr.body.result.coin, addr.body.result.chains[0].chain, typeof addr.body.result.chains[0].addressDeposit], [0, 'USDT', 'USDT', 'string']);
    // batch over REST: result.list and retExtInfo.list, one entry per order
    const bbody = JSON.stringify({ category: 'spot', request: [{ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '1000', orderLinkId: 'raw-2' }, { symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '1000', orderLinkId: 'raw-1' }] });
    const batch = await fetchJson(`${sim.urls.rest}/v5/order/create-batch`, { method: 'POST', body: bbody, headers: { 'content-type': 'application/json', ...headers(Date.now(), bbody) } });
    assert.deepStrictEqual([batch.body.retCode, batch.body.result.list.map((x) => x.orderLinkId), batch.body.retExtInfo.list.map((x) => x.code)], [0, ['raw-2', 'raw-1'], [0, 170141]]);
    // categories the simulator does not trade answer an empty list, as a client that loads every category expects
    const linear = await fetchJson(`${sim.urls.rest}/v5/market/instruments-info?category=linear`);
    assert.deepStrictEqual([linear.body.retCode, linear.body.result.list], [0, []]);
  });

  it('acks a subscribe by req_id, refuses unknown topics and more than 10 args, answers the ping', async () => {
    await open();
    c.send({ req_id: 'p1', op: 'ping' });
    const pong = await c.next((m) => m.op === 'ping');
    assert.deepStrictEqual([pong.success, pong.ret_msg, pong.req_id], [true, 'pong', 'p1']);
    c.send({ req_id: '5', op: 'subscribe', args: ['orderbook.500.BTCUSDT'] });
    const no = await c.next((m) => m.req_id === '5');
    assert.deepStrictEqual([no.success, no.ret_msg, no.op], [false, 'error:handler not found,topic:orderbook.500.BTCUSDT', 'subscribe']);
    c.send({ req_id: '6', op: 'subscribe', args: Array.from({ length: 11 }, (_, i) => `kline.${['1', '3', '5', '15', '30', '60', '120', '240', '360', '720', 'D'][i]}.BTCUSDT`) });
    const many = await c.next((m) => m.req_id === '6');
    assert.deepStrictEqual([many.success, many.ret_msg], [false, 'args size >10']);
    c.send({ req_id: '7', op: 'subscribe', args: ['orderbook.50.BTCUSDT', 'publicTrade.BTCUSDT'] });
    const ok = await c.next((m) => m.req_id === '7');
    assert.deepStrictEqual([ok.success, ok.ret_msg, ok.op], [true, 'subscribe', 'subscribe']);
    assert.ok(c.msgs.indexOf(ok) < c.msgs.findIndex((m) => m.topic === 'orderbook.50.BTCUSDT'), 'the ack comes before the snapshot');
  });

  it('orderbook.200: a snapshot then deltas by contiguous u that rebuild the server book exactly', async () => {
    await open();
    const r = replica();
    c.follow((m) => m.topic === 'orderbook.200.BTCUSDT' && r.apply(m));
    c.send({ req_id: '1', op: 'subscribe', args: ['orderbook.200.BTCUSDT'] });
    const snap = await c.next((m) => m.topic === 'orderbook.200.BTCUSDT');
    assert.strictEqual(snap.type, 'snapshot');
    assert.strictEqual(snap.data.b.length, 200);
    assert.strictEqual(snap.data.s, 'BTCUSDT');
    assert.ok(c.textOf(snap).startsWith('{"topic":"orderbook.200.BTCUSDT","ts":'), 'spot: ts before type');
    await c.collect((m) => m.topic === 'orderbook.200.BTCUSDT' && m.type === 'delta', 10);
    sim.pause();
    sim.flush();
    const truth = sim.book('BTC/USDT');
    await c.until(() => JSON.stringify(r.sides(200)) === JSON.stringify({ bids: truth.bids.slice(0, 200), asks: truth.asks.slice(0, 200) }), 'the replica equal to the truth');
  });

  it('skipSequence loses one delta (u jumps by 2); resetSequence sends a u: 1 snapshot and counts on', async () => {
    await open();
    c.send({ req_id: '1', op: 'subscribe', args: ['orderbook.50.BTCUSDT'] });
    const book = (m) => m.topic === 'orderbook.50.BTCUSDT';
    await c.collect((m) => book(m) && m.type === 'delta', 3);
    let from = c.msgs.length;
    sim.faults.skipSequence('BTC/USDT');
    const [before, after] = await c.collect(book, 2, from - 1);
    assert.strictEqual(after.data.u - before.data.u, 2, 'one u never sent');
    from = c.msgs.length;
    sim.faults.resetSequence('BTC/USDT');
    const [restart, next] = await c.collect(book, 2, from);
    assert.deepStrictEqual([restart.type, restart.data.u], ['snapshot', 1]);
    assert.ok(restart.data.b.length > 0 && restart.data.a.length > 0);
    assert.deepStrictEqual([next.type, next.data.u], ['delta', 2]);
  });

  it('/v5/private and /v5/trade: auth, topics, order ops with their acks, duplicate reqId 20006, refused auth', async () => {
    const crypto = require('crypto');
    const authArgs = (secret = sim.secret) => {
      const expires = Date.now() + 10_000;
      return [sim.apiKey, expires, crypto.createHmac('sha256', secret).update(`GET/realtime${expires}`).digest('hex')];
    };
    const priv = await WsClient.connect(`${sim.urls.wsPrivate}/v5/private`);
    const trade = await WsClient.connect(`${sim.urls.wsPrivate}/v5/trade`);
    try {
      priv.send({ req_id: 'a1', op: 'subscribe', args: ['order'] });
      const early = await priv.next((m) => m.op === 'subscribe');
      assert.strictEqual(early.success, false, 'no topics before auth');
      priv.send({ req_id: 'a2', op: 'auth', args: authArgs() });
      const auth = await priv.next((m) => m.op === 'auth');
      assert.deepStrictEqual([auth.success, auth.ret_msg], [true, '']);
      priv.send({ req_id: 'a3', op: 'subscribe', args: ['order', 'execution', 'wallet'] });
      assert.strictEqual((await priv.next((m) => m.op === 'subscribe' && m.req_id === 'a3')).success, true);
      priv.send({ req_id: 'p1', op: 'ping' });
      const pong = await priv.next((m) => m.op === 'pong');
      assert.strictEqual(pong.req_id, 'p1');

      // req_id echoed when it is a number too (ccxt sends numbers)
      priv.send({ req_id: 77, op: 'ping' });
      assert.strictEqual((await priv.next((m) => m.op === 'pong' && m.req_id === '77')).req_id, '77');
      trade.send({ reqId: 't0', op: 'auth', args: authArgs() });
      const tAuth = await trade.next((m) => m.op === 'auth');
      assert.deepStrictEqual([tAuth.retCode, tAuth.retMsg], [0, 'OK']);
      const header = () => ({ 'X-BAPI-TIMESTAMP': String(Date.now()), 'X-BAPI-RECV-WINDOW': '8000' });
      const arg = { category: 'spot', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '1000', timeInForce: 'GTC', orderLinkId: 'w1' };
      trade.send({ reqId: 't1', header: header(), op: 'order.create', args: [arg] });
      const ack = await trade.next((m) => m.reqId === 't1');
      assert.deepStrictEqual([ack.retCode, ack.retMsg, ack.op, ack.data.orderLinkId], [0, 'OK', 'order.create', 'w1']);
      const id = ack.data.orderId;
      const pushed = await priv.next((m) => m.topic === 'order' && m.data[0].orderId === id);
      assert.deepStrictEqual([pushed.data[0].orderStatus, pushed.data[0].price, pushed.data[0].qty, pushed.data[0].orderLinkId], ['New', '1000.00', '0.001000', 'w1']);
      const wallet = await priv.next((m) => m.topic === 'wallet');
      assert.strictEqual(wallet.data[0].coin.find((c) => c.coin === 'USDT').locked, '1');
      trade.send({ reqId: 't2', header: header(), op: 'order.amend', args: [{ category: 'spot', symbol: 'BTCUSDT', orderId: id, price: '1001' }] });
      assert.deepStrictEqual([(await trade.next((m) => m.reqId === 't2')).data.orderId], [id]);
      const amended = await priv.next((m) => m.topic === 'order' && m.data[0].price === '1001.00');
      assert.deepStrictEqual([amended.data[0].orderId, amended.data[0].orderStatus], [id, 'New'], 'the amend keeps the id and is no cancel');
      trade.send({ reqId: 't2', header: header(), op: 'order.cancel', args: [{ category: 'spot', symbol: 'BTCUSDT', orderId: id }] });
      assert.strictEqual((await trade.collect((m) => m.reqId === 't2', 2))[1].retCode, 20006);
      // no reqId: none in the reply ("If it is not passed, then it is not returned")
      trade.send({ header: header(), op: 'order.cancel', args: [{ category: 'spot', symbol: 'BTCUSDT', orderId: 'none' }] });
      assert.ok(!('reqId' in (await trade.next((m) => m.op === 'order.cancel' && m.retCode === 170213))));
      trade.send({ reqId: 't3', header: header(), op: 'order.cancel', args: [{ category: 'spot', symbol: 'BTCUSDT', orderId: id }] });
      assert.strictEqual((await trade.next((m) => m.reqId === 't3')).retCode, 0);
      await priv.next((m) => m.topic === 'order' && m.data[0].orderStatus === 'Cancelled');
      trade.send({ reqId: 't4', header: header(), op: 'order.cancel', args: [{ category: 'spot', symbol: 'BTCUSDT', orderId: id }] });
      assert.strictEqual((await trade.next((m) => m.reqId === 't4')).retCode, 170213);

      sim.faults.rejectLogins(true);
      const refused = await WsClient.connect(`${sim.urls.wsPrivate}/v5/private`);
      refused.send({ op: 'auth', args: authArgs() });
      assert.strictEqual((await refused.next((m) => m.op === 'auth')).success, false);
      refused.close();
    } finally {
      priv.close();
      trade.close();
    }
  });

  it('/v5/trade batches (Bybit docs websocket/trade "Batch"): data.list and retExtInfo.list per order, at most 10 spot orders; duplicate orderLinkId 170141', async () => {
    const crypto = require('crypto');
    const expires = Date.now() + 10_000;
    const trade = await WsClient.connect(`${sim.urls.wsPrivate}/v5/trade`);
    try {
      trade.send({ op: 'auth', args: [sim.apiKey, expires, crypto.createHmac('sha256', sim.secret).update(`GET/realtime${expires}`).digest('hex')] });
      assert.strictEqual((await trade.next((m) => m.op === 'auth')).retCode, 0);
      const header = () => ({ 'X-BAPI-TIMESTAMP': String(Date.now()), 'X-BAPI-RECV-WINDOW': '8000' });
      const item = (link, qty = '0.001') => ({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty, price: '1000', timeInForce: 'GTC', orderLinkId: link });
      trade.send({ reqId: 'b1', header: header(), op: 'order.create-batch', args: [{ category: 'spot', request: [item('k1'), item('k2', '150'), item('k1')] }] });
      const ack = await trade.next((m) => m.reqId === 'b1');
      assert.deepStrictEqual([ack.retCode, ack.op], [0, 'order.create-batch']);
      assert.deepStrictEqual(ack.retExtInfo.list.map((x) => x.code), [0, 170131, 170141], 'ok, insufficient balance, duplicate orderLinkId');
      assert.deepStrictEqual(ack.data.list.map((x) => [x.category, x.symbol, x.orderLinkId, x.orderId !== '']), [['spot', 'BTCUSDT', 'k1', true], ['spot', 'BTCUSDT', 'k2', false], ['spot', 'BTCUSDT', 'k1', false]]);
      const id = ack.data.list[0].orderId;
      trade.send({ reqId: 'b2', header: header(), op: 'order.amend-batch', args: [{ category: 'spot', request: [{ symbol: 'BTCUSDT', orderId: id, price: '1001' }, { symbol: 'BTCUSDT', orderId: 'nope', price: '1001' }] }] });
      const am = await trade.next((m) => m.reqId === 'b2');
      assert.deepStrictEqual([am.data.list.map((x) => x.orderId), am.retExtInfo.list.map((x) => x.code)], [[id, ''], [0, 170213]]);
      trade.send({ reqId: 'b3', header: header(), op: 'order.create-batch', args: [{ category: 'spot', request: Array.from({ length: 11 }, (_, i) => item(`m${i}`)) }] });
      assert.strictEqual((await trade.next((m) => m.reqId === 'b3')).retCode, 10001, 'eleven spot orders in one batch are refused');
      trade.send({ reqId: 'b4', header: header(), op: 'order.cancel-batch', args: [{ category: 'spot', request: [{ symbol: 'BTCUSDT', orderId: id }] }] });
      const cx = await trade.next((m) => m.reqId === 'b4');
      assert.deepStrictEqual([cx.data.list[0].orderId, cx.retExtInfo.list[0].code], [id, 0]);
      assert.deepStrictEqual(sim.engine.openOrders('user', 'BTCUSDT'), []);
    } finally {
      trade.close();
    }
  });

  it('tickers, publicTrade and kline pushes', async () => {
    await open();
    c.send({ req_id: '1', op: 'subscribe', args: ['tickers.BTCUSDT', 'publicTrade.BTCUSDT', 'kline.1.BTCUSDT'] });
    const t = await c.next((m) => m.topic === 'tickers.BTCUSDT');
    assert.strictEqual(t.type, 'snapshot');
    assert.strictEqual(t.data.symbol, 'BTCUSDT');
    assert.ok(+t.data.lastPrice > 0 || t.data.lastPrice === '0');
    const tr = await c.next((m) => m.topic === 'publicTrade.BTCUSDT');
    for (const x of tr.data) {
      assert.ok(['Buy', 'Sell'].includes(x.S));
      assert.strictEqual(x.s, 'BTCUSDT');
      assert.ok(+x.p > 0 && +x.v > 0 && typeof x.T === 'number' && typeof x.i === 'string');
    }
    const k = await c.next((m) => m.topic === 'kline.1.BTCUSDT');
    assert.strictEqual(k.data[0].interval, '1');
    assert.strictEqual(k.data[0].start % 60000, 0);
    assert.strictEqual(k.data[0].end, k.data[0].start + 59999);
  });
});

describe('bybit simulator: the idle cut (docs v5/ws/connect)', function () {
  const { maxActiveTimeMs } = require('../js/sim/bybit/idle');
  let sim;
  const clients = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await sim?.close();
    sim = undefined;
  });

  const connect = async (path) => {
    const c = await WsClient.connect(`${sim.urls.ws}${path}`);
    clients.push(c);
    return c;
  };

  it('max_active_time: 30s to 600s, in seconds or minutes; anything else is not applied', () => {
    const q = (v) => new URLSearchParams(v === undefined ? '' : `max_active_time=${v}`);
    assert.deepStrictEqual(['30s', '45s', '1m', '2m', '600s', '10m'].map((v) => maxActiveTimeMs(q(v))), [30_000, 45_000, 60_000, 120_000, 600_000, 600_000]);
    assert.deepStrictEqual([undefined, '29s', '11m', '601s', '1h', 'x', '-30s', ''].map((v) => maxActiveTimeMs(q(v))), Array(8).fill(undefined));
  });

  it('the default cut is 10 minutes', () => {
    assert.strictEqual(require('../js/sim/bybit/idle').IDLE_CUT_MS, 600_000);
  });

  it('a connection sent nothing for the idle time is cut; one that pings is kept; max_active_time replaces it on /v5/private', async () => {
    sim = await simulate('bybit', { port: 0, seed: 7, idleMs: 400 });
    const silent = await connect('/v5/public/spot');
    const pinging = await connect('/v5/public/spot');
    const privDefault = await connect('/v5/private');
    const privLong = await connect('/v5/private?max_active_time=30s');
    // the pinging client pings every 100 ms: each pong is a frame sent, so it is never idle
    const timer = setInterval(() => pinging.send({ op: 'ping' }), 100);
    try {
      const cut = await silent.closed;
      assert.strictEqual(cut.code, 1000);
      await privDefault.closed;
      // keep pinging until well past the idle time of the silent one: 12 pongs = 1.2 s > 3 idle windows
      await pinging.wait(() => (pinging.msgs.filter((m) => m.op === 'ping' && m.ret_msg === 'pong').length >= 12 ? true : undefined), '12 pongs');
    } finally {
      clearInterval(timer);
    }
    assert.strictEqual(pinging.ws.readyState, 1, 'the pinging connection is open');
    assert.strictEqual(privLong.ws.readyState, 1, 'max_active_time=30s: not cut after 400 ms');
  });
});
