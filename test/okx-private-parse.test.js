'use strict';
/**
 * OKX private requests and records, pure functions: order args name the instrument by instIdCode
 * (OKX's March 2026 requirement) with clOrdId always set; records of the `orders` channel (fields
 * as OKX docs-v5 "WebSocket > Order channel" lists them) become unified orders and, for a fill,
 * one own trade; account details become balances.
 */
const assert = require('assert');
const { orderArgs, cancelArgs, amendArgs, instrumentArgs } = require('../js/exchanges/okx/trading');
const { parseOrder, fillOfOrderPush, parseBalances } = require('../js/exchanges/okx/parse-private');
const { errors } = require('..');

const MARKET = {
  id: 'BTC-USDT',
  symbol: 'BTC/USDT',
  base: 'BTC',
  quote: 'USDT',
  precision: { price: 0.1, amount: 0.00000001 },
  info: { instId: 'BTC-USDT', instIdCode: 1000123 },
};

describe('okx private: order args and records', () => {
  it('order args: instIdCode, cash mode, clOrdId, ordType from type / timeInForce / postOnly, strings at the market precision', () => {
    const req = (type, side, amount, price, params = {}) => ({ market: MARKET, type, side, amount, price, params });
    assert.deepStrictEqual(orderArgs(req('limit', 'buy', 0.012345678, 60000.04), 'c1'), {
      instIdCode: 1000123, tdMode: 'cash', side: 'buy', clOrdId: 'c1', ordType: 'limit', sz: '0.01234567', px: '60000',
    });
    assert.strictEqual(orderArgs(req('limit', 'sell', 1, 1, { timeInForce: 'IOC' }), 'c').ordType, 'ioc');
    assert.strictEqual(orderArgs(req('limit', 'sell', 1, 1, { timeInForce: 'FOK' }), 'c').ordType, 'fok');
    assert.strictEqual(orderArgs(req('limit', 'sell', 1, 1, { postOnly: true }), 'c').ordType, 'post_only');
    // spot market buys are sized in the quote currency unless told: ours in the base
    assert.deepStrictEqual(((a) => [a.ordType, a.sz, a.tgtCcy, a.px])(orderArgs(req('market', 'buy', 0.5, undefined), 'c')), ['market', '0.5', 'base_ccy', undefined]);
    assert.deepStrictEqual(((a) => [a.sz, a.tgtCcy])(orderArgs(req('market', 'buy', 1, undefined, { cost: 100 }), 'c')), ['100', 'quote_ccy']);
    assert.throws(() => orderArgs(req('market', 'buy', 1, undefined, { postOnly: true }), 'c'), errors.BadRequest);
    assert.deepStrictEqual(instrumentArgs({ ...MARKET, info: {} }), { instId: 'BTC-USDT' }, 'instId where the instruments reply had no code');
    assert.deepStrictEqual(cancelArgs('42', MARKET, {}), { instIdCode: 1000123, ordId: '42' });
    assert.deepStrictEqual(cancelArgs('42', MARKET, { clientOrderId: 'c9' }), { instIdCode: 1000123, clOrdId: 'c9' });
    assert.deepStrictEqual(amendArgs('42', req('limit', 'buy', 0.02, 59000), 'r1'), { instIdCode: 1000123, ordId: '42', reqId: 'r1', newSz: '0.02', newPx: '59000' });
  });

  it('an orders record with a fill: the order, and the fill as one own trade (fee charged = negative fillFee)', () => {
    const push = {
      instType: 'SPOT', instId: 'BTC-USDT', ordId: '312269865356374016', clOrdId: 'b1', px: '60000', sz: '0.01', ordType: 'limit',
      side: 'buy', state: 'partially_filled', accFillSz: '0.004', avgPx: '60000', fee: '-0.0000032', feeCcy: 'BTC',
      tradeId: '242589207', fillPx: '60000', fillSz: '0.004', fillFee: '-0.0000032', fillFeeCcy: 'BTC', fillTime: '1597026383085',
      execType: 'M', cTime: '1597026383000', uTime: '1597026383085',
    };
    const o = parseOrder(push, MARKET);
    assert.deepStrictEqual(
      [o.id, o.clientOrderId, o.status, o.type, o.timeInForce, o.price, o.amount, o.filled, o.remaining, o.cost, o.average, o.fee, o.timestamp],
      ['312269865356374016', 'b1', 'open', 'limit', 'GTC', 60000, 0.01, 0.004, 0.006, 240, 60000, { cost: 0.0000032, currency: 'BTC' }, 1597026383000],
    );
    const t = fillOfOrderPush(push, MARKET);
    assert.deepStrictEqual([t.id, t.order, t.amount, t.price, t.cost, t.takerOrMaker, t.fee], ['242589207', '312269865356374016', 0.004, 60000, 240, 'maker', { cost: 0.0000032, currency: 'BTC' }]);
    assert.strictEqual(fillOfOrderPush({ ...push, tradeId: '', fillSz: '0' }, MARKET), undefined, 'no fill, no trade');
    assert.strictEqual(parseOrder({ ...push, state: 'canceled', ordType: 'ioc' }, MARKET).status, 'expired');
    assert.strictEqual(parseOrder({ ...push, state: 'filled', accFillSz: '0.01' }, MARKET).remaining, 0);
  });

  it('account details: free = availBal, used = frozenBal, total = cashBal', () => {
    const b = parseBalances({ uTime: '1597026383085', details: [{ ccy: 'USDT', cashBal: '1000.5', availBal: '900.25', frozenBal: '100.25', uTime: '1597026383085' }] });
    assert.deepStrictEqual(b.balances, { USDT: { free: 900.25, used: 100.25, total: 1000.5 } });
    assert.strictEqual(b.time, 1597026383085);
  });
});
