'use strict';
/**
 * Half-dead private and trading sockets are noticed within 30 s with default options (issue #15,
 * "What must be shown"; DESIGN.md §3), on every exchange, plus Bitfinex's public socket (the
 * public rows of the other exchanges are in half-dead.test.js): with its credentials the client
 * opens its private stream and, where orders go over WebSocket, its trading socket; the
 * simulator goes silent (no data, no replies, no pongs); within 30 s of (fake) time every one of
 * those sockets is declared stale and reconnects.
 *
 * Only the timer functions are faked: sockets do real I/O and the test awaits real events; the
 * client is built after the fake clock is installed so its heartbeat and stale timers run on it.
 */
const assert = require('assert');
const sinon = require('sinon');
const { binance, bitfinex, bybit, coinbase, kraken, okx } = require('..');
const { simulate } = require('../js/sim');
const { until } = require('./support/wait');

const FAKE = { toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'], shouldAdvanceTime: false };

const ROWS = [
  { id: 'binance', client: (sim) => new binance({ ws: true, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret }) },
  { id: 'kraken', client: (sim) => new kraken({ ws: true, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret }) },
  { id: 'okx', client: (sim) => new okx({ ws: true, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret, password: sim.password }) },
  { id: 'bybit', client: (sim) => new bybit({ ws: true, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret }) },
  { id: 'bitfinex', client: (sim) => new bitfinex({ ws: true, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret }) },
  { id: 'coinbase', client: (sim) => new coinbase({ ws: true, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret }) },
];

describe('half-dead private and trading sockets are noticed within 30 s with default options', function () {
  this.timeout(60_000);
  let sim;
  let ex;
  let clock;

  afterEach(async () => {
    clock?.restore();
    clock = undefined;
    await ex?.close();
    await sim?.close();
    ex = sim = undefined;
  });

  for (const row of ROWS) {
    it(`${row.id}: every private socket (stream and trading) goes stale within 30 s of silence and reconnects`, async () => {
      sim = await simulate(row.id, { seed: 5, tickMs: 10 });
      clock = sinon.useFakeTimers(FAKE);
      ex = row.client(sim);
      ex.on('error', () => {});
      const statuses = [];
      ex.on('status', (s) => statuses.push(s));
      await ex.loadMarkets(); // with keys: warms the trading connection
      ex.on('orders', () => {}); // the private stream
      await ex.fetchOpenOrders(); // answered from the private stream's state: it is up
      const open = () => {
        const last = new Map();
        for (const s of statuses) last.set(s.url, s.state);
        return [...last].filter(([, st]) => st === 'open').map(([u]) => u);
      };
      await until(() => open().length >= 1, 'a private socket open');
      const urls = open();
      const from = statuses.length;
      sim.faults.silence();
      const staleOf = (u) => statuses.slice(from).find((s) => s.url === u && s.state === 'reconnecting');
      let t = 0;
      for (; t < 30_000 && !urls.every(staleOf); t += 1000) await clock.tickAsync(1000);
      for (const u of urls) {
        const rec = staleOf(u);
        assert.ok(rec, `${u}: no reconnect within 30 s of silence (${JSON.stringify(statuses.slice(from).map((s) => [s.url, s.state]))})`);
        assert.match(String(rec.error && rec.error.message), /stale/, `${u}: ${rec.error && rec.error.message}`);
      }
      assert.ok(t <= 30_000);
    });
  }

  it('bitfinex: a silent public socket is stale within 30 s and its book resyncs (stale)', async () => {
    sim = await simulate('bitfinex', { seed: 5, tickMs: 10 });
    clock = sinon.useFakeTimers(FAKE);
    ex = new bitfinex({ ws: true, urls: sim.urls });
    ex.on('error', () => {});
    const resyncs = [];
    ex.on('resync', (r) => resyncs.push(r));
    const first = ex.fetchOrderBook('BTC/USD');
    // the book syncs on real I/O; the simulator's flow and the client's timers wait for the clock
    for (let i = 0; i < 50 && !(await Promise.race([first.then(() => true), new Promise((r) => setImmediate(() => r(false)))])); i++) await clock.tickAsync(50);
    await first;
    sim.faults.silence();
    for (let t = 0; t < 30_000 && !resyncs.some((r) => r.reason === 'stale'); t += 1000) await clock.tickAsync(1000);
    const stale = resyncs.find((r) => r.reason === 'stale');
    assert.ok(stale, `no 'stale' resync within 30 s (got ${JSON.stringify(resyncs)})`);
    assert.strictEqual(stale.symbol, 'BTC/USD');
  });
});
