'use strict';
/**
 * MarketStore.update, behind FrameSink.marketUpdate (an exchange announcing new reference data for
 * a market on an always-on stream): the market is replaced in both indexes, the object handed out
 * before is left as it was, an update that changes nothing or names an unknown symbol does nothing,
 * and nothing happens before the markets are loaded.
 */
const assert = require('assert');
const { MarketStore } = require('../js/base/markets');

const market = (symbol, id, price) => ({ symbol, id, base: symbol.split('/')[0], quote: symbol.split('/')[1], precision: { price, amount: 1e-8 }, limits: { amount: {}, price: {}, cost: {} }, info: {} });

describe('MarketStore.update (market reference data changed on a stream)', () => {
  it('replaces the market in both indexes and leaves the old object as it was', async () => {
    const store = new MarketStore('x', async () => [market('BTC/USD', 'XBTUSD', 0.1), market('ETH/USD', 'ETHUSD', 0.01)]);
    store.update('BTC/USD', (m) => ({ ...m, precision: { ...m.precision, price: 0.01 } }));
    assert.strictEqual(store.bySymbol, undefined, 'nothing before the markets are loaded');
    await store.load();
    const before = store.get('BTC/USD');
    store.update('BTC/USD', (m) => ({ ...m, precision: { ...m.precision, price: 0.001 } }));
    const after = store.get('BTC/USD');
    assert.notStrictEqual(after, before);
    assert.strictEqual(before.precision.price, 0.1);
    assert.strictEqual(after.precision.price, 0.001);
    assert.strictEqual(store.byId.XBTUSD, after);
    // no change, and an unknown symbol: nothing happens
    store.update('BTC/USD', () => undefined);
    assert.strictEqual(store.get('BTC/USD'), after);
    let called = false;
    store.update('DOGE/USD', () => {
      called = true;
      return market('DOGE/USD', 'XDGUSD', 1e-7);
    });
    assert.strictEqual(called, false);
    assert.throws(() => store.get('DOGE/USD'), /unknown symbol/);
    assert.strictEqual(store.get('ETH/USD').precision.price, 0.01);
  });
});
