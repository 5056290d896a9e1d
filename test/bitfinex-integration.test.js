'use strict';
/**
 * The Bitfinex client end to end against a local Bitfinex-protocol server (test/support/bitfinex-stub):
 * conf flags on every connection, chanId routing, P0 book snapshot + updates with `cs` checksums
 * and connection-wide sequence numbers, checksum and gap resyncs in place, drops, info codes,
 * malformed frames, refusals, tickers / trades (te + tu once) / candles, ping, the 25-channel
 * socket limit, and the REST path — each ending with the book equal to the server's and the
 * expected resync / error events.
 */
const assert = require('assert');
const { bitfinex, errors } = require('..');
const { BitfinexStub } = require('./support/bitfinex-stub');
const { nextEvent, until, sides } = require('./support/wait');

function seedBook(stub, sym, mid, n = 20, tick = 1) {
  const levels = [];
  for (let i = 1; i <= n; i++) {
    levels.push([mid - i * tick, i, i / 10]);
    levels.push([mid + i * tick, i, -i / 10]);
  }
  stub.seed(sym, levels);
}

describe('bitfinex integration (local Bitfinex-protocol server)', function () {
  let stub;
  let ex;
  let errs;

  beforeEach(async () => {
    stub = await BitfinexStub.start();
    seedBook(stub, 'tBTCUSD', 30000);
    seedBook(stub, 'tETHUSD', 2000, 20, 0.5);
    errs = [];
  });

  afterEach(async () => {
    await ex?.close();
    ex = undefined;
    await stub.close();
  });

  function client(extra = {}) {
    ex = new bitfinex({ ws: true, urls: stub.urls, timeoutMs: 5000, reconnect: { baseDelayMs: 20, maxDelayMs: 100 }, ...extra });
    ex.on('error', (e) => errs.push(e));
    return ex;
  }

  it('loads markets from the pair list and pair info: BTC/USD, colon pairs, min/max order size', async () => {
    client();
    const markets = await ex.loadMarkets();
    assert.deepStrictEqual(Object.keys(markets).sort(), ['BTC/USD', 'ETH/USD', 'TESTBTC/TESTUSD']);
    assert.strictEqual(markets['BTC/USD'].id, 'tBTCUSD');
    assert.strictEqual(markets['TESTBTC/TESTUSD'].id, 'tTESTBTC:TESTUSD');
    assert.strictEqual(markets['BTC/USD'].limits.amount.min, 0.0002);
    assert.strictEqual(markets['BTC/USD'].limits.amount.max, 2000);
  });

  it('sends conf (sequence + checksum flags) first, subscribes P0 with subId, syncs and follows updates checked by cs', async () => {
    client();
    const resyncs = [];
    ex.on('resync', (e) => resyncs.push(e));
    const book = await ex.fetchOrderBook('BTC/USD');
    assert.deepStrictEqual(sides(book), sides(stub.truth('tBTCUSD')));
    const [conf, sub] = stub.controlMessages.filter((m) => m.event !== 'ping');
    assert.deepStrictEqual(conf, { event: 'conf', flags: 65536 + 131072 });
    assert.strictEqual(sub.event, 'subscribe');
    assert.strictEqual(sub.channel, 'book');
    assert.strictEqual(sub.symbol, 'tBTCUSD');
    assert.strictEqual(sub.prec, 'P0');
    assert.strictEqual(sub.len, '25');
    assert.strictEqual(typeof sub.subId, 'number');

    const next = nextEvent(ex, 'orderbook', (b) => b.bids[0][0] === 29999.5, 'BTC/USD');
    stub.book('tBTCUSD', [[29999.5, 1, 0.25], [30001, 0, -1], [30003, 3, -2.5]]);
    await next;
    const after = await ex.fetchOrderBook('BTC/USD');
    assert.deepStrictEqual(sides(after), sides(stub.truth('tBTCUSD')));
    assert.strictEqual(after.asks[0][0], 30002);
    assert.deepStrictEqual(resyncs, []);
    assert.deepStrictEqual(errs, []);
  });

  it('a wrong cs drops the book, resyncs (checksum) by unsubscribing its chanId and subscribing again, exact after', async () => {
    client();
    await ex.fetchOrderBook('BTC/USD');
    const resync = nextEvent(ex, 'resync', (e) => e.reason === 'checksum');
    stub.book('tBTCUSD', [[29999.5, 1, 0.25]], { corrupt: true });
    const e = await resync;
    assert.strictEqual(e.symbol, 'BTC/USD');
    await until(() => stub.controlMessages.some((m) => m.event === 'unsubscribe'), 'an unsubscribe');
    await until(() => stub.controlMessages.filter((m) => m.event === 'subscribe').length === 2, 'a second subscribe');
    const book = await ex.fetchOrderBook('BTC/USD');
    assert.deepStrictEqual(sides(book), sides(stub.truth('tBTCUSD')));
    // a lost update is caught by the next checksum
    const again = nextEvent(ex, 'resync', (x) => x.reason === 'checksum');
    stub.book('tBTCUSD', [[29998.5, 2, 0.5]], { publish: false });
    await again;
    await until(async () => {
      const b = await ex.fetchOrderBook('BTC/USD');
      return JSON.stringify(sides(b)) === JSON.stringify(sides(stub.truth('tBTCUSD')));
    }, 'the book rebuilt with the lost level');
  });

  it('a skipped sequence number is a gap: the book resyncs in place (reason gap) and is exact again', async () => {
    client();
    await ex.fetchOrderBook('BTC/USD');
    await ex.fetchOrderBook('ETH/USD');
    const gaps = [];
    ex.on('resync', (e) => e.reason === 'gap' && gaps.push(e));
    const both = Promise.all([
      nextEvent(ex, 'resync', (e) => e.reason === 'gap' && e.symbol === 'BTC/USD'),
      nextEvent(ex, 'resync', (e) => e.reason === 'gap' && e.symbol === 'ETH/USD'),
    ]);
    stub.skipSeq = 1;
    stub.ticker('tBTCUSD', 30000); // no ticker subscription: a heartbeat carries the jump instead
    stub.heartbeat();
    await both;
    assert.match(gaps[0].detail, /skipped/);
    stub.book('tBTCUSD', [[29999.5, 1, 0.25]]);
    await until(async () => {
      const b = await ex.fetchOrderBook('BTC/USD');
      return JSON.stringify(sides(b)) === JSON.stringify(sides(stub.truth('tBTCUSD')));
    }, 'the book exact after the gap');
    assert.strictEqual(ex.streamSocketCount, 1);
  });

  it('a dropped socket: conf again on the new connection, resync (reconnect), exact again', async () => {
    client();
    await ex.fetchOrderBook('BTC/USD');
    const resync = nextEvent(ex, 'resync', (e) => e.reason === 'reconnect');
    stub.dropAll();
    await resync;
    await stub.clientWhere((c) => c.confs.length === 1 && c.chans.size === 1, 'a reconnected, subscribed client');
    stub.book('tBTCUSD', [[30001, 5, -7]]);
    await until(async () => {
      const b = await ex.fetchOrderBook('BTC/USD');
      return b.asks[0][1] === 7;
    }, 'the update after the reconnect');
    assert.deepStrictEqual(sides(await ex.fetchOrderBook('BTC/USD')), sides(stub.truth('tBTCUSD')));
  });

  it('info 20051 (restart) reconnects; 20060 pauses (resync maintenance, no error) and 20061 unsubscribes and subscribes every channel again', async () => {
    client();
    await ex.fetchOrderBook('BTC/USD');
    const resync = nextEvent(ex, 'resync', (e) => e.reason === 'reconnect');
    stub.info(20051);
    await resync;
    await ex.fetchOrderBook('BTC/USD');
    const paused = nextEvent(ex, 'resync', (e) => e.reason === 'maintenance');
    stub.info(20060);
    assert.match((await paused).detail, /info 20060/);
    const subs = () => stub.controlMessages.filter((m) => m.event === 'subscribe').length;
    const before = subs();
    stub.info(20061);
    await until(() => subs() === before + 1, 'the book subscribed again');
    assert.ok(stub.controlMessages.some((m) => m.event === 'unsubscribe'), 'its old channel unsubscribed first');
    assert.deepStrictEqual(sides(await ex.fetchOrderBook('BTC/USD')), sides(stub.truth('tBTCUSD')));
    assert.deepStrictEqual(errs, []);
  });

  it('a malformed book level is never applied: reported, and the book resyncs (invalid)', async () => {
    client();
    await ex.fetchOrderBook('BTC/USD');
    const chanId = [...[...stub.clients][0].chans.values()].find((s) => s.channel === 'book').chanId;
    const resync = nextEvent(ex, 'resync', (e) => e.reason === 'invalid');
    const c = [...stub.clients][0];
    stub.data(c, [chanId, ['oops', 1, 2]]);
    await resync;
    assert.ok(errs.some((e) => e instanceof errors.BadResponse && e.symbol === 'BTC/USD'));
    const book = await ex.fetchOrderBook('BTC/USD');
    assert.deepStrictEqual(sides(book), sides(stub.truth('tBTCUSD')));
  });

  it('tickers, trades (te then tu: each trade once, side from the amount sign) and candles', async () => {
    client();
    const t = await ex.fetchTicker('BTC/USD');
    assert.strictEqual(t.bid, 29999);
    assert.strictEqual(t.ask, 30001);
    const tick = nextEvent(ex, 'ticker', (x) => x.last === 30010, 'BTC/USD');
    stub.ticker('tBTCUSD', 30010, 10);
    assert.strictEqual((await tick).change, 10);

    const got = [];
    ex.on('trades', 'BTC/USD', (list) => got.push(...list));
    await stub.subscribed('trades', 'tBTCUSD');
    const two = until(() => got.length >= 2, 'two trades');
    stub.trade('tBTCUSD', 30000, 0.5);
    stub.trade('tBTCUSD', 29999, -0.25);
    await two;
    stub.heartbeat();
    const third = until(() => got.length >= 3, 'a third trade');
    stub.trade('tBTCUSD', 30001, 1, { tu: false });
    await third;
    assert.deepStrictEqual(got.map((x) => [x.price, x.amount, x.side]), [[30000, 0.5, 'buy'], [29999, 0.25, 'sell'], [30001, 1, 'buy']]);

    const candles = [];
    ex.on('ohlcv', 'BTC/USD', (c) => candles.push(c), { timeframe: '1m' });
    await stub.subscribed('candles', 'trade:1m:tBTCUSD');
    const one = until(() => candles.length >= 1, 'a candle');
    stub.candle('trade:1m:tBTCUSD', [1700000040000, 100, 105, 110, 95, 3]);
    await one;
    const last = candles[candles.length - 1];
    assert.deepStrictEqual(Array.isArray(last[0]) ? last[last.length - 1] : last, [1700000040000, 100, 110, 95, 105, 3]);
    assert.deepStrictEqual(errs, []);
  });

  it('app pings ({"event":"ping","cid"}) are answered and keep the socket alive; heartbeats count as life', async () => {
    client({ staleTimeoutMs: 3000 });
    await ex.fetchOrderBook('BTC/USD');
    await until(() => stub.pings >= 1, 'a client ping');
    assert.strictEqual(ex.streamSocketCount, 1);
    assert.ok(!errs.some((e) => /stale/.test(e.message)));
  });

  it('a refused subscription ends that topic with BadSymbol naming the request; unknown symbols fail before any request', async () => {
    client();
    stub.refuse = (m) => (m.channel === 'ticker' ? { msg: 'symbol: invalid', code: 10300 } : undefined);
    await assert.rejects(ex.fetchTicker('BTC/USD'), (e) => e instanceof errors.BadSymbol && e.symbol === 'BTC/USD' && /SUBSCRIBE ticker:tBTCUSD/.test(e.message));
    const before = stub.requests.length;
    await assert.rejects(ex.fetchOrderBook('NOPE/USD'), errors.BadSymbol);
    assert.strictEqual(stub.requests.length, before);
  });

  it('opens a second socket past 25 channels a connection', async () => {
    const pairs = Array.from({ length: 26 }, (_, i) => `X${String(i).padStart(2, '0')}USD`);
    await stub.close();
    stub = await BitfinexStub.start({ pairs });
    client();
    await ex.loadMarkets();
    await Promise.all(pairs.map((p) => ex.fetchTicker(`${p.slice(0, 3)}/USD`)));
    assert.strictEqual(ex.streamSocketCount, 2);
    for (const c of stub.clients) assert.ok(c.chans.size <= 25);
  });

  it('ws: false answers from REST: book (P0, len), ticker, trades, candles; REST errors are typed', async () => {
    client({ ws: false });
    const book = await ex.fetchOrderBook('BTC/USD', 10);
    assert.deepStrictEqual(sides(book), { bids: stub.truth('tBTCUSD').bids.slice(0, 10), asks: stub.truth('tBTCUSD').asks.slice(0, 10) });
    assert.ok(stub.requests.some((r) => r === '/v2/book/tBTCUSD/P0?len=25'));
    const t = await ex.fetchTicker('ETH/USD');
    assert.strictEqual(t.bid, 1999.5);
    const ts = await ex.fetchTickers(['BTC/USD', 'ETH/USD']);
    assert.deepStrictEqual(Object.keys(ts).sort(), ['BTC/USD', 'ETH/USD']);
    stub.trade('tBTCUSD', 30000, 0.5);
    stub.trade('tBTCUSD', 30002, -1);
    const trades = await ex.fetchTrades('BTC/USD');
    assert.deepStrictEqual(trades.map((x) => [x.price, x.side]), [[30000, 'buy'], [30002, 'sell']]);
    stub.candle('trade:1m:tBTCUSD', [1700000000000, 1, 2, 3, 0.5, 10]);
    stub.candle('trade:1m:tBTCUSD', [1700000060000, 2, 4, 5, 1.5, 11]);
    assert.deepStrictEqual(await ex.fetchOHLCV('BTC/USD', '1m'), [[1700000000000, 1, 3, 0.5, 2, 10], [1700000060000, 2, 5, 1.5, 4, 11]]);
    stub.books.delete('tBTCUSD');
    await assert.rejects(ex.fetchTicker('BTC/USD'), (e) => e instanceof errors.BadSymbol && e.code === 10020);
  });
});

