'use strict';
/**
 * The relay (DESIGN.md "Scale-out"): one relay holds the Binance simulator's connections and writes
 * to a real redis-server (started here on a free port, test/support/redis.js); consumers created
 * with `new binance({ relay })` rebuild the books from Redis with no exchange connection. Their books
 * must equal the simulator's truth at the relay's last entry, and their callbacks must see every
 * update the relay applied, in order.
 */
const assert = require('assert');
const Redis = require('ioredis');
const { binance, kraken, errors } = require('..');
const { simulate } = require('../js/sim');
const { Relay } = require('../js/relay/relay');
const { symbolKeys, metaKey } = require('../js/relay/keys');
const { startRedis, requireRedis } = require('./support/redis');
const { forkConsumer } = require('./support/relay-procs');
const { nextEvent } = require('./support/wait');
const { settled, assertExact, sides } = require('./support/book');

const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';
const SPEC = { nonce: 'equal', minLevels: 100 };

/** The payload of the last entry of a book stream. */
async function lastEntry(redis, symbol) {
  const [[id, fields]] = await redis.xrevrange(symbolKeys('binance', symbol).book, '+', '-', 'COUNT', 1);
  return { id, t: fields[1], p: JSON.parse(fields[3]) };
}

/** `seen` is a run of `all`, from the first nonce `seen` has: every update, once, in order. */
function assertEveryUpdate(seen, all, who) {
  assert.ok(seen.length > 0, `${who} saw updates`);
  const from = all.indexOf(seen[0]);
  assert.ok(from >= 0, `${who}'s first book (nonce ${seen[0]}) is one the relay had`);
  assert.deepStrictEqual(seen, all.slice(from, from + seen.length), `${who} saw every update of the relay, in order`);
  assert.strictEqual(seen[seen.length - 1], all[all.length - 1], `${who} reached the relay's last update`);
}

