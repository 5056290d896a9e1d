'use strict';
/**
 * The Kraken client end to end against a local Kraken-protocol server (test/support/kraken-stub):
 * WS v2 book snapshot + updates with checksums and depth truncation, checksum resyncs, lost
 * updates, drops, refusals, tickers / trades / candles, ping, and the REST path — each ending with
 * the book equal to the server's and the expected resync / error events.
 */
const assert = require('assert');
const { kraken, errors } = require('..');
const { KrakenStub } = require('./support/kraken-stub');
const { nextEvent, until, sides } = require('./support/wait');

function seedBook(stub, sym, mid, n = 20, tick = 1) {
  const bids = [];
  const asks = [];
  for (let i = 1; i <= n; i++) {
    bids.push([mid - i * tick, i / 10]);
    asks.push([mid + i * tick, i / 10]);
  }
  stub.seed(sym, bids, asks);
}

describe('kraken integration (local Kraken-protocol server)', function () {
  let stub;
  let ex;
  let errs;

  beforeEach(async () => {
    stub = await KrakenStub.start();
    seedBook(stub, 'BTC/USD', 30000);
    seedBook(stub, 'ETH/USD', 2000, 20, 0.5);
    errs = [];
  });

  afterEach(async () => {
    await ex?.close();
    ex = undefined;
    await stub.close();
  });

  function client(extra = {}) {
    ex = new kraken({ ws: true, urls: stub.urls, timeoutMs: 5000, reconnect: { baseDelayMs: 20, maxDelayMs: 100 }, ...extra });
    ex.on('error', (e) => errs.push(e));
    return ex;
  }

  it('loads markets from AssetPairs with v2 symbols and the pairs\' precision', async () => {
    client();
    const markets = await ex.loadMarkets();
    assert.deepStrictEqual(Object.keys(markets).sort(), ['BTC/USD', 'ETH/USD']);
    assert.strictEqual(markets['BTC/USD'].id, 'XXBTZUSD');
    assert.strictEqual(markets['BTC/USD'].precision.price, 0.1);
    assert.strictEqual(markets['ETH/USD'].precision.price, 0.01);
  });

  it('subscribes with the v2 symbol and depth, syncs from the snapshot and follows updates, truncating to the depth', async () => {
    client({ bookDepth: 10 });
    const resyncs = [];
    ex.on('resync', (e) => resyncs.push(e));
    const book = await ex.fetchOrderBook('BTC/USD');
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTC/USD', 10)));
    const subs = stub.controlMessages.filter((m) => m.method === 'subscribe');
    // the instrument channel (pair precisions, which the checksum is rendered at) goes first
    assert.deepStrictEqual(subs[0].params, { channel: 'instrument', snapshot: true });
    const sub = subs[1];
    assert.deepStrictEqual(sub.params, { channel: 'book', symbol: ['BTC/USD'], depth: 10, snapshot: true });
    assert.strictEqual(typeof sub.req_id, 'number');

    const seen = [];
    ex.on('orderbook', 'BTC/USD', (b) => seen.push(sides(b)));
    // an insert at the top pushes the 10th level out: the server sends no deletion for it
    assert.strictEqual(stub.book('BTC/USD', [[29999.5, 0.25]], []), 1);
    // a deletion inside the window: the server sends qty 0 and the level that enters the window
    stub.book('BTC/USD', [], [[30001, 0]]);
    // a change beyond the window is not sent at all; a quantity change inside is
    stub.book('BTC/USD', [[29900, 3]], [[30002, 1.23456789]]);
    // the same price twice in one message: applied in order
    stub.book('BTC/USD', [[29998, 0.7]], [], { exact: [[[29998, 0.5], [29998, 0.7]], []] });
    await until(() => seen.length === 4, 'four updates');
    assert.deepStrictEqual(seen[3], sides(stub.truth('BTC/USD', 10)));
    assert.strictEqual(seen[3].bids.length, 10);
    assert.strictEqual(seen[0].bids[0][0], 29999.5);
    assert.deepStrictEqual(sides(await ex.fetchOrderBook('BTC/USD')), sides(stub.truth('BTC/USD', 10)));
    assert.deepStrictEqual(resyncs, []);
    assert.deepStrictEqual(errs, []);
    assert.strictEqual(ex.has.fetchOrderBook, 'ws');
  });

  it('on a checksum mismatch it resyncs that symbol only (reason checksum) and never serves the wrong book', async () => {
    client({ bookDepth: 25 });
    await ex.fetchOrderBook('BTC/USD');
    await ex.fetchOrderBook('ETH/USD');
    const resyncs = [];
    ex.on('resync', (e) => resyncs.push(e));
    let btcEmitted = 0;
    ex.on('orderbook', 'BTC/USD', () => btcEmitted++);
    stub.holdSnapshots('BTC/USD');
    const before = stub.controlMessages.length;

    // the data is right but the checksum says otherwise: the book must be dropped, not served
    stub.book('BTC/USD', [[29999.5, 1]], [], { corrupt: true });
    await until(() => resyncs.length === 1, 'resync');
    assert.strictEqual(resyncs[0].symbol, 'BTC/USD');
    assert.strictEqual(resyncs[0].reason, 'checksum');
    assert.match(resyncs[0].detail, /checksum mismatch/);
    assert.strictEqual(btcEmitted, 0, 'the mismatched book was never emitted');

    // the client unsubscribes and subscribes that one symbol again, for a fresh snapshot
    await until(() => stub.controlMessages.length >= before + 2, 'resubscribe');
    const sent = stub.controlMessages.slice(before).map((m) => `${m.method} ${m.params.channel} ${m.params.symbol.join(',')}`);
    assert.deepStrictEqual(sent, ['unsubscribe book BTC/USD', 'subscribe book BTC/USD']);

    let resolved = false;
    const pull = ex.fetchOrderBook('BTC/USD').then((b) => ((resolved = true), b));
    // ETH keeps flowing on the same socket while BTC waits for its snapshot
    const ethUpdate = nextEvent(ex, 'orderbook', () => true, 'ETH/USD');
    stub.book('ETH/USD', [[1999.75, 2]], []);
    assert.deepStrictEqual(sides(await ethUpdate), sides(stub.truth('ETH/USD', 25)));
    // an update of the old subscription that arrives while BTC waits is dropped, not served
    // (the ETH update after it on the same socket proves it has been handled)
    stub.book('BTC/USD', [[29999, 4]], [], { publishHeld: true });
    const ethUpdate2 = nextEvent(ex, 'orderbook', () => true, 'ETH/USD');
    stub.book('ETH/USD', [[1999.5, 3]], []);
    await ethUpdate2;
    assert.strictEqual(resolved, false, 'no book is served while it is known to be wrong');
    assert.strictEqual(btcEmitted, 0);

    stub.releaseSnapshots('BTC/USD');
    const book = await pull;
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTC/USD', 25)));
    assert.strictEqual(btcEmitted, 1);
    // and it keeps following the stream, checksums passing
    const upd = nextEvent(ex, 'orderbook', () => true, 'BTC/USD');
    stub.book('BTC/USD', [], [[30000.5, 0.9]]);
    assert.deepStrictEqual(sides(await upd), sides(stub.truth('BTC/USD', 25)));
    assert.strictEqual(resyncs.length, 1);
    assert.deepStrictEqual(errs, []);
  });

  it('a lost update is caught by the next checksum and the book is rebuilt exactly', async () => {
    client({ bookDepth: 10 });
    await ex.fetchOrderBook('BTC/USD');
    const resync = nextEvent(ex, 'resync');
    stub.lose('BTC/USD', [[29999, 0]], []);
    stub.book('BTC/USD', [], [[30001, 0.5]]);
    const e = await resync;
    assert.strictEqual(e.reason, 'checksum');
    // fetchOrderBook waits for the fresh snapshot rather than answering with the broken book
    const book = await ex.fetchOrderBook('BTC/USD');
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTC/USD', 10)));
  });

  it('a snapshot that fails its checksum is not served: ChecksumError reported once, resubscribed until one passes', async () => {
    client({ bookDepth: 10 });
    const resyncs = [];
    ex.on('resync', (e) => resyncs.push(e));
    stub.corruptSnapshots = 2;
    const book = await ex.fetchOrderBook('BTC/USD');
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTC/USD', 10)));
    assert.deepStrictEqual(resyncs.map((e) => e.reason), ['checksum', 'checksum']);
    const subs = stub.controlMessages.filter((m) => m.params && m.params.channel === 'book').map((m) => m.method);
    assert.deepStrictEqual(subs, ['subscribe', 'unsubscribe', 'subscribe', 'unsubscribe', 'subscribe']);
    assert.strictEqual(errs.length, 1);
    assert.ok(errs[0] instanceof errors.ChecksumError, errs[0].name);
    assert.strictEqual(errs[0].symbol, 'BTC/USD');
    assert.match(errs[0].message, /1 price \/ 8 qty decimals/);
  });

  it('reconnects after the socket drops and rebuilds the book from a new snapshot', async () => {
    client({ bookDepth: 10 });
    await ex.fetchOrderBook('BTC/USD');
    const states = [];
    ex.on('status', (s) => states.push(s.state));
    const resync = nextEvent(ex, 'resync');
    const reopened = nextEvent(ex, 'status', (s) => s.state === 'open');
    stub.dropAll();
    assert.strictEqual((await resync).reason, 'reconnect');
    // the market moves while the client is away
    stub.book('BTC/USD', [[29999.25, 2]], [[30000.75, 1]]);
    await reopened;
    assert.ok(states.includes('reconnecting'), `states: ${states}`);
    await stub.subscribed('book', 'BTC/USD');
    const book = await ex.fetchOrderBook('BTC/USD');
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTC/USD', 10)));
  });

  it('declares a silent server stale (heartbeats keep it alive until then), reconnects and resyncs', async () => {
    await stub.close();
    stub = await KrakenStub.start({ heartbeatMs: 40 });
    seedBook(stub, 'BTC/USD', 30000);
    client({ staleTimeoutMs: 400, bookDepth: 10 });
    await ex.fetchOrderBook('BTC/USD');
    const resync = nextEvent(ex, 'resync');
    stub.silence(true);
    assert.strictEqual((await resync).reason, 'stale');
    stub.silence(false);
    await nextEvent(ex, 'status', (s) => s.state === 'open');
    const book = await ex.fetchOrderBook('BTC/USD');
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTC/USD', 10)));
  });

  it('sends {"method":"ping"} and takes the pong; heartbeats and status frames are no errors', async () => {
    client({ staleTimeoutMs: 3000 });
    await ex.fetchOrderBook('BTC/USD');
    stub.heartbeat();
    await until(() => stub.pings > 0, 'a ping');
    const ping = stub.controlMessages.find((m) => m.method === 'ping');
    assert.strictEqual(typeof ping.req_id, 'number');
    // everything sent before this update has been handled once it arrives
    const upd = nextEvent(ex, 'orderbook', () => true, 'BTC/USD');
    stub.book('BTC/USD', [[29999.5, 1]], []);
    await upd;
    assert.deepStrictEqual(errs, []);
  });

  it('reports malformed frames as typed errors and keeps the stream going', async () => {
    client({ bookDepth: 10 });
    await ex.fetchOrderBook('BTC/USD');
    const e1 = nextEvent(ex, 'error');
    stub.raw('this is not json');
    const err1 = await e1;
    assert.ok(err1 instanceof errors.BadResponse, err1.name);
    assert.match(err1.message, /^kraken: malformed frame/);
    const e2 = nextEvent(ex, 'error');
    stub.raw(JSON.stringify({ channel: 'book', type: 'update', data: [{ symbol: 'BTC/USD', bids: [{ price: 29999 }], asks: [], checksum: 1 }] }));
    const err2 = await e2;
    assert.ok(err2 instanceof errors.BadResponse, err2.name);
    assert.strictEqual(err2.symbol, 'BTC/USD');
    const upd = nextEvent(ex, 'orderbook', () => true, 'BTC/USD');
    stub.book('BTC/USD', [[29999.5, 1]], []);
    assert.deepStrictEqual(sides(await upd), sides(stub.truth('BTC/USD', 10)));
  });

  it('maps a refused subscription to a typed error naming the request and the symbol', async () => {
    client();
    stub.refuse = (channel) => (channel === 'ticker' ? 'Currency pair not supported BTC/USD' : channel === 'trade' ? 'Exceeded msg rate' : undefined);
    await assert.rejects(ex.fetchTicker('BTC/USD'), (e) => {
      assert.ok(e instanceof errors.BadSymbol, e.name);
      assert.strictEqual(e.code, 'Currency pair not supported BTC/USD');
      assert.strictEqual(e.symbol, 'BTC/USD');
      assert.match(e.message, /SUBSCRIBE ticker:BTC\/USD failed: Currency pair not supported/);
      return true;
    });
    const it = ex.watchTrades('BTC/USD');
    await assert.rejects(it.next(), (e) => e instanceof errors.RateLimitExceeded && /Exceeded msg rate/.test(e.message));
  });

  it('rejects an unknown symbol with BadSymbol before any network call for it', async () => {
    client();
    await ex.loadMarkets();
    const before = stub.requests.length;
    await assert.rejects(ex.fetchOrderBook('XBT/USD'), (e) => e instanceof errors.BadSymbol && /XBT\/USD/.test(e.message));
    assert.throws(() => ex.on('ticker', 'NOPE/USD', () => {}), errors.BadSymbol);
    assert.strictEqual(stub.requests.length, before);
    assert.strictEqual(stub.clients.size, 0);
  });

  it('streams tickers, batches of trades and candles', async () => {
    client();
    stub.ticker('BTC/USD', 30000.5, 100);
    const t = await ex.fetchTicker('BTC/USD');
    assert.strictEqual(t.symbol, 'BTC/USD');
    assert.strictEqual(t.last, 30000.5);
    assert.strictEqual(t.bid, 29999);
    assert.strictEqual(t.ask, 30001);
    assert.strictEqual(t.open, 29900.5);

    const trades = ex.watchTrades('BTC/USD');
    const first = trades.next();
    const sub = await stub.subscribed('trade', 'BTC/USD');
    assert.ok(sub);
    const tradeSub = stub.controlMessages.find((m) => m.method === 'subscribe' && m.params.channel === 'trade');
    assert.strictEqual(tradeSub.params.snapshot, false);
    stub.trade('BTC/USD', [{ price: 30001, qty: 0.5, side: 'buy' }, { price: 30000, qty: 0.25, side: 'sell' }]);
    const batch = (await first).value;
    assert.deepStrictEqual(batch.map((x) => [x.price, x.amount, x.side]), [[30001, 0.5, 'buy'], [30000, 0.25, 'sell']]);
    assert.strictEqual(batch[0].id, '1');
    await trades.return();

    const t0 = Date.UTC(2024, 0, 1, 0, 5);
    const candles = ex.watchOHLCV('BTC/USD', '5m');
    const c1 = candles.next();
    await stub.subscribed('ohlc', 'BTC/USD');
    const ohlcSub = stub.controlMessages.find((m) => m.method === 'subscribe' && m.params.channel === 'ohlc');
    assert.strictEqual(ohlcSub.params.interval, 5);
    stub.candle('BTC/USD', 5, { t: t0, o: 1, h: 3, l: 0.5, c: 2, v: 10 });
    assert.deepStrictEqual((await c1).value, [[t0, 1, 3, 0.5, 2, 10]]);
    await candles.return();
    assert.deepStrictEqual(errs, []);
  });

  it('watchOrderBook: for-await gets updates and break unsubscribes', async () => {
    client({ bookDepth: 10 });
    const keep = ex.on('ticker', 'BTC/USD', () => {});
    await stub.subscribed('ticker', 'BTC/USD');
    const got = [];
    const loop = (async () => {
      for await (const b of ex.watchOrderBook('ETH/USD')) {
        got.push(sides(b));
        if (got.length === 2) break;
      }
    })();
    await until(() => got.length === 1, 'snapshot');
    stub.book('ETH/USD', [[1999.75, 1]], []);
    await loop;
    assert.deepStrictEqual(got[1], sides(stub.truth('ETH/USD', 10)));
    await until(
      () => stub.controlMessages.some((m) => m.method === 'unsubscribe' && m.params.channel === 'book' && m.params.symbol[0] === 'ETH/USD'),
      'unsubscribe',
    );
    const unsub = stub.controlMessages.find((m) => m.method === 'unsubscribe');
    assert.deepStrictEqual(unsub.params, { channel: 'book', symbol: ['ETH/USD'], depth: 10 });
    // the instrument channel lives only while some book is open: dropped with the last one, while
    // the ticker keeps the socket
    await until(() => stub.controlMessages.some((m) => m.method === 'unsubscribe' && m.params.channel === 'instrument'), 'instrument unsubscribed');
    assert.ok(!stub.controlMessages.some((m) => m.method === 'unsubscribe' && m.params.channel === 'ticker'));
    keep();
  });

  it('with ws: false the same methods answer over REST, and REST error strings become typed errors', async () => {
    ex = new kraken({ urls: stub.urls });
    const book = await ex.fetchOrderBook('BTC/USD', 5);
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTC/USD', 5)));
    assert.strictEqual(ex.has.fetchOrderBook, 'rest');
    assert.ok(stub.requests.some((r) => r === '/0/public/Depth?pair=XXBTZUSD&count=5'), stub.requests.join(' '));
    stub.ticker('BTC/USD', 30000.5, 100);
    const t = await ex.fetchTicker('BTC/USD');
    assert.strictEqual(t.last, 30000.5);
    assert.strictEqual(t.bid, 29999);
    assert.strictEqual(t.open, 29900.5);
    const all = await ex.fetchTickers();
    assert.deepStrictEqual(Object.keys(all).sort(), ['BTC/USD', 'ETH/USD']);
    stub.trade('BTC/USD', [{ price: 30001, qty: 0.5, side: 'buy' }, { price: 30000, qty: 0.25, side: 'sell' }]);
    const trades = await ex.fetchTrades('BTC/USD');
    assert.deepStrictEqual(trades.map((x) => [x.id, x.price, x.amount, x.side]), [['1', 30001, 0.5, 'buy'], ['2', 30000, 0.25, 'sell']]);
    const t0 = Date.UTC(2024, 0, 1);
    stub.candle('BTC/USD', 60, { t: t0, o: 1, h: 3, l: 0.5, c: 2, v: 10 });
    assert.deepStrictEqual(await ex.fetchOHLCV('BTC/USD', '1h'), [[t0, 1, 3, 0.5, 2, 10]]);
    assert.strictEqual(stub.clients.size, 0);
    await assert.rejects(ex.fetchOrderBook('NOPE/USD'), errors.BadSymbol);
    stub.restError = (p) => (p === '/0/public/Depth' ? 'EService:Unavailable' : undefined);
    await assert.rejects(ex.fetchOrderBook('BTC/USD'), (e) => {
      assert.ok(e instanceof errors.ExchangeNotAvailable, e.name);
      assert.strictEqual(e.code, 'EService:Unavailable');
      assert.match(e.message, /Depth/);
      return true;
    });
    stub.restError = (p) => (p === '/0/public/Depth' ? 'EQuery:Unknown asset pair' : undefined);
    await assert.rejects(ex.fetchOrderBook('ETH/USD'), (e) => e instanceof errors.BadSymbol && e.symbol === 'ETH/USD');
  });
});
