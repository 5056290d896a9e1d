'use strict';
/**
 * The Bybit client end to end against a local Bybit-protocol server (test/support/bybit-stub):
 * orderbook snapshot + deltas by contiguous `u`, the `u: 1` restart, a lost update and an
 * out-of-order `u` (reason gap), a crossed book (an integrity resync), drops, silence, the
 * {"op":"ping"} keepalive, at most 10 args a request, refusals, tickers / trades / klines, and
 * the REST path — each ending with the book equal to the server's.
 */
const assert = require('assert');
const { bybit, errors } = require('..');
const { BybitStub } = require('./support/bybit-stub');
const { nextEvent, until, sides } = require('./support/wait');

function seedBook(stub, symbol, mid, n = 30, tick = 1) {
  const bids = [];
  const asks = [];
  for (let i = 1; i <= n; i++) {
    bids.push([String(mid - i * tick), String(i / 10)]);
    asks.push([String(mid + i * tick), String(i / 10)]);
  }
  stub.seed(symbol, bids, asks);
}

describe('bybit integration (local Bybit-protocol server)', function () {
  let stub;
  let ex;
  let errs;

  beforeEach(async () => {
    stub = await BybitStub.start();
    seedBook(stub, 'BTCUSDT', 30000);
    seedBook(stub, 'ETHUSDT', 2000, 30, 0.5);
    errs = [];
  });

  afterEach(async () => {
    await ex?.close();
    ex = undefined;
    await stub.close();
  });

  function client(extra = {}) {
    ex = new bybit({ ws: true, urls: stub.urls, timeoutMs: 5000, reconnect: { baseDelayMs: 20, maxDelayMs: 100 }, ...extra });
    ex.on('error', (e) => errs.push(e));
    return ex;
  }

  it('subscribes both books in one request, syncs from the snapshots and follows u', async () => {
    client();
    const resyncs = [];
    ex.on('resync', (e) => resyncs.push(e));
    const [btc, eth] = await Promise.all([ex.fetchOrderBook('BTC/USDT'), ex.fetchOrderBook('ETH/USDT')]);
    assert.deepStrictEqual(sides(btc), sides(stub.truth('BTCUSDT')));
    assert.deepStrictEqual(sides(eth), sides(stub.truth('ETHUSDT')));
    assert.strictEqual(btc.nonce, 1000);
    const subs = stub.controlMessages.filter((m) => m.op === 'subscribe');
    assert.strictEqual(subs.length, 1, 'both books in one request');
    assert.strictEqual(subs[0].path, '/v5/public/spot');
    assert.match(subs[0].req_id, /^\d+$/);
    // 200 levels when the user says nothing
    assert.deepStrictEqual(subs[0].args, ['orderbook.200.BTCUSDT', 'orderbook.200.ETHUSDT']);

    const seen = [];
    ex.on('orderbook', 'BTC/USDT', (b) => seen.push({ nonce: b.nonce, ...sides(b) }));
    stub.book('BTCUSDT', [['29999', '0'], ['29999.5', '2.5']], [['30001', '0.75']]);
    stub.book('BTCUSDT', [], [['30000.5', '1']]);
    stub.book('BTCUSDT', [['29990.0', '4']], []); // a price spelled differently from the snapshot's
    await until(() => seen.length === 3, 'three updates');
    assert.deepStrictEqual(seen[2], { nonce: 1003, ...sides(stub.truth('BTCUSDT')) });
    assert.deepStrictEqual(resyncs, []);
    assert.deepStrictEqual(errs, []);
    assert.strictEqual(ex.has.fetchOrderBook, 'ws');
  });

  it('a u: 1 restart snapshot replaces the book, without a resync, and u counts on from 1', async () => {
    client();
    await ex.fetchOrderBook('BTC/USDT');
    const resyncs = [];
    ex.on('resync', (e) => resyncs.push(e));
    const upd = nextEvent(ex, 'orderbook', (b) => b.nonce === 1, 'BTC/USDT');
    stub.restart('BTCUSDT', [['31000', '1'], ['30999', '2']], [['31001', '3']]);
    assert.deepStrictEqual(sides(await upd), sides(stub.truth('BTCUSDT')));
    const next = nextEvent(ex, 'orderbook', (b) => b.nonce === 2, 'BTC/USDT');
    stub.book('BTCUSDT', [['30998', '1']], []);
    assert.deepStrictEqual(sides(await next), sides(stub.truth('BTCUSDT')));
    assert.deepStrictEqual(resyncs, []);
    assert.deepStrictEqual(errs, []);
  });

  it('a lost update is a gap: resync (reason gap) by resubscribing, never the wrong book, exact afterwards', async () => {
    client();
    await Promise.all([ex.fetchOrderBook('BTC/USDT'), ex.fetchOrderBook('ETH/USDT')]);
    let emitted = 0;
    ex.on('orderbook', 'BTC/USDT', () => emitted++);
    stub.holdSnapshots('BTCUSDT');
    const before = stub.controlMessages.length;
    const resync = nextEvent(ex, 'resync');
    stub.lose('BTCUSDT', [['29999', '0']], []);
    stub.book('BTCUSDT', [], [['30001', '0.5']]);
    const e = await resync;
    assert.deepStrictEqual([e.symbol, e.reason], ['BTC/USDT', 'gap']);
    assert.match(e.detail, /expected u=1001, got u=1002/);
    await until(() => stub.controlMessages.length >= before + 2, 'resubscribe');
    assert.deepStrictEqual(
      stub.controlMessages.slice(before).map((m) => `${m.op} ${m.args.join(',')}`),
      ['unsubscribe orderbook.200.BTCUSDT', 'subscribe orderbook.200.BTCUSDT'],
    );
    let resolved = false;
    const pull = ex.fetchOrderBook('BTC/USDT').then((b) => ((resolved = true), b));
    const eth = nextEvent(ex, 'orderbook', () => true, 'ETH/USDT');
    stub.book('ETHUSDT', [['1999.75', '2']], []);
    assert.deepStrictEqual(sides(await eth), sides(stub.truth('ETHUSDT')), 'the other book carries on');
    assert.strictEqual(resolved, false, 'no book is served while it is known to be wrong');
    assert.strictEqual(emitted, 0);
    stub.releaseSnapshots('BTCUSDT');
    const book = await pull;
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTCUSDT')));
    assert.strictEqual(book.nonce, 1002);
  });

  it('an out-of-order u is a gap named so', async () => {
    client();
    await ex.fetchOrderBook('BTC/USDT');
    const resync = nextEvent(ex, 'resync');
    stub.book('BTCUSDT', [['29999', '1']], []);
    stub.book('BTCUSDT', [['29998', '1']], [], { u: 1001 });
    const e = await resync;
    assert.strictEqual(e.reason, 'gap');
    assert.match(e.detail, /out-of-order u: got u=1001 after u=1001/);
    const book = await ex.fetchOrderBook('BTC/USDT');
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTCUSDT')));
  });

  it('a crossed book is never served: an integrity resync that says so, exact afterwards', async () => {
    client();
    await ex.fetchOrderBook('BTC/USDT');
    let emitted = 0;
    ex.on('orderbook', 'BTC/USDT', () => emitted++);
    stub.holdSnapshots('BTCUSDT');
    const resync = nextEvent(ex, 'resync');
    // a bid above the best ask, as a corrupted feed would leave it
    stub.book('BTCUSDT', [['30002', '1']], []);
    const e = await resync;
    assert.strictEqual(e.reason, 'crossed');
    assert.match(e.detail, /crossed book: best bid 30002 >= best ask 30001/);
    assert.strictEqual(emitted, 0, 'the crossed book was never emitted');
    // the server's book is repaired; the fresh snapshot after the resubscribe is uncrossed
    stub.books.get('BTCUSDT').set('b', '30002', '0');
    stub.releaseSnapshots('BTCUSDT');
    const book = await ex.fetchOrderBook('BTC/USDT');
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTCUSDT')));
  });

  it('reconnects after a drop and rebuilds the book from a new snapshot', async () => {
    client();
    await ex.fetchOrderBook('BTC/USDT');
    const resync = nextEvent(ex, 'resync');
    const reopened = nextEvent(ex, 'status', (s) => s.state === 'open');
    stub.dropAll();
    assert.strictEqual((await resync).reason, 'reconnect');
    stub.book('BTCUSDT', [['29999.25', '2']], [['30000.75', '1']]);
    await reopened;
    const book = await ex.fetchOrderBook('BTC/USDT');
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTCUSDT')));
  });

  it('keeps the connection alive with {"op":"ping"}; the pong is no error and acks nothing', async () => {
    client({ staleTimeoutMs: 3000 });
    await ex.fetchOrderBook('BTC/USDT');
    await until(() => stub.pings > 0, 'a ping');
    const upd = nextEvent(ex, 'orderbook', () => true, 'BTC/USDT');
    stub.book('BTCUSDT', [['29999.5', '1']], []);
    await upd;
    assert.deepStrictEqual(errs, []);
    const err = nextEvent(ex, 'error');
    stub.raw('pong!');
    assert.ok((await err) instanceof errors.BadResponse);
  });

  it('declares a silent server stale, reconnects and resyncs', async () => {
    client({ staleTimeoutMs: 400 });
    await ex.fetchOrderBook('BTC/USDT');
    const resync = nextEvent(ex, 'resync');
    stub.silence(true);
    assert.strictEqual((await resync).reason, 'stale');
    stub.silence(false);
    await nextEvent(ex, 'status', (s) => s.state === 'open');
    const book = await ex.fetchOrderBook('BTC/USDT');
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTCUSDT')));
  });

  it('never sends more than 10 args in one subscribe request', async () => {
    const instruments = [];
    for (let i = 0; i < 12; i++) instruments.push({ symbol: `C${i}USDT`, baseCoin: `C${i}`, quoteCoin: 'USDT', tickSize: '0.01', basePrecision: '0.01', minOrderQty: '1' });
    await stub.close();
    stub = await BybitStub.start({ instruments });
    for (let i = 0; i < 12; i++) seedBook(stub, `C${i}USDT`, 100 + i);
    client();
    await ex.loadMarkets();
    const books = await Promise.all(instruments.map((x) => ex.fetchOrderBook(`${x.baseCoin}/USDT`)));
    books.forEach((b, i) => assert.deepStrictEqual(sides(b), sides(stub.truth(`C${i}USDT`))));
    const subs = stub.controlMessages.filter((m) => m.op === 'subscribe');
    assert.ok(subs.every((m) => m.args.length <= 10), subs.map((m) => m.args.length).join(','));
    assert.strictEqual(subs.reduce((n, m) => n + m.args.length, 0), 12);
    assert.deepStrictEqual(errs, []);
  });

  it('maps a refusal to a typed error naming the request and the symbol; the book is unaffected', async () => {
    client();
    await ex.fetchOrderBook('BTC/USDT');
    stub.refuse = (topic) => (topic.startsWith('tickers.') ? `error:handler not found,topic:${topic}` : undefined);
    await assert.rejects(ex.fetchTicker('BTC/USDT'), (e) => {
      assert.ok(e instanceof errors.BadSymbol, e.name);
      assert.strictEqual(e.symbol, 'BTC/USDT');
      assert.match(e.message, /tickers\.BTCUSDT/);
      return true;
    });
    const upd = nextEvent(ex, 'orderbook', () => true, 'BTC/USDT');
    stub.book('BTCUSDT', [['29999.5', '1']], []);
    assert.deepStrictEqual(sides(await upd), sides(stub.truth('BTCUSDT')));
  });

  it('rejects an unknown symbol with BadSymbol before any network call for it', async () => {
    client();
    await ex.loadMarkets();
    const before = stub.requests.length;
    await assert.rejects(ex.fetchOrderBook('NOPE/USDT'), (e) => e instanceof errors.BadSymbol && /NOPE\/USDT/.test(e.message));
    assert.throws(() => ex.on('ticker', 'NOPE/USDT', () => {}), errors.BadSymbol);
    assert.strictEqual(stub.requests.length, before);
    assert.strictEqual(stub.clients.size, 0);
  });

  it('streams tickers, trades and klines', async () => {
    client();
    stub.ticker('BTCUSDT', 30000.5, 29000);
    const t = await ex.fetchTicker('BTC/USDT');
    assert.strictEqual(t.symbol, 'BTC/USDT');
    assert.strictEqual(t.last, 30000.5);
    assert.strictEqual(t.open, 29000);
    assert.strictEqual(t.baseVolume, 10);

    const trades = ex.watchTrades('BTC/USDT');
    const first = trades.next();
    await stub.subscribed('publicTrade.BTCUSDT');
    stub.trade('BTCUSDT', [{ p: '30001', v: '0.5', S: 'Buy' }, { p: '30000', v: '0.25', S: 'Sell' }]);
    const batch = (await first).value;
    assert.deepStrictEqual(batch.map((x) => [x.id, x.price, x.amount, x.side]), [['BTCUSDT-1', 30001, 0.5, 'buy'], ['BTCUSDT-2', 30000, 0.25, 'sell']]);
    await trades.return();

    const t0 = Date.UTC(2024, 0, 1);
    const candles = ex.watchOHLCV('BTC/USDT', '1h');
    const c1 = candles.next();
    await stub.subscribed('kline.60.BTCUSDT');
    stub.kline('BTCUSDT', '60', [t0, 1, 3, 0.5, 2, 10]);
    assert.deepStrictEqual((await c1).value, [[t0, 1, 3, 0.5, 2, 10]]);
    await candles.return();
    assert.deepStrictEqual(errs, []);
  });

  it('bookDepth 50 subscribes orderbook.50', async () => {
    client({ bookDepth: 50 });
    const book = await ex.fetchOrderBook('BTC/USDT');
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTCUSDT')));
    assert.deepStrictEqual(stub.controlMessages[0].args, ['orderbook.50.BTCUSDT']);
    assert.throws(() => new bybit({ bookDepth: 500 }), /bookDepth must be one of 50, 200, 1000/);
  });

  it('with ws: false the same methods answer over REST, and retCodes become typed errors', async () => {
    ex = new bybit({ urls: stub.urls });
    const book = await ex.fetchOrderBook('BTC/USDT', 5);
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTCUSDT', 5)));
    assert.strictEqual(book.nonce, 1000);
    assert.ok(stub.requests.includes('/v5/market/orderbook?category=spot&symbol=BTCUSDT&limit=5'), stub.requests.join(' '));
    assert.strictEqual(ex.has.fetchOrderBook, 'rest');
    stub.ticker('BTCUSDT', 30000.5, 29000);
    const t = await ex.fetchTicker('BTC/USDT');
    assert.deepStrictEqual([t.last, t.bid, t.ask], [30000.5, 29999, 30001]);
    assert.deepStrictEqual(Object.keys(await ex.fetchTickers()).sort(), ['BTC/USDT', 'ETH/USDT']);
    stub.trade('BTCUSDT', [{ p: '30001', v: '0.5', S: 'Buy' }, { p: '30000', v: '0.25', S: 'Sell' }]);
    const trades = await ex.fetchTrades('BTC/USDT');
    assert.deepStrictEqual(trades.map((x) => [x.id, x.price, x.side]), [['BTCUSDT-1', 30001, 'buy'], ['BTCUSDT-2', 30000, 'sell']]);
    const t0 = Date.UTC(2024, 0, 1);
    stub.kline('BTCUSDT', '60', [t0, 1, 3, 0.5, 2, 10]);
    stub.kline('BTCUSDT', '60', [t0 + 3600000, 2, 4, 1, 3, 5]);
    assert.deepStrictEqual(await ex.fetchOHLCV('BTC/USDT', '1h'), [[t0, 1, 3, 0.5, 2, 10], [t0 + 3600000, 2, 4, 1, 3, 5]]);
    assert.strictEqual(stub.clients.size, 0);
    await assert.rejects(ex.fetchOrderBook('NOPE/USDT'), errors.BadSymbol);
    stub.restError = (p) => (p === '/v5/market/orderbook' ? { retCode: 10006, retMsg: 'Too many visits!' } : undefined);
    await assert.rejects(ex.fetchOrderBook('ETH/USDT'), (e) => e instanceof errors.RateLimitExceeded && e.code === '10006' && e.symbol === 'ETH/USDT');
    stub.restError = (p) => (p === '/v5/market/orderbook' ? { status: 403, retCode: 10018, retMsg: 'access too frequent' } : undefined);
    await assert.rejects(ex.fetchOrderBook('ETH/USDT'), errors.RateLimitExceeded);
    stub.restError = (p) => (p === '/v5/market/orderbook' ? { retCode: 10016, retMsg: 'service restarting' } : undefined);
    await assert.rejects(ex.fetchOrderBook('ETH/USDT'), (e) => e instanceof errors.ExchangeNotAvailable && e.code === '10016');
  });
});
