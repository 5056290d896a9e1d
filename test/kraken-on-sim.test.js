'use strict';
/**
 * The Kraken client against the embedded Kraken simulator (real order flow, WebSocket v2 protocol):
 * the book stays exact — level for level within the subscribed depth, the same as the server's
 * truth — under steady flow and through each injected fault, with the resync reason the fault calls
 * for; plus the REST path and the other channels.
 */
const assert = require('assert');
const { isDeepStrictEqual } = require('util');
const { kraken, errors } = require('..');
const { simulate } = require('../js/sim');
const { nextEvent, sides } = require('./support/wait');

const SYMBOL = 'BTC/USD';
const DEPTH = 100;

const topN = (b, n) => ({ bids: b.bids.slice(0, n), asks: b.asks.slice(0, n) });

/** Stops the flow, publishes what is pending, and resolves once the client's book is the truth. */
function settled(ex, sim, symbol = SYMBOL) {
  sim.pause();
  sim.flush();
  const truth = topN(sim.book(symbol), DEPTH);
  return new Promise((resolve, reject) => {
    let done = false;
    let off = () => {};
    const check = (book) => {
      if (done || !isDeepStrictEqual(sides(book), truth)) return;
      done = true;
      off();
      resolve({ book: sides(book), truth });
    };
    off = ex.on('orderbook', symbol, check);
    ex.fetchOrderBook(symbol).then(check, reject);
  });
}

function assertExact({ book, truth }) {
  assert.deepStrictEqual(book, truth);
  assert.strictEqual(book.bids.length, DEPTH, 'a full-depth book');
  assert.strictEqual(book.asks.length, DEPTH);
}

describe('kraken client on the simulator: exact book through faults', function () {
  let sim;
  let ex;
  let errs;
  let resyncs;

  beforeEach(async () => {
    sim = await simulate('kraken', { port: 0, seed: 42, tickMs: 10, heartbeatMs: 200 });
    ex = new kraken({
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

  /** Lets the flow run until the client merged `n` more updates of the symbol. */
  async function flow(n, symbol = SYMBOL) {
    sim.resume();
    let seen = 0;
    await nextEvent(ex, 'orderbook', () => ++seen >= n, symbol);
  }

  it('keeps an exact book under steady order flow', async () => {
    await ex.fetchOrderBook(SYMBOL);
    await flow(20);
    assertExact(await settled(ex, sim));
    await flow(20);
    assertExact(await settled(ex, sim));
    assert.deepStrictEqual(resyncs, []);
    assert.deepStrictEqual(errs, []);
  });

  it('resyncs on a corrupted checksum (reason checksum), that symbol only', async () => {
    await ex.fetchOrderBook(SYMBOL);
    await ex.fetchOrderBook('ETH/USD');
    await flow(5);
    const resync = nextEvent(ex, 'resync');
    sim.faults.corruptChecksum(SYMBOL);
    const e = await resync;
    assert.strictEqual(e.reason, 'checksum');
    assert.strictEqual(e.symbol, SYMBOL);
    await flow(10);
    assertExact(await settled(ex, sim));
    assertExact(await settled(ex, sim, 'ETH/USD'));
    assert.deepStrictEqual(resyncs.map((r) => [r.symbol, r.reason]), [[SYMBOL, 'checksum']]);
  });

  it('detects a lost update through the next checksum and resyncs', async () => {
    await ex.fetchOrderBook(SYMBOL);
    await flow(5);
    const resync = nextEvent(ex, 'resync');
    sim.faults.skipSequence(SYMBOL);
    const e = await resync;
    assert.strictEqual(e.reason, 'checksum');
    assert.strictEqual(e.symbol, SYMBOL);
    await flow(10);
    assertExact(await settled(ex, sim));
  });

  it('survives dropped connections (reason reconnect)', async () => {
    await ex.fetchOrderBook(SYMBOL);
    await flow(5);
    const resync = nextEvent(ex, 'resync');
    assert.ok(sim.faults.dropConnections() >= 1);
    assert.strictEqual((await resync).reason, 'reconnect');
    await flow(10);
    assertExact(await settled(ex, sim));
  });

  it('ignores a malformed frame, reports it, and stays exact', async () => {
    await ex.fetchOrderBook(SYMBOL);
    const err = nextEvent(ex, 'error');
    assert.ok(sim.faults.malformedFrame() >= 1);
    assert.ok((await err) instanceof errors.BadResponse);
    await flow(10);
    assertExact(await settled(ex, sim));
    assert.deepStrictEqual(resyncs, []);
  });

  it('declares a silent server stale and rebuilds the book', async () => {
    await ex.fetchOrderBook(SYMBOL);
    const resync = nextEvent(ex, 'resync');
    sim.faults.silence();
    assert.strictEqual((await resync).reason, 'stale');
    sim.faults.resume();
    await flow(10);
    assertExact(await settled(ex, sim));
  });

  it('reads markets, books, tickers and trades over REST, and reports a rate limit', async () => {
    const rest = new kraken({ urls: sim.urls, timeoutMs: 5000 });
    try {
      const markets = await rest.loadMarkets();
      assert.strictEqual(markets[SYMBOL].id, 'XXBTZUSD');
      assert.strictEqual(markets[SYMBOL].precision.price, 0.1);
      sim.pause();
      const book = await rest.fetchOrderBook(SYMBOL, 50);
      assert.deepStrictEqual(sides(book), topN(sim.book(SYMBOL), 50));
      const ticker = await rest.fetchTicker(SYMBOL);
      assert.strictEqual(ticker.bid, sim.book(SYMBOL).bids[0][0]);
      assert.strictEqual(ticker.ask, sim.book(SYMBOL).asks[0][0]);
      sim.resume();
      sim.faults.rateLimit({ retryAfterSec: 1 });
      await assert.rejects(rest.fetchTicker(SYMBOL), errors.RateLimitExceeded);
      // the same limit said inside a 200 envelope, {"error":["EGeneral:Too many requests"]}
      sim.faults.rateLimit({ status: 200 });
      await assert.rejects(rest.fetchTicker(SYMBOL), (e) => e instanceof errors.RateLimitExceeded && /Too many requests/.test(e.message));
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
