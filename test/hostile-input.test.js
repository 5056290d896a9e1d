'use strict';
/**
 * Never silently wrong (issue #15): what a hostile or broken exchange sends, and what a careless
 * caller passes, against the Binance client and a local Binance-protocol server. A frame that fails
 * validation is a BadResponse on 'error' naming exchange and symbol and, for a book, a resync of
 * that symbol (reason 'invalid'); nothing of it is applied; the book ends exact again. Wrong
 * arguments are BadRequest/BadSymbol before any network call.
 */
const assert = require('assert');
const sinon = require('sinon');
const { binance, errors } = require('..');
const { BinanceStub } = require('./support/binance-stub');
const { nextEvent, until } = require('./support/wait');
const { sides } = require('./support/book');

const STREAM = 'btcusdt@depth@100ms';

function seedBook(stub, sym = 'BTCUSDT', mid = 100) {
  const bids = [];
  const asks = [];
  for (let i = 1; i <= 20; i++) {
    bids.push([mid - i, i]);
    asks.push([mid + i, i]);
  }
  stub.seed(sym, bids, asks);
}

/** Rejects with a clear message when `p` has not settled after `ms`. */
function settlesWithin(p, ms, what) {
  let timer;
  const hang = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms`)), ms);
  });
  return Promise.race([p, hang]).finally(() => clearTimeout(timer));
}

describe('hostile input (binance client, local Binance-protocol server)', function () {
  let stub;
  let ex;
  let errs;
  let resyncs;

  beforeEach(async () => {
    stub = await BinanceStub.start();
    seedBook(stub);
    errs = [];
    resyncs = [];
  });

  afterEach(async () => {
    await ex?.close();
    ex = undefined;
    await stub.close();
  });

  function client(extra = {}) {
    ex = new binance({ ws: true, urls: stub.urls, timeoutMs: 5000, reconnect: { baseDelayMs: 20, maxDelayMs: 100 }, ...extra });
    ex.on('error', (e) => errs.push(e));
    ex.on('resync', (e) => resyncs.push(e));
    return ex;
  }

  async function syncedBook() {
    const p = ex.fetchOrderBook('BTC/USDT');
    await stub.subscribed(STREAM);
    stub.depth('BTCUSDT', [[90.5, 2]], []);
    return p;
  }

  /** Publishes a depth event whose ids are right but whose levels are replaced by `bids`/`asks` as given. */
  function publishMangled(bids, asks) {
    // the truth moves by a harmless change (ids advance); the client gets the mangled levels
    const ev = stub.depth('BTCUSDT', [[95.25, 3]], [], { publish: false });
    stub.publish(STREAM, { ...ev, b: bids, a: asks });
  }

  /** After an invalid frame: the book resyncs ('invalid'), then is exact at the server's id. */
  async function expectInvalidThenExact(what) {
    await until(() => resyncs.some((r) => r.reason === 'invalid'), `resync 'invalid' after ${what}`);
    const e = errs.find((x) => x instanceof errors.BadResponse);
    assert.ok(e, `a BadResponse was reported for ${what}`);
    assert.strictEqual(e.exchange, 'binance');
    assert.strictEqual(e.symbol, 'BTC/USDT');
    // the next update joins the fresh snapshot; the book equals the server's, bad level nowhere
    const want = stub.truth('BTCUSDT').nonce + 1;
    const next = nextEvent(ex, 'orderbook', (b) => b.nonce === want, 'BTC/USDT');
    stub.depth('BTCUSDT', [[99.5, 1]], []);
    await next;
    const book = await ex.fetchOrderBook('BTC/USDT');
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTCUSDT')), what);
    for (const [p, q] of [...book.bids, ...book.asks]) assert.ok(p > 0 && p < Infinity && q > 0 && q < Infinity, `${what}: level ${p} ${q}`);
  }

  const BAD_LEVELS = [
    ['price null', [[null, '1']], []],
    ['price {}', [[{}, '1']], []],
    ['price "NaN"', [['NaN', '1']], []],
    ['price "1e400" (Infinity)', [], [['1e400', '1']]],
    ['negative price', [], [['-101', '1']]],
    ['negative amount', [['98', '-1']], []],
    ['amount "NaN"', [['98', 'NaN']], []],
    ['amount missing', [], [['102']]],
    ['a level that is not a list', ['98'], []],
  ];

  for (const [what, bids, asks] of BAD_LEVELS) {
    it(`a depth level with ${what} is never applied: BadResponse, resync 'invalid', then exact`, async () => {
      client();
      await syncedBook();
      const before = sides(await ex.fetchOrderBook('BTC/USDT'));
      let emitted = 0;
      ex.on('orderbook', 'BTC/USDT', () => emitted++);
      publishMangled(bids, asks);
      await until(() => resyncs.length > 0, 'a resync');
      assert.strictEqual(emitted, 0, 'no book was emitted with the bad frame applied');
      assert.notDeepStrictEqual(before, undefined);
      await expectInvalidThenExact(what);
    });
  }

  it("an update id beyond any number (u = 1e400) is 'invalid', not a new high-water mark that freezes the book", async () => {
    client();
    await syncedBook();
    const ev = stub.depth('BTCUSDT', [[95.25, 3]], [], { publish: false });
    // JSON.stringify cannot write 1e400: the frame is written by hand, as a hostile server would
    const text = JSON.stringify({ stream: STREAM, data: { ...ev, u: 0 } }).replace('"u":0', '"u":1e400');
    stub.raw(text);
    await expectInvalidThenExact('u = 1e400');
  });

  it('a bogus far-future id (U = u = 10^15) does not wedge the sync: the buffer is dropped after a few stale snapshots and the book rejoins', async () => {
    client();
    await syncedBook();
    const ev = stub.depth('BTCUSDT', [], [], { publish: false });
    stub.publish(STREAM, { ...ev, U: 1e15, u: 1e15 });
    // gap -> snapshots that are all "older" than the bogus id -> the buffer is dropped
    const dropped = await nextEvent(ex, 'error', (e) => /buffer dropped/.test(e.message));
    assert.strictEqual(dropped.symbol, 'BTC/USDT');
    assert.ok(resyncs.some((r) => r.reason === 'gap'));
    // fresh deltas rejoin a fresh snapshot
    const synced = nextEvent(ex, 'orderbook', () => true, 'BTC/USDT', { what: 'the book back in sync' });
    stub.depth('BTCUSDT', [[99.5, 1]], []);
    await synced;
    const book = await ex.fetchOrderBook('BTC/USDT');
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTCUSDT')));
  });

  it('trades with impossible numbers are reported and not emitted; sound ones still are', async () => {
    client();
    const got = [];
    ex.on('trades', 'BTC/USDT', (t) => got.push(...t));
    await stub.subscribed('btcusdt@trade');
    const base = { e: 'trade', E: Date.now(), s: 'BTCUSDT', T: Date.now(), m: false, M: true };
    stub.publish('btcusdt@trade', { ...base, t: 1, p: '-5', q: '1' });
    stub.publish('btcusdt@trade', { ...base, t: 2, p: '100', q: '-1' });
    stub.publish('btcusdt@trade', { ...base, t: 3, p: '1e400', q: '1' });
    stub.trade('BTCUSDT', 101, 0.5);
    await until(() => got.length === 1, 'the sound trade');
    assert.strictEqual(got[0].price, 101);
    assert.strictEqual(errs.filter((e) => e instanceof errors.BadResponse && e.symbol === 'BTC/USDT').length, 3);
  });

  it("symbols named like Object.prototype members are unknown: BadSymbol, no request sent", async () => {
    client({ ws: false });
    await ex.loadMarkets();
    const before = stub.requests.length;
    for (const s of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      await assert.rejects(ex.fetchOrderBook(s), (e) => e instanceof errors.BadSymbol && e.symbol === s, s);
      await assert.rejects(ex.fetchTicker(s), errors.BadSymbol, s);
      assert.throws(() => ex.on('ticker', s, () => {}), errors.BadSymbol, s);
      assert.throws(() => ex.market(s), errors.BadSymbol, s);
    }
    assert.strictEqual(stub.requests.length, before);
    assert.strictEqual(stub.clients.size, 0);
  });

  it('close() rejects REST requests still queued behind the weight limit at once, and leaves nothing running', async () => {
    client({ ws: false });
    await ex.loadMarkets();
    // 30 snapshots of weight 250: about 24 fill the 6,000-a-minute budget, the rest wait in the limiter
    let held = 0;
    stub.snapshotGate = () => held++; // replies held: those requests stay in flight
    const calls = [];
    for (let i = 0; i < 30; i++) calls.push(ex.fetchOrderBook('BTC/USDT', 5000).then(() => 'resolved', (e) => e));
    await until(() => held >= 23, 'the budget spent');
    const sent = held;
    await ex.close();
    ex = undefined;
    const outcomes = await settlesWithin(Promise.all(calls), 2000, 'requests after close()');
    for (const o of outcomes) assert.ok(o instanceof errors.ExchangeNotAvailable, String(o && o.message));
    assert.strictEqual(outcomes.filter((o) => /queued request not sent/.test(o.message)).length, 30 - sent);
    assert.ok(30 - sent >= 1, 'some requests were queued');
    assert.strictEqual(held, sent, 'no queued request reached the server after close()');
  });

  it('a "null" frame and a 10 MB garbage frame are typed errors naming the exchange; raw is kept short; the book goes on', async () => {
    client();
    await syncedBook();
    stub.raw('null');
    stub.raw(`{"garbage":"${'x'.repeat(10 * 1024 * 1024)}`);
    await until(() => errs.length >= 2, 'two errors');
    for (const e of errs.slice(0, 2)) {
      assert.ok(e instanceof errors.BadResponse, `${e.name}: ${e.message}`);
      assert.strictEqual(e.exchange, 'binance');
      assert.match(e.message, /^binance: malformed frame .*ignored/);
      assert.ok(typeof e.raw !== 'string' || e.raw.length < 2048, `raw kept whole: ${String(e.raw).length} chars`);
    }
    const next = nextEvent(ex, 'orderbook', () => true, 'BTC/USDT');
    stub.depth('BTCUSDT', [[99.5, 1]], []);
    await next;
    assert.deepStrictEqual(sides(await ex.fetchOrderBook('BTC/USDT')), sides(stub.truth('BTCUSDT')));
    assert.deepStrictEqual(resyncs, []);
  });

  it("an open watch* does not swallow errors: with no 'error' listener they still become process warnings", async () => {
    ex = new binance({ ws: true, urls: stub.urls, timeoutMs: 5000 }); // no on('error')
    const warn = sinon.stub(process, 'emitWarning');
    try {
      const it = ex.watchTrades('BTC/USDT');
      const first = it.next();
      await stub.subscribed('btcusdt@trade');
      stub.raw('not json');
      await until(() => warn.called, 'a process warning');
      assert.match(String(warn.firstCall.args[0]), /malformed frame ignored/);
      stub.trade('BTCUSDT', 101, 0.5);
      assert.strictEqual((await first).value[0].price, 101, 'the watch goes on');
      await it.return();
    } finally {
      warn.restore();
    }
  });

  it('wrong arguments are BadRequest before any network call', async () => {
    client({ apiKey: 'k', secret: 's' });
    await ex.loadMarkets();
    const before = stub.requests.length;
    assert.throws(() => ex.on('status', 'BTC/USDT', () => {}), (e) => e instanceof errors.BadRequest && /takes no symbol/.test(e.message));
    assert.throws(() => ex.on('resync', 'BTC/USDT', () => {}), errors.BadRequest);
    for (const limit of [-1, 0, 1.5, NaN, '10']) {
      await assert.rejects(ex.fetchOrderBook('BTC/USDT', limit), (e) => e instanceof errors.BadRequest && /limit/.test(e.message), String(limit));
      await assert.rejects(ex.fetchTrades('BTC/USDT', undefined, limit), errors.BadRequest, String(limit));
    }
    await assert.rejects(ex.fetchOHLCV('BTC/USDT', '1m', -5), (e) => e instanceof errors.BadRequest && /since/.test(e.message));
    assert.throws(() => ex.watchOrderBook('BTC/USDT', -1), errors.BadRequest);
    assert.strictEqual(stub.requests.length, before);
    assert.strictEqual(stub.clients.size, 0);
    await ex.close();
    await settlesWithin(
      assert.rejects(ex.fetchBalance(), (e) => e instanceof errors.ExchangeNotAvailable && /closed/.test(e.message)),
      500,
      'fetchBalance after close()',
    );
    ex = undefined;
  });
});

