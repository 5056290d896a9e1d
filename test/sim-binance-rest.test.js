'use strict';
/**
 * The Binance simulator's REST API against the shapes documented in binance-spot-api-docs
 * (rest-api.md, errors.md): public market data, SIGNED endpoints (HMAC over query + body as sent)
 * and their error codes and HTTP statuses.
 */
const assert = require('assert');
const crypto = require('crypto');
const { simulate } = require('../js/sim');
const { hmacHex, restSignaturePayload, wsSignaturePayload } = require('../js/sim/binance/auth');
const { fetchJson } = require('./support/http');
const { signedRest: signed } = require('./support/binance-api');

const DEC8 = /^\d+\.\d{8}$/;

const get = (sim, path) => fetchJson(sim.urls.rest + path);

describe('sim binance: signing rules (docs test vectors)', () => {
  const secret = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';

  it('REST: HMAC over query string + body as sent (rest-api.md examples 1-3)', () => {
    const body = 'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';
    const a = restSignaturePayload('', `${body}&signature=x`);
    assert.strictEqual(a.signature, 'x');
    assert.strictEqual(hmacHex(secret, a.payload), 'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71');
    const mixed = restSignaturePayload('symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC', 'quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559&signature=y');
    assert.strictEqual(hmacHex(secret, mixed.payload), '0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77');
  });

  it('WS API: HMAC over params sorted by name (web-socket-api.md example)', () => {
    const payload = wsSignaturePayload({
      symbol: 'BTCUSDT', side: 'SELL', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01000000', price: '52000.00',
      newOrderRespType: 'ACK', recvWindow: 100, timestamp: 1645423376532,
      apiKey: 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A', signature: 'ignored',
    });
    assert.strictEqual(hmacHex(secret, payload), 'cc15477742bd704c29492d96c7ead9414dfd8e0ec4a00f947bb5bb454ddbd08a');
  });
});

