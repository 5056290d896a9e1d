'use strict';
/**
 * The relay on a 3-node Redis Cluster (last priority of issue 16): the same key layout works
 * unchanged because every key of a symbol carries the hash tag {exchange:symbol}. Two symbols whose
 * keys live on different nodes; a consumer rebuilds both books exactly through the cluster.
 */
const assert = require('assert');
const Redis = require('ioredis');
const { binance } = require('..');
const { simulate } = require('../js/sim');
const { Relay } = require('../js/relay/relay');
const { symbolKeys } = require('../js/relay/keys');
const { startRedisCluster, requireRedis } = require('./support/redis');
const { nextEvent } = require('./support/wait');
const { settled, assertExact } = require('./support/book');

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'BNB/USDT', 'ETH/BTC'];
const SPEC = { nonce: 'equal', minLevels: 100 };

describe('relay on a 3-node Redis Cluster', function () {
  this.timeout(60000);
  let cluster;
  let sim;
  let up;
  let relay;
  let c;

  before(async function () {
    requireRedis(this);
    // slots split so the symbols' slots (ETH/BTC 11116, BNB/USDT 14366, BTC/USDT 14731, ETH/USDT
    // 15665) fall on all three nodes
    cluster = await startRedisCluster(3, [12000, 15000]);
    sim = await simulate('binance', { port: 0, seed: 42, symbols: SYMBOLS, tickMs: 10 });
    up = new binance({ ws: true, urls: sim.urls, timeoutMs: 8000 });
    relay = new Relay(up, { redis: cluster.url, symbols: SYMBOLS, leaseMs: 2000 });
    await relay.start();
  });

  after(async () => {
    await c?.close();
    await relay?.stop();
    await up?.close();
    await sim?.close();
    await cluster?.stop();
  });

  it("a consumer's books equal the simulator's through the cluster, the symbols' keys spread over its nodes", async () => {
    // each symbol's keys share one slot; the symbols themselves land on different nodes
    const one = new Redis(cluster.nodes[0].port, '127.0.0.1');
    const slots = [];
    for (const s of SYMBOLS) {
      const k = symbolKeys('binance', s);
      const slot = await one.call('CLUSTER', 'KEYSLOT', k.book);
      for (const key of Object.values(k)) assert.strictEqual(await one.call('CLUSTER', 'KEYSLOT', key), slot, `${key} in ${s}'s slot`);
      slots.push(cluster.nodeOfSlot(slot));
    }
    one.disconnect();
    assert.strictEqual(new Set(slots).size, 3, `the symbols' keys are on every node (${slots})`);

    c = new binance({ relay: cluster.url, timeoutMs: 8000 });
    const resyncs = [];
    c.on('resync', (e) => resyncs.push(e));
    await Promise.all(SYMBOLS.map((s) => c.fetchOrderBook(s)));
    sim.resume();
    let n = 0;
    await nextEvent(c, 'orderbook', () => ++n >= 10, SYMBOLS[0], { what: '10 updates through the cluster' });
    for (const s of SYMBOLS) assertExact(await settled(c, sim, s, SPEC), SPEC);
    assert.deepStrictEqual(resyncs, []);
    assert.deepStrictEqual(relay.activeSymbols.sort(), [...SYMBOLS].sort());
  });
});
