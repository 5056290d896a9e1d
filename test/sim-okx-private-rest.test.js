'use strict';
/**
 * The OKX simulator's signed REST as a raw client sees it (OK-ACCESS-SIGN = Base64(HMAC-SHA256(
 * timestamp + method + path + body)), computed here with node:crypto): batch-orders and
 * cancel-batch-orders answer one entry per order with its sCode / sMsg (code "2" when some failed);
 * a failed cancel echoes the ordId it was given (docs-v5 "Cancel order" failure example); fills
 * are served on /trade/fills and /trade/fills-history (the 3-month one, which ccxt's fetchMyTrades
 * reads).
 */
const assert = require('assert');
const crypto = require('crypto');
const { simulate } = require('../js/sim');

describe('okx simulator: signed REST batches and fills-history', function () {
  let sim;
  before(async () => {
    sim = await simulate('okx', { autoFlow: false, symbols: ['BTC/USDT'], balances: { USDT: 1000, BTC: 1 } });
  });
  after(() => sim.close());

  const call = async (method, path, body) => {
    const ts = new Date().toISOString();
    const text = body === undefined ? '' : JSON.stringify(body);
    const sign = crypto.createHmac('sha256', sim.secret).update(ts + method + path + text).digest('base64');
    const r = await fetch(`${sim.urls.rest}${path}`, {
      method,
      body: text || undefined,
      headers: { 'Content-Type': 'application/json', 'OK-ACCESS-KEY': sim.apiKey, 'OK-ACCESS-SIGN': sign, 'OK-ACCESS-TIMESTAMP': ts, 'OK-ACCESS-PASSPHRASE': sim.password },
    });
    return r.json();
  };

  it('batch-orders / cancel-batch-orders: one entry per order, a refused one with its own sCode; a failed cancel echoes its ordId', async () => {
    const o = (sz, px, clOrdId) => ({ instId: 'BTC-USDT', tdMode: 'cash', side: 'buy', ordType: 'limit', sz, px, clOrdId });
    const placed = await call('POST', '/api/v5/trade/batch-orders', [o('0.001', '900', 'r1'), o('5', '900', 'r2'), o('0.002', '800', 'r3')]);
    assert.strictEqual(placed.code, '2');
    assert.deepStrictEqual(placed.data.map((d) => [d.clOrdId, d.sCode]), [['r1', '0'], ['r2', '51008'], ['r3', '0']]);
    const ids = [placed.data[0].ordId, placed.data[2].ordId];
    const canceled = await call('POST', '/api/v5/trade/cancel-batch-orders', ids.map((ordId) => ({ instId: 'BTC-USDT', ordId })));
    assert.deepStrictEqual([canceled.code, canceled.data.map((d) => [d.ordId, d.sCode])], ['0', ids.map((id) => [id, '0'])]);
    const again = await call('POST', '/api/v5/trade/cancel-order', { instId: 'BTC-USDT', ordId: ids[0] });
    assert.deepStrictEqual([again.code, again.data[0].ordId, again.data[0].sCode], ['1', ids[0], '51401']);
  });

  it('fills on /trade/fills and /trade/fills-history', async () => {
    const bid = sim.book('BTC-USDT').bids[0][0];
    await call('POST', '/api/v5/trade/order', { instId: 'BTC-USDT', tdMode: 'cash', side: 'sell', ordType: 'limit', sz: '0.001', px: String(bid) });
    const recent = await call('GET', '/api/v5/trade/fills?instType=SPOT');
    const history = await call('GET', '/api/v5/trade/fills-history?instType=SPOT');
    assert.strictEqual(recent.data.length, 1);
    assert.deepStrictEqual(history.data, recent.data);
    assert.strictEqual(history.data[0].fillSz, '0.001');
  });
});