describe('bitfinex connection pacing (20 connections a minute on the public host)', () => {
  const sinon = require('sinon');
  const { WebSocketServer } = require('ws');
  const { once } = require('events');
  const { WsConnection } = require('../js/transport/ws-connection');
  const { bitfinexConnectGate } = require('../js/exchanges/bitfinex/adapter');

  it('the gate gives 20 slots a host at once, the 21st only once the first left the minute; hosts are counted apart', async () => {
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const host = 'wss://pacing-test.invalid:1';
      for (let i = 0; i < 20; i++) await bitfinexConnectGate(host);
      let passed = false;
      const p = bitfinexConnectGate(host).then(() => (passed = true));
      await bitfinexConnectGate('wss://another-host.invalid:1'); // another host: its own slots
      await Promise.resolve();
      assert.strictEqual(passed, false, 'the 21st waits');
      await clock.tickAsync(59_000); // a token bucket would have let it through after 3 s: 40 in a minute
      assert.strictEqual(passed, false, 'still inside the minute of the first 20');
      await clock.tickAsync(2100); // the minute (plus a second of slack) since the first 20
      await p;
      assert.strictEqual(passed, true);
    } finally {
      clock.restore();
    }
  });

  it('a connection opens only once its gate lets it, and never after close() while it waited', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    const url = `ws://127.0.0.1:${wss.address().port}`;
    let connections = 0;
    wss.on('connection', () => connections++);
    try {
      let release;
      const gate = () => new Promise((r) => (release = r));
      const c = new WsConnection({ url, exchange: 'bitfinex', connectGate: gate });
      c.connect();
      assert.strictEqual(c.state, 'connecting');
      const opened = nextEvent(c.events, 'open');
      release();
      await opened;
      assert.strictEqual(connections, 1);
      await c.close();

      const c2 = new WsConnection({ url, exchange: 'bitfinex', connectGate: gate });
      c2.connect();
      await c2.close();
      release(); // the slot comes after close(): no socket
      await new Promise((r) => setImmediate(r));
      assert.strictEqual(c2.state, 'closed');
      assert.strictEqual(connections, 1);
    } finally {
      for (const s of wss.clients) s.terminate();
      await new Promise((r) => wss.close(r));
    }
  });
});
