'use strict';
/**
 * A relay consumer whose Redis cannot answer: every call settles within `timeoutMs` with a typed
 * error naming the exchange (never a promise left pending while ioredis retries forever, never a
 * raw ioredis ReplyError), and the Redis password is in no message.
 */
const assert = require('assert');
const { binance, errors } = require('..');
const { startRedis, requireRedis, freePort } = require('./support/redis');

const PASSWORD = 'pw-7f3a9c';

describe('relay consumer: a Redis that cannot answer is a typed error within timeoutMs', function () {
  this.timeout(20000);
  let redis;
  const made = [];

  before(async function () {
    requireRedis(this);
    redis = await startRedis({ args: ['--requirepass', PASSWORD] });
  });

  after(async () => {
    for (const c of made) await c.close();
    await redis?.stop();
  });

  function consumer(url) {
    const c = new binance({ relay: url, timeoutMs: 1500 });
    c.on('error', () => {});
    made.push(c);
    return c;
  }

  /** What `p` settles with, or a marker when it is still pending after `ms`. */
  function outcome(p, ms) {
    return Promise.race([
      p.then(
        (v) => ({ value: v }),
        (err) => ({ err }),
      ),
      new Promise((r) => setTimeout(() => r({ pending: true }), ms).unref()),
    ]);
  }

  function assertTyped(o, Type, what) {
    assert.ok(!o.pending, `${what}: still pending well past timeoutMs`);
    assert.ok(o.err, `${what}: rejected`);
    assert.ok(o.err instanceof Type, `${what}: ${Type.name}, got ${o.err.name}: ${o.err.message}`);
    assert.strictEqual(o.err.exchange, 'binance', `${what}: names the exchange`);
    assert.ok(!o.err.message.includes(PASSWORD), `${what}: no password in the message`);
  }

  it('no Redis listening: loadMarkets and fetchOrderBook reject with RequestTimeout', async () => {
    const port = await freePort();
    const c = consumer(`redis://:${PASSWORD}@127.0.0.1:${port}`);
    assertTyped(await outcome(c.loadMarkets(), 8000), errors.RequestTimeout, 'loadMarkets');
    assertTyped(await outcome(c.fetchOrderBook('BTC/USDT'), 8000), errors.RequestTimeout, 'fetchOrderBook');
  });

  it('a wrong Redis password: AuthenticationError', async () => {
    const c = consumer(`redis://:wrong-${PASSWORD}@127.0.0.1:${redis.port}`);
    assertTyped(await outcome(c.loadMarkets(), 8000), errors.AuthenticationError, 'loadMarkets');
  });
});

describe('relay writer: a wrong Redis password', function () {
  this.timeout(20000);
  const { simulate } = require('../js/sim');
  // the public entry point: an in-process relay without the CLI
  const { createRelay } = require('..');
  let redis;
  let sim;
  let up;
  let relay;

  before(async function () {
    requireRedis(this);
    redis = await startRedis({ args: ['--requirepass', PASSWORD] });
    sim = await simulate('binance', { port: 0, seed: 5, symbols: ['BTC/USDT'], tickMs: 50 });
    up = new binance({ ws: true, urls: sim.urls, timeoutMs: 8000 });
    up.on('error', () => {});
  });

  after(async () => {
    await relay?.stop();
    await up?.close();
    await sim?.close();
    await redis?.stop();
  });

  it('start() rejects with an AuthenticationError naming the exchange, not ioredis\' reply error, and without the password', async () => {
    relay = createRelay(up, { redis: `redis://:wrong-${PASSWORD}@127.0.0.1:${redis.port}`, symbols: ['BTC/USDT'] });
    const err = await relay.start().then(
      () => undefined,
      (e) => e,
    );
    assert.ok(err instanceof errors.AuthenticationError, `AuthenticationError, got ${err && err.name}: ${err && err.message}`);
    assert.strictEqual(err.exchange, 'binance');
    assert.match(err.message, /refused the credentials/);
    assert.ok(!err.message.includes(PASSWORD) && !err.message.includes('wrong-'), 'no password in the message');
  });
});

