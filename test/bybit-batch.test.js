'use strict';
/**
 * Bybit batch order ops on the simulator: createOrders / editOrders / cancelOrders over /v5/trade
 * (`order.create-batch`, `order.amend-batch`, `order.cancel-batch`, Bybit docs v5 websocket/trade
 * "Batch Create/Amend/Cancel Order") and over REST (/v5/order/{create,amend,cancel}-batch), each
 * order's own result or typed error (retExtInfo.list), at most 10 spot orders a request; a batch
 * whose reply is lost with its socket placing nothing twice; and a REST create whose reply is lost
 * and whose resend is refused as a duplicate orderLinkId (170141) resolving with the order.
 */
const assert = require('assert');
const { bybit, errors } = require('..');
const { simulate } = require('../js/sim');
const { until } = require('./support/wait');
const { nextItem, balancesMatch, rejection } = require('./support/private');

const SYMBOL = 'BTC/USDT';

describe('bybit batch orders and lost replies (simulator)', function () {
  let sim;
  let ex;
  let bid;

  beforeEach(async () => {
    sim = await simulate('bybit', { seed: 11, autoFlow: false, symbols: [SYMBOL, 'ETH/USDT'], balances: { USDT: 10000, BTC: 1, ETH: 5 } });
    bid = sim.book('BTCUSDT').bids[0][0];
  });

  afterEach(async () => {
    if (ex) await ex.close();
    ex = undefined;
    await sim.close();
  });

  const client = (o = {}) => {
    ex = new bybit({ ws: true, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret, timeoutMs: 5000, reconnect: { baseDelayMs: 20, maxDelayMs: 100 }, ...o });
    return ex;
  };
  const open = () => sim.engine.openOrders('user', 'BTCUSDT');
  const px = (d) => +(bid - d).toFixed(2);

  it('over /v5/trade: one entry per order in order, a refused one rejected with its typed error; amend keeps ids; cancel unlocks exactly', async () => {
    client();
    assert.deepStrictEqual([ex.has.createOrders, ex.has.editOrders, ex.has.cancelOrders], ['ws', 'ws', 'ws']);
    await balancesMatch(ex, sim, ['USDT', 'BTC', 'ETH']);
    const seen = nextItem(ex, 'orders', (o) => o.clientOrderId === 'b-2');
    // REST refuses everything meanwhile (rate limit): the batch went over the trade socket
    sim.faults.rateLimit({ count: 1000 });
    const placed = await ex.createOrders([
      { symbol: SYMBOL, type: 'limit', side: 'buy', amount: 0.01, price: px(5), params: { clientOrderId: 'b-1' } },
      // 500 BTC at that price: far beyond the 10000 USDT balance
      { symbol: SYMBOL, type: 'limit', side: 'buy', amount: 500, price: px(6), params: { clientOrderId: 'b-big' } },
      { symbol: SYMBOL, type: 'limit', side: 'buy', amount: 0.02, price: px(7), params: { clientOrderId: 'b-2' } },
    ]);
    sim.faults.reset();
    assert.deepStrictEqual(placed.map((o) => [o.clientOrderId, o.status]), [['b-1', 'open'], ['b-big', 'rejected'], ['b-2', 'open']]);
    assert.ok(placed[1].error instanceof errors.InsufficientFunds, `${placed[1].error}`);
    assert.match(placed[1].error.message, /order\.create-batch.*retCode 170131/);
    assert.strictEqual(placed[1].error.symbol, SYMBOL);
    assert.ok(placed[0].id && placed[2].id && placed[0].id !== placed[2].id);
    assert.strictEqual(open().length, 2, 'the refused order placed nothing');
    assert.deepStrictEqual((await ex.fetchOpenOrders(SYMBOL)).map((o) => [o.id, o.price, o.amount]).sort(), [[placed[0].id, px(5), 0.01], [placed[2].id, px(7), 0.02]].sort());
    assert.strictEqual((await seen).id, placed[2].id, 'confirmed on the order topic');
    let bal = await balancesMatch(ex, sim);
    assert.strictEqual(bal.USDT.used, +(px(5) * 0.01 + px(7) * 0.02).toFixed(8));

    // amend both: new prices, same ids; one unknown id is refused on its own
    const edited = await ex.editOrders([
      { id: placed[0].id, symbol: SYMBOL, type: 'limit', side: 'buy', amount: 0.01, price: px(8) },
      { id: '999999', symbol: SYMBOL, type: 'limit', side: 'buy', amount: 0.01, price: px(8) },
      { id: placed[2].id, symbol: SYMBOL, type: 'limit', side: 'buy', amount: 0.03, price: px(9) },
    ]);
    assert.deepStrictEqual(edited.map((o) => [o.id, o.status, o.price, o.amount]), [
      [placed[0].id, 'open', px(8), 0.01],
      ['999999', 'rejected', px(8), 0.01],
      [placed[2].id, 'open', px(9), 0.03],
    ]);
    assert.ok(edited[1].error instanceof errors.OrderNotFound, `${edited[1].error}`);
    bal = await balancesMatch(ex, sim);
    assert.strictEqual(bal.USDT.used, +(px(8) * 0.01 + px(9) * 0.03).toFixed(8));

    // cancel both and an unknown one
    const canceled = await ex.cancelOrders([placed[0].id, '999999', placed[2].id], SYMBOL);
    assert.deepStrictEqual(canceled.map((o) => [o.id, o.status]), [[placed[0].id, 'canceled'], ['999999', 'rejected'], [placed[2].id, 'canceled']]);
    assert.ok(canceled[1].error instanceof errors.OrderNotFound);
    assert.deepStrictEqual(open(), []);
    bal = await balancesMatch(ex, sim);
    assert.strictEqual(bal.USDT.used, 0);
  });

  it('over REST (wsTrading: false): 12 orders go as 10 + 2 (spot takes at most 10 a request); cancelOrders and cancelAllOrders', async () => {
    client({ wsTrading: false });
    assert.strictEqual(ex.has.createOrders, 'rest');
    const orders = Array.from({ length: 12 }, (_, i) => ({ symbol: SYMBOL, type: 'limit', side: 'buy', amount: 0.001, price: px(10 + i) }));
    const placed = await ex.createOrders(orders);
    assert.deepStrictEqual(placed.map((o) => o.status), Array(12).fill('open'));
    assert.strictEqual(new Set(placed.map((o) => o.id)).size, 12);
    assert.strictEqual(open().length, 12);
    assert.strictEqual(sim.faults.dropConnections({ path: '/v5/trade' }), 0, 'no trade socket was opened');
    const some = await ex.cancelOrders(placed.slice(0, 3).map((o) => o.id), SYMBOL);
    assert.deepStrictEqual(some.map((o) => o.status), ['canceled', 'canceled', 'canceled']);
    assert.strictEqual(open().length, 9);
    const rest = await ex.cancelAllOrders(SYMBOL);
    assert.deepStrictEqual(rest.map((o) => o.id).sort(), placed.slice(3).map((o) => o.id).sort());
    assert.deepStrictEqual(open(), []);
    await balancesMatch(ex, sim);
  });

  it('an empty batch is a BadRequest before any request', async () => {
    client();
    for (const p of [ex.createOrders([]), ex.editOrders([]), ex.cancelOrders([], SYMBOL)]) {
      const e = await rejection(p);
      assert.ok(e instanceof errors.BadRequest, `${e}`);
    }
  });

  it('a batch whose reply is lost with the trade socket: looked up by orderLinkId, nothing placed twice', async () => {
    client({ timeoutMs: 3000 });
    await balancesMatch(ex, sim);
    sim.faults.silence();
    const pending = ex.createOrders([
      { symbol: SYMBOL, type: 'limit', side: 'buy', amount: 0.001, price: px(5), params: { clientOrderId: 'lost-b1' } },
      { symbol: SYMBOL, type: 'limit', side: 'buy', amount: 0.001, price: px(6), params: { clientOrderId: 'lost-b2' } },
    ]);
    await until(() => open().length === 2, 'both orders in the book');
    assert.ok(sim.faults.dropConnections({ path: '/v5/trade' }) >= 1);
    sim.faults.resume();
    const got = await pending;
    assert.deepStrictEqual(got.map((o) => [o.clientOrderId, o.status]), [['lost-b1', 'open'], ['lost-b2', 'open']]);
    assert.strictEqual(open().length, 2, 'not placed twice');
  });

  it('a REST create whose reply is lost: the resend is refused as a duplicate orderLinkId (170141) and the order is looked up', async () => {
    client({ wsTrading: false, timeoutMs: 1000 });
    await balancesMatch(ex, sim);
    // the order takes effect at once, its reply comes after the client gave up
    sim.faults.delayOrderReplies(60_000);
    const pending = ex.createOrder(SYMBOL, 'limit', 'buy', 0.002, px(5), { clientOrderId: 'rest-lost-1' });
    await until(() => open().length === 1, 'the order in the book');
    // replies are prompt again for the resend (and its refusal)
    sim.faults.delayOrderReplies(0);
    const o = await pending;
    assert.deepStrictEqual([o.clientOrderId, o.status, o.price, o.amount], ['rest-lost-1', 'open', px(5), 0.002]);
    assert.deepStrictEqual((await ex.fetchOpenOrders(SYMBOL)).map((x) => x.id), [o.id]);
    assert.strictEqual(open().length, 1, 'not placed twice');
  });
});
