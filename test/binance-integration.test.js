'use strict';
/**
 * The Binance client end to end against a local Binance-protocol server (test/support/binance-stub):
 * sync, snapshot race, gaps, drops, garbage frames, silence, refusals — each ending with the book
 * equal to the server's and the expected status/resync events.
 */
const assert = require('assert');
const { binance, errors } = require('..');
const { BinanceStub } = require('./support/binance-stub');
const { nextEvent, until, sides } = require('./support/wait');

const DEPTH = 'btcusdt@depth@100ms';

function seedBook(stub, sym = 'BTCUSDT', mid = 100) {
  const bids = [];
  const asks = [];
  for (let i = 1; i <= 20; i++) {
    bids.push([mid - i, i]);
    asks.push([mid + i, i]);
  }
  stub.seed(sym, bids, asks);
}

/** Subscribes the book and drives it to its first sync. */
async function syncedBook(ex, stub, sym = 'BTC/USDT') {
  const id = sym.replace('/', '');
  const p = ex.fetchOrderBook(sym);
  await stub.subscribed(`${id.toLowerCase()}@depth@100ms`);
  stub.depth(id, [[90.5, 2]], []);
  return p;
}

describe('binance integration (local Binance-protocol server)', function () {
  let stub;
  let ex;
  let errs;

  beforeEach(async () => {
    stub = await BinanceStub.start();
    seedBook(stub);
    seedBook(stub, 'ETHUSDT', 50);
    errs = [];
  });

  afterEach(async () => {
    await ex?.close();
    ex = undefined;
    await stub.close();
  });

  function client(extra = {}) {
    ex = new binance({ ws: true, urls: stub.urls, timeoutMs: 5000, reconnect: { baseDelayMs: 20, maxDelayMs: 100 }, ...extra });
    ex.on('error', (e) => errs.push(e));
    return ex;
  }

  it('syncs a book from snapshot + diff stream and follows every update', async () => {
    client();
    const book = await syncedBook(ex, stub);
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTCUSDT')));
    assert.strictEqual(book.nonce, stub.truth('BTCUSDT').nonce);
    // the first event after the snapshot must straddle lastUpdateId+1: that is what just happened
    const seen = [];
    ex.on('orderbook', 'BTC/USDT', (b) => seen.push({ nonce: b.nonce, ...sides(b) }));
    stub.depth('BTCUSDT', [[99, 0], [98.5, 3]], [[101, 7]]);
    stub.depth('BTCUSDT', [], [[100.5, 1], [102, 0]]);
    await until(() => seen.length === 2, 'two updates');
    assert.deepStrictEqual(seen[1], { nonce: stub.truth('BTCUSDT').nonce, ...sides(stub.truth('BTCUSDT')) });
    const pulled = await ex.fetchOrderBook('BTC/USDT');
    assert.deepStrictEqual(sides(pulled), sides(stub.truth('BTCUSDT')));
    // a pull result is the caller's: later updates do not change it
    const before = JSON.stringify(sides(pulled));
    stub.depth('BTCUSDT', [[99.5, 9]], []);
    await nextEvent(ex, 'orderbook', () => true, 'BTC/USDT');
    assert.strictEqual(JSON.stringify(sides(pulled)), before);
    assert.deepStrictEqual(ex.has.fetchOrderBook, 'ws');
    assert.deepStrictEqual(errs, []);
  });

  it('handles the snapshot race: events that arrive while the snapshot is in flight are applied', async () => {
    client();
    let release;
    stub.snapshotGate = (send) => (release = send);
    const p = ex.fetchOrderBook('BTC/USDT');
    await stub.subscribed(DEPTH);
    stub.depth('BTCUSDT', [[90.5, 2]], []);
    await until(() => release, 'snapshot request');
    // the snapshot is already taken; these arrive first and must be applied after it
    stub.depth('BTCUSDT', [[99, 5]], []);
    stub.depth('BTCUSDT', [], [[101, 0]]);
    stub.snapshotGate = undefined;
    release();
    const book = await p;
    // buffered events newer than the snapshot were merged before the first answer
    await until(() => ex.topics.all.get('orderbook|BTC/USDT').book.book.nonce === stub.truth('BTCUSDT').nonce, 'catch up');
    const now = await ex.fetchOrderBook('BTC/USDT');
    assert.deepStrictEqual(sides(now), sides(stub.truth('BTCUSDT')));
    assert.ok(book.nonce >= 1001);
  });

  it('fetches the snapshot again when it is older than the first buffered event', async () => {
    client();
    // Serve a stale snapshot once: taken before two updates the stream has already passed.
    const t0 = stub.books.get('BTCUSDT');
    const old = { lastUpdateId: t0.id, bids: t0.sorted('b'), asks: t0.sorted('a') };
    let served = 0;
    stub.snapshotOverride = () => (++served === 1 ? old : undefined);
    stub.lose('BTCUSDT', [[97, 1]], []);
    stub.lose('BTCUSDT', [[96, 2]], []);
    const p = ex.fetchOrderBook('BTC/USDT');
    await stub.subscribed(DEPTH);
    stub.depth('BTCUSDT', [[95.5, 4]], []);
    const book = await p;
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTCUSDT')));
    const depthCalls = stub.requests.filter((r) => r.startsWith('/api/v3/depth'));
    assert.strictEqual(depthCalls.length, 2, 'the stale snapshot was refetched once');
  });

  it('resyncs in place on a skipped sequence number, and a pull waits for the resync', async () => {
    client();
    await syncedBook(ex, stub);
    // a second book on the same socket must not be disturbed
    const eth = ex.fetchOrderBook('ETH/USDT');
    await stub.subscribed('ethusdt@depth@100ms');
    stub.depth('ETHUSDT', [[49.5, 1]], []);
    await eth;
    const resyncs = [];
    ex.on('resync', (e) => resyncs.push(e));
    let release;
    stub.snapshotGate = (send, sym) => {
      if (sym === 'BTCUSDT') release = send;
      else send();
    };
    stub.lose('BTCUSDT', [[99, 0]], []);
    stub.depth('BTCUSDT', [[98, 4]], []);
    await until(() => resyncs.length === 1, 'resync');
    assert.strictEqual(resyncs[0].symbol, 'BTC/USDT');
    assert.strictEqual(resyncs[0].reason, 'gap');
    assert.strictEqual(resyncs[0].nonce, stub.truth('BTCUSDT').nonce - 2, 'the nonce of the last good book');
    assert.match(resyncs[0].detail, /U=1003 u=1003/);
    let resolved = false;
    const pull = ex.fetchOrderBook('BTC/USDT').then((b) => ((resolved = true), b));
    await until(() => release, 'resync snapshot request');
    // ETH keeps flowing while BTC resyncs
    const ethUpdate = nextEvent(ex, 'orderbook', () => true, 'ETH/USDT');
    stub.depth('ETHUSDT', [[49, 3]], []);
    await ethUpdate;
    assert.strictEqual(resolved, false, 'no book is served while it is known to be wrong');
    stub.snapshotGate = undefined;
    release();
    const book = await pull;
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTCUSDT')));
    assert.deepStrictEqual(sides(await ex.fetchOrderBook('ETH/USDT')), sides(stub.truth('ETHUSDT')));
    assert.strictEqual(resyncs.length, 1);
  });

  it('reconnects after the socket drops mid-stream and rebuilds the book', async () => {
    client();
    await syncedBook(ex, stub);
    const states = [];
    ex.on('status', (s) => states.push(s.state));
    const resync = nextEvent(ex, 'resync');
    const reopened = nextEvent(ex, 'status', (s) => s.state === 'open');
    stub.dropAll();
    assert.strictEqual((await resync).reason, 'reconnect');
    await reopened;
    assert.ok(states.includes('reconnecting'), `states: ${states}`);
    const client2 = await stub.subscribed(DEPTH);
    assert.ok(client2);
    // the server moved on while we were away
    stub.depth('BTCUSDT', [[97.25, 1]], [[100.75, 2]]);
    const book = await ex.fetchOrderBook('BTC/USDT');
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTCUSDT')));
  });

  it('reconnects on its own terms when the server announces its 24 h shutdown, and answers server pings', async () => {
    client();
    await syncedBook(ex, stub);
    const [sock] = [...stub.clients];
    const pong = new Promise((r) => sock.ws.once('pong', (d) => r(d.toString())));
    sock.ws.ping('keepalive-1');
    assert.strictEqual(await pong, 'keepalive-1', 'a server ping is answered with the same payload');
    const resync = nextEvent(ex, 'resync');
    const reopened = nextEvent(ex, 'status', (s) => s.state === 'open');
    // web-socket-streams.md: {"e":"serverShutdown","E":...}, combined form on stream "!serverShutdown"
    sock.ws.send(JSON.stringify({ stream: '!serverShutdown', data: { e: 'serverShutdown', E: Date.now() } }));
    assert.strictEqual((await resync).reason, 'reconnect');
    await reopened;
    await until(() => [...stub.clients].some((c) => c !== sock && c.streams.has(DEPTH)), 'a new socket');
    stub.depth('BTCUSDT', [[97.5, 1]], []);
    const book = await ex.fetchOrderBook('BTC/USDT');
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTCUSDT')));
  });

  it('reports a non-JSON frame as a typed error and keeps the stream going', async () => {
    client();
    await syncedBook(ex, stub);
    const err = nextEvent(ex, 'error');
    stub.raw('this is not json');
    const e = await err;
    assert.ok(e instanceof errors.BadResponse, e.name);
    assert.match(e.message, /^binance: malformed frame/);
    const upd = nextEvent(ex, 'orderbook', () => true, 'BTC/USDT');
    stub.depth('BTCUSDT', [[99, 11]], []);
    const b = await upd;
    assert.deepStrictEqual(sides(b), sides(stub.truth('BTCUSDT')));
  });

  it('declares a silent server stale, reconnects, and resyncs', async () => {
    client({ staleTimeoutMs: 300 });
    await syncedBook(ex, stub);
    const all = [];
    ex.on('resync', (r) => all.push(r.reason));
    const resync = nextEvent(ex, 'resync');
    stub.silence(true);
    const e = await resync;
    assert.strictEqual(e.reason, 'stale');
    stub.silence(false);
    await nextEvent(ex, 'status', (s) => s.state === 'open');
    await stub.subscribed(DEPTH);
    stub.depth('BTCUSDT', [[96.5, 1]], []);
    const book = await ex.fetchOrderBook('BTC/USDT');
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTCUSDT')));
    assert.deepStrictEqual(all, ['stale'], 'one drop, one resync (the close after a stale drop is not a second one)');
  });

  it('rejects an unknown symbol with BadSymbol before any network call for it', async () => {
    client();
    await ex.loadMarkets();
    const before = stub.requests.length;
    await assert.rejects(ex.fetchOrderBook('NOPE/USDT'), (e) => e instanceof errors.BadSymbol && /NOPE\/USDT/.test(e.message));
    assert.throws(() => ex.on('ticker', 'NOPE/USDT', () => {}), errors.BadSymbol);
    // wrong arguments get a clear BadRequest, not a silent no-op
    assert.throws(() => ex.on('orderbok', 'BTC/USDT', () => {}), (e) => e instanceof errors.BadRequest && /unknown channel "orderbok"/.test(e.message));
    assert.throws(() => ex.on('orderbook', () => {}), (e) => e instanceof errors.BadRequest && /needs a symbol/.test(e.message));
    assert.throws(() => ex.on('orderbook', 'BTC/USDT'), (e) => e instanceof errors.BadRequest && /needs a callback/.test(e.message));
    await assert.rejects(ex.fetchOrderBook(42), errors.BadRequest);
    assert.throws(() => ex.watchOHLCV('BTC/USDT', '7m'), (e) => e instanceof errors.BadRequest && /timeframe/.test(e.message));
    assert.strictEqual(stub.requests.length, before);
    assert.strictEqual(stub.clients.size, 0);
  });

  it('turns an exchange error reply into a typed error naming the request', async () => {
    client();
    // streams named in the connect URL are not acknowledged one by one, so refuse a later SUBSCRIBE
    await syncedBook(ex, stub);
    stub.refuseStreams = /@ticker$/;
    await assert.rejects(ex.fetchTicker('BTC/USDT'), (e) => {
      assert.ok(e instanceof errors.BadRequest, e.name);
      assert.match(e.message, /SUBSCRIBE btcusdt@ticker/);
      assert.strictEqual(e.code, 2);
      return true;
    });
  });

  it('isolates a throwing callback: others still run and the throw is reported', async () => {
    client();
    await syncedBook(ex, stub);
    let good = 0;
    ex.on('orderbook', 'BTC/USDT', () => {
      throw new Error('boom');
    });
    ex.on('orderbook', 'BTC/USDT', () => good++);
    const err = nextEvent(ex, 'error');
    stub.depth('BTCUSDT', [[99, 1]], []);
    const e = await err;
    assert.match(e.message, /boom/);
    await until(() => good === 1, 'second callback');
  });

  it('watchOrderBook: for-await gets updates, break unsubscribes, await gives the next update', async () => {
    client();
    // one socket, two streams: releasing one sends UNSUBSCRIBE (a socket left empty is closed)
    const trades = ex.on('trades', 'BTC/USDT', () => {});
    await stub.subscribed('btcusdt@trade');
    const it = ex.watchOrderBook('ETH/USDT');
    const got = [];
    const loop = (async () => {
      for await (const b of it) {
        got.push(b.nonce);
        if (got.length === 2) break;
      }
    })();
    await stub.subscribed('ethusdt@depth@100ms');
    stub.depth('ETHUSDT', [[49.5, 1]], []);
    await until(() => got.length === 1, 'first book');
    stub.depth('ETHUSDT', [[49.25, 1]], []);
    await loop;
    assert.deepStrictEqual(got, [stub.truth('ETHUSDT').nonce - 1, stub.truth('ETHUSDT').nonce]);
    await until(() => stub.controlMessages.some((m) => m.method === 'UNSUBSCRIBE' && m.params.includes('ethusdt@depth@100ms')), 'unsubscribe');
    trades();
    await until(() => stub.clients.size === 0, 'the emptied socket to close');

    const next = ex.watchOrderBook('BTC/USDT');
    const p = next.then((b) => b);
    await stub.subscribed(DEPTH);
    stub.depth('BTCUSDT', [[90.5, 2]], []);
    const b = await p;
    assert.deepStrictEqual(sides(b), sides(stub.truth('BTCUSDT')));
  });

  it('watchTrades queues every trade in order; tickers arrive as unified tickers', async () => {
    client();
    const it = ex.watchTrades('BTC/USDT');
    const first = it.next();
    await stub.subscribed('btcusdt@trade');
    for (let i = 0; i < 5; i++) stub.trade('BTCUSDT', 100 + i, 1 + i, i % 2 === 0);
    const batches = [(await first).value];
    while (batches.length < 5) batches.push((await it.next()).value);
    await it.return();
    const trades = batches.flat();
    assert.deepStrictEqual(trades.map((t) => t.price), [100, 101, 102, 103, 104]);
    assert.deepStrictEqual(trades.map((t) => t.side), ['sell', 'buy', 'sell', 'buy', 'sell']);
    assert.strictEqual(trades[0].symbol, 'BTC/USDT');

    const tp = ex.fetchTicker('BTC/USDT');
    await stub.subscribed('btcusdt@ticker');
    stub.ticker('BTCUSDT', 123.45);
    const t = await tp;
    assert.strictEqual(t.last, 123.45);
    assert.strictEqual(t.bid, 99);
    assert.strictEqual(t.symbol, 'BTC/USDT');
  });

  it('raw streams (/ws + SUBSCRIBE, unwrapped payloads) keep the same book', async () => {
    client({ rawStreams: true });
    const book = await syncedBook(ex, stub);
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTCUSDT')));
    const [c] = [...stub.clients];
    assert.strictEqual(c.path, '/ws');
    assert.ok(stub.controlMessages.some((m) => m.method === 'SUBSCRIBE' && m.params.includes(DEPTH)));
    const upd = nextEvent(ex, 'orderbook', () => true, 'BTC/USDT');
    stub.depth('BTCUSDT', [[99, 0]], [[101.5, 2]]);
    assert.deepStrictEqual(sides(await upd), sides(stub.truth('BTCUSDT')));
  });

  it('splits streams over more sockets when the per-connection limit is reached', async () => {
    client({ streamsPerConnection: 1 });
    const a = syncedBook(ex, stub, 'BTC/USDT');
    const b = syncedBook(ex, stub, 'ETH/USDT');
    await Promise.all([a, b]);
    assert.strictEqual(ex.streamSocketCount, 2);
    assert.strictEqual(stub.clients.size, 2);
  });

  it('with ws: false the same methods answer over REST', async () => {
    ex = new binance({ urls: stub.urls });
    const book = await ex.fetchOrderBook('BTC/USDT', 5);
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTCUSDT', 5)));
    assert.strictEqual(ex.has.fetchOrderBook, 'rest');
    assert.strictEqual(stub.clients.size, 0);
    await assert.rejects(ex.fetchOrderBook('NOPE/USDT'), errors.BadSymbol);
  });
});
