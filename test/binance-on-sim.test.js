'use strict';
/**
 * The Binance client against the embedded simulator (real order flow, real protocol): the book
 * stays exact — level for level, at the same update id as the server — through every injected fault.
 */
const assert = require('assert');
const { binance, errors } = require('..');
const { simulate } = require('../js/sim');
const { nextEvent, sides } = require('./support/wait');

const SYMBOL = 'BTC/USDT';

/** Stops the flow, then waits until the client's book reached the server's last update id. */
async function settled(ex, sim, symbol = SYMBOL) {
  sim.pause();
  const truth = sim.book(symbol);
  for (;;) {
    const book = await ex.fetchOrderBook(symbol);
    if (book.nonce >= truth.lastUpdateId) return { book, truth };
    await nextEvent(ex, 'orderbook', (b) => b.nonce >= truth.lastUpdateId, symbol);
  }
}

function assertExact({ book, truth }) {
  assert.strictEqual(book.nonce, truth.lastUpdateId, 'same update id as the server');
  assert.deepStrictEqual(sides(book), sides(truth));
  assert.ok(book.bids.length > 100 && book.asks.length > 100, 'a deep book');
}

describe('binance client on the simulator: exact book through faults', function () {
  let sim;
  let ex;
  let errs;
  let resyncs;

  beforeEach(async () => {
    sim = await simulate('binance', { port: 0, seed: 42, symbols: ['BTC/USDT', 'ETH/USDT'], tickMs: 10 });
    ex = new binance({
      ws: true,
      urls: sim.urls,
      timeoutMs: 8000,
      staleTimeoutMs: 600,
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
    await flow(10);
    assertExact(await settled(ex, sim));
    assert.deepStrictEqual(resyncs, []);
    assert.deepStrictEqual(errs, []);
  });

  it('survives dropped connections', async () => {
    await ex.fetchOrderBook(SYMBOL);
    await flow(5);
    const resync = nextEvent(ex, 'resync');
    assert.ok(sim.faults.dropConnections({ kind: 'stream' }) >= 1);
    assert.strictEqual((await resync).reason, 'reconnect');
    await flow(10);
    assertExact(await settled(ex, sim));
  });

  it('survives a skipped sequence number with an in-place resync', async () => {
    await ex.fetchOrderBook(SYMBOL);
    const eth = await ex.fetchOrderBook('ETH/USDT');
    assert.ok(eth.bids.length > 0);
    await flow(5);
    const resync = nextEvent(ex, 'resync');
    sim.faults.skipSequence(SYMBOL);
    const e = await resync;
    assert.strictEqual(e.reason, 'gap');
    assert.strictEqual(e.symbol, SYMBOL);
    await flow(10);
    assertExact(await settled(ex, sim));
    assertExact(await settled(ex, sim, 'ETH/USDT'));
    assert.deepStrictEqual(resyncs.map((r) => r.symbol), [SYMBOL], 'only the broken book resynced');
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

  it('rides out a rate-limited, slow snapshot (Retry-After honoured)', async () => {
    sim.faults.delaySnapshots(150);
    await ex.loadMarkets();
    sim.faults.rateLimit({ status: 429, retryAfterSec: 1, count: 1 });
    const book = await ex.fetchOrderBook(SYMBOL);
    assert.ok(book.bids.length > 0);
    assert.ok(errs.some((e) => e instanceof errors.RateLimitExceeded), 'the 429 was reported');
    await flow(10);
    assertExact(await settled(ex, sim));
  });
});
