'use strict';
/**
 * Wallet endpoints general-purpose Binance clients call while loading markets with keys set
 * (ccxt does: margin pair lists, coin configuration). Shapes per Binance's wallet and margin docs.
 */
const assert = require('assert');
const { simulate } = require('../js/sim');
const { signedRest } = require('./support/binance-api');

const signedGet = (sim, path, opts) => signedRest(sim, 'GET', path, {}, opts);

describe('binance simulator: wallet and margin lists', () => {
  let sim;
  before(async () => {
    sim = await simulate('binance', { port: 0, seed: 1, autoFlow: false, balances: { USDT: 1000, BTC: 0.5 } });
  });
  after(() => sim.close());

  it('GET /sapi/v1/capital/config/getall lists the account coins with a default network', async () => {
    const { status, body } = await signedGet(sim, '/sapi/v1/capital/config/getall');
    assert.strictEqual(status, 200);
    const usdt = body.find((c) => c.coin === 'USDT');
    assert.strictEqual(usdt.free, '1000.00000000');
    assert.strictEqual(usdt.locked, '0.00000000');
    assert.strictEqual(usdt.networkList.length, 1);
    assert.strictEqual(usdt.networkList[0].isDefault, true);
    assert.strictEqual(usdt.networkList[0].depositEnable, true);
    assert.ok(body.some((c) => c.coin === 'BTC' && c.free === '0.50000000'));
  });

  it('margin pair lists are empty for the simulated (spot-only) account, and still need a valid key', async () => {
    for (const path of ['/sapi/v1/margin/allPairs', '/sapi/v1/margin/isolated/allPairs']) {
      const ok = await signedGet(sim, path);
      assert.strictEqual(ok.status, 200, path);
      assert.deepStrictEqual(ok.body, []);
      const bad = await signedGet(sim, path, { key: 'not-a-key' });
      assert.strictEqual(bad.status, 401, path);
      assert.strictEqual(bad.body.code, -2015);
    }
  });
});
