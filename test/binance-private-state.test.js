'use strict';
/**
 * Pure parts of the private side: Binance's user data events parsed from the example payloads of
 * Binance's user-data-stream.md; the generic private state's merge rules (orders never go
 * backwards, trades once, snapshots vs stream times, bounds); order encoding; decimal helpers.
 */
const assert = require('assert');
const { PrivateState } = require('../js/base/private-state');
const { decimalAdd, decimalSub, toDecimalString, decimalsOf } = require('../js/core/decimal');
const { parseExecutionReport, parseAccountPosition, balanceDelta, parseOrder, parseWithdrawal } = require('../js/exchanges/binance/parse-private');
const { orderParams, cancelParams, cancelReplaceParams } = require('../js/exchanges/binance/trading');
const { classifyFrame, replyResult } = require('../js/exchanges/binance/user-data');
const { errors } = require('..');

const ETHBTC = { id: 'ETHBTC', symbol: 'ETH/BTC', base: 'ETH', quote: 'BTC', precision: { price: 0.000001, amount: 0.0001 } };
const BTCUSDT = { id: 'BTCUSDT', symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', precision: { price: 0.01, amount: 0.00001 } };

// user-data-stream.md "Order Update" example payload (NEW)
const DOC_EXECUTION_REPORT = {
  e: 'executionReport', E: 1499405658658, s: 'ETHBTC', c: 'mUvoqJxFIILMdfAW5iGSOW', S: 'BUY', o: 'LIMIT', f: 'GTC',
  q: '1.00000000', p: '0.10264410', P: '0.00000000', F: '0.00000000', g: -1, C: '', x: 'NEW', X: 'NEW', r: 'NONE',
  i: 4293153, l: '0.00000000', z: '0.00000000', L: '0.00000000', n: '0', N: null, T: 1499405658657, t: -1, I: 8641984,
  w: true, m: false, M: false, O: 1499405658657, Z: '0.00000000', Y: '0.00000000', Q: '0.00000000', W: 1499405658657, V: 'NONE',
};

function order(over) {
  return { id: '1', symbol: 'BTC/USDT', timestamp: 1, datetime: undefined, type: 'limit', side: 'buy', price: 100, amount: 1, filled: 0, remaining: 1, cost: 0, status: 'open', info: {}, ...over };
}

describe('binance private parsing (examples of user-data-stream.md)', () => {
  it('executionReport NEW -> open order, no trade', () => {
    const { order: o, trade } = parseExecutionReport(DOC_EXECUTION_REPORT, ETHBTC);
    assert.strictEqual(trade, undefined);
    assert.deepStrictEqual(
      [o.id, o.clientOrderId, o.symbol, o.side, o.type, o.timeInForce, o.price, o.amount, o.filled, o.remaining, o.status, o.timestamp],
      ['4293153', 'mUvoqJxFIILMdfAW5iGSOW', 'ETH/BTC', 'buy', 'limit', 'GTC', 0.1026441, 1, 0, 1, 'open', 1499405658657],
    );
  });

  it('executionReport TRADE -> the order and the own trade; CANCELED keeps the original client id (C)', () => {
    const ev = { ...DOC_EXECUTION_REPORT, x: 'TRADE', X: 'PARTIALLY_FILLED', l: '0.30000000', z: '0.30000000', L: '0.10264410', n: '0.00030000', N: 'ETH', t: 77, m: true, Z: '0.03079323', Y: '0.03079323', T: 1499405658700 };
    const { order: o, trade: t } = parseExecutionReport(ev, ETHBTC);
    assert.deepStrictEqual([o.status, o.filled, o.remaining, o.cost, o.lastTradeTimestamp], ['open', 0.3, 0.7, 0.03079323, 1499405658700]);
    assert.deepStrictEqual(
      [t.id, t.order, t.side, t.takerOrMaker, t.price, t.amount, t.cost, t.fee],
      ['77', '4293153', 'buy', 'maker', 0.1026441, 0.3, 0.03079323, { cost: 0.0003, currency: 'ETH' }],
    );
    const c = parseExecutionReport({ ...ev, x: 'CANCELED', X: 'CANCELED', c: 'cancel-request-id', C: 'mUvoqJxFIILMdfAW5iGSOW' }, ETHBTC).order;
    assert.deepStrictEqual([c.status, c.clientOrderId], ['canceled', 'mUvoqJxFIILMdfAW5iGSOW']);
    const maker = parseExecutionReport({ ...DOC_EXECUTION_REPORT, o: 'LIMIT_MAKER' }, ETHBTC).order;
    assert.deepStrictEqual([maker.type, maker.postOnly], ['limit', true]);
  });

  it('outboundAccountPosition and balanceUpdate (doc examples)', () => {
    const pos = parseAccountPosition({ e: 'outboundAccountPosition', E: 1564034571105, u: 1564034571073, B: [{ a: 'ETH', f: '10000.000000', l: '0.000000' }] });
    assert.deepStrictEqual(pos.balances, { ETH: { free: 10000, used: 0, total: 10000 } });
    assert.strictEqual(pos.time, 1564034571073);
    const apply = balanceDelta({ e: 'balanceUpdate', E: 1573200697110, a: 'BTC', d: '100.00000000', T: 1573200697068 });
    assert.deepStrictEqual(apply({ free: 0.1, used: 0.2, total: 0.3 }), { free: 100.1, used: 0.2, total: 100.3 });
  });

  it('REST/WS API order results: remaining computed on the decimals; fills become trades with a summed fee', () => {
    const o = parseOrder({
      symbol: 'BTCUSDT', orderId: 9, clientOrderId: 'a', transactTime: 5, price: '0.00000000', origQty: '0.01000000', executedQty: '0.00400000',
      cummulativeQuoteQty: '240.00000000', status: 'PARTIALLY_FILLED', timeInForce: 'GTC', type: 'MARKET', side: 'SELL',
      fills: [{ price: '60000.00', qty: '0.003', commission: '0.1', commissionAsset: 'USDT', tradeId: 1 }, { price: '60000.00', qty: '0.001', commission: '0.2', commissionAsset: 'USDT', tradeId: 2 }],
    }, BTCUSDT);
    assert.deepStrictEqual([o.remaining, o.price, o.average, o.fee, o.trades.map((t) => t.id)], [0.006, undefined, 60000, { cost: 0.3, currency: 'USDT' }, ['1', '2']]);
    const w = parseWithdrawal({ id: 'w1', amount: '1.5', transactionFee: '0.0005', coin: 'BTC', status: 6, txId: 'tx', applyTime: '2019-10-12 11:12:02' });
    assert.deepStrictEqual([w.type, w.status, w.timestamp, w.fee], ['withdrawal', 'ok', Date.UTC(2019, 9, 12, 11, 12, 2), { cost: 0.0005, currency: 'BTC' }]);
  });

  it('WebSocket API frames: replies, user events, shutdown notices, session errors', () => {
    assert.deepStrictEqual(replyResult({ id: 1, status: 200, result: { a: 1 } }, 'x'), { a: 1 });
    assert.throws(() => replyResult({ id: 1, status: 400, error: { code: -2010, msg: 'Account has insufficient balance for requested action.' } }, 'order.place'), errors.InsufficientFunds);
    assert.throws(() => replyResult({ id: 1, status: 401, error: { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' } }, 'x'), errors.AuthenticationError);
    assert.throws(() => replyResult({ id: 1, status: 400, error: { code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' } }, 'x'), errors.InvalidNonce);
    assert.deepStrictEqual(classifyFrame({ subscriptionId: 0, event: DOC_EXECUTION_REPORT }).kind, 'user');
    assert.deepStrictEqual(classifyFrame({ event: { e: 'serverShutdown', E: 1 } }), { kind: 'shutdown' });
    assert.strictEqual(classifyFrame({ id: null, status: 401, error: { code: -2015, msg: 'x' } }).kind, 'sessionError');
  });
});

describe('binance order encoding', () => {
  const req = (over) => ({ market: BTCUSDT, type: 'limit', side: 'buy', amount: 0.0123456, price: 60000.004, params: {}, ...over });
  it('limit / post-only / IOC / market by cost, amounts floored to the step and prices rounded to the tick', () => {
    assert.deepStrictEqual(orderParams(req(), 'c1'), {
      symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01234', price: '60000', newClientOrderId: 'c1', newOrderRespType: 'FULL',
    });
    assert.strictEqual(orderParams(req({ params: { postOnly: true } }), 'c').type, 'LIMIT_MAKER');
    assert.strictEqual(orderParams(req({ params: { timeInForce: 'PO' } }), 'c').timeInForce, undefined);
    assert.strictEqual(orderParams(req({ params: { timeInForce: 'ioc' } }), 'c').timeInForce, 'IOC');
    const m = orderParams(req({ type: 'market', price: undefined, params: { cost: 100.5, selfTradePreventionMode: 'EXPIRE_TAKER' } }), 'c');
    assert.deepStrictEqual([m.type, m.quoteOrderQty, m.quantity, m.selfTradePreventionMode], ['MARKET', '100.5', undefined, 'EXPIRE_TAKER']);
    assert.throws(() => orderParams(req({ params: { timeInForce: 'DAY' } }), 'c'), errors.BadRequest);
    assert.deepStrictEqual(cancelParams('42', BTCUSDT, {}), { symbol: 'BTCUSDT', orderId: 42 });
    assert.deepStrictEqual(cancelParams('42', BTCUSDT, { clientOrderId: 'x' }), { symbol: 'BTCUSDT', origClientOrderId: 'x' });
    const cr = cancelReplaceParams('42', req(), 'c2');
    assert.deepStrictEqual([cr.cancelReplaceMode, cr.cancelOrderId, cr.newClientOrderId, cr.type], ['STOP_ON_FAILURE', 42, 'c2', 'LIMIT']);
  });

  it('decimal helpers', () => {
    assert.deepStrictEqual([decimalsOf(0.01), decimalsOf(1e-8), decimalsOf(1), decimalsOf(2.5e-7)], [2, 8, 0, 8]);
    assert.deepStrictEqual([toDecimalString(0.3, 0.1, 'floor'), toDecimalString(1e-7), toDecimalString(123.456, 0.5)], ['0.3', '0.0000001', '123.5']);
    assert.deepStrictEqual([decimalSub('0.01', '0.004'), decimalAdd('9400.00010000', '599.99990000'), decimalAdd(0.1, '-0.3')], [0.006, 10000, -0.2]);
  });
});

describe('PrivateState merge rules', () => {
  it('an order never goes backwards: stale snapshots and late replies are ignored', () => {
    const s = new PrivateState();
    assert.ok(s.upsertOrder(order({ filled: 0 })));
    assert.ok(s.upsertOrder(order({ filled: 0.4, remaining: 0.6 })));
    assert.strictEqual(s.upsertOrder(order({ filled: 0 })), undefined, 'older fill state');
    assert.strictEqual(s.upsertOrder(order({ filled: 0.4, remaining: 0.6 })), undefined, 'no change');
    assert.ok(s.upsertOrder(order({ filled: 0.4, remaining: 0.6, status: 'canceled' })));
    assert.strictEqual(s.upsertOrder(order({ filled: 0.4, remaining: 0.6 })), undefined, 'reopened by a stale source');
    assert.deepStrictEqual(s.listOrders('BTC/USDT', true), []);
    assert.deepStrictEqual(s.listOrders('BTC/USDT', false).map((o) => o.status), ['canceled']);
  });

  it('own trades are kept once; closed orders and trades are bounded per symbol', () => {
    const s = new PrivateState({ closedOrdersPerSymbol: 2, tradesPerSymbol: 3 });
    for (let i = 1; i <= 5; i++) {
      assert.ok(s.addTrade({ id: String(i), symbol: 'BTC/USDT', timestamp: i, amount: 1, price: 1, cost: 1, side: 'buy', info: {} }));
      assert.strictEqual(s.addTrade({ id: String(i), symbol: 'BTC/USDT', timestamp: i, amount: 1, price: 1, cost: 1, side: 'buy', info: {} }), false);
      s.upsertOrder(order({ id: String(i), status: 'closed', filled: 1, remaining: 0 }));
    }
    s.upsertOrder(order({ id: '6' }));
    assert.deepStrictEqual(s.listTrades('BTC/USDT').map((t) => t.id), ['3', '4', '5']);
    assert.deepStrictEqual(s.listOrders('BTC/USDT').map((o) => o.id), ['4', '5', '6']);
  });

  it('a balance snapshot does not undo what the stream reported as recently; after a re-subscribe it wins', () => {
    const s = new PrivateState();
    s.applyBalances({ balances: { USDT: { free: 5, used: 0, total: 5 } }, time: 200, info: {} }, 'stream');
    s.applyBalances({ balances: { USDT: { free: 9, used: 0, total: 9 }, BTC: { free: 1, used: 0, total: 1 } }, time: 150, info: {} }, 'snapshot');
    let b = s.balance();
    assert.deepStrictEqual([b.USDT.free, b.BTC.free, b.free.BTC, b.timestamp], [5, 1, 1, 200]);
    s.streamResubscribed();
    assert.ok(s.applyBalances({ balances: { USDT: { free: 7, used: 0, total: 7 } }, time: 200, info: {} }, 'snapshot'));
    b = s.balance();
    assert.deepStrictEqual([b.USDT.free, b.BTC], [7, undefined]);
  });
});
