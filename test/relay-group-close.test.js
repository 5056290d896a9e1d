'use strict';
/**
 * relayGroup().close() while a handler runs: the handler finishes, its entry is acknowledged, and
 * no other consumer of the group gets it again (a fill handled once per group also across a
 * graceful close; only a consumer that dies mid-handler leaves its entry for the others to claim).
 */
const assert = require('assert');
const Redis = require('ioredis');
const { relayGroup } = require('..');
const { privateKeys } = require('../js/relay/keys');
const { startRedis, requireRedis } = require('./support/redis');

describe('relayGroup: close() while a handler runs', function () {
  this.timeout(20000);
  let redis;
  let admin;

  before(async function () {
    requireRedis(this);
    redis = await startRedis();
    admin = new Redis(redis.url);
  });

  after(async () => {
    admin?.disconnect();
    await redis?.stop();
  });

  it('acknowledges the entry its running handler finishes: nothing left pending for another consumer to claim', async () => {
    const key = privateKeys('binance', 'default').fills;
    const errors = [];
    let release;
    const gate = new Promise((r) => (release = r));
    let started;
    const handling = new Promise((r) => (started = r));
    const handled = [];
    const a = relayGroup({ relay: redis.url, exchange: 'binance', group: 'g', consumer: 'a', claimIdleMs: 400 });
    a.on('error', (e) => errors.push(e));
    a.on('fills', async (t) => {
      started();
      await gate;
      handled.push(['a', t.id]);
    });
    await a.start();
    await admin.xadd(key, '*', 'p', JSON.stringify({ id: 'f1', symbol: 'BTC/USDT' }));
    await handling;
    const closed = a.close();
    release();
    await closed;
    assert.deepStrictEqual(handled, [['a', 'f1']]);
    const pending = await admin.xpending(key, 'g');
    assert.strictEqual(pending[0], 0, 'the handled entry is acknowledged, not left pending');

    assert.deepStrictEqual(errors, []);
  });
});

describe('relay retry pauses end with close()', function () {
  this.timeout(20000);
  const { Pauses } = require('../js/relay/pauses');
  let redis;
  let admin;

  before(async function () {
    requireRedis(this);
    redis = await startRedis();
    admin = new Redis(redis.url);
  });

  after(async () => {
    admin?.disconnect();
    await redis?.stop();
  });

  it('Pauses: cancel() resolves every pending pause at once and clears its timer', async () => {
    const p = new Pauses();
    let ended = 0;
    const waits = [p.wait(60_000).then(() => ended++), p.wait(60_000).then(() => ended++)];
    assert.strictEqual(p.size, 2);
    p.cancel();
    await Promise.all(waits);
    assert.strictEqual(ended, 2);
    assert.strictEqual(p.size, 0);
  });

  it('a group whose reads fail and that is closed during its retry pause: close() ends the pause, the read loop stops', async () => {
    const key = privateKeys('binance', 'default').fills;
    const g = relayGroup({ relay: redis.url, exchange: 'binance', group: 'g2', consumer: 'a', claimIdleMs: 400 });
    let failed;
    const failing = new Promise((r) => (failed = r));
    g.on('error', (e) => failed(e));
    g.on('fills', () => {});
    await g.start();
    // the stream key becomes a plain string: every XREADGROUP now fails with WRONGTYPE
    await admin.del(key);
    await admin.set(key, 'not a stream');
    const err = await failing;
    assert.match(err.message, /WRONGTYPE|NOGROUP|no longer exists|UNBLOCKED/);
    // the loop reports, then pauses before its next try
    await new Promise((r) => setImmediate(r));
    assert.strictEqual(g.pauses.size, 1, 'the read loop is in its retry pause');
    const closing = g.close();
    assert.strictEqual(g.pauses.size, 0, 'close() ended the pause at once');
    await closing;
    await admin.del(key);
  });
});

describe('relayGroup: start() against a Redis that cannot answer', function () {
  this.timeout(20000);
  const { errors } = require('..');
  const { freePort } = require('./support/redis');
  const PASSWORD = 'pw-group-19c';
  let redis;

  before(async function () {
    requireRedis(this);
    redis = await startRedis({ args: ['--requirepass', PASSWORD] });
  });

  after(async () => {
    await redis?.stop();
  });

  async function startFails(url, Type) {
    const g = relayGroup({ relay: url, exchange: 'binance', group: 'g', consumer: 'a', timeoutMs: 1000 });
    g.on('error', () => {});
    g.on('fills', () => {});
    const settled = await Promise.race([
      g.start().then(
        () => ({ value: true }),
        (err) => ({ err }),
      ),
      new Promise((r) => setTimeout(() => r({ pending: true }), 8000).unref()),
    ]);
    await g.close();
    assert.ok(!settled.pending, 'start() still pending well past timeoutMs');
    assert.ok(settled.err instanceof Type, `${Type.name}, got ${settled.err}`);
    assert.strictEqual(settled.err.exchange, 'binance');
    assert.ok(!settled.err.message.includes(PASSWORD), 'no password in the message');
  }

  it('nothing listening: RequestTimeout', async () => {
    await startFails(`redis://:${PASSWORD}@127.0.0.1:${await freePort()}`, errors.RequestTimeout);
  });

  it('a wrong password: AuthenticationError', async () => {
    await startFails(`redis://:x${PASSWORD}@127.0.0.1:${redis.port}`, errors.AuthenticationError);
  });
});
