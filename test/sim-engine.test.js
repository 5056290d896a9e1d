'use strict';
/**
 * The simulator's matching engine (ts/sim/engine): price-time priority, partial fills, IOC/FOK,
 * post-only, cancel, amend, balance locking and fees (exact decimals), update ids, and the
 * determinism of the seeded order flow.
 */
const assert = require('assert');
const { MatchingEngine, OrderFlow, EngineError, formatScaled, ASSET_SCALE } = require('../js/sim/engine');

const SYM = 'BTCUSDT';

function engine(opts = {}) {
  const e = new MatchingEngine({ seed: 1, now: () => 1700000000000 });
  e.addMarket({ symbol: SYM, base: 'BTC', quote: 'USDT', tickSize: '0.01', stepSize: '0.001', minNotional: '1' });
  e.addAccount('mm', { unlimited: true, track: true });
  e.addAccount('alice', { makerFeePpm: 1000, takerFeePpm: 2000, ...opts });
  e.addAccount('bob', { makerFeePpm: 0, takerFeePpm: 0 });
  e.deposit('alice', 'USDT', '10000');
  e.deposit('alice', 'BTC', '1');
  e.deposit('bob', 'USDT', '10000');
  e.deposit('bob', 'BTC', '1');
  return e;
}

const limit = (account, side, price, quantity, extra = {}) => ({ account, symbol: SYM, side, type: 'LIMIT', price, quantity, ...extra });
const bal = (e, account, asset) => {
  const b = e.balances(account).find((x) => x.asset === asset) || { free: 0n, locked: 0n };
  return { free: formatScaled(b.free, ASSET_SCALE, 8), locked: formatScaled(b.locked, ASSET_SCALE, 8) };
};
const book = (e) => {
  const info = e.market(SYM);
  const d = e.depth(SYM);
  const f = ([p, q]) => [info.formatPrice(p), info.formatQty(q)];
  return { bids: d.bids.map(f), asks: d.asks.map(f) };
};
const throwsReason = (fn, reason) =>
  assert.throws(fn, (err) => err instanceof EngineError && err.reason === reason, `expected ${reason}`);

