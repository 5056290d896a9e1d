'use strict';
/**
 * Private events through the relay (`--private`): the account's fills, written once each, read
 * through a Redis consumer group by consumers in their own processes. One consumer is killed while
 * it holds a fill it has not finished; the other claims it: every fill the simulator produced is
 * handled exactly once by the group, and nothing stays pending.
 */
const assert = require('assert');
const { fork } = require('child_process');
const path = require('path');
const Redis = require('ioredis');
const { binance } = require('..');
const { simulate } = require('../js/sim');
const { Relay } = require('../js/relay/relay');
const { privateKeys } = require('../js/relay/keys');
const { startRedis, requireRedis } = require('./support/redis');
const { nextEvent, withTimeout } = require('./support/wait');
const { spawnRelay } = require('./support/relay-procs');

const BTC = 'BTC/USDT';
const WORKER = path.join(__dirname, 'support', 'relay-group-worker.js');

describe('relay private events through a consumer group', function () {
  this.timeout(60000);
  let redis;
  let admin;
  let sim;
  let up;
  let relay;
  let trader;
  const workers = [];
  const fills = [];

  before(async function () {
    requireRedis(this);
    redis = await startRedis();
    admin = new Redis(redis.url);
    sim = await simulate('binance', { port: 0, seed: 42, symbols: [BTC], tickMs: 10, balances: { USDT: 100000, BTC: 10 } });
    const keys = { apiKey: sim.apiKey, secret: sim.secret };
    up = new binance({ ws: true, urls: sim.urls, timeoutMs: 8000, ...keys });
    up.on('myTrades', (list) => fills.push(...list.map((t) => t.id)));
    relay = new Relay(up, { redis: redis.url, symbols: [BTC], channels: [], private: true });
    await relay.start();
    trader = new binance({ urls: sim.urls, timeoutMs: 8000, ...keys });
    await trader.loadMarkets();
  });

  after(async () => {
    for (const w of workers) w.proc.kill('SIGKILL');
    await trader?.close();
    await relay?.stop();
    await up?.close();
    await sim?.close();
    admin?.disconnect();
    await redis?.stop();
  });

  function worker(name, handleFirst) {
    const proc = fork(WORKER, [redis.url, 'risk', name, '300', String(handleFirst)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const w = { proc, name, ready: false, got: [], redelivered: [], handled: [], errors: [], listeners: new Set() };
    proc.on('message', (m) => {
      if (m.ready) w.ready = true;
      if (m.redelivered) w.redelivered.push(m.got);
      if (m.got !== undefined) w.got.push(m.got);
      if (m.handled !== undefined) w.handled.push(m.handled);
      if (m.error !== undefined) w.errors.push(m.error);
      for (const l of [...w.listeners]) l(m);
    });
    workers.push(w);
    return w;
  }

  /** Resolves once `pred()` holds after a message of `w`. */
  function until(w, pred, what) {
    if (pred()) return Promise.resolve();
    let l;
    return withTimeout(`${w.name}: ${what}`, 15000, (resolve) => {
      l = () => pred() && resolve();
      w.listeners.add(l);
    }, () => w.listeners.delete(l));
  }

  /** A market buy on the simulator; resolves once the relay's client saw its fill(s). */
  async function fill() {
    const n = fills.length;
    const seen = nextEvent(up, 'myTrades', () => fills.length > n, undefined, { what: 'the fill at the relay' });
    await trader.createOrder(BTC, 'market', 'buy', 0.001);
    await seen;
  }

  it('each fill is handled once by the group, across a consumer killed mid-stream', async () => {
    const a = worker('a', 2);
    await until(a, () => a.ready, 'join the group');

    for (let i = 0; i < 3; i++) await fill();
    await until(a, () => a.handled.length === 2 && a.got.length === 3, 'handle two fills and start the third');

    // while a hangs in its third handler, two more fills: a reads nothing more
    await fill();
    await fill();
    // a dies holding the third fill unacknowledged; b joins, takes the two new fills, and claims
    // a's once it has been idle for 300 ms
    a.proc.kill('SIGKILL');
    await new Promise((resolve) => a.proc.once('exit', resolve));
    const b = worker('b', -1);
    await until(b, () => b.handled.includes(a.got[2]) && b.handled.length >= 3, "take the two new fills and claim a's pending one");
    assert.deepStrictEqual(b.redelivered, [a.got[2]], "only a's fill came a second time");
    for (let i = 0; i < 2; i++) await fill();
    await until(b, () => a.handled.length + b.handled.length >= fills.length, 'handle every fill');

    const handled = [...a.handled, ...b.handled].sort();
    assert.deepStrictEqual(handled, [...fills].sort(), 'every fill handled exactly once by the group');
    assert.strictEqual(new Set(handled).size, handled.length, 'no fill handled twice');
    assert.deepStrictEqual(a.handled, a.got.slice(0, 2), 'a handled its first two');
    assert.ok(b.got.length === b.handled.length, 'b finished everything it was given');
    // a worker reports a fill handled just before its XACK goes out: wait for the acks to land
    // (checked against Redis itself, with a deadline), not for a fixed time
    const pendingCount = async () => (await admin.xpending(privateKeys('binance', 'default').fills, 'risk'))[0];
    const deadline = Date.now() + 5000;
    let pending = await pendingCount();
    while (pending !== 0 && Date.now() < deadline) {
      await new Promise((r) => setImmediate(r));
      pending = await pendingCount();
    }
    assert.strictEqual(pending, 0, 'nothing left pending in the group');
    assert.deepStrictEqual([...a.errors, ...b.errors], []);
  });

  it('two relays of one account (active and standby) write each fill once', async () => {
    const up2 = new binance({ ws: true, urls: sim.urls, timeoutMs: 8000, apiKey: sim.apiKey, secret: sim.secret });
    const relay2 = new Relay(up2, { redis: redis.url, symbols: [BTC], channels: [], private: true });
    try {
      await relay2.start();
      await up2.fetchBalance(); // its private stream is up once the balance is live
      const key = privateKeys('binance', 'default').fills;
      const before = await admin.xlen(key);
      const seen2 = nextEvent(up2, 'myTrades', () => true, undefined, { what: 'the fill at the second relay' });
      await fill();
      await seen2;
      await relay.flush();
      await relay2.flush();
      const id = fills[fills.length - 1];
      const entries = await admin.xrange(key, '-', '+');
      const ids = entries.map(([, f]) => JSON.parse(f[f.indexOf('p') + 1]).id);
      assert.strictEqual(ids.filter((x) => x === id).length, 1, 'the fill is in the stream once');
      assert.strictEqual(entries.length, before + 1);
    } finally {
      await relay2.stop();
      await up2.close();
    }
  });

  it('`exstream relay --private` takes the keys from the environment and writes the fills', async () => {
    const r = spawnRelay(
      ['binance', '--symbols', BTC, '--channels', 'orderbook', '--redis', redis.url, '--rest', sim.urls.rest, '--ws', sim.urls.ws, '--ws-api', sim.urls.wsApi, '--private', '--account', 'cli', '--id', 'priv-cli'],
      { EXSTREAM_API_KEY: sim.apiKey, EXSTREAM_SECRET: sim.secret },
    );
    try {
      await r.line(/exstream relay priv-cli/);
      const key = privateKeys('binance', 'cli').fills;
      // its private socket comes up on its own time: fill until one reaches its stream
      let got = null;
      for (let i = 0; i < 10 && !got; i++) {
        await fill();
        got = await admin.xread('BLOCK', 1000, 'STREAMS', key, '0-0');
      }
      assert.ok(got, 'a fill reached the CLI relay\'s stream');
      const trade = JSON.parse(got[0][1][0][1][1]);
      assert.ok(fills.includes(trade.id), 'one of the fills the simulator produced');
      assert.ok(!r.lines.some((l) => l.includes(sim.secret)), 'the secret is never printed');
    } finally {
      r.proc.kill('SIGTERM');
      await r.exited;
    }
  });
});