describe('relay over Redis Streams: books, tickers and trades', function () {
  this.timeout(60000);
  let redis;
  let sim;
  let up;
  let relay;
  let admin;
  const upNonces = { [BTC]: [], [ETH]: [] };
  const upTrades = [];
  const upTickers = [];
  const upResyncs = [];
  const consumers = [];

  before(async function () {
    requireRedis(this);
    redis = await startRedis();
    admin = new Redis(redis.url);
    sim = await simulate('binance', { port: 0, seed: 42, symbols: [BTC, ETH], tickMs: 10 });
    up = new binance({ ws: true, urls: sim.urls, timeoutMs: 8000 });
    up.on('resync', (e) => upResyncs.push(e));
    for (const s of [BTC, ETH]) up.on('orderbook', s, (b) => upNonces[s].push(b.nonce));
    up.on('trades', BTC, (list) => upTrades.push(...list.map((t) => t.id)));
    up.on('ticker', BTC, (t) => upTickers.push(t));
    relay = new Relay(up, { redis: redis.url, symbols: [BTC, ETH], leaseMs: 2000 });
    await relay.start();
    await nextEvent(up, 'orderbook', () => relay.activeSymbols.length === 2, BTC, { what: 'the relay writing both symbols' });
  });

  after(async () => {
    for (const c of consumers) await c.close();
    await relay?.stop();
    await up?.close();
    await sim?.close();
    admin?.disconnect();
    await redis?.stop();
  });

  function consumer(opts = {}) {
    const c = new binance({ relay: redis.url, timeoutMs: 8000, ...opts });
    consumers.push(c);
    return c;
  }

  it('publishes the relayed markets: a consumer loads them, knows no other symbol and opens no exchange connection', async () => {
    // exchange URLs that answer nothing: any attempt to reach the exchange would fail the test
    const c = consumer({ urls: { rest: 'http://127.0.0.1:1', ws: 'ws://127.0.0.1:1' } });
    const errs = [];
    c.on('error', (e) => errs.push(e));
    const markets = await c.loadMarkets();
    assert.deepStrictEqual(Object.keys(markets).sort(), [BTC, ETH]);
    assert.deepStrictEqual(markets[BTC], (await up.loadMarkets())[BTC]);
    assert.throws(() => c.market('BNB/USDT'), errors.BadSymbol);
    const book = await c.fetchOrderBook(BTC);
    assert.ok(book.bids.length > 100 && book.asks.length > 100, 'a deep book');
    assert.strictEqual(c.streamSocketCount, 0, 'no exchange socket');
    assert.strictEqual(c.has.fetchOrderBook, 'ws');
    assert.strictEqual(c.has.watchTrades, 'ws');
    assert.strictEqual(c.has.fetchOHLCV, false);
    assert.strictEqual(c.has.createOrder, false);
    await assert.rejects(c.fetchOHLCV(BTC), errors.NotSupported);
    await assert.rejects(c.fetchBalance(), errors.NotSupported);
    // the candles topic the pull opened fails for good, and says so once
    assert.deepStrictEqual(errs.map((e) => e.constructor.name), ['NotSupported']);
  });

  it("a consumer's books equal the simulator's truth at the relay's last entry, with a callback for every update", async () => {
    const c = consumer();
    const resyncs = [];
    c.on('resync', (e) => resyncs.push(e));
    const seen = { [BTC]: [], [ETH]: [] };
    for (const s of [BTC, ETH]) c.on('orderbook', s, (b) => seen[s].push(b.nonce));
    await Promise.all([c.fetchOrderBook(BTC), c.fetchOrderBook(ETH)]);
    sim.resume();
    let n = 0;
    await nextEvent(c, 'orderbook', () => ++n >= 15, BTC, { what: '15 updates through the relay' });
    const btc = await settled(c, sim, BTC, SPEC);
    assertExact(btc, SPEC);
    assertExact(await settled(c, sim, ETH, SPEC), SPEC);
    const last = await lastEntry(admin, BTC);
    assert.strictEqual(last.t, 'd');
    assert.strictEqual(last.p.n, btc.truth.lastUpdateId, "the relay's last entry is the truth's update");
    for (const s of [BTC, ETH]) assertEveryUpdate(seen[s], upNonces[s], `the consumer (${s})`);
    assert.deepStrictEqual(resyncs, []);
    assert.deepStrictEqual(upResyncs, [], 'the relay itself never resynced');
  });

  it('consumer instances in one process share one reader per stream: one XREAD connection, late joiners exact, released with the last consumer', async () => {
    // the same server under another URL: readers of its own (readers are shared per URL and stream)
    const url = `${redis.url}/0`;
    const readers = async () => (await admin.client('LIST')).split('\n').filter((l) => / cmd=xread\b/.test(l)).length;
    const base = await readers();
    const list = [];
    const seen = [];
    const resyncs = [];
    const join = async () => {
      const c = new binance({ relay: url, timeoutMs: 8000 });
      consumers.push(c);
      const mine = [];
      seen.push(mine);
      list.push(c);
      c.on('resync', (e) => resyncs.push(e));
      c.on('orderbook', BTC, (b) => mine.push(b.nonce));
      await c.fetchOrderBook(BTC);
    };
    for (let i = 0; i < 5; i++) await join();
    sim.resume();
    let n = 0;
    await nextEvent(list[0], 'orderbook', () => ++n >= 5, BTC, { what: '5 updates through the relay' });
    // five more while the stream flows: each joins behind the shared reader and catches up itself
    for (let i = 0; i < 5; i++) await join();
    n = 0;
    await nextEvent(list[9], 'orderbook', () => ++n >= 5, BTC, { what: '5 updates at the last consumer' });
    assert.strictEqual((await readers()) - base, 1, 'ten consumer instances of one stream: one blocked XREAD connection');
    sim.pause();
    for (const c of list) assertExact(await settled(c, sim, BTC, SPEC), SPEC);
    seen.forEach((s, i) => assertEveryUpdate(s, upNonces[BTC], `consumer ${i}`));
    assert.deepStrictEqual(resyncs, []);
    for (const c of list) await c.close();
    // the last one out closes the shared reader's connection
    for (let i = 0; (await readers()) !== base; i++) {
      assert.ok(i < 200, 'the shared reader was released');
      await new Promise((r) => setImmediate(r));
    }
  });

  it('tickers and trades reach consumers: the latest ticker at once, every trade after subscribing, recent ones for fetchTrades', async () => {
    const c = consumer();
    const got = [];
    c.on('trades', BTC, (list) => got.push(...list.map((t) => t.id)));
    const ticker = await c.fetchTicker(BTC);
    assert.strictEqual(ticker.symbol, BTC);
    assert.ok(
      upTickers.some((t) => JSON.stringify(t) === JSON.stringify(ticker)),
      'the ticker is one the relay received',
    );
    const history = await c.fetchTrades(BTC);
    assert.ok(history.length > 0, 'fetchTrades starts from the relay’s recent trades');
    const have = new Set(upTrades);
    assert.ok(history.every((t) => have.has(t.id)), 'every one a trade the relay received');
    sim.resume();
    await nextEvent(c, 'trades', () => got.length >= 5, BTC, { what: '5 trades through the relay' });
    sim.pause();
    const lastId = upTrades[upTrades.length - 1];
    if (got[got.length - 1] !== lastId) await nextEvent(c, 'trades', () => got[got.length - 1] === lastId, BTC, { what: `trade ${lastId}` });
    const from = upTrades.indexOf(got[0]);
    assert.deepStrictEqual(got, upTrades.slice(from), 'every trade since subscribing, once, in order');
    const next = c.watchTicker(BTC);
    const first = await next;
    assert.strictEqual(first.symbol, BTC);
  });

  it('without a relay on that Redis, loading markets fails (after timeoutMs) with ExchangeNotAvailable naming the command to run', async () => {
    await admin.del(metaKey('kraken'));
    const k = new kraken({ relay: redis.url, timeoutMs: 300 });
    consumers.push(k);
    await assert.rejects(k.loadMarkets(), (e) => e instanceof errors.ExchangeNotAvailable && /exstream relay kraken/.test(e.message));
  });

  it("'status' events describe the Redis link, with any password masked", async () => {
    const c = consumer();
    const states = [];
    c.on('status', (s) => states.push(s));
    await c.loadMarkets();
    assert.deepStrictEqual(
      states.map((s) => s.state),
      ['connecting', 'open'],
    );
    assert.strictEqual(states[1].url, redis.url);
    const withPassword = new binance({ relay: `redis://user:hunter2@127.0.0.1:${redis.port}` });
    consumers.push(withPassword);
    const seen = [];
    withPassword.on('status', (s) => seen.push(s.url));
    withPassword.on('error', () => {});
    await withPassword.loadMarkets().catch(() => {});
    assert.ok(seen.length > 0 && seen.every((u) => !u.includes('hunter2') && u.includes('***')), seen.join(', '));
  });

  it('twenty consumers in separate processes end with the truth, each having seen every update', async function () {
    this.timeout(120000);
    const procs = [];
    try {
      for (let i = 0; i < 20; i++) procs.push(forkConsumer('binance', redis.url, [BTC]));
      await Promise.all(procs.map((p) => p.ask({ cmd: 'ready' }, 60000)));
      sim.resume();
      let n = 0;
      await nextEvent(up, 'orderbook', () => ++n >= 15, BTC, { what: '15 more updates at the relay' });
      sim.pause();
      const truth = sim.book(BTC);
      const replies = await Promise.all(procs.map((p) => p.ask({ cmd: 'settle', symbol: BTC, nonce: truth.lastUpdateId }, 30000)));
      const last = await lastEntry(admin, BTC);
      assert.strictEqual(last.p.n, truth.lastUpdateId, "the relay's last entry is the truth's update");
      replies.forEach((r, i) => {
        assert.strictEqual(r.book.nonce, truth.lastUpdateId, `consumer ${i}: at the truth's update id`);
        assert.deepStrictEqual(sides(r.book), sides(truth), `consumer ${i}: the truth's book`);
        assertEveryUpdate(r.nonces, upNonces[BTC], `consumer ${i}`);
        assert.ok(r.nonces.length >= 15, `consumer ${i} saw the 15 updates`);
        assert.deepStrictEqual(r.resyncs, [], `consumer ${i}: no resync`);
        assert.deepStrictEqual(r.errors, [], `consumer ${i}: no error`);
      });
    } finally {
      await Promise.all(procs.map((p) => p.exit()));
    }
  });
});