describe('sim engine: matching', () => {
  it('fills by price first, then time, at the maker price', () => {
    const e = engine();
    const a = e.placeOrder(limit('mm', 'SELL', '101', '1')).order;
    const b = e.placeOrder(limit('mm', 'SELL', '100', '1')).order;
    const c = e.placeOrder(limit('mm', 'SELL', '100', '1')).order;
    const res = e.placeOrder(limit('bob', 'BUY', '101', '2.5'));
    assert.deepStrictEqual(res.fills.map((f) => [f.price, f.qty]), [[10000, 1000], [10000, 1000], [10100, 500]]);
    assert.strictEqual(res.order.status, 'FILLED');
    assert.strictEqual(e.getOrder(SYM, { orderId: b.orderId }).status, 'FILLED');
    assert.strictEqual(e.getOrder(SYM, { orderId: c.orderId }).status, 'FILLED');
    const left = e.getOrder(SYM, { orderId: a.orderId });
    assert.strictEqual(left.status, 'PARTIALLY_FILLED');
    assert.deepStrictEqual(book(e), { bids: [], asks: [['101.00', '0.500']] });
  });

  it('partially fills a taker and rests the remainder (GTC)', () => {
    const e = engine();
    e.placeOrder(limit('mm', 'SELL', '100', '0.4'));
    const res = e.placeOrder(limit('bob', 'BUY', '100', '1'));
    assert.strictEqual(res.order.status, 'PARTIALLY_FILLED');
    assert.strictEqual(res.order.executedQty, 400);
    assert.deepStrictEqual(book(e), { bids: [['100.00', '0.600']], asks: [] });
  });

  it('IOC expires the unfilled part; FOK fills completely or not at all', () => {
    const e = engine();
    e.placeOrder(limit('mm', 'SELL', '100', '0.5'));
    e.placeOrder(limit('mm', 'SELL', '102', '0.5'));
    const ioc = e.placeOrder(limit('bob', 'BUY', '101', '1', { timeInForce: 'IOC' }));
    assert.strictEqual(ioc.order.status, 'EXPIRED');
    assert.strictEqual(ioc.order.executedQty, 500);
    assert.deepStrictEqual(book(e), { bids: [], asks: [['102.00', '0.500']] });

    const before = e.updateId(SYM);
    const fokMiss = e.placeOrder(limit('bob', 'BUY', '102', '0.6', { timeInForce: 'FOK' }));
    assert.strictEqual(fokMiss.order.status, 'EXPIRED');
    assert.strictEqual(fokMiss.fills.length, 0);
    assert.strictEqual(e.updateId(SYM), before, 'an expired FOK changes nothing');
    const fok = e.placeOrder(limit('bob', 'BUY', '102', '0.5', { timeInForce: 'FOK' }));
    assert.strictEqual(fok.order.status, 'FILLED');
    assert.deepStrictEqual(book(e), { bids: [], asks: [] });
  });

  it('rejects a post-only (LIMIT_MAKER) order that would cross, rests one that does not', () => {
    const e = engine();
    e.placeOrder(limit('mm', 'SELL', '100', '1'));
    throwsReason(() => e.placeOrder({ ...limit('bob', 'BUY', '100', '1'), type: 'LIMIT_MAKER' }), 'WOULD_TAKE');
    const ok = e.placeOrder({ ...limit('bob', 'BUY', '99.99', '1'), type: 'LIMIT_MAKER' });
    assert.strictEqual(ok.order.status, 'NEW');
    assert.strictEqual(ok.order.isWorking, true);
  });

  it('market orders trade through levels, by quantity or by quote amount', () => {
    const e = engine();
    e.placeOrder(limit('mm', 'SELL', '100', '1'));
    e.placeOrder(limit('mm', 'SELL', '101', '1'));
    const byQty = e.placeOrder({ account: 'bob', symbol: SYM, side: 'BUY', type: 'MARKET', quantity: '1.5' });
    assert.strictEqual(byQty.order.status, 'FILLED');
    assert.strictEqual(formatScaled(byQty.order.cumQuote, ASSET_SCALE, 8), '150.50000000');
    const byQuote = e.placeOrder({ account: 'bob', symbol: SYM, side: 'BUY', type: 'MARKET', quoteOrderQty: '30.3' });
    assert.strictEqual(byQuote.order.status, 'FILLED');
    assert.strictEqual(byQuote.order.executedQty, 300);
    assert.deepStrictEqual(book(e), { bids: [], asks: [['101.00', '0.200']] });
    const sweep = e.placeOrder({ account: 'bob', symbol: SYM, side: 'BUY', type: 'MARKET', quantity: '1' });
    assert.strictEqual(sweep.order.status, 'EXPIRED', 'a market order larger than the book expires');
    assert.strictEqual(sweep.order.executedQty, 200);
  });

  it('cancels, renames the client id, and unlocks the balance', () => {
    const e = engine();
    const o = e.placeOrder(limit('alice', 'BUY', '100', '2', { clientOrderId: 'mine' })).order;
    assert.deepStrictEqual(bal(e, 'alice', 'USDT'), { free: '9800.00000000', locked: '200.00000000' });
    const c = e.cancelOrder('alice', SYM, { clientOrderId: 'mine' }, { newClientOrderId: 'gone' });
    assert.strictEqual(c.status, 'CANCELED');
    assert.strictEqual(c.origClientOrderId, 'mine');
    assert.strictEqual(c.clientOrderId, 'gone');
    assert.deepStrictEqual(bal(e, 'alice', 'USDT'), { free: '10000.00000000', locked: '0.00000000' });
    throwsReason(() => e.cancelOrder('alice', SYM, { orderId: o.orderId }), 'UNKNOWN_ORDER');
    throwsReason(() => e.cancelOrder('bob', SYM, { orderId: 999 }), 'UNKNOWN_ORDER');
  });

  it('amends by cancel-replace (new id, back of the queue) or in place (keeps priority)', () => {
    const e = engine();
    const first = e.placeOrder(limit('alice', 'SELL', '100', '0.5')).order;
    e.placeOrder(limit('bob', 'SELL', '100', '0.5'));
    const { canceled, placed } = e.amendOrder('alice', SYM, { orderId: first.orderId }, { quantity: '0.4' });
    assert.strictEqual(canceled.status, 'CANCELED');
    assert.notStrictEqual(placed.order.orderId, first.orderId);
    let fills = e.placeOrder(limit('mm', 'BUY', '100', '0.5')).fills;
    assert.strictEqual(fills.length, 1, 'bob is now first in the queue');
    e.placeOrder(limit('bob', 'SELL', '100', '0.5'));
    const kept = e.amendKeepPriority('alice', SYM, { orderId: placed.order.orderId }, '0.1');
    assert.strictEqual(kept.origQty, 100);
    fills = e.placeOrder(limit('mm', 'BUY', '100', '0.1')).fills;
    assert.strictEqual(e.getOrder(SYM, { orderId: placed.order.orderId }).status, 'FILLED', 'alice kept her place');
    assert.strictEqual(fills[0].qty, 100);
  });

  it('locks, spends and pays fees exactly (maker and taker rates differ)', () => {
    const e = engine();
    e.placeOrder(limit('alice', 'SELL', '123.45', '0.3'));
    assert.deepStrictEqual(bal(e, 'alice', 'BTC'), { free: '0.70000000', locked: '0.30000000' });
    // bob (0 fees) buys 0.2 at 123.45 (limit 124: the difference is unlocked).
    const res = e.placeOrder(limit('bob', 'BUY', '124', '0.2'));
    assert.strictEqual(res.order.status, 'FILLED');
    assert.deepStrictEqual(bal(e, 'bob', 'USDT'), { free: '9975.31000000', locked: '0.00000000' });
    assert.deepStrictEqual(bal(e, 'bob', 'BTC'), { free: '1.20000000', locked: '0.00000000' });
    // alice is maker: receives 24.69 USDT minus 0.1% = 24.66531.
    assert.deepStrictEqual(bal(e, 'alice', 'USDT'), { free: '10024.66531000', locked: '0.00000000' });
    assert.deepStrictEqual(bal(e, 'alice', 'BTC'), { free: '0.70000000', locked: '0.10000000' });
    // alice as taker pays 0.2% in the asset she receives (BTC).
    e.placeOrder(limit('mm', 'SELL', '100', '0.5'));
    const take = e.placeOrder(limit('alice', 'BUY', '100', '0.5'));
    assert.strictEqual(formatScaled(take.fills[0].commission, ASSET_SCALE, 8), '0.00100000');
    assert.strictEqual(take.fills[0].commissionAsset, 'BTC');
    assert.deepStrictEqual(bal(e, 'alice', 'BTC'), { free: '1.19900000', locked: '0.10000000' });
    const trades = e.myTrades('alice', SYM);
    assert.deepStrictEqual(trades.map((t) => [t.isMaker, t.isBuyer]), [[true, false], [false, true]]);
  });

  it('refuses orders it cannot fund, or that break the filters, without changing anything', () => {
    const e = engine();
    const id = e.updateId(SYM);
    throwsReason(() => e.placeOrder(limit('alice', 'BUY', '100', '101')), 'INSUFFICIENT_BALANCE');
    throwsReason(() => e.placeOrder(limit('alice', 'SELL', '100', '1.001')), 'INSUFFICIENT_BALANCE');
    throwsReason(() => e.placeOrder(limit('alice', 'BUY', '100.001', '1')), 'PRICE_FILTER');
    throwsReason(() => e.placeOrder(limit('alice', 'BUY', '100', '0.0001')), 'LOT_SIZE');
    throwsReason(() => e.placeOrder(limit('alice', 'BUY', '100', '0.000000001')), 'BAD_PRECISION');
    throwsReason(() => e.placeOrder(limit('alice', 'BUY', '0.5', '1')), 'NOTIONAL');
    assert.strictEqual(e.updateId(SYM), id);
    assert.deepStrictEqual(bal(e, 'alice', 'USDT'), { free: '10000.00000000', locked: '0.00000000' });
  });

  it('emits level changes with update ids increasing by one that replay to the book', () => {
    const e = engine();
    const replica = { bid: new Map(), ask: new Map() };
    let last = e.updateId(SYM);
    e.on('level', (c) => {
      assert.strictEqual(c.updateId, last + 1);
      last = c.updateId;
      if (c.qty === 0) replica[c.side].delete(c.price);
      else replica[c.side].set(c.price, c.qty);
    });
    const flow = new OrderFlow(e, [{ symbol: SYM, mid: '100' }], { seed: 3, levels: 50, account: 'mm' });
    flow.init();
    for (let i = 0; i < 300; i++) flow.tick();
    const d = e.depth(SYM);
    assert.strictEqual(d.updateId, last);
    assert.deepStrictEqual([...replica.bid.entries()].sort((a, b) => b[0] - a[0]), d.bids);
    assert.deepStrictEqual([...replica.ask.entries()].sort((a, b) => a[0] - b[0]), d.asks);
  });

  it('reports order updates (NEW, TRADE, CANCELED) and balances once per operation', () => {
    const e = engine();
    const seen = [];
    e.on('order', (u) => seen.push(`${u.order.account}:${u.execType}:${u.order.status}`));
    e.on('balance', (b) => seen.push(`${b.account}:balance:${b.balances.map((x) => x.asset).sort().join(',')}`));
    e.placeOrder(limit('bob', 'SELL', '100', '0.5'));
    e.placeOrder(limit('alice', 'BUY', '100', '1'));
    e.cancelAll('alice', SYM);
    assert.deepStrictEqual(seen, [
      'bob:NEW:NEW',
      'bob:balance:BTC',
      'alice:NEW:NEW',
      'bob:TRADE:FILLED',
      'alice:TRADE:PARTIALLY_FILLED',
      'alice:balance:BTC,USDT',
      'bob:balance:BTC,USDT',
      'alice:CANCELED:CANCELED',
      'alice:balance:USDT',
    ]);
  });
});