describe('relay: Redis URLs shown in errors, status and output never carry the password', () => {
  const { safeUrl } = require('../js/relay/keys');
  const { connectRedis } = require('../js/relay/redis');
  // passwords written into the URL without percent-encoding: ':', '@' and '/' are easy to paste
  const cases = [
    ['redis://:abc:def@127.0.0.1:6379', 'abc:def'],
    ['redis://user:abc@def@127.0.0.1:6379', 'abc@def'],
    ['redis://:abc/def@127.0.0.1:6379', 'abc/def'],
    ['redis://:abc/def@127.0.0.1:bad', 'abc/def'],
    ['redis://:abc:def@127.0.0.1:bad', 'abc:def'],
    ['redis://:s3cret@127.0.0.1:7000,127.0.0.1:7001', 's3cret'],
  ];

  /** No run of 3+ characters of the password shows. */
  function assertHidden(text, password, what) {
    for (const part of password.split(/[:@/]/)) assert.ok(!text.includes(part), `${what}: '${part}' of the password shows in ${text}`);
  }

  for (const [url, password] of cases) {
    it(`${url.replace(password, '<password>')}`, () => {
      assertHidden(safeUrl(url), password, 'safeUrl');
      assert.ok(safeUrl(url).includes('127.0.0.1'), `safeUrl still names the host: ${safeUrl(url)}`);
      let c;
      try {
        c = connectRedis(url, { lazyConnect: true }, 'binance');
      } catch (err) {
        assert.ok(err instanceof errors.BadRequest, String(err));
        assertHidden(err.message, password, 'the error');
      } finally {
        c?.disconnect();
      }
    });
  }
});

describe('relay consumer: its own Redis link down for longer than staleTimeoutMs', function () {
  this.timeout(60000);
  const { simulate } = require('../js/sim');
  const { Relay } = require('../js/relay/relay');
  const { nextEvent, until } = require('./support/wait');
  const { settled, assertExact } = require('./support/book');
  const BTC = 'BTC/USDT';
  let redis;
  let sim;
  let up;
  let relay;
  let c;

  before(async function () {
    requireRedis(this);
    redis = await startRedis();
    sim = await simulate('binance', { port: 0, seed: 7, symbols: [BTC], tickMs: 20 });
    up = new binance({ ws: true, urls: sim.urls, timeoutMs: 8000 });
    up.on('error', () => {});
    relay = new Relay(up, { redis: redis.url, symbols: [BTC], leaseMs: 2000 });
    relay.onLog = () => {};
    await relay.start();
    c = new binance({ relay: redis.url, ws: true, timeoutMs: 1500, staleTimeoutMs: 1000 });
    c.on('error', () => {});
  });

  after(async () => {
    await c?.close();
    await relay?.stop().catch(() => {});
    await up?.close();
    await sim?.close();
    await redis?.stop();
  });

  it('stops serving its books (resync relay) and serves them again, exact, once Redis is back', async () => {
    const before = await c.fetchOrderBook(BTC);
    assert.ok(before.bids.length > 0, 'a book before the outage');
    const resync = nextEvent(c, 'resync', (e) => e.symbol === BTC, undefined, { timeoutMs: 15000, what: "a 'relay' resync while the consumer's Redis is down" });
    await redis.stop();
    const e = await resync;
    assert.strictEqual(e.reason, 'relay');
    // the book is not served while nothing can keep it
    await assert.rejects(c.fetchOrderBook(BTC), (err) => err instanceof errors.RequestTimeout || err instanceof errors.ExchangeNotAvailable);
    await redis.restart();
    // the relay writes the symbol again in a new epoch; the consumer reloads and serves it
    await until(async () => {
      try {
        await c.fetchOrderBook(BTC);
        return true;
      } catch {
        return false;
      }
    }, 'the book served again after Redis came back', { timeoutMs: 30000 });
    const SPEC = { nonce: 'equal', minLevels: 100 };
    try {
      assertExact(await settled(c, sim, BTC, SPEC), SPEC);
    } finally {
      sim.resume();
    }
  });
});
