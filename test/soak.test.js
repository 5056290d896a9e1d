'use strict';
/**
 * Soak and leak (issue #15, "What must be shown"): 2,000 subscribe/unsubscribe cycles on a
 * simulator and a reconnect storm; heap, handles and listeners return to baseline, and the
 * connections a storm makes stay within the exchange's connection budget.
 */
const assert = require('assert');
const path = require('path');
const { execFile } = require('child_process');
const sinon = require('sinon');
const { simulate } = require('../js/sim');
const { binance } = require('..');
const { connectionGate } = require('../js/transport/connection-budget');
const { acceptAndClose, maxInWindow, storm } = require('./support/storm');
const { until } = require('./support/wait');

/** Runs the cycle soak in a child process with --expose-gc; resolves with its JSON report. */
function soakChild(cycles) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', path.join(__dirname, 'support', 'soak-child.js'), String(cycles)], { timeout: 120_000 }, (err, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop();
      let report;
      try {
        report = JSON.parse(line);
      } catch {
        reject(new Error(`soak child: ${err ? err.message : 'no report'}\n${stdout}\n${stderr}`));
        return;
      }
      if (report.failed) reject(new Error(`soak child failed: ${report.failed}`));
      else resolve(report);
    });
  });
}

describe('soak: 2,000 subscribe/unsubscribe cycles on the Kraken simulator (child process, heap after gc)', function () {
  this.timeout(150_000);
  let report;

  before(async () => {
    report = await soakChild(2000);
  });

  it('no error on the way (an unsubscribe still queued when the stream is wanted again is sent first, not dropped)', () => {
    assert.deepStrictEqual(report.errors, [], `${report.errorCount} errors`);
  });

  it('topics, listeners, sockets and handles are back at the baseline after every 500 cycles', () => {
    const { base, samples, end } = report;
    for (const s of [...samples, end]) {
      assert.strictEqual(s.topics, base.topics, `topics after ${s.cycles ?? 'all'} cycles`);
      assert.strictEqual(s.handlers, base.handlers, `listeners after ${s.cycles ?? 'all'} cycles`);
      assert.strictEqual(s.sockets, base.sockets, `sockets after ${s.cycles ?? 'all'} cycles`);
      assert.ok(s.handles <= base.handles, `handles after ${s.cycles ?? 'all'} cycles: ${s.handles} > ${base.handles}`);
    }
  });

  it('the heap does not grow with the cycles (500 bytes a cycle would show)', () => {
    const { base, samples, end } = report;
    const mb = (x) => `${(x / 1048576).toFixed(2)} MB`;
    const trace = samples.map((s) => `${s.cycles}: ${mb(s.heap)}`).join(', ');
    // the first 500 cycles may still settle caches; from then on, no trend
    assert.ok(end.heap - samples[1].heap < 512 * 1024, `heap grew from ${mb(samples[1].heap)} to ${mb(end.heap)} (${trace})`);
    assert.ok(end.heap - base.heap < 2 * 1048576, `heap ${mb(end.heap)} vs baseline ${mb(base.heap)} (${trace})`);
  });

  it('close() leaves no handle behind', () => {
    assert.ok(report.after.handles <= report.start.handles, `handles after close(): ${report.after.kinds} (at start: ${report.start.kinds})`);
  });
});

describe('soak: a reconnect storm from two binance clients (fake timers, real sockets)', function () {
  this.timeout(120_000);
  let clock;
  let server;
  let sim;
  const clients = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    clock?.restore();
    clock = undefined;
    await server?.close();
    await sim?.close();
  });

  it('a server that accepts and closes every socket at once, for 6 minutes: never more than 300 handshakes in any 5 minutes (Binance, per IP), and afterwards handles are back at the baseline', async () => {
    sim = await simulate('binance', { port: 0, seed: 3, symbols: ['BTC/USDT', 'ETH/USDT'], tickMs: 50 });
    server = await acceptAndClose();
    const handlesBefore = process._getActiveHandles().length;
    const handlesBeforeKinds = process._getActiveHandles().map((h) => h.constructor.name).join(' ');
    // a careless user: reconnect after 1-2 ms, every time; two clients of one process
    const opts = { ws: true, urls: { ...sim.urls, ws: server.url }, timeoutMs: 8000, reconnect: { baseDelayMs: 1, maxDelayMs: 2 } };
    const started = [0, 0];
    for (let i = 0; i < 2; i++) {
      const ex = new binance(opts);
      ex.on('error', () => {});
      ex.on('status', (s) => {
        if (s.state === 'connecting') started[i]++;
      });
      clients.push(ex);
    }
    await Promise.all(clients.map((c) => c.loadMarkets()));
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'], now: Date.now() });
    clients[0].on('orderbook', 'BTC/USDT', () => {});
    clients[1].on('trades', 'ETH/USDT', () => {});
    const gate = connectionGate(server.url);
    // (budgets are per host for the whole process: a loopback port an earlier test's simulator of
    // another exchange used may carry that exchange's budget too, which only makes the gate stricter)
    assert.ok(gate.budgets.some((b) => b.limit === 300 && b.windowMs === 300_000), 'the Binance budget covers the host');
    const states = new Map();
    for (const [i, c] of clients.entries()) c.on('status', (s) => states.set(i, s.state));
    // a 'connecting' status is a handshake under way (a socket waiting for its budget slot says
    // nothing new), 'open' one about to be closed by the server
    const atRest = () => server.times.length === started[0] + started[1] && [...states.values()].every((s) => s !== 'open' && s !== 'connecting');
    const t0 = Date.now();
    // the sockets open on the next tick: let both first handshakes land before the clock moves
    await until(() => started[0] >= 1 && started[1] >= 1 && atRest(), 'the first handshakes');
    await storm(clock, t0 + 6 * 60_000, atRest);
    const times = server.times.filter((t) => t >= t0);
    assert.ok(maxInWindow(times, 300_000) <= 300, `at most 300 in any 5 minutes, saw ${maxInWindow(times, 300_000)}`);
    assert.ok(maxInWindow(times, 60_000) <= 300, 'nor in any minute');
    // the budget, not luck, held them: it was spent (without it, 1-2 ms backoffs make ~100,000)
    assert.ok(times.length >= 300, `the budget was used: ${times.length} handshakes`);
    assert.ok(started[0] > 10 && started[1] > 10, `both clients reconnected (${started})`);

    await Promise.all(clients.splice(0).map((c) => c.close()));
    assert.strictEqual(gate.pending, 0, 'close() left nobody waiting for a slot');
    clock.restore();
    clock = undefined;
    const kinds = (hs) => hs.map((h) => `${h.constructor.name}${h.remotePort ? `:${h.remotePort}` : ''}${h.localPort ? `<${h.localPort}` : ''}${h.destroyed ? '(destroyed)' : ''}${h.readyState ? `(${h.readyState})` : ''}`).join(' ');
    // destroyed sockets leave the list once their close callbacks ran
    await until(() => process._getActiveHandles().length <= handlesBefore, 'handles back at the baseline').catch(() => {
      assert.fail(`handles ${kinds(process._getActiveHandles())} vs before: ${handlesBeforeKinds}`);
    });
  });
});
