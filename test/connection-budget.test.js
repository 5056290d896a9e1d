'use strict';
/**
 * Connection budgets per host (transport/connection-budget.ts): the exchanges' "N connections per
 * window per IP" limits hold for every socket of the process to that host — several clients,
 * reconnecting sockets — and close() gives a waiting place up.
 */
const assert = require('assert');
const sinon = require('sinon');
const { ConnectionBudget, HostGate, declareConnectionBudget, connectionGate } = require('../js/transport/connection-budget');
const { WsConnection } = require('../js/transport/ws-connection');
const { acceptAndClose, maxInWindow, storm } = require('./support/storm');
const ex = require('../js');

const FAKE = { toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], now: 1_000_000 };

describe('connection budget: a sliding window per host', () => {
  let clock;
  afterEach(() => clock?.restore());

  it('grants at most `limit` handshakes in any window, in arrival order, and every waiter gets through', async () => {
    clock = sinon.useFakeTimers(FAKE);
    const gate = new HostGate('h');
    gate.budgets.push(new ConnectionBudget({ limit: 5, windowMs: 1000 }));
    const granted = [];
    for (let i = 0; i < 23; i++) {
      if (gate.tryPass()) granted.push({ i, t: Date.now() });
      else gate.wait(() => granted.push({ i, t: Date.now() }));
    }
    assert.strictEqual(granted.length, 5, 'the first five at once');
    await clock.tickAsync(10_000);
    assert.strictEqual(granted.length, 23);
    assert.deepStrictEqual(granted.map((g) => g.i), [...Array(23).keys()], 'first come, first served');
    assert.ok(maxInWindow(granted.map((g) => g.t), 1000) <= 5, 'never more than 5 in any second');
    assert.strictEqual(clock.countTimers(), 0, 'no timer once nobody waits');
  });

  it('a fixed-window refill would allow twice the limit around a boundary; the sliding window never does', async () => {
    clock = sinon.useFakeTimers({ ...FAKE, now: 59_000 });
    const b = new ConnectionBudget({ limit: 20, windowMs: 60_000 });
    const gate = new HostGate('h');
    gate.budgets.push(b);
    const t = [];
    for (let i = 0; i < 40; i++) if (gate.tryPass()) t.push(Date.now()); else gate.wait(() => t.push(Date.now()));
    await clock.tickAsync(1500); // past a minute boundary on the clock
    assert.strictEqual(t.length, 20, 'the next 20 wait for the first 20 to leave the window, boundary or not');
    await clock.tickAsync(70_000);
    assert.strictEqual(t.length, 40);
    assert.ok(maxInWindow(t, 60_000) <= 20);
  });

  it('a cancelled waiter takes no slot and leaves no timer', async () => {
    clock = sinon.useFakeTimers(FAKE);
    const gate = new HostGate('h');
    gate.budgets.push(new ConnectionBudget({ limit: 1, windowMs: 1000 }));
    assert.ok(gate.tryPass());
    let ran = 0;
    const a = gate.wait(() => ran++);
    const b = gate.wait(() => (ran += 10));
    a.cancel();
    assert.strictEqual(gate.pending, 1);
    await clock.tickAsync(1200);
    assert.strictEqual(ran, 10, 'only the one still waiting ran');
    const c = gate.wait(() => ran++);
    c.cancel();
    assert.strictEqual(gate.pending, 0);
    assert.strictEqual(clock.countTimers(), 0);
  });

  it('a host listed in two budgets passes both (and spends a slot of each)', async () => {
    clock = sinon.useFakeTimers(FAKE);
    declareConnectionBudget(['ws://two-budgets.invalid:1'], { limit: 3, windowMs: 1000 });
    declareConnectionBudget(['ws://two-budgets.invalid:1', 'ws://other.invalid:2'], { limit: 4, windowMs: 60_000 });
    const gate = connectionGate('ws://two-budgets.invalid:1/path?x=1');
    assert.strictEqual(gate.budgets.length, 2);
    let n = 0;
    while (gate.tryPass()) n++;
    assert.strictEqual(n, 3, 'the per-second budget stops the fourth');
    await clock.tickAsync(1200);
    assert.ok(gate.tryPass(), 'a second later: the fourth of the minute');
    await clock.tickAsync(1200);
    assert.ok(!gate.tryPass(), 'the per-minute budget stops the fifth');
    assert.ok(!connectionGate('ws://other.invalid:2').tryPass(), 'the other host shares the per-minute count');
  });
});

