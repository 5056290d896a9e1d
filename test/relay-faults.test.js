'use strict';
/**
 * The relay through faults, each ending in exact books and a 'resync' of reason 'relay' at the
 * consumers (never a silently wrong book): the upstream socket dropped, a gap upstream, Redis
 * restarted empty, a consumer stalled past the stream's retention, and the active relay killed
 * while a standby takes over. Against a real redis-server (test/support/redis.js) and the Binance
 * simulator.
 */
const assert = require('assert');
const Redis = require('ioredis');
const { binance, errors, TradesLost } = require('..');
const { simulate } = require('../js/sim');
const { Relay } = require('../js/relay/relay');
const { symbolKeys } = require('../js/relay/keys');
const { startRedis, requireRedis } = require('./support/redis');
const { forkConsumer, spawnRelay } = require('./support/relay-procs');
const { nextEvent } = require('./support/wait');
const { settled, assertExact, sides } = require('./support/book');

const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';
const SPEC = { nonce: 'equal', minLevels: 100 };
const FAST = { timeoutMs: 8000, reconnect: { baseDelayMs: 20, maxDelayMs: 200 } };

describe('relay faults: exact books and a relay resync', function () {
  this.timeout(60000);
  let redis;
  let sim;
  const closers = [];

  before(function () {
    requireRedis(this);
  });

  beforeEach(async () => {
    sim = await simulate('binance', { port: 0, seed: 42, symbols: [BTC, ETH], tickMs: 10 });
    closers.push(() => sim.close());
  });

  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
  });

  async function redisServer(opts) {
    redis = await startRedis(opts);
    closers.push(() => redis.stop());
    return redis;
  }

  /** A relay in this process on the simulator; its upstream client's resyncs are recorded. */
  async function relayHere(opts = {}) {
    const up = new binance({ ws: true, urls: sim.urls, staleTimeoutMs: 1500, ...FAST });
    const upResyncs = [];
    up.on('resync', (e) => upResyncs.push(e));
    const relay = new Relay(up, { redis: redis.url, symbols: [BTC, ETH], leaseMs: 1000, ...opts });
    closers.push(async () => {
      await relay.stop();
      await up.close();
    });
    await relay.start();
    return { up, relay, upResyncs };
  }

  /** A consumer in this process, with its resyncs and errors recorded, both books synced. */
  async function consumerHere() {
    const c = new binance({ relay: redis.url, ...FAST });
    closers.push(() => c.close());
    const resyncs = [];
    const errs = [];
    c.on('resync', (e) => resyncs.push(e));
    c.on('error', (e) => errs.push(e));
    await Promise.all([c.fetchOrderBook(BTC), c.fetchOrderBook(ETH)]);
    return { c, resyncs, errs };
  }

  /** Lets `n` updates of the symbol through the consumer `c`. */
  async function flow(c, n, symbol = BTC) {
    sim.resume();
    let seen = 0;
    await nextEvent(c, 'orderbook', () => ++seen >= n, symbol, { what: `${n} updates of ${symbol} through the relay` });
  }

  it('drops the upstream socket: the relay rebuilds its books, consumers reload theirs (relay)', async () => {
    await redisServer();
    const { upResyncs } = await relayHere();
    const { c, resyncs, errs } = await consumerHere();
    await flow(c, 5);
    const reloaded = nextEvent(c, 'resync', (e) => e.symbol === BTC);
    assert.ok(sim.faults.dropConnections({ kind: 'stream' }) >= 1, 'a stream socket dropped');
    const e = await reloaded;
    assert.strictEqual(e.reason, 'relay');
    assert.match(e.detail, /upstream book resynced \(reconnect/);
    await flow(c, 5);
    assertExact(await settled(c, sim, BTC, SPEC), SPEC);
    assertExact(await settled(c, sim, ETH, SPEC), SPEC);
    assert.ok(upResyncs.some((r) => r.reason === 'reconnect'), 'the relay saw the reconnect');
    assert.deepStrictEqual([...new Set(resyncs.map((r) => r.reason))], ['relay']);
    assert.deepStrictEqual(errs, []);
  });

  it('a gap upstream: that symbol reloads (relay), the other book is not disturbed', async () => {
    await redisServer();
    const { upResyncs } = await relayHere();
    const { c, resyncs, errs } = await consumerHere();
    await flow(c, 5);
    const reloaded = nextEvent(c, 'resync');
    sim.faults.skipSequence(BTC);
    const e = await reloaded;
    assert.deepStrictEqual([e.symbol, e.reason], [BTC, 'relay']);
    assert.match(e.detail, /upstream book resynced \(gap/);
    await flow(c, 5);
    assertExact(await settled(c, sim, BTC, SPEC), SPEC);
    assertExact(await settled(c, sim, ETH, SPEC), SPEC);
    assert.deepStrictEqual(upResyncs.map((r) => [r.symbol, r.reason]), [[BTC, 'gap']]);
    assert.deepStrictEqual(resyncs.map((r) => [r.symbol, r.reason]), [[BTC, 'relay']], 'one resync, of that symbol only');
    assert.deepStrictEqual(errs, []);
  });

  it('Redis restarts empty: the relay writes again in a new epoch, consumers reload (relay), new consumers join', async () => {
    await redisServer();
    const { relay } = await relayHere();
    const { c, resyncs, errs } = await consumerHere();
    const statuses = [];
    c.on('status', (s) => statuses.push(s.state));
    await flow(c, 5);
    const before = relay.position(BTC).epoch;
    const reloaded = nextEvent(c, 'resync', (r) => r.symbol === BTC, undefined, { timeoutMs: 15000 });
    sim.pause();
    await redis.restart();
    sim.resume();
    const e = await reloaded;
    assert.strictEqual(e.reason, 'relay');
    assert.match(e.detail, /epoch/);
    assert.ok(relay.position(BTC).epoch > before, 'a new epoch');
    await flow(c, 5);
    assertExact(await settled(c, sim, BTC, SPEC), SPEC);
    assertExact(await settled(c, sim, ETH, SPEC), SPEC);
    assert.ok(statuses.includes('reconnecting') && statuses[statuses.length - 1] === 'open', `the link went down and came back: ${statuses}`);
    assert.deepStrictEqual([...new Set(resyncs.map((r) => r.reason))], ['relay']);
    assert.deepStrictEqual(errs, []);
    // the markets were published again: a consumer that starts now joins
    const late = new binance({ relay: redis.url, ...FAST });
    closers.push(() => late.close());
    sim.resume();
    assertExact(await settled(late, sim, BTC, SPEC), SPEC);
  });

  it('a Redis link blip (every client connection killed mid-run, nothing lost): the relay keeps its epoch, consumers do not reload and stay exact', async () => {
    await redisServer();
    const { relay } = await relayHere();
    const logs = [];
    let onBack;
    const back = new Promise((r) => (onBack = r));
    relay.onLog = (line) => {
      logs.push(line);
      if (/redis link back/.test(line)) onBack(line);
    };
    const { c, resyncs, errs } = await consumerHere();
    const p = forkConsumer('binance', redis.url, [BTC, ETH]);
    closers.push(() => p.exit());
    await p.ask({ cmd: 'ready' }, 30000);
    const statuses = [];
    c.on('status', (s) => statuses.push(s.state));
    await flow(c, 5);
    const before = { btc: relay.position(BTC), eth: relay.position(ETH), takeovers: relay.stats.takeovers };
    const admin = new Redis(redis.url);
    closers.push(() => admin.disconnect());
    // while updates flow: the relay's, the consumers' and the shared readers' links all drop
    const killed = await admin.client('KILL', 'TYPE', 'normal');
    assert.ok(killed >= 4, `connections killed: ${killed}`);
    assert.match(await back, /nothing lost, epoch kept for (BTC\/USDT, ETH\/USDT|ETH\/USDT, BTC\/USDT)/);
    await flow(c, 10);
    for (const s of [BTC, ETH]) assertExact(await settled(c, sim, s, SPEC), SPEC);
    for (const s of [BTC, ETH]) {
      const truth = sim.book(s);
      const r = await p.ask({ cmd: 'settle', symbol: s, nonce: truth.lastUpdateId }, 30000);
      assert.deepStrictEqual(sides(r.book), sides(truth), `the forked consumer's ${s}`);
      assert.deepStrictEqual(r.resyncs, [], 'the forked consumer did not reload');
      assert.deepStrictEqual(r.errors, []);
    }
    assert.strictEqual(relay.position(BTC).epoch, before.btc.epoch, 'the same epoch');
    assert.ok(relay.position(BTC).seq > before.btc.seq, 'the relay wrote on');
    assert.strictEqual(relay.position(ETH).epoch, before.eth.epoch);
    assert.strictEqual(relay.stats.takeovers, before.takeovers, 'no symbol taken again');
    assert.ok(statuses.includes('reconnecting') && statuses[statuses.length - 1] === 'open', `the consumer's link went down and came back: ${statuses}`);
    assert.deepStrictEqual(resyncs, [], 'no reload');
    assert.deepStrictEqual(errs, []);
    assert.ok(!logs.some((l) => /new epoch/.test(l)), logs.join(' | '));
  });

  it('a link blip that lost a write (the stream no longer ends at the last one): that symbol only in a new epoch, its consumers reload (relay)', async () => {
    await redisServer();
    const { relay } = await relayHere();
    let onBack;
    const back = new Promise((r) => (onBack = r));
    relay.onLog = (line) => /redis link back: writing again/.test(line) && onBack(line);
    const { c, resyncs, errs } = await consumerHere();
    await flow(c, 5);
    sim.pause();
    await relay.flush();
    const before = { btc: relay.position(BTC), eth: relay.position(ETH) };
    const admin = new Redis(redis.url);
    closers.push(() => admin.disconnect());
    const reloaded = nextEvent(c, 'resync', (r) => r.symbol === BTC);
    // at once: BTC's last entry gone and every link dropped
    await admin.multi().xdel(symbolKeys('binance', BTC).book, `${before.btc.epoch}-${before.btc.seq}`).client('KILL', 'TYPE', 'normal').exec();
    assert.match(await back, /BTC\/USDT \(.*book ends at/);
    const e = await reloaded;
    assert.strictEqual(e.reason, 'relay');
    await flow(c, 5);
    for (const s of [BTC, ETH]) assertExact(await settled(c, sim, s, SPEC), SPEC);
    assert.ok(relay.position(BTC).epoch > before.btc.epoch, 'BTC in a new epoch');
    assert.strictEqual(relay.position(ETH).epoch, before.eth.epoch, 'ETH kept its epoch');
    assert.ok(resyncs.every((r) => r.symbol === BTC && r.reason === 'relay'), JSON.stringify(resyncs));
    assert.deepStrictEqual(errs, []);
  });

  /**
   * A writer of its own on `key` (the relay carries only books here): entry `<E>-1`, a consumer
   * following from it, then `<E>-2` .. `<E>-21` written and the stream trimmed to its last 5 in
   * one script, so the consumer, blocked on XREAD meanwhile, finds its position trimmed away.
   */
  async function trimmedPastConsumer(key, payload, follow) {
    const E = 1000;
    const admin = new Redis(redis.url);
    closers.push(() => admin.disconnect());
    await admin.xadd(key, `${E}-1`, 't', 'x', 'p', JSON.stringify(payload(1)));
    follow();
    const { sharedStream } = require('../js/relay/shared');
    // the consumer's reader stands at <E>-1 once the shared reader of the stream runs
    for (let i = 0; !sharedStream(redis.url, key); i++) {
      assert.ok(i < 100000, 'the consumer follows the stream');
      await new Promise((r) => setImmediate(r));
    }
    const payloads = [];
    for (let i = 2; i <= 21; i++) payloads.push(JSON.stringify(payload(i)));
    await admin.eval(
      `for i = 1, #ARGV do redis.call('XADD', KEYS[1], '${E}-' .. (i + 1), 't', 'x', 'p', ARGV[i]) end redis.call('XTRIM', KEYS[1], 'MAXLEN', 5) return 1`,
      1,
      key,
      ...payloads,
    );
    assert.deepStrictEqual((await admin.xrange(key, '-', '+')).map(([id]) => id), [17, 18, 19, 20, 21].map((i) => `${E}-${i}`));
  }

  it('trades trimmed past a consumer: a TradesLost error naming exchange, symbol and the entries lost; it carries on from the oldest kept', async () => {
    await redisServer();
    await relayHere({ channels: ['orderbook'] });
    const c = new binance({ relay: redis.url, ...FAST });
    closers.push(() => c.close());
    await c.loadMarkets();
    const errs = [];
    c.on('error', (e) => errs.push(e));
    const got = [];
    const trade = (i) => [{ id: String(i), symbol: BTC, timestamp: 1700000000000 + i, datetime: new Date(1700000000000 + i).toISOString(), side: 'buy', price: 60000 + i, amount: 1, cost: 60000 + i, info: {} }];
    await trimmedPastConsumer(symbolKeys('binance', BTC).trades, trade, () => c.on('trades', BTC, (list) => got.push(...list.map((t) => t.id))));
    await nextEvent(c, 'trades', () => got[got.length - 1] === '21', BTC, { what: 'trade 21' });
    assert.deepStrictEqual(got, ['17', '18', '19', '20', '21'], 'on from the oldest entry kept, in order');
    assert.strictEqual(errs.length, 1, errs.map((e) => e.message).join('; '));
    const e = errs[0];
    assert.ok(e instanceof TradesLost && e instanceof errors.NetworkError, e.constructor.name);
    assert.deepStrictEqual([e.exchange, e.symbol, e.lost, e.after, e.next], ['binance', BTC, 15, '1000-1', '1000-17']);
    assert.match(e.message, /^binance BTC\/USDT: relay: 15 trades entries lost between 1000-1 and 1000-17/);
  });

  it('tickers are conflated: a consumer that fell behind gets the latest ticker only, and no error', async () => {
    await redisServer();
    await relayHere({ channels: ['orderbook'] });
    const c = new binance({ relay: redis.url, ...FAST });
    closers.push(() => c.close());
    await c.loadMarkets();
    const errs = [];
    c.on('error', (e) => errs.push(e));
    const got = [];
    const ticker = (i) => ({ symbol: BTC, timestamp: 1700000000000 + i, datetime: new Date(1700000000000 + i).toISOString(), last: 60000 + i, bid: 60000 + i, ask: 60001 + i, info: {} });
    await trimmedPastConsumer(symbolKeys('binance', BTC).ticker, ticker, () => c.on('ticker', BTC, (t) => got.push(t.last)));
    await nextEvent(c, 'ticker', () => got[got.length - 1] === 60021, BTC, { what: 'the latest ticker' });
    assert.deepStrictEqual(got, [60001, 60021], 'the one there at subscribing, then the latest: none of those in between');
    assert.strictEqual((await c.fetchTicker(BTC)).last, 60021);
    assert.deepStrictEqual(errs, []);
  });

  it('an entry that is not the relay\'s: BadResponse, a reload (relay), and the relay writes on in a new epoch', async () => {
    await redisServer();
    const { relay } = await relayHere();
    const { c, resyncs, errs } = await consumerHere();
    await flow(c, 5);
    sim.pause();
    // the relay is quiet: take its next id with a value that is no book change
    const { epoch, seq } = relay.position(BTC);
    const admin = new Redis(redis.url);
    closers.push(() => admin.disconnect());
    const reported = nextEvent(c, 'error');
    const reloaded = nextEvent(c, 'resync', (r) => r.symbol === BTC);
    await admin.xadd(symbolKeys('binance', BTC).book, `${epoch}-${seq + 1}`, 't', 'd', 'p', '{not json');
    assert.ok((await reported) instanceof errors.BadResponse);
    const e = await reloaded;
    assert.strictEqual(e.reason, 'relay');
    assert.match(e.detail, /unreadable/);
    await flow(c, 5);
    assertExact(await settled(c, sim, BTC, SPEC), SPEC);
    assertExact(await settled(c, sim, ETH, SPEC), SPEC);
    assert.ok(relay.position(BTC).epoch > epoch, 'the relay moved to a new epoch');
    assert.strictEqual(errs.length, 1, errs.map((x) => x.message).join('; '));
    assert.deepStrictEqual([...new Set(resyncs.map((r) => r.reason))], ['relay']);
    assert.ok(resyncs.every((r) => r.symbol === BTC));
  });

  it('consumers started before the relay wait for it; when no relay writes a symbol any more its book is not served (relay)', async () => {
    await redisServer();
    const c = new binance({ relay: redis.url, ...FAST, staleTimeoutMs: 300 });
    closers.push(() => c.close());
    const resyncs = [];
    c.on('resync', (e) => resyncs.push(e));
    const first = c.fetchOrderBook(BTC);
    const { relay, up } = await relayHere();
    assert.ok((await first).bids.length > 100, 'the waiting pull got the book once the relay wrote it');
    await flow(c, 3);
    // the only relay stops (hands its leases back): the stream goes quiet with no writer
    const dropped = nextEvent(c, 'resync', (r) => r.symbol === BTC);
    await relay.stop();
    const e = await dropped;
    assert.strictEqual(e.reason, 'relay');
    assert.match(e.detail, /no relay writes BTC\/USDT/);
    // a relay again: the book comes back, exact
    const again = new Relay(up, { redis: redis.url, symbols: [BTC, ETH], leaseMs: 1000 });
    closers.push(() => again.stop());
    await again.start();
    await flow(c, 3);
    assertExact(await settled(c, sim, BTC, SPEC), SPEC);
    assert.deepStrictEqual([...new Set(resyncs.map((r) => r.reason))], ['relay']);
  });

  it("a consumer stalled past the stream's retention reloads from the snapshot (relay)", async () => {
    // short streams: 10 entries kept (whole radix-tree nodes of 5), a snapshot every 5
    await redisServer({ args: ['--stream-node-max-entries', '5'] });
    const { up } = await relayHere({ maxLen: 10, snapshotEvery: 5 });
    const p = forkConsumer('binance', redis.url, [BTC]);
    closers.push(() => p.exit());
    await p.ask({ cmd: 'ready' }, 30000);
    p.kill('SIGSTOP');
    try {
      sim.resume();
      let n = 0;
      await nextEvent(up, 'orderbook', () => ++n >= 40, BTC, { what: '40 updates while the consumer is stopped' });
    } finally {
      p.kill('SIGCONT');
    }
    sim.pause();
    const truth = sim.book(BTC);
    const r = await p.ask({ cmd: 'settle', symbol: BTC, nonce: truth.lastUpdateId }, 30000);
    assert.strictEqual(r.book.nonce, truth.lastUpdateId);
    assert.deepStrictEqual(sides(r.book), sides(truth));
    assert.strictEqual(r.resyncs.length, 1, JSON.stringify(r.resyncs));
    assert.strictEqual(r.resyncs[0].reason, 'relay');
    assert.match(r.resyncs[0].detail, /entries missed/);
    assert.deepStrictEqual(r.errors, []);
  });

  it("a relay frozen (SIGSTOP) while it holds the lease: its heartbeat expires, 'status' says stale and the book is not served (relay) until it resumes (SIGCONT)", async function () {
    this.timeout(60000);
    await redisServer();
    // a lease far longer than the heartbeat's TTL (3 s): frozen, the relay still holds it
    const a = spawnRelay(['binance', '--symbols', `${BTC},${ETH}`, '--redis', redis.url, '--rest', sim.urls.rest, '--ws', sim.urls.ws, '--lease-ms', '30000', '--id', 'relay-f']);
    closers.push(() => a.kill());
    await a.line(/BTC\/USDT: writing, epoch/);
    await a.line(/ETH\/USDT: writing, epoch/);
    const c = new binance({ relay: redis.url, ...FAST, timeoutMs: 1000, staleTimeoutMs: 400 });
    closers.push(() => c.close());
    const resyncs = [];
    const errs = [];
    const statuses = [];
    c.on('resync', (e) => resyncs.push(e));
    c.on('error', (e) => errs.push(e));
    c.on('status', (s) => statuses.push(s.state));
    await Promise.all([c.fetchOrderBook(BTC), c.fetchOrderBook(ETH)]);
    await flow(c, 3);
    sim.pause();
    const nonce0 = (await c.fetchOrderBook(BTC)).nonce;
    const stale = nextEvent(c, 'status', (s) => s.state === 'stale', undefined, { timeoutMs: 15000 });
    const dropped = nextEvent(c, 'resync', (r) => r.symbol === BTC, undefined, { timeoutMs: 15000 });
    a.proc.kill('SIGSTOP');
    let resumed;
    try {
      await stale;
      const e = await dropped;
      assert.strictEqual(e.reason, 'relay');
      assert.match(e.detail, /relay relay-f holds the lease of BTC\/USDT but its heartbeat expired/);
      // not served as live: a pull waits (timeoutMs 1000) for a book it does not get
      await assert.rejects(c.fetchOrderBook(BTC), errors.RequestTimeout);
      resumed = nextEvent(c, 'status', (s) => s.state === 'open', undefined, { timeoutMs: 15000 });
    } finally {
      a.proc.kill('SIGCONT');
    }
    await resumed;
    sim.resume();
    await flow(c, 5);
    for (const s of [BTC, ETH]) assertExact(await settled(c, sim, s, SPEC), SPEC);
    assert.ok((await c.fetchOrderBook(BTC)).nonce > nonce0, "the book moved on");
    for (const s of [BTC, ETH]) assert.strictEqual(a.lines.filter((l) => l.includes(`${s}: writing, epoch`)).length, 1, `the relay kept writing ${s} in its epoch: ${a.lines.join(' | ')}`);
    assert.deepStrictEqual([...new Set(resyncs.map((r) => r.reason))], ['relay']);
    assert.deepStrictEqual(resyncs.filter((r) => r.symbol === BTC).length, 1, JSON.stringify(resyncs));
    const i = statuses.indexOf('stale');
    assert.deepStrictEqual(statuses.slice(i), ['stale', 'open'], `status: ${statuses}`);
    assert.deepStrictEqual(errs, []);
  });

  it('kill the active relay: the standby takes over within its lease, consumers reload (relay) and end exact', async function () {
    this.timeout(90000);
    await redisServer();
    const args = (id) => [
      'binance',
      '--symbols',
      `${BTC},${ETH}`,
      '--redis',
      redis.url,
      '--rest',
      sim.urls.rest,
      '--ws',
      sim.urls.ws,
      '--lease-ms',
      '1000',
      '--id',
      id,
    ];
    const a = spawnRelay(args('relay-a'));
    closers.push(() => a.kill());
    await a.line(new RegExp(`${BTC.replace('/', '\\/')}: writing, epoch`));
    await a.line(/ETH\/USDT: writing, epoch/);
    const b = spawnRelay(args('relay-b'));
    closers.push(() => b.kill());
    await b.line(/exstream relay relay-b/);
    const { c, resyncs, errs } = await consumerHere();
    const p = forkConsumer('binance', redis.url, [BTC, ETH]);
    closers.push(() => p.exit());
    await p.ask({ cmd: 'ready' }, 30000);
    await flow(c, 5);
    assert.ok(!b.lines.some((l) => /writing, epoch/.test(l)), 'the standby did not write while the active relay lived');

    const reloaded = nextEvent(c, 'resync', (r) => r.symbol === BTC, undefined, { timeoutMs: 15000 });
    const { signal } = await a.kill('SIGKILL');
    assert.strictEqual(signal, 'SIGKILL');
    await b.line(/BTC\/USDT: writing, epoch/);
    await b.line(/ETH\/USDT: writing, epoch/);
    const e = await reloaded;
    assert.strictEqual(e.reason, 'relay');
    assert.match(e.detail, /standby took over/);
    await flow(c, 5);
    for (const s of [BTC, ETH]) assertExact(await settled(c, sim, s, SPEC), SPEC);
    for (const s of [BTC, ETH]) {
      const truth = sim.book(s);
      const r = await p.ask({ cmd: 'settle', symbol: s, nonce: truth.lastUpdateId }, 30000);
      assert.strictEqual(r.book.nonce, truth.lastUpdateId, `the forked consumer's ${s}`);
      assert.deepStrictEqual(sides(r.book), sides(truth), `the forked consumer's ${s}`);
      assert.ok(r.resyncs.some((x) => x.symbol === s && x.reason === 'relay'), `the forked consumer reloaded ${s}`);
      assert.ok(r.resyncs.every((x) => x.reason === 'relay'));
    }
    assert.deepStrictEqual([...new Set(resyncs.map((r) => r.reason))], ['relay']);
    assert.deepStrictEqual(errs, []);
  });
});
