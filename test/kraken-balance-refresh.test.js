'use strict';
/**
 * Kraken's BalanceEx refresh (the balances channel does not say what open orders hold, so every
 * executions / balances update makes the client read BalanceEx again) follows Kraken's documented
 * REST call counter (docs.kraken.com "Spot REST Rate Limits": every call adds 1 to a counter that
 * may not pass 15 / 20 / 20 and decays by 0.33 / 0.5 / 1 a second, starter / intermediate / pro;
 * ledger / trade history calls add 2): refreshes burst to a third of the counter, then run at half
 * its decay rate, coalesced, so a stream of executions never drives the counter up, and the last
 * refresh still comes (the balance ends exact).
 */
const assert = require('assert');
const sinon = require('sinon');
const { kraken } = require('..');
const { simulate } = require('../js/sim');
const { RestClient } = require('../js/transport/rest-client');
const { RefreshBudget, KRAKEN_TIERS } = require('../js/exchanges/kraken/private');
const { balancesMatch } = require('./support/private');

describe('kraken: BalanceEx refreshes within the documented REST call counter', function () {
  it('the refresh budget: a third of the counter at once, then half the decay rate', () => {
    const t = KRAKEN_TIERS.starter;
    assert.deepStrictEqual([KRAKEN_TIERS.starter, KRAKEN_TIERS.intermediate, KRAKEN_TIERS.pro], [
      { max: 15, decayPerSec: 0.33 },
      { max: 20, decayPerSec: 0.5 },
      { max: 20, decayPerSec: 1 },
    ]);
    const b = new RefreshBudget(Math.floor(t.max / 3), t.decayPerSec / 2);
    const now = 1_000_000;
    for (let i = 0; i < 5; i++) assert.strictEqual(b.take(now), 0, `burst ${i}`);
    // empty: one more after 1 / 0.165 s
    const wait = b.take(now);
    assert.strictEqual(wait, Math.ceil(1000 / 0.165));
    assert.ok(b.take(now + wait - 10) > 0);
    assert.strictEqual(b.take(now + wait), 0);
  });

  describe('on the simulator', function () {
    let sim;
    let ex;
    let spy;
    beforeEach(async () => {
      sim = await simulate('kraken', { port: 0, seed: 5, autoFlow: false, balances: { USD: 100000, BTC: 1 } });
      spy = sinon.spy(RestClient.prototype, 'request');
      ex = new kraken({ ws: true, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret, reconnect: { baseDelayMs: 20, maxDelayMs: 100 } });
    });
    afterEach(async () => {
      spy.restore();
      await ex.close();
      await sim.close();
    });

    const balanceCalls = () => spy.getCalls().filter((c) => c.args[1] === '/0/private/BalanceEx').length;

    it('orders placed and canceled one after another (a steady stream of executions) cost at most a burst of BalanceEx calls, and the balance ends exact', async () => {
      await balancesMatch(ex, sim, ['USD', 'BTC']);
      const before = balanceCalls();
      const bid = sim.book('BTC/USD').bids[0][0];
      for (let i = 0; i < 10; i++) {
        const o = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.001, +(bid - 10 - i * 0.1).toFixed(1));
        assert.strictEqual((await ex.cancelOrder(o.id, 'BTC/USD')).status, 'canceled');
      }
      // twenty separate execution updates went by; refreshes were held to the budget's burst (5)
      const during = balanceCalls() - before;
      assert.ok(during <= 5, `${during} BalanceEx calls`);
      // and the held-back refresh still comes: the balance is exact (nothing used)
      const bal = await balancesMatch(ex, sim, ['USD', 'BTC']);
      assert.strictEqual(bal.USD.used, 0);
      assert.ok(balanceCalls() - before <= 6, `${balanceCalls() - before} BalanceEx calls`);
    });
  });
});
