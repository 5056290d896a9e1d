'use strict';
/**
 * Kraken v2 `instrument` channel followed while books are open (docs.kraken.com websocket-v2
 * "instrument": price_precision / qty_precision of every pair, a snapshot then updates). The book
 * checksum is rendered at those precisions ("Spot Websockets (v2) Book Checksum"), so when the
 * simulator changes a pair's precision live, the client must render at the new one from the next
 * message on: the book stays exact with no resync. The counter-test shows the same change left
 * unannounced fails every checksum (what happened before the channel was followed), and that a
 * markets reload then recovers the book.
 */
const assert = require('assert');
const { kraken, errors } = require('..');
const { simulate } = require('../js/sim');
const { nextEvent, until } = require('./support/wait');
const { settled, assertExact } = require('./support/book');
const { CLIENT_DEFAULTS } = require('./support/on-sim');

const SPEC = { nonce: 'none', depth: 10 };

describe('kraken: a pair precision change announced on the instrument channel', function () {
  let sim;
  let ex;
  let errs;
  let resyncs;

  beforeEach(async () => {
    sim = await simulate('kraken', { port: 0, seed: 7, symbols: ['BTC/USD', 'ETH/USD'] });
    ex = new kraken({ ws: true, urls: sim.urls, bookDepth: 10, ...CLIENT_DEFAULTS });
    errs = [];
    resyncs = [];
    ex.on('error', (e) => errs.push(e));
    ex.on('resync', (e) => resyncs.push(e));
  });

  afterEach(async () => {
    await ex.close();
    await sim.close();
  });

  /** Resolves after `n` more updates of the book (flow running). */
  async function updates(n, symbol = 'BTC/USD') {
    sim.resume();
    let seen = 0;
    await nextEvent(ex, 'orderbook', () => ++seen >= n, symbol, { what: `${n} updates of ${symbol}` });
  }

  it('re-renders the checksum at the new precision: checksums pass, no resync, the book stays exact', async () => {
    await ex.fetchOrderBook('BTC/USD');
    await updates(5);
    const before = ex.markets['BTC/USD'];
    assert.strictEqual(before.info.pair_decimals, 1);
    assert.strictEqual(before.info.lot_decimals, 8);

    // from now on BTC/USD goes out with 3 price and 10 qty decimals (every level's text and the
    // checksum change); announced on `instrument` ahead of the next book message
    sim.setPrecision('BTC/USD', { price: 3, qty: 10 });
    await until(() => ex.markets['BTC/USD'].info.pair_decimals === 3, 'the instrument update applied');
    const after = ex.markets['BTC/USD'];
    assert.strictEqual(after.info.lot_decimals, 10);
    assert.notStrictEqual(after, before, 'a new market object');
    assert.strictEqual(before.info.pair_decimals, 1, 'the market handed out earlier is left as it was');
    assert.strictEqual(ex.marketsById[after.id], after);

    // many messages, each checked at 3 / 10 decimals
    await updates(30);
    assertExact(await settled(ex, sim, 'BTC/USD', SPEC), SPEC);
    assert.deepStrictEqual(resyncs, [], 'no resync across the precision change');
    assert.deepStrictEqual(errs, []);
    // the other pair was not touched
    assert.strictEqual(ex.markets['ETH/USD'].info.pair_decimals, 2);
  });

  it('counter-test: the same change unannounced fails the checksum until markets are reloaded', async () => {
    await ex.fetchOrderBook('BTC/USD');
    await updates(5);
    const failed = nextEvent(ex, 'resync', (e) => e.symbol === 'BTC/USD' && e.reason === 'checksum');
    sim.setPrecision('BTC/USD', { price: 3, qty: 10 }, { announce: false });
    sim.resume();
    await failed;
    // the fresh snapshot fails too: reported once as a likely precision change
    await until(() => errs.some((e) => e instanceof errors.ChecksumError && /precision changed/.test(e.message)), 'the precision hint on error');
    assert.strictEqual(ex.markets['BTC/USD'].info.pair_decimals, 1, 'nothing announced it');

    // AssetPairs now says 3 / 10: a reload gives the verifier the new precision
    await ex.loadMarkets(true);
    assert.strictEqual(ex.markets['BTC/USD'].info.pair_decimals, 3);
    await until(() => resyncs.length > 0 && ex.fetchOrderBook('BTC/USD').then(() => true), 'the book back');
    const n = resyncs.length;
    await updates(20);
    assertExact(await settled(ex, sim, 'BTC/USD', SPEC), SPEC);
    assert.strictEqual(resyncs.length, n, 'no further resync once the precision is known');
  });

  it('an announcement that comes late (after book messages at the new precision) ends the failing resyncs without a markets reload', async () => {
    await ex.fetchOrderBook('BTC/USD');
    await updates(5);
    const failed = nextEvent(ex, 'resync', (e) => e.symbol === 'BTC/USD' && e.reason === 'checksum');
    sim.setPrecision('BTC/USD', { price: 2 }, { announce: false });
    sim.resume();
    await failed;
    // now the instrument channel says it (same precision, announced)
    sim.setPrecision('BTC/USD', { price: 2 });
    await until(() => ex.markets['BTC/USD'].info.pair_decimals === 2, 'the late instrument update applied');
    await until(() => ex.fetchOrderBook('BTC/USD').then(() => true), 'the book back');
    const n = resyncs.length;
    await updates(20);
    assertExact(await settled(ex, sim, 'BTC/USD', SPEC), SPEC);
    assert.strictEqual(resyncs.length, n, 'no further resync once announced');
  });

  it('keeps following instrument while any book is open (one of two closed)', async () => {
    const offA = ex.on('orderbook', 'BTC/USD', () => {});
    await ex.fetchOrderBook('ETH/USD');
    await ex.fetchOrderBook('BTC/USD');
    offA();
    // ETH/USD still open: its precision change still arrives and is followed
    sim.setPrecision('ETH/USD', { price: 4 });
    await until(() => ex.markets['ETH/USD'].info.pair_decimals === 4, 'ETH/USD instrument update with one book open');
    await updates(20, 'ETH/USD');
    assertExact(await settled(ex, sim, 'ETH/USD', SPEC), SPEC);
    assert.deepStrictEqual(resyncs, []);
    assert.deepStrictEqual(errs, []);
  });
});