describe('sim engine: synthetic order flow', () => {
  function run(seed, ticks) {
    const e = new MatchingEngine({ seed, now: () => 0 });
    e.addMarket({ symbol: SYM, base: 'BTC', quote: 'USDT', tickSize: '0.01', stepSize: '0.00001', minNotional: '5' });
    const trades = [];
    e.on('trade', (t) => trades.push([t.id, t.price, t.qty, t.takerSide]));
    const flow = new OrderFlow(e, [{ symbol: SYM, mid: '60000' }], { seed });
    flow.init();
    for (let i = 0; i < ticks; i++) flow.tick();
    return { depth: e.depth(SYM), trades, e };
  }

  it('builds deep books: hundreds of levels a side around the mid', () => {
    const { e } = run(1, 0);
    const d = e.depth(SYM);
    assert.ok(d.bids.length >= 300 && d.asks.length >= 300, `${d.bids.length}/${d.asks.length}`);
    assert.ok(d.bids[0][0] < d.asks[0][0]);
    assert.ok(Math.abs((d.bids[0][0] + d.asks[0][0]) / 2 - 6000000) < 10);
  });

  it('moves the book with trades, keeping it deep and uncrossed', () => {
    const { depth, trades } = run(2, 2000);
    assert.ok(trades.length > 100, `trades: ${trades.length}`);
    assert.ok(depth.bids.length > 200 && depth.asks.length > 200);
    assert.ok(depth.bids[0][0] < depth.asks[0][0], 'book must not be crossed');
  });

  it('is deterministic for a seed, and differs across seeds', () => {
    const a = run(42, 500);
    const b = run(42, 500);
    const c = run(43, 500);
    assert.deepStrictEqual(a.depth, b.depth);
    assert.deepStrictEqual(a.trades, b.trades);
    assert.notDeepStrictEqual(a.depth, c.depth);
  });
});
