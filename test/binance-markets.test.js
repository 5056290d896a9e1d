'use strict';
/** Binance markets parsed from the real exchangeInfo capture (cryptofeed BINANCE.0, in test/fixtures). */
const assert = require('assert');
const { parseMarkets } = require('../js/exchanges/binance/markets');
const { readFixture } = require('./support/fixtures');

describe('binance markets from the captured exchangeInfo', () => {
  let markets;
  before(() => {
    const line = readFixture('cryptofeed/BINANCE.0.exchangeInfo.gz')
      .split('\n')
      .find((l) => l.includes('/api/v3/exchangeInfo'));
    const json = JSON.parse(line.slice(line.indexOf(': ') + 2));
    markets = parseMarkets(json);
  });

  it('maps every spot symbol to a unified BASE/QUOTE symbol with precision and limits', () => {
    assert.ok(markets.length > 1000, `${markets.length} markets`);
    const btc = markets.find((m) => m.id === 'BTCUSDT');
    assert.strictEqual(btc.symbol, 'BTC/USDT');
    assert.strictEqual(btc.base, 'BTC');
    assert.strictEqual(btc.quote, 'USDT');
    assert.strictEqual(btc.active, true);
    assert.strictEqual(btc.precision.price, 0.01);
    assert.strictEqual(btc.precision.amount, 0.00001);
    assert.strictEqual(btc.limits.amount.min, 0.00001);
    assert.ok(btc.limits.cost.min > 0);
    const ids = new Set(markets.map((m) => m.symbol));
    assert.strictEqual(ids.size, markets.length, 'unified symbols are unique');
  });

  it('marks halted or delisted symbols inactive', () => {
    const inactive = markets.filter((m) => !m.active);
    assert.ok(inactive.length > 0);
    for (const m of inactive) assert.notStrictEqual(m.info.status, 'TRADING');
  });
});
