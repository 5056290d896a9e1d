'use strict';
/**
 * The OKX client end to end against a local OKX-protocol server (test/support/okx-stub): books
 * snapshot + updates chained by prevSeqId/seqId with checksums, checksum and gap resyncs, drops,
 * the 64008 notice, the text ping/pong keepalive, refusals, tickers / trades / candles (on the
 * business socket), books5, and the REST path — each ending with the book equal to the server's.
 */
const assert = require('assert');
const { okx, errors } = require('..');
const { OkxStub } = require('./support/okx-stub');
const { nextEvent, until, sides } = require('./support/wait');

function seedBook(stub, instId, mid, n = 30, tick = 1) {
  const bids = [];
  const asks = [];
  for (let i = 1; i <= n; i++) {
    bids.push([String(mid - i * tick), String(i / 10)]);
    asks.push([String(mid + i * tick), String(i / 10)]);
  }
  stub.seed(instId, bids, asks);
}

describe('okx integration (local OKX-protocol server)', function () {
  let stub;
  let ex;
  let errs;

  beforeEach(async () => {
    stub = await OkxStub.start();
    seedBook(stub, 'BTC-USDT', 30000);
    seedBook(stub, 'ETH-USDT', 2000, 30, 0.5);
    errs = [];
  });

  afterEach(async () => {
    await ex?.close();
    ex = undefined;
    await stub.close();
  });

  function client(extra = {}) {
    ex = new okx({ ws: true, urls: stub.urls, timeoutMs: 5000, reconnect: { baseDelayMs: 20, maxDelayMs: 100 }, ...extra });
    ex.on('error', (e) => errs.push(e));
    return ex;
  }

  it('subscribes in one request per tick, syncs from the snapshot and follows the seqId chain', async () => {
    client();
    const resyncs = [];
    ex.on('resync', (e) => resyncs.push(e));
    const [btc, eth] = await Promise.all([ex.fetchOrderBook('BTC/USDT'), ex.fetchOrderBook('ETH/USDT')]);
    assert.deepStrictEqual(sides(btc), sides(stub.truth('BTC-USDT')));
    assert.deepStrictEqual(sides(eth), sides(stub.truth('ETH-USDT')));
    assert.strictEqual(btc.nonce, 1000);
    const subs = stub.controlMessages.filter((m) => m.op === 'subscribe');
    assert.strictEqual(subs.length, 1, 'both books in one request');
    assert.strictEqual(subs[0].path, '/ws/v5/public');
    assert.match(subs[0].id, /^\d+$/);
    assert.deepStrictEqual(subs[0].args, [{ channel: 'books', instId: 'BTC-USDT' }, { channel: 'books', instId: 'ETH-USDT' }]);

    const seen = [];
    ex.on('orderbook', 'BTC/USDT', (b) => seen.push({ nonce: b.nonce, ...sides(b) }));
    stub.book('BTC-USDT', [['29999', '0'], ['29999.5', '2.5']], [['30001', '0.75']]); // seqId +2
    stub.noChange('BTC-USDT'); // prevSeqId == seqId, empty sides
    stub.book('BTC-USDT', [], [['30000.5', '1']], { step: 7 });
    stub.book('BTC-USDT', [['29998', '0']], [], { seqId: 5 }); // sequence reset after maintenance
    stub.book('BTC-USDT', [['29990.0', '4']], []); // a price spelled differently from the snapshot's
    await until(() => seen.length === 5, 'five updates');
    assert.deepStrictEqual(seen[4], { nonce: 7, ...sides(stub.truth('BTC-USDT')) });
    assert.deepStrictEqual(sides(await ex.fetchOrderBook('BTC/USDT')), sides(stub.truth('BTC-USDT')));
    assert.deepStrictEqual(resyncs, []);
    assert.deepStrictEqual(errs, []);
    assert.strictEqual(ex.has.fetchOrderBook, 'ws');
  });

  it('on a checksum mismatch it resyncs that book only (reason checksum) and never serves the wrong book', async () => {
    client();
    await Promise.all([ex.fetchOrderBook('BTC/USDT'), ex.fetchOrderBook('ETH/USDT')]);
    const resyncs = [];
    ex.on('resync', (e) => resyncs.push(e));
    let btcEmitted = 0;
    ex.on('orderbook', 'BTC/USDT', () => btcEmitted++);
    stub.holdSnapshots('BTC-USDT');
    const before = stub.controlMessages.length;

    stub.book('BTC-USDT', [['29999.5', '1']], [], { corrupt: true });
    await until(() => resyncs.length === 1, 'resync');
    assert.deepStrictEqual(
      { symbol: resyncs[0].symbol, reason: resyncs[0].reason },
      { symbol: 'BTC/USDT', reason: 'checksum' },
    );
    assert.match(resyncs[0].detail, /checksum mismatch/);
    assert.strictEqual(btcEmitted, 0, 'the mismatched book was never emitted');
    await until(() => stub.controlMessages.length >= before + 2, 'resubscribe');
    const sent = stub.controlMessages.slice(before).map((m) => `${m.op} ${m.args.map((a) => `${a.channel}:${a.instId}`).join(',')}`);
    assert.deepStrictEqual(sent, ['unsubscribe books:BTC-USDT', 'subscribe books:BTC-USDT']);

    let resolved = false;
    const pull = ex.fetchOrderBook('BTC/USDT').then((b) => ((resolved = true), b));
    const ethUpdate = nextEvent(ex, 'orderbook', () => true, 'ETH/USDT');
    stub.book('ETH-USDT', [['1999.75', '2']], []);
    assert.deepStrictEqual(sides(await ethUpdate), sides(stub.truth('ETH-USDT')));
    assert.strictEqual(resolved, false, 'no book is served while it is known to be wrong');

    stub.book('BTC-USDT', [['29999', '7']], []); // moves on while the snapshot is held
    stub.releaseSnapshots('BTC-USDT');
    const book = await pull;
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTC-USDT')));
    const upd = nextEvent(ex, 'orderbook', () => true, 'BTC/USDT');
    stub.book('BTC-USDT', [], [['30000.5', '0.9']]);
    assert.deepStrictEqual(sides(await upd), sides(stub.truth('BTC-USDT')));
    assert.strictEqual(resyncs.length, 1);
    assert.deepStrictEqual(errs, []);
  });

  it('a skipped seqId is a gap: resync (reason gap) and an exact book afterwards', async () => {
    client();
    await ex.fetchOrderBook('BTC/USDT');
    const resync = nextEvent(ex, 'resync');
    stub.lose('BTC-USDT', [['29999', '0']], []);
    stub.book('BTC-USDT', [], [['30001', '0.5']]);
    const e = await resync;
    assert.strictEqual(e.reason, 'gap');
    assert.match(e.detail, /expected prevSeqId=1000, got prevSeqId=1002 seqId=1004/);
    const book = await ex.fetchOrderBook('BTC/USDT');
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTC-USDT')));
    assert.strictEqual(book.nonce, 1004);
  });

  it('reconnects after a drop and rebuilds the book from a new snapshot', async () => {
    client();
    await ex.fetchOrderBook('BTC/USDT');
    const resync = nextEvent(ex, 'resync');
    const reopened = nextEvent(ex, 'status', (s) => s.state === 'open');
    stub.dropAll();
    assert.strictEqual((await resync).reason, 'reconnect');
    stub.book('BTC-USDT', [['29999.25', '2']], [['30000.75', '1']]);
    await reopened;
    const book = await ex.fetchOrderBook('BTC/USDT');
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTC-USDT')));
  });

  it('reconnects on the 64008 service-upgrade notice', async () => {
    client();
    await ex.fetchOrderBook('BTC/USDT');
    const resync = nextEvent(ex, 'resync');
    const reopened = nextEvent(ex, 'status', (s) => s.state === 'open');
    stub.notice();
    assert.strictEqual((await resync).reason, 'reconnect');
    await reopened;
    stub.book('BTC-USDT', [['29999.5', '3']], []);
    const book = await ex.fetchOrderBook('BTC/USDT');
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTC-USDT')));
  });

  it('keeps the connection alive with the text ping; the bare "pong" reply is no error', async () => {
    // stale 3 s: a ping every second (the shortest interval), far inside the stale window
    client({ staleTimeoutMs: 3000 });
    await ex.fetchOrderBook('BTC/USDT');
    await until(() => stub.pings > 0, 'a ping');
    // the pong went out before this update: once the update is handled, so was the pong
    const upd = nextEvent(ex, 'orderbook', () => true, 'BTC/USDT');
    stub.book('BTC-USDT', [['29999.5', '1']], []);
    await upd;
    assert.deepStrictEqual(errs, []);
    // a frame that really is not JSON is still reported
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
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTC-USDT')));
  });

  it('maps an error event to a typed error naming the request and the symbol', async () => {
    client();
    stub.refuse = (arg) =>
      arg.channel === 'tickers'
        ? { code: '60018', msg: `Wrong URL or channel:tickers,instId:${arg.instId} doesn't exist.` }
        : arg.channel === 'trades'
          ? { code: '60014', msg: 'Requests too frequent' }
          : undefined;
    await assert.rejects(ex.fetchTicker('BTC/USDT'), (e) => {
      assert.ok(e instanceof errors.BadSymbol, e.name);
      assert.strictEqual(e.code, '60018');
      assert.strictEqual(e.symbol, 'BTC/USDT');
      assert.match(e.message, /SUBSCRIBE tickers:BTC-USDT failed: Wrong URL/);
      return true;
    });
    const it = ex.watchTrades('BTC/USDT');
    await assert.rejects(it.next(), (e) => e instanceof errors.RateLimitExceeded && e.code === '60014');
    // the books subscription is unaffected
    const book = await ex.fetchOrderBook('BTC/USDT');
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTC-USDT')));
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

  it('streams tickers and trades on the public socket, candles on the business socket', async () => {
    client();
    stub.ticker('BTC-USDT', 30000.5, 29000);
    const t = await ex.fetchTicker('BTC/USDT');
    assert.strictEqual(t.symbol, 'BTC/USDT');
    assert.strictEqual(t.last, 30000.5);
    assert.strictEqual(t.bid, 29999);
    assert.strictEqual(t.ask, 30001);
    assert.strictEqual(t.open, 29000);
    assert.strictEqual(t.baseVolume, 10);

    const trades = ex.watchTrades('BTC/USDT');
    const first = trades.next();
    await stub.subscribed('trades', 'BTC-USDT');
    stub.trade('BTC-USDT', [{ px: '30001', sz: '0.5', side: 'buy' }, { px: '30000', sz: '0.25', side: 'sell' }]);
    const batch = (await first).value;
    assert.deepStrictEqual(batch.map((x) => [x.id, x.price, x.amount, x.side]), [['1', 30001, 0.5, 'buy'], ['2', 30000, 0.25, 'sell']]);
    await trades.return();

    const t0 = Date.UTC(2024, 0, 1);
    const candles = ex.watchOHLCV('BTC/USDT', '1d');
    const c1 = candles.next();
    const biz = await stub.subscribed('candle1Dutc', 'BTC-USDT');
    assert.strictEqual(biz.path, '/ws/v5/business');
    stub.candle('BTC-USDT', '1Dutc', [t0, 1, 3, 0.5, 2, 10]);
    assert.deepStrictEqual((await c1).value, [[t0, 1, 3, 0.5, 2, 10]]);
    await candles.return();
    assert.deepStrictEqual(errs, []);
  });

  for (const [channel, depth] of [['books5', 5], ['bbo-tbt', 1]]) {
    it(`bookChannel ${channel}: every push is a ${depth}-level snapshot`, async () => {
      client({ bookChannel: channel });
      const book = await ex.fetchOrderBook('BTC/USDT');
      assert.deepStrictEqual(sides(book), sides(stub.truth('BTC-USDT', depth)));
      assert.deepStrictEqual(stub.controlMessages[0].args, [{ channel, instId: 'BTC-USDT' }]);
      const upd = nextEvent(ex, 'orderbook', () => true, 'BTC/USDT');
      stub.book('BTC-USDT', [['29999', '0']], [['30000.5', '3']]);
      assert.deepStrictEqual(sides(await upd), sides(stub.truth('BTC-USDT', depth)));
      assert.deepStrictEqual(errs, []);
    });
  }

  it('with ws: false the same methods answer over REST, and error codes become typed errors', async () => {
    ex = new okx({ urls: stub.urls });
    const book = await ex.fetchOrderBook('BTC/USDT', 5);
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTC-USDT', 5)));
    assert.ok(stub.requests.includes('/api/v5/market/books?instId=BTC-USDT&sz=5'), stub.requests.join(' '));
    assert.strictEqual(ex.has.fetchOrderBook, 'rest');
    stub.ticker('BTC-USDT', 30000.5, 29000);
    assert.strictEqual((await ex.fetchTicker('BTC/USDT')).last, 30000.5);
    assert.deepStrictEqual(Object.keys(await ex.fetchTickers()).sort(), ['BTC/USDT', 'ETH/USDT']);
    stub.trade('BTC-USDT', [{ px: '30001', sz: '0.5', side: 'buy' }, { px: '30000', sz: '0.25', side: 'sell' }]);
    const trades = await ex.fetchTrades('BTC/USDT');
    assert.deepStrictEqual(trades.map((x) => [x.id, x.price]), [['1', 30001], ['2', 30000]]);
    const t0 = Date.UTC(2024, 0, 1);
    stub.candle('BTC-USDT', '1H', [t0, 1, 3, 0.5, 2, 10]);
    stub.candle('BTC-USDT', '1H', [t0 + 3600000, 2, 4, 1, 3, 5]);
    assert.deepStrictEqual(await ex.fetchOHLCV('BTC/USDT', '1h'), [[t0, 1, 3, 0.5, 2, 10], [t0 + 3600000, 2, 4, 1, 3, 5]]);
    assert.strictEqual(stub.clients.size, 0);
    await assert.rejects(ex.fetchOrderBook('NOPE/USDT'), errors.BadSymbol);
    stub.restError = (p) => (p === '/api/v5/market/books' ? { code: '51001', msg: "Instrument ID doesn't exist." } : undefined);
    await assert.rejects(ex.fetchOrderBook('ETH/USDT'), (e) => e instanceof errors.BadSymbol && e.code === '51001' && e.symbol === 'ETH/USDT');
    stub.restError = (p) => (p === '/api/v5/market/books' ? { status: 429, code: '50011', msg: 'Too Many Requests' } : undefined);
    await assert.rejects(ex.fetchOrderBook('ETH/USDT'), errors.RateLimitExceeded);
    stub.restError = (p) => (p === '/api/v5/market/books' ? { code: '50001', msg: 'Service temporarily unavailable' } : undefined);
    await assert.rejects(ex.fetchOrderBook('ETH/USDT'), (e) => e instanceof errors.ExchangeNotAvailable && e.code === '50001');
  });
});
