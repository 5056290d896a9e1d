'use strict';
/**
 * Issue #18 on the embedded OKX simulator, in both of its books behaviours:
 * - 'rest-snapshot' (the default, OKX from 2026): no snapshot frame after subscribing, checksum 0;
 *   the client joins REST /api/v5/market/books by its seqId;
 * - 'stream-snapshot' (OKX before): a snapshot frame first, real checksums.
 * In each, the client's book is exact — level for level the server's whole book, at the seqId the
 * server last published (which REST reports) — under steady flow and through a lost update (one
 * 'gap' resync, that symbol only), a dropped socket ('reconnect'), a garbage frame (no resync) and
 * a seqId reset (no resync, then a REST join in the new numbering); a wrong non-zero checksum is
 * still a 'checksum' resync, and checksum 0 never causes one.
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

/** The seqId the server's REST book is current to (its last published one while subscribed). */
async function restSeqId(sim, instId = 'BTC-USDT') {
  const res = await fetch(`${sim.urls.rest}/api/v5/market/books?instId=${instId}&sz=1`);
  const body = await res.json();
  return body.data[0].seqId;
}

async function assertExact(sim, s, instId = 'BTC-USDT') {
  assert.deepStrictEqual(s.book, sides(s.truth));
  assert.ok(s.book.bids.length > 100 && s.book.asks.length > 100, 'a deep book');
  assert.strictEqual(s.nonce, await restSeqId(sim, instId), 'at the seqId the server last published');
}

for (const mode of ['rest-snapshot', 'stream-snapshot']) {
  describe(`okx client on the simulator, books: '${mode}'`, function () {
    let sim;
    let ex;
    let errs;
    let resyncs;

    beforeEach(async () => {
      sim = await simulate('okx', { port: 0, seed: 7, tickMs: 10, books: mode });
      ex = new okx({ ws: true, urls: sim.urls, timeoutMs: 8000, reconnect: { baseDelayMs: 20, maxDelayMs: 200 } });
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

    const sums = mode === 'rest-snapshot' ? 'every checksum 0, never taken for a failure' : 'every checksum verified';
    it(`syncs and stays exact under steady flow, no resync at all (${sums})`, async () => {
      await ex.fetchOrderBook(SYMBOL);
      await flow(10);
      await assertExact(sim, await settled(ex, sim));
      await flow(10);
      await assertExact(sim, await settled(ex, sim));
      assert.deepStrictEqual(resyncs, []);
      assert.deepStrictEqual(errs, []);
    });

    it('a lost update: one resync (reason gap), that symbol only; both books exact afterwards', async () => {
      await ex.fetchOrderBook(SYMBOL);
      await ex.fetchOrderBook('ETH/USDT');
      await flow(3);
      const resync = nextEvent(ex, 'resync');
      sim.faults.skipSequence(SYMBOL);
      const e = await resync;
      assert.strictEqual(e.reason, 'gap');
      assert.strictEqual(e.symbol, SYMBOL);
      assert.match(e.detail, /expected prevSeqId=\d+, got prevSeqId=\d+ seqId=\d+/);
      await flow(5);
      await assertExact(sim, await settled(ex, sim));
      await assertExact(sim, await settled(ex, sim, 'ETH/USDT'), 'ETH-USDT');
      assert.deepStrictEqual(resyncs.map((r) => [r.symbol, r.reason]), [[SYMBOL, 'gap']]);
    });

    it('a dropped socket: resync (reason reconnect), exact afterwards', async () => {
      await ex.fetchOrderBook(SYMBOL);
      await flow(3);
      const resync = nextEvent(ex, 'resync');
      assert.ok(sim.faults.dropConnections({ path: '/ws/v5/public' }) >= 1);
      assert.strictEqual((await resync).reason, 'reconnect');
      await flow(5);
      await assertExact(sim, await settled(ex, sim));
      assert.deepStrictEqual(resyncs.map((r) => r.reason), ['reconnect']);
    });

    it('a garbage frame is reported and ignored: no resync, exact afterwards', async () => {
      await ex.fetchOrderBook(SYMBOL);
      const err = nextEvent(ex, 'error');
      assert.ok(sim.faults.malformedFrame() >= 1);
      assert.ok((await err) instanceof errors.BadResponse);
      await flow(5);
      await assertExact(sim, await settled(ex, sim));
      assert.deepStrictEqual(resyncs, []);
    });

    it('a seqId reset is followed without a resync; a later REST join uses the new numbering', async () => {
      await ex.fetchOrderBook(SYMBOL);
      await flow(3);
      const before = (await settled(ex, sim)).nonce;
      sim.faults.resetSequence(SYMBOL);
      await flow(5);
      const after = await settled(ex, sim);
      await assertExact(sim, after);
      assert.ok(after.nonce < before, `seqIds restarted lower (${after.nonce} < ${before})`);
      assert.deepStrictEqual(resyncs, []);
      // rebuild from scratch after the reset: the snapshot and the stream agree on the new numbers
      const resync = nextEvent(ex, 'resync');
      sim.faults.dropConnections();
      assert.strictEqual((await resync).reason, 'reconnect');
      await flow(5);
      const rebuilt = await settled(ex, sim);
      await assertExact(sim, rebuilt);
      assert.ok(rebuilt.nonce < before);
      assert.deepStrictEqual(resyncs.map((r) => r.reason), ['reconnect']);
    });

    it('a wrong non-zero checksum is still caught (reason checksum), exact afterwards', async () => {
      await ex.fetchOrderBook(SYMBOL);
      await flow(3);
      const resync = nextEvent(ex, 'resync');
      sim.faults.corruptChecksum(SYMBOL);
      const e = await resync;
      assert.strictEqual(e.reason, 'checksum');
      await flow(5);
      await assertExact(sim, await settled(ex, sim));
      assert.deepStrictEqual(resyncs.map((r) => r.reason), ['checksum']);
    });
  });
}