describe('binance snapshot depth follows the weight budget', function () {
  let stub;
  let ex;

  afterEach(async () => {
    await ex?.close();
    await stub?.close();
    ex = stub = undefined;
  });

  /** Opens `n` books and returns the depth of every snapshot request the server saw. */
  async function depthsFor(n, extra = {}) {
    const symbols = {};
    for (let i = 0; i < n; i++) symbols[`C${i}USDT`] = [`C${i}`, 'USDT'];
    stub = await BinanceStub.start(symbols);
    ex = new binance({ ws: true, urls: stub.urls, timeoutMs: 5000, ...extra });
    ex.on('error', () => {});
    await ex.loadMarkets();
    for (let i = 0; i < n; i++) ex.on('orderbook', `C${i}/USDT`, () => {});
    await stub.subscribed(`c${n - 1}usdt@depth@100ms`);
    // one event per book starts its snapshot fetch
    for (let i = 0; i < n; i++) stub.depth(`C${i}USDT`, [[1, 1]], []);
    await until(() => stub.requests.filter((r) => r.startsWith('/api/v3/depth')).length === n, `${n} snapshot requests`);
    return stub.requests.filter((r) => r.startsWith('/api/v3/depth')).map((r) => +new URL(r, 'http://x').searchParams.get('limit'));
  }

  it('one book: the deepest snapshot (5,000 levels)', async () => {
    assert.deepStrictEqual(await depthsFor(1), [5000]);
  });

  it('130 books: 100 levels each, so all fit in half of the 6,000-a-minute weight (not 130 x 250)', async () => {
    const depths = await depthsFor(130);
    assert.ok(depths.every((d) => d === 100), `depths: ${[...new Set(depths)]}`);
  });

  it('an explicit snapshotLimit is kept whatever the count', async () => {
    const depths = await depthsFor(20, { snapshotLimit: 1000 });
    assert.ok(depths.every((d) => d === 1000));
  });
});