describe('connection budget: every socket to the host, all clients, reconnects included', function () {
  this.timeout(60_000);
  let clock;
  let server;
  const conns = [];
  afterEach(async () => {
    await Promise.all(conns.splice(0).map((c) => c.close()));
    clock?.restore();
    clock = undefined;
    await server?.close();
  });

  it('a server that accepts and closes at once gets no more than the budget in any window, from 3 connections of 2 clients, over 60 s', async () => {
    server = await acceptAndClose();
    clock = sinon.useFakeTimers(FAKE);
    const LIMIT = 10;
    const WINDOW = 5000;
    declareConnectionBudget([server.url], { limit: LIMIT, windowMs: WINDOW }, 'test');
    const gate = connectionGate(server.url);
    let started = 0;
    const perConn = [0, 0, 0];
    for (let i = 0; i < 3; i++) {
      // backoff of 1-2 ms, never reset: without the budget this would be thousands of handshakes
      const c = new WsConnection({ url: `${server.url}/c${i}`, exchange: `client${i % 2}`, backoff: { baseDelayMs: 1, maxDelayMs: 2 }, healthyAfterMs: 1e9 });
      c.events.on('status', (s) => {
        if (s.state === 'connecting') {
          started++;
          perConn[i]++;
        }
      });
      conns.push(c);
      c.connect();
    }
    const atRest = () =>
      server.times.length === started && conns.filter((c) => c.state === 'connecting').length === gate.pending && conns.every((c) => c.state !== 'open');
    const t0 = Date.now();
    await storm(clock, t0 + 60_000, atRest);
    const times = server.times.filter((t) => t < t0 + 60_000);
    assert.ok(maxInWindow(times, WINDOW) <= LIMIT, `at most ${LIMIT} in any ${WINDOW} ms, saw ${maxInWindow(times, WINDOW)}`);
    // the budget, not the backoff, was what held them back: it was used to the full
    assert.ok(times.length >= LIMIT * Math.floor(60_000 / (WINDOW + 500)), `the budget was used (${times.length} handshakes)`);
    for (const n of perConn) assert.ok(n >= 5, `every connection got its turns (${perConn})`);
  });

  it('close() of a connection waiting for a slot gives the place up at once: no handshake, no timer, the next one in line goes', async () => {
    server = await acceptAndClose();
    clock = sinon.useFakeTimers(FAKE);
    declareConnectionBudget([server.url], { limit: 1, windowMs: 60_000 }, 'test');
    const gate = connectionGate(server.url);
    assert.ok(gate.tryPass(), 'someone else took the only slot of the minute');
    const a = new WsConnection({ url: server.url, exchange: 'a' });
    const b = new WsConnection({ url: server.url, exchange: 'b' });
    conns.push(a, b);
    a.connect();
    b.connect();
    assert.strictEqual(gate.pending, 2);
    await a.close();
    assert.strictEqual(a.state, 'closed');
    assert.strictEqual(gate.pending, 1, 'a left the queue');
    await b.close();
    assert.strictEqual(gate.pending, 0);
    assert.strictEqual(clock.countTimers(), 0, 'nothing left to keep the process alive');
    await clock.tickAsync(120_000);
    assert.strictEqual(server.times.length, 0, 'no handshake after close()');
  });
});

describe('connection budget: what each exchange declares (per IP, from its docs)', () => {
  const port = 1;
  const cases = [
    ['binance', { ws: 'ws://budget-binance.invalid:1', wsApi: 'ws://budget-binance-api.invalid:1' }, [['ws', 300, 300_000], ['wsApi', 300, 300_000]]],
    ['kraken', { ws: 'ws://budget-kraken.invalid:1', wsPrivate: 'ws://budget-kraken-auth.invalid:1' }, [['ws', 150, 600_000], ['wsPrivate', 150, 600_000]]],
    ['okx', { ws: 'ws://budget-okx.invalid:1' }, [['ws', 3, 1000]]],
    ['bybit', { ws: 'ws://budget-bybit.invalid:1', wsPrivate: 'ws://budget-bybit.invalid:1' }, [['ws', 500, 300_000]]],
    ['bitfinex', { ws: 'ws://budget-bitfinex.invalid:1' }, [['ws', 20, 60_000]]],
    ['coinbase', { ws: 'ws://budget-coinbase.invalid:1', wsPrivate: 'ws://budget-coinbase-user.invalid:1' }, [['ws', 8, 1000], ['wsPrivate', 8, 1000]]],
  ];
  for (const [id, urls, expect] of cases) {
    it(`${id}: ${expect.map(([k, n, w]) => `${k} ${n}/${w / 1000}s`).join(', ')}`, async () => {
      const e = new ex[id]({ urls: { rest: `http://127.0.0.1:${port}`, ...urls } });
      try {
        for (const [key, limit, windowMs] of expect) {
          const gate = connectionGate(urls[key]);
          assert.ok(gate, `a gate for ${key}`);
          assert.deepStrictEqual(gate.budgets.map((b) => [b.limit, b.windowMs]), [[limit, windowMs]]);
        }
      } finally {
        await e.close();
      }
    });
  }

  it('two clients of one exchange share the budget of their host (the IP limit)', async () => {
    const urls = { rest: 'http://127.0.0.1:1', ws: 'ws://budget-shared.invalid:1' };
    const a = new ex.okx({ urls });
    const b = new ex.okx({ urls });
    try {
      const gate = connectionGate(urls.ws);
      assert.strictEqual(gate.budgets.length, 1, 'one budget, not one per client');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
