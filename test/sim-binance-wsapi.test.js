'use strict';
/**
 * The Binance simulator's WebSocket API (/ws-api/v3) against web-socket-api.md: envelope,
 * signing (HMAC per request, Ed25519 session.logon), order.place / cancel / cancelReplace /
 * status, open orders, account, error codes, and User Data Stream events.
 */
const assert = require('assert');
const { simulate } = require('../js/sim');
const { BinanceApiClient } = require('./support/binance-api');

describe('sim binance: WebSocket API', function () {
  let sim;
  let api;
  let bid;
  let ask;
  beforeEach(async () => {
    sim = await simulate('binance', { seed: 31, autoFlow: false, symbols: ['BTC/USDT'], balances: { USDT: 10000, BTC: 1 } });
    api = await BinanceApiClient.connect(sim);
    const book = sim.book('BTCUSDT');
    bid = book.bids[0][0];
    ask = book.asks[0][0];
  });
  afterEach(async () => {
    api.close();
    await sim.close();
  });

  it('ping / time / depth: {id, status, result, rateLimits}', async () => {
    const r = await api.request('ping');
    assert.deepStrictEqual(Object.keys(r), ['id', 'status', 'result', 'rateLimits']);
    assert.deepStrictEqual([r.status, r.result], [200, {}]);
    assert.deepStrictEqual(Object.keys(r.rateLimits[0]), ['rateLimitType', 'interval', 'intervalNum', 'limit', 'count']);
    const t = await api.request('v3/time');
    assert.strictEqual(typeof t.result.serverTime, 'number');
    const d = await api.request('depth', { symbol: 'BTCUSDT', limit: 5 });
    assert.strictEqual(d.result.lastUpdateId, sim.book('BTCUSDT').lastUpdateId);
    assert.strictEqual(d.result.bids.length, 5);
    const bad = await api.request('depth', { symbol: 'NOPE' });
    assert.deepStrictEqual([bad.status, bad.error], [400, { code: -1121, msg: 'Invalid symbol.' }]);
  });

  it('order.place (FULL / RESULT / ACK), order.status, openOrders.status, order.cancel', async () => {
    const price = (bid - 50).toFixed(2);
    const full = await api.signed('order.place', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', price, quantity: '0.01' });
    assert.strictEqual(full.status, 200);
    assert.deepStrictEqual(Object.keys(full.result), [
      'symbol', 'orderId', 'orderListId', 'clientOrderId', 'transactTime', 'price', 'origQty', 'executedQty',
      'origQuoteOrderQty', 'cummulativeQuoteQty', 'status', 'timeInForce', 'type', 'side', 'workingTime', 'fills', 'selfTradePreventionMode',
    ]);
    assert.deepStrictEqual(full.rateLimits.map((l) => l.rateLimitType), ['ORDERS', 'ORDERS', 'REQUEST_WEIGHT']);
    const ack = await api.signed('order.place', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', price, quantity: '0.01', newOrderRespType: 'ACK', newClientOrderId: 'ack-1' });
    assert.deepStrictEqual(Object.keys(ack.result), ['symbol', 'orderId', 'orderListId', 'clientOrderId', 'transactTime']);
    const result = await api.signed('order.place', { symbol: 'BTCUSDT', side: 'SELL', type: 'LIMIT', timeInForce: 'GTC', price: (ask + 50).toFixed(2), quantity: '0.01', newOrderRespType: 'RESULT' });
    assert.strictEqual(result.result.fills, undefined);
    const st = await api.signed('order.status', { symbol: 'BTCUSDT', origClientOrderId: 'ack-1' });
    assert.deepStrictEqual([st.result.orderId, st.result.status, st.result.isWorking], [ack.result.orderId, 'NEW', true]);
    const open = await api.signed('openOrders.status', { symbol: 'BTCUSDT' });
    assert.deepStrictEqual(open.result.map((o) => o.orderId), [full.result.orderId, ack.result.orderId, result.result.orderId]);
    const c = await api.signed('order.cancel', { symbol: 'BTCUSDT', orderId: full.result.orderId, newClientOrderId: 'bye' });
    assert.deepStrictEqual([c.result.status, c.result.clientOrderId, c.result.origClientOrderId], ['CANCELED', 'bye', full.result.clientOrderId]);
    const again = await api.signed('order.cancel', { symbol: 'BTCUSDT', orderId: full.result.orderId });
    assert.deepStrictEqual([again.status, again.error], [400, { code: -2011, msg: 'Unknown order sent.' }]);
    const gone = await api.signed('order.status', { symbol: 'BTCUSDT', orderId: 123456789 });
    assert.deepStrictEqual([gone.status, gone.error], [400, { code: -2013, msg: 'Order does not exist.' }]);
    const all = await api.signed('openOrders.cancelAll', { symbol: 'BTCUSDT' });
    assert.deepStrictEqual(all.result.map((o) => o.status), ['CANCELED', 'CANCELED']);
    const none = await api.signed('openOrders.cancelAll', { symbol: 'BTCUSDT' });
    assert.deepStrictEqual(none.error, { code: -2011, msg: 'Unknown order sent.' });
  });

  it('rejections: -2010 messages, -1013 filters, -2015 / -1022 / -1021 / -1102 auth', async () => {
    const base = { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC' };
    let r = await api.signed('order.place', { ...base, price: (bid - 1).toFixed(2), quantity: '1' });
    assert.deepStrictEqual([r.status, r.error], [400, { code: -2010, msg: 'Account has insufficient balance for requested action.' }]);
    r = await api.signed('order.place', { symbol: 'BTCUSDT', side: 'SELL', type: 'LIMIT_MAKER', price: bid.toFixed(2), quantity: '0.001' });
    assert.deepStrictEqual(r.error, { code: -2010, msg: 'Order would immediately match and take.' });
    r = await api.signed('order.place', { ...base, price: '100.005', quantity: '0.001' });
    assert.deepStrictEqual(r.error, { code: -1013, msg: 'Filter failure: PRICE_FILTER' });
    r = await api.signed('order.place', { ...base, price: '100', quantity: '1' }, { apiKey: 'unknown' });
    assert.deepStrictEqual([r.status, r.error], [401, { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' }]);
    r = await api.signed('order.place', { ...base, price: '100', quantity: '1' }, { secret: 'wrong' });
    assert.deepStrictEqual([r.status, r.error], [400, { code: -1022, msg: 'Signature for this request is not valid.' }]);
    r = await api.signed('order.place', { ...base, price: '100', quantity: '1' }, { timestamp: Date.now() - 60000 });
    assert.deepStrictEqual(r.error, { code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' });
    r = await api.request('order.place', { ...base, price: '100', quantity: '1' });
    assert.deepStrictEqual(r.error, { code: -1102, msg: "Mandatory parameter 'apiKey' was not sent, was empty/null, or malformed." });
    r = await api.request('no.such.method', {});
    assert.strictEqual(r.status, 400);
    api.ws.send('{not json');
    r = await api.take((m) => m.id === null);
    assert.strictEqual(r.status, 400);
  });

  it('order.cancelReplace: success, and -2022 when the cancel fails under STOP_ON_FAILURE', async () => {
    const placed = await api.signed('order.place', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', price: (bid - 20).toFixed(2), quantity: '0.01' });
    const repl = { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', price: (bid - 30).toFixed(2), quantity: '0.02' };
    const ok = await api.signed('order.cancelReplace', { ...repl, cancelReplaceMode: 'STOP_ON_FAILURE', cancelOrderId: placed.result.orderId });
    assert.strictEqual(ok.status, 200);
    assert.deepStrictEqual([ok.result.cancelResult, ok.result.newOrderResult, ok.result.cancelResponse.status, ok.result.newOrderResponse.status], ['SUCCESS', 'SUCCESS', 'CANCELED', 'NEW']);
    const fail = await api.signed('order.cancelReplace', { ...repl, cancelReplaceMode: 'STOP_ON_FAILURE', cancelOrderId: placed.result.orderId });
    assert.deepStrictEqual([fail.status, fail.error.code, fail.error.msg], [400, -2022, 'Order cancel-replace failed.']);
    assert.deepStrictEqual(fail.error.data, {
      cancelResult: 'FAILURE', newOrderResult: 'NOT_ATTEMPTED', cancelResponse: { code: -2011, msg: 'Unknown order sent.' }, newOrderResponse: null,
    });
    const partial = await api.signed('order.cancelReplace', { ...repl, cancelReplaceMode: 'ALLOW_FAILURE', cancelOrderId: placed.result.orderId });
    assert.deepStrictEqual([partial.status, partial.error.code, partial.error.data.cancelResult, partial.error.data.newOrderResult], [409, -2021, 'FAILURE', 'SUCCESS']);
  });

  it('account.status: balances and locked amounts', async () => {
    await api.signed('order.place', { symbol: 'BTCUSDT', side: 'SELL', type: 'LIMIT', timeInForce: 'GTC', price: (ask + 10).toFixed(2), quantity: '0.25' });
    const r = await api.signed('account.status', {});
    const btc = r.result.balances.find((b) => b.asset === 'BTC');
    assert.deepStrictEqual(btc, { asset: 'BTC', free: '0.75000000', locked: '0.25000000' });
    assert.strictEqual(r.result.accountType, 'SPOT');
  });

  it('userDataStream.subscribe.signature: executionReport and outboundAccountPosition events', async () => {
    const sub = await api.signed('userDataStream.subscribe.signature', {});
    assert.deepStrictEqual([sub.status, sub.result], [200, { subscriptionId: 0 }]);
    const again = await api.signed('userDataStream.subscribe.signature', {});
    assert.deepStrictEqual(again.error, { code: -2035, msg: 'User Data Stream subscription already active.' });
    const placed = await api.signed('order.place', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', price: (bid - 10).toFixed(2), quantity: '0.01', newClientOrderId: 'ud-1' });
    const rep = await api.take((m) => m.event?.e === 'executionReport' && m.event.x === 'NEW');
    assert.deepStrictEqual(Object.keys(rep), ['subscriptionId', 'event']);
    assert.strictEqual(rep.subscriptionId, 0);
    const e = rep.event;
    assert.deepStrictEqual([e.s, e.c, e.S, e.o, e.f, e.X, e.i, e.q], ['BTCUSDT', 'ud-1', 'BUY', 'LIMIT', 'GTC', 'NEW', placed.result.orderId, '0.01000000']);
    for (const k of ['E', 'p', 'P', 'F', 'g', 'C', 'r', 'l', 'z', 'L', 'n', 'N', 'T', 't', 'I', 'w', 'm', 'M', 'O', 'Z', 'Y', 'Q', 'W', 'V']) assert.ok(k in e, `executionReport.${k}`);
    const pos = await api.event((ev) => ev.e === 'outboundAccountPosition');
    assert.deepStrictEqual(pos.event.B.find((b) => b.a === 'USDT').l, (Number((bid - 10).toFixed(2)) * 0.01).toFixed(8));
    // A market sell trades immediately: TRADE reports carry the fill.
    await api.signed('order.place', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.002' });
    const trade = await api.event((ev) => ev.e === 'executionReport' && ev.x === 'TRADE');
    assert.ok(trade.event.t > 0 && Number(trade.event.l) > 0 && trade.event.N === 'USDT' && trade.event.m === false);
    await api.signed('order.cancel', { symbol: 'BTCUSDT', origClientOrderId: 'ud-1' });
    const canceled = await api.event((ev) => ev.e === 'executionReport' && ev.x === 'CANCELED');
    assert.strictEqual(canceled.event.C, 'ud-1');
    sim.deposit('USDT', 25);
    const bu = await api.event((ev) => ev.e === 'balanceUpdate');
    assert.deepStrictEqual([bu.event.a, bu.event.d], ['USDT', '25.00000000']);
    const un = await api.request('userDataStream.unsubscribe', { subscriptionId: 0 });
    assert.deepStrictEqual(un.result, {});
    const un2 = await api.request('userDataStream.unsubscribe', { subscriptionId: 0 });
    assert.deepStrictEqual(un2.error, { code: -2036, msg: 'User Data Stream subscription not active.' });
  });

  it('session.logon: HMAC keys are refused (-1022), Ed25519 logs on; then userDataStream.subscribe', async () => {
    const hmac = await api.signed('session.logon', {});
    assert.deepStrictEqual([hmac.status, hmac.error], [400, { code: -1022, msg: 'Signature for this request is not valid.' }]);
    const early = await api.request('userDataStream.subscribe');
    assert.deepStrictEqual([early.status, early.error.code], [401, -1002]);
    const logon = await api.ed25519('session.logon', {});
    assert.strictEqual(logon.status, 200);
    assert.deepStrictEqual(Object.keys(logon.result), ['apiKey', 'authorizedSince', 'connectedSince', 'returnRateLimits', 'serverTime', 'userDataStream']);
    assert.strictEqual(logon.result.apiKey, sim.ed25519.apiKey);
    const sub = await api.request('userDataStream.subscribe');
    assert.deepStrictEqual(sub.result, { subscriptionId: 0 });
    // Logged on: signed methods need only a timestamp.
    const placed = await api.request('order.place', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', price: (bid - 5).toFixed(2), quantity: '0.01', timestamp: Date.now() });
    assert.strictEqual(placed.status, 200);
    const rep = await api.event((ev) => ev.e === 'executionReport');
    assert.strictEqual(rep.event.i, placed.result.orderId);
    const status = await api.request('session.status');
    assert.strictEqual(status.result.userDataStream, true);
    const out = await api.request('session.logout');
    assert.strictEqual(out.result.apiKey, null);
  });
});
