'use strict';
/**
 * A half-dead link is noticed within 30 s with default options (DESIGN.md §3; issue #15 item 9),
 * on every exchange's public socket and on Binance's WebSocket API socket: the simulator goes
 * silent (no data, no heartbeats, no pongs), and after at most 30 s of (fake) time the client has
 * declared the socket stale, resynced its book (reason 'stale') and is reconnecting.
 *
 * Only the timer functions are faked: sockets do real I/O and the test awaits real events; the
 * client is built after the fake clock is installed so its heartbeat and stale timers run on it.
 */
const assert = require('assert');
const sinon = require('sinon');
const { binance, bybit, coinbase, kraken, okx } = require('..');
const { simulate } = require('../js/sim');
const { nextEvent, until } = require('./support/wait');

const FAKE = { toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'], shouldAdvanceTime: false };

const ROWS = [
  { id: 'binance', Exchange: binance, symbol: 'BTC/USDT' },
  { id: 'kraken', Exchange: kraken, symbol: 'BTC/USD' },
  { id: 'okx', Exchange: okx, symbol: 'BTC/USDT' },
  { id: 'bybit', Exchange: bybit, symbol: 'BTC/USDT' },
  { id: 'coinbase', Exchange: coinbase, symbol: 'BTC/USD' },
];

describe('half-dead links are noticed within 30 s with default options', function () {
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
    it(`${row.id}: a silent public socket is stale within 30 s and its book resyncs ('stale')`, async () => {
      // the simulator keeps real timers (its flow runs); the client gets the fake clock
      sim = await simulate(row.id, { seed: 5, tickMs: 10, ...(row.sim ?? {}) });
      clock = sinon.useFakeTimers(FAKE);
      ex = new row.Exchange({ ws: true, urls: sim.urls });
      const resyncs = [];
      ex.on('resync', (e) => resyncs.push(e));
      ex.on('error', () => {});
      // sync the book: REST joins may wait on a fallback timer, so move fake time along meanwhile
      const ready = ex.fetchOrderBook(row.symbol);
      let synced = false;
      ready.then(() => (synced = true), () => (synced = true));
      await until(async () => {
        if (!synced) await clock.tickAsync(50);
        return synced;
      }, 'the first sync');
      await ready;
      sim.faults.silence();
      // 30 s of silence: our pings go unanswered, nothing refreshes the stale timer
      for (let t = 0; t < 30_000 && !resyncs.some((r) => r.reason === 'stale'); t += 1000) await clock.tickAsync(1000);
      const stale = resyncs.find((r) => r.reason === 'stale');
      assert.ok(stale, `no 'stale' resync within 30 s (got ${JSON.stringify(resyncs)})`);
      assert.strictEqual(stale.symbol, row.symbol);
    });
  }

  it("binance: a silent WebSocket API socket is declared stale within 30 s and reconnects", async () => {
    sim = await simulate('binance', { seed: 5, tickMs: 10 });
    clock = sinon.useFakeTimers(FAKE);
    ex = new binance({ ws: true, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret });
    ex.on('error', () => {});
    const statuses = [];
    ex.on('status', (s) => statuses.push(s));
    await ex.loadMarkets(); // with keys: opens the WebSocket API
    await until(() => statuses.some((s) => s.state === 'open'), 'the WebSocket API open');
    const openAt = statuses.length;
    sim.faults.silence();
    for (let t = 0; t < 30_000 && !statuses.slice(openAt).some((s) => s.state === 'reconnecting'); t += 1000) await clock.tickAsync(1000);
    const rec = statuses.slice(openAt).find((s) => s.state === 'reconnecting');
    assert.ok(rec, `no reconnect within 30 s: ${JSON.stringify(statuses.slice(openAt))}`);
    assert.match(String(rec.error && rec.error.message), /stale/);
  });
});
