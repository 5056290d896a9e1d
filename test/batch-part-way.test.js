'use strict';
/**
 * A batch op that goes out in several requests and fails at a later one: the error says which
 * orders the earlier requests placed (`error.done`), so a caller never places them again.
 * Kraken's batch_add takes one pair a request: a list of two pairs is two requests, and the second
 * is refused whole by the simulator (two orders with one cl_ord_id: EOrder:Duplicate cl_ord_id).
 */
const assert = require('assert');
const { kraken, errors } = require('..');
const { simulate } = require('../js/sim');

describe('batch orders that fail part-way', function () {
  this.timeout(20000);
  let sim;
  let ex;
  beforeEach(async () => {
    sim = await simulate('kraken', { port: 0, seed: 11, autoFlow: false, balances: { USD: 10000, BTC: 1, ETH: 10 } });
    ex = new kraken({ apiKey: sim.apiKey, secret: sim.secret, ws: true, urls: sim.urls });
  });
  afterEach(async () => {
    await ex.close();
    await sim.close();
  });

  it("createOrders: a later request refused whole throws, carrying the orders the earlier one placed (live, never to be sent again)", async () => {
    const btc = sim.book('BTC/USD').bids[0][0];
    const eth = sim.book('ETH/USD').bids[0][0];
    const low = (p, n) => +(p * (1 - 0.01 * n)).toFixed(1);
    const err = await ex
      .createOrders([
        { symbol: 'BTC/USD', type: 'limit', side: 'buy', amount: 0.001, price: low(btc, 1) },
        { symbol: 'BTC/USD', type: 'limit', side: 'buy', amount: 0.001, price: low(btc, 2) },
        { symbol: 'ETH/USD', type: 'limit', side: 'buy', amount: 0.01, price: low(eth, 1), params: { clientOrderId: 'same-id' } },
        { symbol: 'ETH/USD', type: 'limit', side: 'buy', amount: 0.01, price: low(eth, 2), params: { clientOrderId: 'same-id' } },
      ])
      .then(
        () => assert.fail('the refused request must throw'),
        (e) => e,
      );
    assert.ok(err instanceof errors.ExchangeError, `${err.name}: ${err.message}`);
    assert.ok(Array.isArray(err.done), 'the error carries what went out before it');
    assert.deepStrictEqual(err.done.map((o) => [o.symbol, o.status]), [['BTC/USD', 'open'], ['BTC/USD', 'open']]);
    const open = await ex.fetchOpenOrders('BTC/USD');
    assert.deepStrictEqual(open.map((o) => o.id).sort(), err.done.map((o) => o.id).sort(), 'exactly those are live');
    assert.deepStrictEqual(await ex.fetchOpenOrders('ETH/USD'), []);
  });

  it('a clientOrderId in the params shared by a whole batch is refused before anything is sent', async () => {
    await assert.rejects(
      ex.createOrders([{ symbol: 'BTC/USD', type: 'limit', side: 'buy', amount: 0.001, price: 1000 }], { clientOrderId: 'x' }),
      (e) => e instanceof errors.BadRequest && /clientOrderId/.test(e.message),
    );
    assert.deepStrictEqual(await ex.fetchOpenOrders('BTC/USD'), []);
  });
});