describe('a timed-out order is reconciled by its client order id, never placed twice (binance)', function () {
  let sim;
  let ex;

  afterEach(async () => {
    await ex?.close();
    await sim?.close();
    ex = sim = undefined;
  });

  async function start(wsTrading) {
    const { simulate } = require('../js/sim');
    sim = await simulate('binance', { seed: 4, symbols: ['BTC/USDT'] });
    ex = new binance({ urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret, wsTrading, timeoutMs: 300 });
    ex.on('error', () => {});
    await ex.loadMarkets();
    return sim.book('BTC/USDT').bids[0][0];
  }

  it('REST (wsTrading: false): the reply comes after timeoutMs, the order landed: createOrder resolves with it, one order on the exchange', async () => {
    const bid = await start(false);
    sim.faults.delayOrderReplies(800);
    const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, Math.floor(bid * 0.9), { clientOrderId: 'late-1' });
    assert.strictEqual(o.clientOrderId, 'late-1');
    assert.strictEqual(o.status, 'open');
    sim.faults.reset();
    const open = await ex.fetchOpenOrders('BTC/USDT');
    assert.deepStrictEqual(open.map((x) => x.clientOrderId), ['late-1']);
  });

  it('the order did not land: RequestTimeout says so and carries the client order id', async () => {
    await start(false);
    sim.faults.delayOrderReplies(800);
    // a price outside the filters: the exchange refuses it (slowly), so nothing is placed
    const err = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 0.000001, { clientOrderId: 'never-1' }).then(
      () => assert.fail('resolved'),
      (e) => e,
    );
    assert.ok(err instanceof errors.RequestTimeout, `${err.name}: ${err.message}`);
    assert.strictEqual(err.clientOrderId, 'never-1');
    assert.match(err.message, /never-1.*not placed/);
  });
});
