'use strict';
/**
 * The Kraken simulator's private side as a raw client sees it: signed REST (API-Sign over the
 * path and SHA256(nonce + body), nonces strictly increasing), the WebSocket token and the ws-auth
 * socket under urls.wsPrivate + /v2 (requests without a valid token refused; executions on order
 * changes; balances ledger entries on deposits).
 */
const assert = require('assert');
const crypto = require('crypto');
const { simulate } = require('../js/sim');
const { WsClient } = require('./support/ws-client');

describe('kraken simulator: signed REST and the ws-auth socket', function () {
  let sim;
  const sockets = [];
  let nonce = Date.now() * 1000;
  before(async () => {
    sim = await simulate('kraken', { autoFlow: false, symbols: ['BTC/USD'], balances: { USD: 1000, BTC: 1 } });
  });
  after(async () => {
    for (const s of sockets) s.close();
    await sim.close();
  });

  const sign = (path, n, body, secret = sim.secret) => {
    const inner = crypto.createHash('sha256').update(n + body).digest();
    return crypto.createHmac('sha512', Buffer.from(secret, 'base64')).update(Buffer.concat([Buffer.from(path), inner])).digest('base64');
  };
  const post = async (path, params = {}, { n = String(++nonce), sig } = {}) => {
    const body = new URLSearchParams({ nonce: n, ...params }).toString();
    const r = await fetch(`${sim.urls.rest}${path}`, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'API-Key': sim.apiKey, 'API-Sign': sig ?? sign(path, n, body) },
    });
    return [r.status, await r.json()];
  };

  it('REST: a good request answers; a wrong signature and a nonce not above the last are refused', async () => {
    const [s, r] = await post('/0/private/BalanceEx');
    assert.deepStrictEqual([s, r.error, r.result.ZUSD, r.result.XXBT.balance], [200, [], { balance: '1000.0000000000', hold_trade: '0.0000000000' }, '1.0000000000']);
    const [, bad] = await post('/0/private/BalanceEx', {}, { sig: sign('/0/private/BalanceEx', '1', 'x') });
    assert.deepStrictEqual(bad.error, ['EAPI:Invalid signature']);
    const [, stale] = await post('/0/private/BalanceEx', {}, { n: String(nonce - 5) });
    assert.deepStrictEqual(stale.error, ['EAPI:Invalid nonce']);
  });

  it('ws-auth: no token is refused; with one, executions report an order and balances a deposit as a ledger entry', async () => {
    const [, t] = await post('/0/private/GetWebSocketsToken');
    assert.strictEqual(t.result.expires, 900);
    const token = t.result.token;
    const c = await WsClient.connect(`${sim.urls.wsPrivate}/v2`);
    sockets.push(c);
    assert.strictEqual((await c.take()).channel, 'status');
    c.send({ method: 'subscribe', params: { channel: 'executions' }, req_id: 1 });
    assert.deepStrictEqual(((m) => [m.req_id, m.success, m.error])(await c.take()), [1, false, 'EAPI:Invalid token']);
    c.send({ method: 'subscribe', params: { channel: 'executions', token, snap_orders: false }, req_id: 2 });
    assert.deepStrictEqual(((m) => [m.req_id, m.success, m.result.channel])(await c.take()), [2, true, 'executions']);
    c.send({ method: 'subscribe', params: { channel: 'balances', token, snapshot: true }, req_id: 3 });
    assert.strictEqual((await c.take()).success, true);
    const snap = await c.take();
    assert.deepStrictEqual([snap.channel, snap.type, snap.data.find((d) => d.asset === 'USD').balance], ['balances', 'snapshot', 1000]);
    c.send({ method: 'add_order', params: { order_type: 'limit', side: 'buy', order_qty: 0.01, limit_price: 1000, symbol: 'BTC/USD', cl_ord_id: 'raw-1', token }, req_id: 4 });
    const frames = [await c.take(), await c.take()];
    const reply = frames.find((m) => m.req_id === 4);
    const exec = frames.find((m) => m.channel === 'executions');
    assert.deepStrictEqual([reply.method, reply.success, reply.result.cl_ord_id], ['add_order', true, 'raw-1']);
    assert.deepStrictEqual(
      ((d) => [d.order_id, d.exec_type, d.order_status, d.order_qty, d.limit_price, d.cum_qty])(exec.data[0]),
      [reply.result.order_id, 'new', 'new', 0.01, 1000, 0],
    );
    sim.deposit('USD', '5');
    const ledger = await c.take((m) => m.channel === 'balances');
    assert.deepStrictEqual(((d) => [d.type, d.asset, d.amount, d.balance])(ledger.data[0]), ['deposit', 'USD', 5, 1005]);
    c.send({ method: 'cancel_all', params: { token }, req_id: 5 });
    assert.deepStrictEqual((await c.take((m) => m.req_id === 5)).result, { count: 1 });
  });

  it('ws-auth: cancel_order with two ids replies once per order; batch_add refuses an invalid batch whole and a funding failure alone; batch_cancel counts', async () => {
    const [, t] = await post('/0/private/GetWebSocketsToken');
    const token = t.result.token;
    const c = await WsClient.connect(`${sim.urls.wsPrivate}/v2`);
    sockets.push(c);
    await c.take();
    const add = async (req_id, cl) => {
      c.send({ method: 'add_order', params: { order_type: 'limit', side: 'buy', order_qty: 0.01, limit_price: 900, symbol: 'BTC/USD', cl_ord_id: cl, token }, req_id });
      return (await c.take((m) => m.req_id === req_id)).result.order_id;
    };
    const a = await add(10, 'two-a');
    const b = await add(11, 'two-b');
    c.send({ method: 'cancel_order', params: { order_id: [a, b], token }, req_id: 12 });
    const r1 = await c.take((m) => m.req_id === 12);
    const r2 = await c.take((m) => m.req_id === 12);
    assert.deepStrictEqual([r1.result.order_id, r2.result.order_id, r1.success, r2.success], [a, b, true, true]);

    // one order with a bad side: the whole batch is refused, nothing placed
    const o = (qty, price, cl, side = 'buy') => ({ order_type: 'limit', side, order_qty: qty, limit_price: price, cl_ord_id: cl });
    c.send({ method: 'batch_add', params: { symbol: 'BTC/USD', orders: [o(0.01, 900, 'b1'), o(0.01, 900, 'b2', 'up')], token }, req_id: 13 });
    const refused = await c.take((m) => m.req_id === 13);
    assert.deepStrictEqual([refused.success, refused.error], [false, 'EGeneral:Invalid arguments:side']);
    // valid, but one beyond the USD balance (1000): refused alone, the others placed
    c.send({ method: 'batch_add', params: { symbol: 'BTC/USD', orders: [o(0.01, 900, 'b3'), o(5, 900, 'b4'), o(0.02, 800, 'b5')], token }, req_id: 14 });
    const batch = await c.take((m) => m.req_id === 14);
    assert.strictEqual(batch.success, true);
    assert.deepStrictEqual(batch.result.map((x) => [x.cl_ord_id, typeof x.order_id, x.error]), [['b3', 'string', undefined], ['b4', 'undefined', 'EOrder:Insufficient funds'], ['b5', 'string', undefined]]);
    c.send({ method: 'batch_cancel', params: { orders: [batch.result[0].order_id, batch.result[2].order_id, 'OUNKNO-WN000-000000'], token }, req_id: 15 });
    assert.deepStrictEqual((await c.take((m) => m.req_id === 15)).result, { count: 2 });
  });

  it('REST: AddOrderBatch and CancelOrderBatch take a JSON body signed like a form one', async () => {
    const postJson = async (path, obj) => {
      const n = String(++nonce);
      const body = JSON.stringify({ nonce: n, ...obj });
      const r = await fetch(`${sim.urls.rest}${path}`, { method: 'POST', body, headers: { 'Content-Type': 'application/json', 'API-Key': sim.apiKey, 'API-Sign': sign(path, n, body) } });
      return r.json();
    };
    const r = await postJson('/0/private/AddOrderBatch', { pair: 'XBTUSD', orders: [{ ordertype: 'limit', type: 'buy', volume: '0.01', price: '700' }, { ordertype: 'limit', type: 'buy', volume: '0.01', price: '650' }] });
    assert.deepStrictEqual(r.error, []);
    const ids = r.result.orders.map((x) => x.txid);
    assert.ok(ids.every((id) => typeof id === 'string'), JSON.stringify(r));
    const c = await postJson('/0/private/CancelOrderBatch', { orders: ids });
    assert.deepStrictEqual(c, { error: [], result: { count: 2 } });
  });
});
