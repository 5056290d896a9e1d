'use strict';
// Bitfinex v2 account channel payloads and order-entry inputs (protocols.md §6 "Authentication and
// the account channel"; Bitfinex docs ws-auth-orders / -wallets / -trades / -notifications and the
// order input pages), through the adapter's pure parsers: arrays laid out field by field as the
// docs list them.
const assert = require('assert');
const { errors } = require('..');
const p = require('../js/exchanges/bitfinex/parse-private');

/** An order array in the documented layout (32 fields). */
function order({ id = 1185815098, cid = 1574412467082, symbol = 'tETHUSD', amount = -0.5, orig = -0.5, type = 'EXCHANGE LIMIT', status = 'ACTIVE', price = 400, avg = 0, flags = 0 } = {}) {
  return [id, null, cid, symbol, 1574412467084, 1574412467087, amount, orig, type, null, null, null, flags, status, null, null, price, avg, 0, 0, null, null, null, 0, 0, null, null, null, 'API>BFX', null, null, null];
}

describe('bitfinex account channel parsers', () => {
  it('orders: side from the sign, filled from AMOUNT_ORIG - AMOUNT, status from the STATUS text', () => {
    const open = p.parseOrder(order());
    assert.deepStrictEqual(
      [open.id, open.clientOrderId, open.symbol, open.side, open.type, open.price, open.amount, open.filled, open.remaining, open.status],
      ['1185815098', '1574412467082', 'ETH/USD', 'sell', 'limit', 400, 0.5, 0, 0.5, 'open'],
    );
    const part = p.parseOrder(order({ amount: 0.3, orig: 1, status: 'PARTIALLY FILLED @ 399.5(0.7)', avg: 399.5 }));
    assert.deepStrictEqual([part.side, part.filled, part.remaining, part.status, part.average], ['buy', 0.7, 0.3, 'open', 399.5]);
    assert.ok(Math.abs(part.cost - 0.7 * 399.5) < 1e-9);
    assert.strictEqual(p.parseOrder(order({ amount: 0, orig: 1, status: 'EXECUTED @ 400.0(1.0)' })).status, 'closed');
    for (const s of ['CANCELED', 'CANCELED was: PARTIALLY FILLED @ 400.0(0.2)', 'POSTONLY CANCELED', 'INSUFFICIENT BALANCE (U1)', 'RSN_DUST']) {
      const o = p.parseOrder(order({ status: s }));
      assert.strictEqual(o.status, 'canceled', s);
      assert.strictEqual(o.remaining, 0, s);
    }
    assert.strictEqual(p.parseOrder(order({ type: 'EXCHANGE MARKET', price: 0 })).price, undefined);
    assert.strictEqual(p.parseOrder(order({ flags: 4096 })).postOnly, true);
    assert.strictEqual(p.parseOrder(order({ type: 'EXCHANGE IOC' })).timeInForce, 'IOC');
    assert.strictEqual(p.parseOrder(order({ symbol: 'tTESTBTC:TESTUSD' })).symbol, 'TESTBTC/TESTUSD');
    assert.throws(() => p.parseOrder([1, 2, 3]), /order is not/);
  });

  it('wallets: the exchange wallet is the balance; available null means free unknown (all of it)', () => {
    const b = p.parseWallets([
      ['exchange', 'BTC', 1.5, 0, 1.25, 'Exchange 0.1 BTC for USD @ 11.0', null],
      ['exchange', 'UST', 100, 0, null, null, null],
      ['margin', 'USD', 500, 0, 500, null, null],
      ['funding', 'BTC', 3, 0, 3, null, null],
    ]);
    assert.deepStrictEqual(b, { BTC: { free: 1.25, used: 0.25, total: 1.5 }, USDT: { free: 100, used: 0, total: 100 } });
    // used is computed on the decimals (total - available), never with float noise
    assert.deepStrictEqual(p.parseWallets([['exchange', 'USD', 10000, 0, 9400.11], ['exchange', 'ETH', 1e-7, 0, 5e-8]]), {
      USD: { free: 9400.11, used: 599.89, total: 10000 },
      ETH: { free: 5e-8, used: 5e-8, total: 1e-7 },
    });
  });

  it('own trades: side from EXEC_AMOUNT, maker from MAKER, the fee as a positive cost', () => {
    const t = p.parseMyTrade([402088407, 'tETHUST', 1574963975602, 34938060782, -0.2, 153.57, 'EXCHANGE MARKET', 0, -1, -0.061668, 'USD', 1574963975555]);
    assert.deepStrictEqual(
      [t.id, t.order, t.symbol, t.side, t.amount, t.price, t.takerOrMaker, t.type, t.fee],
      ['402088407', '34938060782', 'ETH/USDT', 'sell', 0.2, 153.57, 'taker', 'market', { cost: 0.061668, currency: 'USD' }],
    );
    // `te` comes before the fee is known: no fee
    assert.strictEqual(p.parseMyTrade([1, 'tBTCUSD', 1, 2, 0.1, 100, 'EXCHANGE LIMIT', 100, 1]).fee, undefined);
  });

  it('notifications: SUCCESS resolves, ERROR maps to the ccxt class with the text', () => {
    const ok = p.parseNotification([1575289447641, 'on-req', null, null, order(), null, 'SUCCESS', 'Submitting exchange limit sell order for -0.5 ETH.']);
    assert.strictEqual(ok.type, 'on-req');
    assert.strictEqual(p.notificationError(ok, 'createOrder'), undefined);
    const cases = [
      ['Invalid order: minimum size for ETH/USD is 0.2', errors.InvalidOrder],
      ['Invalid order: not enough exchange balance for -0.5 ETHUSD at 400', errors.InsufficientFunds],
      ['Order not found.', errors.OrderNotFound],
    ];
    for (const [text, Cls] of cases) {
      const n = p.parseNotification([1575289447641, 'on-req', null, null, order(), null, 'ERROR', text]);
      const e = p.notificationError(n, 'createOrder', 'ETH/USD');
      assert.ok(e instanceof Cls, `${text}: ${e && e.name}`);
      assert.strictEqual(e.symbol, 'ETH/USD');
      assert.strictEqual(e.exchange, 'bitfinex');
      assert.ok(e.message.includes(text));
    }
  });

  it('order inputs: on with cid and EXCHANGE types, ou keeps the id, oc by id or cid, oc_multi', () => {
    assert.deepStrictEqual(JSON.parse(p.encodeNewOrder({ symbol: 'tBTCUSD', type: 'limit', side: 'sell', amount: 0.1, price: 500, cid: 12345 })), [
      0, 'on', null, { cid: 12345, type: 'EXCHANGE LIMIT', symbol: 'tBTCUSD', amount: '-0.1', price: '500' },
    ]);
    assert.deepStrictEqual(JSON.parse(p.encodeNewOrder({ symbol: 'tBTCUSD', type: 'market', side: 'buy', amount: 1e-7, price: 1, cid: 1 }))[3], {
      cid: 1, type: 'EXCHANGE MARKET', symbol: 'tBTCUSD', amount: '0.0000001',
    });
    assert.strictEqual(JSON.parse(p.encodeNewOrder({ symbol: 'tBTCUSD', type: 'limit', side: 'buy', amount: 1, price: 2, cid: 1, postOnly: true, timeInForce: 'IOC' }))[3].type, 'EXCHANGE IOC');
    assert.deepStrictEqual(JSON.parse(p.encodeUpdateOrder(99, { price: 501 })), [0, 'ou', null, { id: 99, price: '501' }]);
    assert.deepStrictEqual(JSON.parse(p.encodeCancelOrder({ id: 99 })), [0, 'oc', null, { id: 99 }]);
    assert.deepStrictEqual(JSON.parse(p.encodeCancelOrder({ cid: 12345, cidDate: p.cidDate(Date.UTC(2026, 11, 2, 23, 59)) })), [0, 'oc', null, { cid: 12345, cid_date: '2026-12-02' }]);
    assert.deepStrictEqual(JSON.parse(p.encodeCancelMulti()), [0, 'oc_multi', null, { all: 1 }]);
    assert.deepStrictEqual(JSON.parse(p.encodeCancelMulti([1, 2])), [0, 'oc_multi', null, { id: [1, 2] }]);
  });
});
