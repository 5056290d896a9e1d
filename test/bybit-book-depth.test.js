'use strict';
/**
 * Bybit book depth follows the caller's `limit` (Bybit spot streams orderbook.1/50/200/1000; the
 * client takes the smallest of 50/200/1000 that holds the limit, 200 when none is given, and the
 * `bookDepth` option overrides). Checked on the simulator, which reports the orderbook topics its
 * clients subscribe (`sim.bookTopics()`), and against the simulator's own book: a book moved to a
 * deeper stream for a later, larger limit is exact again at the new depth, without a resync.
 *
 * The simulated books hold 300 levels a side: orderbook.50 / .200 give 50 / 200, orderbook.1000
 * all 300.
 */
const assert = require('assert');
const { isDeepStrictEqual } = require('util');
const { bybit } = require('..');
const { simulate } = require('../js/sim');
const { until, withTimeout } = require('./support/wait');
const { sides, top } = require('./support/book');
const { depthFor } = require('../js/exchanges/bybit/streams');

/** The next value of a watch that satisfies `pred` (a copy of its levels). */
function nextWhere(watch, pred, what) {
  let last;
  return withTimeout(what, 10_000, (resolve, reject) => {
    (async () => {
      for (;;) {
        const { value, done } = await watch.next();
        if (done) throw new Error(`watch ended while waiting for ${what}`);
        last = sides(value);
        if (pred(last)) return last;
      }
    })().then(resolve, (e) => reject(e));
  }).catch((e) => {
    if (last) e.message += ` (last book: ${last.bids.length} bids, ${last.asks.length} asks)`;
    throw e;
  });
}

describe('bybit book depth from the caller\'s limit (simulator)', function () {
  let sim;
  let ex;
  let errs;
  let resyncs;

  beforeEach(async () => {
    sim = await simulate('bybit', { port: 0, seed: 5, tickMs: 10, symbols: ['BTC/USDT', 'ETH/USDT'] });
  });

  afterEach(async () => {
    await ex?.close();
    ex = undefined;
    await sim.close();
  });

  const client = (o = {}) => {
    ex = new bybit({ ws: true, urls: sim.urls, timeoutMs: 8000, reconnect: { baseDelayMs: 20, maxDelayMs: 200 }, ...o });
    errs = [];
    resyncs = [];
    ex.on('error', (e) => errs.push(e));
    ex.on('resync', (e) => resyncs.push(e));
    return ex;
  };

  /** Pauses the flow and waits until the watch shows the server's top `n` levels a side. */
  async function exactAt(watch, symbol, n) {
    sim.pause();
    sim.flush();
    const truth = top(sim.book(symbol), n);
    try {
      return await nextWhere(watch, (b) => isDeepStrictEqual(b, sides(truth)), `${symbol} equal to the server's top ${n}`);
    } finally {
      sim.resume();
    }
  }

  it('the smallest documented depth that holds the limit; 200 when unsaid; 1000 beyond', () => {
    assert.deepStrictEqual([1, 50, 51, 200, 201, 1000, 5000, undefined].map(depthFor), [50, 50, 200, 200, 1000, 1000, 1000, 200]);
  });

  it('watchOrderBook(limit 20) subscribes orderbook.50; a later limit 250 moves the book to orderbook.1000, exact, no resync', async () => {
    client();
    const w20 = ex.watchOrderBook('BTC/USDT', 20);
    const first = await exactAt(w20, 'BTC/USDT', 20);
    assert.strictEqual(first.bids.length, 20);
    assert.deepStrictEqual(sim.bookTopics(), ['orderbook.50.BTCUSDT']);
    // the same stream serves a limit up to 50: the book holds exactly the top 50
    const w50 = ex.watchOrderBook('BTC/USDT', 50);
    const b50 = await exactAt(w50, 'BTC/USDT', 50);
    assert.strictEqual(b50.bids.length, 50);
    assert.strictEqual(b50.asks.length, 50);
    assert.deepStrictEqual(sim.bookTopics(), ['orderbook.50.BTCUSDT']);

    // 250 levels need orderbook.1000 (200 is too shallow): the book starts over on it
    const w250 = ex.watchOrderBook('BTC/USDT', 250);
    const deep = await exactAt(w250, 'BTC/USDT', 250);
    await until(() => isDeepStrictEqual(sim.bookTopics(), ['orderbook.1000.BTCUSDT']), 'the book moved to orderbook.1000 (and left orderbook.50)');
    assert.strictEqual(deep.bids.length, 250);
    assert.strictEqual(deep.asks.length, 250);
    // fetchOrderBook with a limit the deep stream covers answers from it, beyond 200 levels
    const all = await ex.fetchOrderBook('BTC/USDT', 1000);
    assert.ok(all.bids.length > 200 && all.asks.length > 200, `more than 200 levels a side, got ${all.bids.length}/${all.asks.length}`);
    // the first watcher carries on, on the new stream
    await exactAt(w20, 'BTC/USDT', 20);
    assert.deepStrictEqual(sim.bookTopics(), ['orderbook.1000.BTCUSDT']);
    assert.deepStrictEqual(resyncs, []);
    assert.deepStrictEqual(errs, []);
    for (const w of [w20, w50, w250]) await w.return();
  });

  it('no limit: orderbook.200, exactly 200 levels a side; a smaller later limit keeps it', async () => {
    client();
    const w = ex.watchOrderBook('ETH/USDT');
    const b = await exactAt(w, 'ETH/USDT', 200);
    assert.strictEqual(b.bids.length, 200);
    assert.deepStrictEqual(sim.bookTopics(), ['orderbook.200.ETHUSDT']);
    const small = await ex.fetchOrderBook('ETH/USDT', 10);
    assert.strictEqual(small.bids.length, 10);
    assert.deepStrictEqual(sim.bookTopics(), ['orderbook.200.ETHUSDT']);
    assert.deepStrictEqual(resyncs, []);
    await w.return();
  });

  it('fetchOrderBook(limit 150) with ws: true syncs from orderbook.200', async () => {
    client();
    const b = await ex.fetchOrderBook('BTC/USDT', 150);
    assert.strictEqual(b.bids.length, 150);
    assert.deepStrictEqual(sim.bookTopics(), ['orderbook.200.BTCUSDT']);
  });

  it('the bookDepth option overrides the limit', async () => {
    client({ bookDepth: 50 });
    const w = ex.watchOrderBook('BTC/USDT', 250);
    const b = await exactAt(w, 'BTC/USDT', 50);
    // only 50 levels exist on orderbook.50: the book is the server's top 50, never more
    assert.strictEqual(b.bids.length, 50);
    assert.deepStrictEqual(sim.bookTopics(), ['orderbook.50.BTCUSDT']);
    await w.return();
  });
});
