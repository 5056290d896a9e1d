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
