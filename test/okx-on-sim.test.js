'use strict';
/**
 * The OKX client against the embedded OKX simulator (real order flow, v5 protocol): the book stays
 * exact — level for level, the server's whole book (which stays within the 400-level window), at
 * the seqId the server last published — under steady flow and through each injected fault, with
 * the resync reason the fault calls for; plus the REST path and the other channels.
 */
const assert = require('assert');
const { isDeepStrictEqual } = require('util');
const { okx, errors } = require('..');
const { simulate } = require('../js/sim');
const { nextEvent, sides } = require('./support/wait');

const SYMBOL = 'BTC/USDT';

/** Stops the flow, publishes what is pending, and resolves once the client's book is the truth. */
function settled(ex, sim, symbol = SYMBOL) {
  sim.pause();
  sim.flush();
  const truth = sim.book(symbol);
  const want = sides(truth);
  return new Promise((resolve, reject) => {
    let done = false;
    let off = () => {};
    const check = (book) => {
      if (done || !isDeepStrictEqual(sides(book), want)) return;
      done = true;
      off();
      resolve({ book: sides(book), nonce: book.nonce, truth });
    };
    off = ex.on('orderbook', symbol, check);
    ex.fetchOrderBook(symbol).then(check, reject);
  });
}

function assertExact({ book, nonce, truth }) {
  assert.deepStrictEqual(book, sides(truth));
  assert.ok(book.bids.length > 100 && book.asks.length > 100, 'a deep book');
  assert.ok(nonce <= truth.lastUpdateId, 'the seqId is the engine update id of the last push');
}

describe('okx client on the simulator: exact book through faults', function () {
  let sim;
  let ex;
  let errs;
  let resyncs;

  beforeEach(async () => {
    sim = await simulate('okx', { port: 0, seed: 42, tickMs: 10 });
    ex = new okx({
      ws: true,
      urls: sim.urls,
      timeoutMs: 8000,
      staleTimeoutMs: 1500,
      reconnect: { baseDelayMs: 20, maxDelayMs: 200 },
    });
    errs = [];
    resyncs = [];
    ex.on('error', (e) => errs.push(e));
    ex.on('resync', (e) => resyncs.push(e));
  });

  afterEach(async () => {
    await ex.close();
    await sim.close();
  });

  async function flow(n, symbol = SYMBOL) {
    sim.resume();
    let seen = 0;
    await nextEvent(ex, 'orderbook', () => ++seen >= n, symbol);
  }

  it('keeps an exact book under steady order flow', async () => {
    await ex.fetchOrderBook(SYMBOL);
    await flow(10);
    assertExact(await settled(ex, sim));
    await flow(10);
    assertExact(await settled(ex, sim));
    assert.deepStrictEqual(resyncs, []);
    assert.deepStrictEqual(errs, []);
  });

  it('resyncs after a lost update (reason gap), that symbol only', async () => {
    await ex.fetchOrderBook(SYMBOL);
    await ex.fetchOrderBook('ETH/USDT');
    await flow(3);
    const resync = nextEvent(ex, 'resync');
    sim.faults.skipSequence(SYMBOL);
    const e = await resync;
    assert.strictEqual(e.reason, 'gap');
    assert.strictEqual(e.symbol, SYMBOL);
    await flow(5);
    assertExact(await settled(ex, sim));
    assertExact(await settled(ex, sim, 'ETH/USDT'));
    assert.deepStrictEqual(resyncs.map((r) => [r.symbol, r.reason]), [[SYMBOL, 'gap']]);
  });

  it('resyncs on a corrupted checksum (reason checksum)', async () => {
    await ex.fetchOrderBook(SYMBOL);
    await flow(3);
    const resync = nextEvent(ex, 'resync');
    sim.faults.corruptChecksum(SYMBOL);
    const e = await resync;
    assert.strictEqual(e.reason, 'checksum');
    assert.strictEqual(e.symbol, SYMBOL);
    await flow(5);
    assertExact(await settled(ex, sim));
  });

  it('survives dropped connections (reason reconnect)', async () => {
    await ex.fetchOrderBook(SYMBOL);
    await flow(3);
    const resync = nextEvent(ex, 'resync');
    assert.ok(sim.faults.dropConnections({ path: '/ws/v5/public' }) >= 1);
    assert.strictEqual((await resync).reason, 'reconnect');
    await flow(5);
    assertExact(await settled(ex, sim));
  });

  it('ignores a malformed frame, reports it, and stays exact', async () => {
    await ex.fetchOrderBook(SYMBOL);
    const err = nextEvent(ex, 'error');
    assert.ok(sim.faults.malformedFrame() >= 1);
    assert.ok((await err) instanceof errors.BadResponse);
    await flow(5);
    assertExact(await settled(ex, sim));
    assert.deepStrictEqual(resyncs, []);
  });

  it('declares a silent server stale and rebuilds the book', async () => {
    await ex.fetchOrderBook(SYMBOL);
    const resync = nextEvent(ex, 'resync');
    sim.faults.silence();
    assert.strictEqual((await resync).reason, 'stale');
    sim.faults.resume();
    await flow(5);
    assertExact(await settled(ex, sim));
  });

  it('reads markets, books and tickers over REST, and reports a rate limit', async () => {
    const rest = new okx({ urls: sim.urls, timeoutMs: 5000 });
    try {
      const markets = await rest.loadMarkets();
      assert.strictEqual(markets[SYMBOL].id, 'BTC-USDT');
      assert.strictEqual(markets[SYMBOL].precision.price, 0.1);
      sim.pause();
      const book = await rest.fetchOrderBook(SYMBOL, 50);
      const truth = sim.book(SYMBOL);
      assert.deepStrictEqual(sides(book), { bids: truth.bids.slice(0, 50), asks: truth.asks.slice(0, 50) });
      const ticker = await rest.fetchTicker(SYMBOL);
      assert.strictEqual(ticker.bid, truth.bids[0][0]);
      assert.strictEqual(ticker.askVolume, truth.asks[0][1]);
      sim.resume();
      sim.faults.rateLimit({ retryAfterSec: 1 });
      await assert.rejects(rest.fetchTicker(SYMBOL), errors.RateLimitExceeded);
    } finally {
      await rest.close();
    }
  });

  it('streams tickers, trades and candles', async () => {
    const trades = await ex.watchTrades(SYMBOL);
    assert.ok(trades.length > 0);
    for (const t of trades) {
      assert.strictEqual(t.symbol, SYMBOL);
      assert.ok(t.side === 'buy' || t.side === 'sell');
      assert.ok(t.price > 0 && t.amount > 0);
    }
    const ticker = await ex.watchTicker(SYMBOL);
    assert.ok(ticker.bid < ticker.ask);
    const candles = await ex.watchOHLCV(SYMBOL, '1m');
    const [t, o, h, l, c] = candles[candles.length - 1];
    assert.strictEqual(t % 60_000, 0);
    assert.ok(l <= o && o <= h && l <= c && c <= h);
  });
});