describe('sim binance: REST market data', function () {
  let sim;
  before(async () => {
    sim = await simulate('binance', { seed: 5, autoFlow: false, symbols: ['BTC/USDT', 'ETH/USDT'] });
    sim.tick(200);
  });
  after(() => sim.close());

  it('ping and time', async () => {
    assert.deepStrictEqual((await get(sim, '/api/v3/ping')).body, {});
    const t = await get(sim, '/api/v3/time');
    assert.strictEqual(typeof t.body.serverTime, 'number');
    assert.ok(Math.abs(t.body.serverTime - Date.now()) < 60000);
  });

  it('exchangeInfo lists the symbols with status, assets, precisions, order types and filters', async () => {
    const { status, body, headers } = await get(sim, '/api/v3/exchangeInfo');
    assert.strictEqual(status, 200);
    assert.ok(headers.get('x-mbx-used-weight-1m'));
    assert.strictEqual(body.timezone, 'UTC');
    assert.ok(Array.isArray(body.rateLimits) && body.rateLimits.length > 0);
    assert.deepStrictEqual(body.symbols.map((s) => s.symbol), ['BTCUSDT', 'ETHUSDT']);
    const s = body.symbols[0];
    assert.strictEqual(s.status, 'TRADING');
    assert.strictEqual(s.baseAsset, 'BTC');
    assert.strictEqual(s.quoteAsset, 'USDT');
    assert.strictEqual(s.baseAssetPrecision, 8);
    assert.strictEqual(s.quoteAssetPrecision, 8);
    assert.deepStrictEqual(s.orderTypes, ['LIMIT', 'LIMIT_MAKER', 'MARKET']);
    assert.strictEqual(s.isSpotTradingAllowed, true);
    assert.deepStrictEqual(s.permissionSets, [['SPOT']]);
    const f = Object.fromEntries(s.filters.map((x) => [x.filterType, x]));
    assert.deepStrictEqual(f.PRICE_FILTER, { filterType: 'PRICE_FILTER', minPrice: '0.01000000', maxPrice: '1000000.00000000', tickSize: '0.01000000' });
    assert.strictEqual(f.LOT_SIZE.stepSize, '0.00001000');
    assert.strictEqual(f.NOTIONAL.minNotional, '5.00000000');
    const one = await get(sim, '/api/v3/exchangeInfo?symbol=ETHUSDT');
    assert.deepStrictEqual(one.body.symbols.map((x) => x.symbol), ['ETHUSDT']);
    const several = await get(sim, `/api/v3/exchangeInfo?symbols=${encodeURIComponent('["ETHUSDT","BTCUSDT"]')}`);
    assert.deepStrictEqual(several.body.symbols.map((x) => x.symbol), ['ETHUSDT', 'BTCUSDT']);
  });

  it('an unknown symbol is HTTP 400 {"code":-1121,"msg":"Invalid symbol."}', async () => {
    for (const path of ['/api/v3/depth?symbol=NOPE', '/api/v3/exchangeInfo?symbol=NOPE', '/api/v3/ticker/24hr?symbol=NOPE', '/api/v3/trades?symbol=NOPE']) {
      const r = await get(sim, path);
      assert.strictEqual(r.status, 400, path);
      assert.deepStrictEqual(r.body, { code: -1121, msg: 'Invalid symbol.' });
    }
    const missing = await get(sim, '/api/v3/depth');
    assert.deepStrictEqual(missing.body, { code: -1102, msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed." });
  });

  it('depth: default 100 levels, limit up to 5000, strings, lastUpdateId = the server book', async () => {
    const truth = sim.book('BTC/USDT');
    const d = (await get(sim, '/api/v3/depth?symbol=BTCUSDT')).body;
    assert.deepStrictEqual(Object.keys(d), ['lastUpdateId', 'bids', 'asks']);
    assert.strictEqual(d.lastUpdateId, truth.lastUpdateId);
    assert.strictEqual(d.bids.length, 100);
    assert.strictEqual(d.asks.length, 100);
    for (const [p, q] of [...d.bids, ...d.asks]) assert.ok(DEC8.test(p) && DEC8.test(q), `${p} ${q}`);
    assert.deepStrictEqual(d.bids.map(([p, q]) => [Number(p), Number(q)]), truth.bids.slice(0, 100));
    const five = (await get(sim, '/api/v3/depth?symbol=BTCUSDT&limit=5')).body;
    assert.strictEqual(five.asks.length, 5);
    const all = await get(sim, '/api/v3/depth?symbol=BTCUSDT&limit=5000');
    assert.strictEqual(all.headers.get('x-mbx-used-weight-1m') !== null, true);
    assert.deepStrictEqual(all.body.asks.map(([p, q]) => [Number(p), Number(q)]), truth.asks);
  });

  it('trades: id, price, qty, quoteQty, time, isBuyerMaker, oldest first', async () => {
    const t = (await get(sim, '/api/v3/trades?symbol=BTCUSDT&limit=3')).body;
    assert.strictEqual(t.length, 3);
    assert.deepStrictEqual(Object.keys(t[0]), ['id', 'price', 'qty', 'quoteQty', 'time', 'isBuyerMaker', 'isBestMatch']);
    assert.ok(t[0].id < t[1].id && t[1].id < t[2].id);
  });

  it('klines: 12-element arrays; an unknown interval is -1120', async () => {
    const k = (await get(sim, '/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=2')).body;
    assert.ok(k.length >= 1 && k.length <= 2);
    const [openTime, o, h, l, c, v, closeTime, q, n, tbv, tbq, ignore] = k[k.length - 1];
    assert.strictEqual(closeTime - openTime, 59999);
    for (const s of [o, h, l, c, v, q, tbv, tbq]) assert.ok(DEC8.test(s), s);
    assert.ok(Number(l) <= Number(o) && Number(o) <= Number(h));
    assert.strictEqual(typeof n, 'number');
    assert.strictEqual(ignore, '0');
    const bad = await get(sim, '/api/v3/klines?symbol=BTCUSDT&interval=7m');
    assert.strictEqual(bad.status, 400);
    assert.deepStrictEqual(bad.body, { code: -1120, msg: 'Invalid interval.' });
  });

  it('ticker/24hr for one symbol, a symbols list, or all; bookTicker and price', async () => {
    const one = (await get(sim, '/api/v3/ticker/24hr?symbol=BTCUSDT')).body;
    assert.deepStrictEqual(Object.keys(one), [
      'symbol', 'priceChange', 'priceChangePercent', 'weightedAvgPrice', 'prevClosePrice', 'lastPrice', 'lastQty',
      'bidPrice', 'bidQty', 'askPrice', 'askQty', 'openPrice', 'highPrice', 'lowPrice', 'volume', 'quoteVolume',
      'openTime', 'closeTime', 'firstId', 'lastId', 'count',
    ]);
    assert.ok(one.count > 0 && one.lastId - one.firstId + 1 === one.count);
    const truth = sim.book('BTCUSDT');
    assert.deepStrictEqual([Number(one.bidPrice), Number(one.askPrice)], [truth.bids[0][0], truth.asks[0][0]]);
    const list = (await get(sim, `/api/v3/ticker/24hr?symbols=${encodeURIComponent('["ETHUSDT"]')}`)).body;
    assert.deepStrictEqual(list.map((x) => x.symbol), ['ETHUSDT']);
    const all = (await get(sim, '/api/v3/ticker/24hr')).body;
    assert.deepStrictEqual(all.map((x) => x.symbol), ['BTCUSDT', 'ETHUSDT']);
    const bt = (await get(sim, '/api/v3/ticker/bookTicker?symbol=BTCUSDT')).body;
    assert.deepStrictEqual(bt, {
      symbol: 'BTCUSDT', bidPrice: one.bidPrice, bidQty: one.bidQty, askPrice: one.askPrice, askQty: one.askQty,
    });
    const price = (await get(sim, '/api/v3/ticker/price?symbol=BTCUSDT')).body;
    assert.deepStrictEqual(price, { symbol: 'BTCUSDT', price: one.lastPrice });
  });
});

describe('sim binance: REST signed endpoints', function () {
  let sim;
  beforeEach(async () => {
    sim = await simulate('binance', { seed: 9, autoFlow: false, symbols: ['BTC/USDT'], balances: { USDT: 10000, BTC: 1 } });
  });
  afterEach(() => sim.close());

  it('rejects an unknown key (401 -2015), a bad signature (400 -1022), a stale timestamp (400 -1021)', async () => {
    let r = await signed(sim, 'GET', '/api/v3/account', {}, { key: 'nope' });
    assert.deepStrictEqual([r.status, r.body], [401, { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' }]);
    r = await signed(sim, 'GET', '/api/v3/account', {}, { secret: 'wrong' });
    assert.deepStrictEqual([r.status, r.body], [400, { code: -1022, msg: 'Signature for this request is not valid.' }]);
    r = await signed(sim, 'GET', '/api/v3/account', {}, { timestamp: Date.now() - 10000 });
    assert.deepStrictEqual([r.status, r.body], [400, { code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' }]);
    r = await signed(sim, 'GET', '/api/v3/account', {}, { timestamp: Date.now() + 5000 });
    assert.deepStrictEqual(r.body, { code: -1021, msg: "Timestamp for this request was 1000ms ahead of the server's time." });
    r = await signed(sim, 'GET', '/api/v3/account', { recvWindow: '20000' }, { timestamp: Date.now() - 10000 });
    assert.strictEqual(r.status, 200, 'recvWindow widens the window');
    const res = await fetch(`${sim.urls.rest}/api/v3/account?timestamp=${Date.now()}&signature=00`);
    assert.deepStrictEqual([res.status, await res.json()], [401, { code: -2014, msg: 'API-key format invalid.' }]);
  });

  it('signs query + body concatenated as sent (mixed params, docs example 3); rejects duplicates', async () => {
    const bid = sim.book('BTCUSDT').bids[0][0];
    const query = 'symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC';
    const body = `quantity=0.001&price=${(bid - 10).toFixed(2)}&recvWindow=5000&timestamp=${Date.now()}`;
    const sig = crypto.createHmac('sha256', sim.secret).update(query + body).digest('hex');
    const res = await fetch(`${sim.urls.rest}/api/v3/order?${query}`, {
      method: 'POST',
      headers: { 'X-MBX-APIKEY': sim.apiKey, 'content-type': 'application/x-www-form-urlencoded' },
      body: `${body}&signature=${sig}`,
    });
    const o = await res.json();
    assert.deepStrictEqual([res.status, o.status, o.origQty], [200, 'NEW', '0.00100000']);
    const dup = await fetch(`${sim.urls.rest}/api/v3/depth?symbol=BTCUSDT&symbol=BTCUSDT`);
    assert.deepStrictEqual([dup.status, await dup.json()], [400, { code: -1101, msg: 'Duplicate values for a parameter detected.' }]);
  });

  it('account: balances, commissions, permissions', async () => {
    const { status, body } = await signed(sim, 'GET', '/api/v3/account', { omitZeroBalances: 'true' });
    assert.strictEqual(status, 200);
    assert.strictEqual(body.accountType, 'SPOT');
    assert.strictEqual(body.canTrade, true);
    assert.deepStrictEqual(body.commissionRates, { maker: '0.00100000', taker: '0.00100000', buyer: '0.00000000', seller: '0.00000000' });
    assert.deepStrictEqual(body.balances, [
      { asset: 'USDT', free: '10000.00000000', locked: '0.00000000' },
      { asset: 'BTC', free: '1.00000000', locked: '0.00000000' },
    ]);
  });

  it('places, queries, lists, cancels orders and reports trades', async () => {
    const bid = sim.book('BTCUSDT').bids[0][0];
    const price = (bid - 100).toFixed(2);
    let r = await signed(sim, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price, newClientOrderId: 'my-order-1' });
    assert.strictEqual(r.status, 200);
    assert.ok(r.headers.get('x-mbx-order-count-10s'));
    const o = r.body;
    assert.deepStrictEqual(Object.keys(o), [
      'symbol', 'orderId', 'orderListId', 'clientOrderId', 'transactTime', 'price', 'origQty', 'executedQty',
      'origQuoteOrderQty', 'cummulativeQuoteQty', 'status', 'timeInForce', 'type', 'side', 'workingTime', 'fills', 'selfTradePreventionMode',
    ]);
    assert.deepStrictEqual([o.clientOrderId, o.status, o.origQty, o.price, o.fills], ['my-order-1', 'NEW', '0.01000000', `${price}000000`, []]);
    r = await signed(sim, 'GET', '/api/v3/order', { symbol: 'BTCUSDT', origClientOrderId: 'my-order-1' });
    assert.strictEqual(r.body.orderId, o.orderId);
    assert.strictEqual(r.body.isWorking, true);
    r = await signed(sim, 'GET', '/api/v3/openOrders', { symbol: 'BTCUSDT' });
    assert.deepStrictEqual(r.body.map((x) => x.orderId), [o.orderId]);
    r = await signed(sim, 'GET', '/api/v3/account');
    assert.deepStrictEqual(r.body.balances.find((b) => b.asset === 'USDT').locked, (Number(price) * 0.01).toFixed(8));
    r = await signed(sim, 'DELETE', '/api/v3/order', { symbol: 'BTCUSDT', orderId: String(o.orderId) });
    assert.deepStrictEqual([r.body.status, r.body.origClientOrderId], ['CANCELED', 'my-order-1']);
    r = await signed(sim, 'DELETE', '/api/v3/order', { symbol: 'BTCUSDT', orderId: String(o.orderId) });
    assert.deepStrictEqual([r.status, r.body], [400, { code: -2011, msg: 'Unknown order sent.' }]);
    r = await signed(sim, 'GET', '/api/v3/order', { symbol: 'BTCUSDT', orderId: '999999' });
    assert.deepStrictEqual([r.status, r.body], [400, { code: -2013, msg: 'Order does not exist.' }]);
    r = await signed(sim, 'DELETE', '/api/v3/openOrders', { symbol: 'BTCUSDT' });
    assert.deepStrictEqual(r.body, { code: -2011, msg: 'Unknown order sent.' });

    r = await signed(sim, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.002' });
    assert.strictEqual(r.body.status, 'FILLED');
    assert.ok(r.body.fills.length >= 1);
    assert.strictEqual(r.body.fills[0].commissionAsset, 'BTC');
    r = await signed(sim, 'GET', '/api/v3/myTrades', { symbol: 'BTCUSDT' });
    assert.ok(r.body.length >= 1);
    assert.deepStrictEqual(Object.keys(r.body[0]), ['symbol', 'id', 'orderId', 'orderListId', 'price', 'qty', 'quoteQty', 'commission', 'commissionAsset', 'time', 'isBuyer', 'isMaker', 'isBestMatch']);
    assert.strictEqual(r.body[0].isBuyer, true);
    r = await signed(sim, 'GET', '/api/v3/allOrders', { symbol: 'BTCUSDT' });
    assert.deepStrictEqual(r.body.map((x) => x.status), ['CANCELED', 'FILLED']);
  });

  it('order rejections carry Binance codes and messages', async () => {
    const ask = sim.book('BTCUSDT').asks[0][0];
    const cases = [
      [{ side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '1', price: '59000' }, -2010, 'Account has insufficient balance for requested action.'],
      [{ side: 'BUY', type: 'LIMIT_MAKER', quantity: '0.001', price: ask.toFixed(2) }, -2010, 'Order would immediately match and take.'],
      [{ side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.001', price: '100.001' }, -1013, 'Filter failure: PRICE_FILTER'],
      [{ side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.000001', price: '100' }, -1013, 'Filter failure: LOT_SIZE'],
      [{ side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.001', price: '100' }, -1013, 'Filter failure: NOTIONAL'],
      [{ side: 'BUY', type: 'LIMIT', quantity: '0.001', price: '100' }, -1102, "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed."],
      [{ side: 'BUY', type: 'MARKET' }, -1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!"],
      [{ side: 'UP', type: 'MARKET', quantity: '1' }, -1117, 'Invalid side.'],
      [{ side: 'BUY', type: 'FANCY', quantity: '1' }, -1116, 'Invalid orderType.'],
      [{ side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '1', price: 'abc' }, -1100, "Illegal characters found in parameter 'price'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'."],
    ];
    for (const [params, code, msg] of cases) {
      const r = await signed(sim, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', ...params });
      assert.deepStrictEqual([r.status, r.body], [400, { code, msg }], JSON.stringify(params));
    }
  });

  it('deposit and withdrawal history (sapi)', async () => {
    sim.deposit('ETH', 1.5);
    const d = await signed(sim, 'GET', '/sapi/v1/capital/deposit/hisrec');
    assert.strictEqual(d.status, 200);
    assert.deepStrictEqual([d.body.length, d.body[0].coin, d.body[0].amount, d.body[0].status], [1, 'ETH', '1.50000000', 1]);
    const w = await signed(sim, 'GET', '/sapi/v1/capital/withdraw/history');
    assert.deepStrictEqual(w.body, []);
  });
});