describe('relay over Redis Streams: a fixed-depth book (Kraken)', function () {
  this.timeout(60000);
  let redis;
  let sim;
  let up;
  let relay;
  let c;

  before(async function () {
    requireRedis(this);
    redis = await startRedis();
    sim = await simulate('kraken', { port: 0, seed: 42, tickMs: 10, heartbeatMs: 200 });
    // 10 levels a side: levels pushed out of the window by better ones are cut at the relay
    up = new kraken({ ws: true, urls: sim.urls, timeoutMs: 8000, bookDepth: 10 });
    relay = new Relay(up, { redis: redis.url, symbols: ['BTC/USD'], channels: ['orderbook'] });
    await relay.start();
  });

  after(async () => {
    await c?.close();
    await relay?.stop();
    await up?.close();
    await sim?.close();
    await redis?.stop();
  });

  it("the consumer keeps the relay's depth: equal to the simulator's top levels after many updates", async () => {
    c = new kraken({ relay: redis.url, timeoutMs: 8000 });
    const resyncs = [];
    c.on('resync', (e) => resyncs.push(e));
    await c.fetchOrderBook('BTC/USD');
    sim.resume();
    let n = 0;
    await nextEvent(c, 'orderbook', () => ++n >= 40, 'BTC/USD', { what: '40 updates through the relay' });
    const spec = { nonce: 'none', depth: 10 };
    assertExact(await settled(c, sim, 'BTC/USD', spec), spec);
    assert.deepStrictEqual(resyncs, []);
  });
});
