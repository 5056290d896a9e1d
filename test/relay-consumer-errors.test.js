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
