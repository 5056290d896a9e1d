'use strict';
/**
 * Deposits and withdrawals where the private stream does not report them (Binance): REST is polled
 * at `transactionsPollMs` once someone watches them (DESIGN.md §1 "Pub — trading": "else by polling
 * REST at a documented interval"), and new or changed ones are pushed like streamed ones; with
 * `ws: true`, fetchDeposits answers from that state.
 */
const assert = require('assert');
const { binance } = require('..');
const { simulate } = require('../js/sim');

describe('deposits and withdrawals polled from REST where no stream reports them (binance)', function () {
  let sim;
  let ex;

  afterEach(async () => {
    await ex?.close();
    await sim?.close();
    ex = sim = undefined;
  });

  it("a deposit made on the exchange reaches on('transactions') and watchDeposits by polling, once", async () => {
    sim = await simulate('binance', { seed: 3, symbols: ['BTC/USDT'] });
    ex = new binance({ ws: true, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret, transactionsPollMs: 100 });
    ex.on('error', () => {});
    const seen = [];
    ex.on('transactions', (txs) => seen.push(...txs));
    const before = await ex.fetchDeposits('USDT'); // seeds the live state
    const it = ex.watchDeposits('USDT');
    const next = it.next();
    sim.deposit('USDT', 1234);
    const batch = (await next).value;
    assert.strictEqual(batch.length, 1);
    assert.deepStrictEqual([batch[0].type, batch[0].currency, batch[0].amount], ['deposit', 'USDT', 1234]);
    // a second deposit comes on a later poll: every poll in between found the first one unchanged,
    // so by then the first has been pushed exactly once
    const second = it.next();
    sim.deposit('USDT', 55);
    assert.deepStrictEqual((await second).value.map((t) => t.amount), [55]);
    assert.strictEqual(seen.filter((t) => t.amount === 1234).length, 1);
    assert.strictEqual(seen.filter((t) => t.amount === 55).length, 1);
    // ws: true pulls answer from the polled state
    const after = await ex.fetchDeposits('USDT');
    assert.strictEqual(after.length, before.length + 2);
    assert.ok(after.some((t) => t.amount === 1234));
    await it.return();
  });

  it('transactionsPollMs: 0 keeps deposits on REST only', async () => {
    sim = await simulate('binance', { seed: 3, symbols: ['BTC/USDT'] });
    ex = new binance({ ws: true, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret, transactionsPollMs: 0 });
    ex.on('error', () => {});
    const before = await ex.fetchDeposits('USDT');
    sim.deposit('USDT', 77);
    const after = await ex.fetchDeposits('USDT'); // straight from REST
    assert.strictEqual(after.length, before.length + 1);
  });
});
