'use strict';
/**
 * Fault injection on the Binance simulator (sim.faults): dropped connections, a lost diff depth
 * event (gap in U), a malformed frame, silence (no data, no pongs), rejected logins, REST 429/418
 * with Retry-After, delayed snapshots.
 */
const assert = require('assert');
const { simulate } = require('../js/sim');
const { nextEvent, until } = require('./support/wait');
const { wsClients } = require('./support/ws-client');
const { BinanceApiClient } = require('./support/binance-api');
const { binanceSnapshot, binanceReplay } = require('./support/book-oracles');

const depthEvents = (ms) => ms.filter((m) => m.e === 'depthUpdate');
const gaps = (events) => events.slice(1).filter((e, i) => e.U !== events[i].u + 1);

describe('sim binance: faults', function () {
  let sim;
  const clients = wsClients();
  const client = (path) => clients.open(sim.urls.ws + path);
  afterEach(async () => {
    clients.closeAll();
    await sim?.close();
    sim = undefined;
  });

  it('dropConnections closes the matching sockets only', async () => {
    sim = await simulate('binance', { seed: 41, autoFlow: false, symbols: ['BTC/USDT'] });
    const raw = client('/ws/btcusdt@trade');
    const combined = client('/stream?streams=btcusdt@depth');
    const api = client('/ws-api/v3');
    await Promise.all([raw.opened, combined.opened, api.opened]);
    assert.strictEqual(sim.faults.dropConnections({ stream: 'btcusdt@trade' }), 1);
    await raw.closed;
    assert.strictEqual(sim.faults.dropConnections({ kind: 'stream' }), 1);
    await combined.closed;
    api.send({ id: 1, method: 'ping' });
    await api.next((m) => m.id === 1 && m.status === 200);
    assert.strictEqual(sim.faults.dropConnections(), 1);
    await api.closed;
  });

  it('skipSequence loses one diff depth event: the next one jumps U; a resync recovers the book', async () => {
    sim = await simulate('binance', { seed: 42, tickMs: 5, symbols: ['BTC/USDT'] });
    const c = client('/ws/btcusdt@depth@100ms');
    await c.opened;
    await c.until((ms) => depthEvents(ms).length >= 3);
    assert.deepStrictEqual(gaps(depthEvents(c.msgs)), []);
    const before = depthEvents(c.msgs).length;
    sim.faults.skipSequence('BTC/USDT');
    await c.until((ms) => gaps(depthEvents(ms)).length > 0 && depthEvents(ms).length >= before + 2);
    const events = depthEvents(c.msgs);
    const jumps = gaps(events);
    assert.strictEqual(jumps.length, 1, 'exactly one event was lost');
    const at = events.indexOf(jumps[0]);
    assert.ok(events[at].U > events[at - 1].u + 1);
    // Resync: a fresh snapshot and the events after it reproduce the server's book.
    const snap = await binanceSnapshot(sim.urls);
    await c.until((ms) => depthEvents(ms).some((e) => e.U > snap.lastUpdateId + 1));
    sim.pause();
    const truth = sim.book('BTCUSDT');
    await c.until((ms) => depthEvents(ms).some((e) => e.u >= truth.lastUpdateId));
    assert.deepStrictEqual(binanceReplay(snap, depthEvents(c.msgs)), truth, 'no gap after the resync, and the server\'s book');
  });

  it('malformedFrame sends a non-JSON text frame to stream clients', async () => {
    sim = await simulate('binance', { seed: 43, autoFlow: false, symbols: ['BTC/USDT'] });
    const c = client('/ws/btcusdt@depth');
    await c.opened;
    assert.strictEqual(sim.faults.malformedFrame(), 1);
    const frame = await c.next((m) => m.text !== undefined);
    assert.throws(() => JSON.parse(frame.text));
  });

  it('silence withholds data and pongs until resumed (or for a while)', async () => {
    sim = await simulate('binance', { seed: 44, tickMs: 5, symbols: ['BTC/USDT'] });
    const c = client('/ws/btcusdt@depth@100ms');
    await c.opened;
    await c.until((ms) => depthEvents(ms).length >= 1);
    const pongs = [];
    c.ws.on('pong', (d) => pongs.push(String(d)));
    sim.faults.silence();
    c.ws.ping('during');
    await until(() => sim.faults.withheld.pongs >= 1 && sim.faults.withheld.frames >= 1, 'a withheld pong and frame');
    sim.faults.resume();
    c.ws.ping('after');
    await nextEvent(c.ws, 'pong');
    assert.deepStrictEqual(pongs, ['after'], 'the ping sent during the silence got no pong');
    const n = c.msgs.length;
    await c.until((ms) => ms.length > n);
    sim.faults.silence(120);
    assert.strictEqual(sim.faults.isSilenced, true);
    const m = c.msgs.length;
    await c.until((ms) => ms.length > m);
    assert.strictEqual(sim.faults.isSilenced, false, 'data resumes on its own after the timed silence');
  });

  it('rejectLogins refuses session.logon and userDataStream.subscribe.signature with -2015', async () => {
    sim = await simulate('binance', { seed: 45, autoFlow: false, symbols: ['BTC/USDT'] });
    const api = await BinanceApiClient.connect(sim);
    clients.add(api);
    sim.faults.rejectLogins(true);
    let r = await api.ed25519('session.logon');
    assert.deepStrictEqual([r.status, r.error], [401, { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' }]);
    r = await api.signed('userDataStream.subscribe.signature');
    assert.deepStrictEqual([r.status, r.error.code], [401, -2015]);
    sim.faults.rejectLogins(false);
    r = await api.ed25519('session.logon');
    assert.strictEqual(r.status, 200);
  });

  it('rateLimit answers the next REST requests with 429/418, -1003 and Retry-After', async () => {
    sim = await simulate('binance', { seed: 46, autoFlow: false, symbols: ['BTC/USDT'] });
    sim.faults.rateLimit({ status: 429, retryAfterSec: 7, count: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${sim.urls.rest}/api/v3/depth?symbol=BTCUSDT`);
      assert.strictEqual(res.status, 429);
      assert.strictEqual(res.headers.get('retry-after'), '7');
      const body = await res.json();
      assert.strictEqual(body.code, -1003);
      assert.match(body.msg, /^Too much request weight used/);
    }
    assert.strictEqual((await fetch(`${sim.urls.rest}/api/v3/ping`)).status, 200);
    sim.faults.rateLimit({ status: 418, retryAfterSec: 120 });
    const banned = await fetch(`${sim.urls.rest}/api/v3/ping`);
    assert.deepStrictEqual([banned.status, banned.headers.get('retry-after')], [418, '120']);
    assert.match((await banned.json()).msg, /^Way too much request weight used; IP banned until \d+/);
  });

  it('delaySnapshots: the depth reply arrives late, after stream events newer than it', async () => {
    sim = await simulate('binance', { seed: 47, autoFlow: false, symbols: ['BTC/USDT'] });
    const c = client('/ws/btcusdt@depth@100ms');
    await c.opened;
    sim.faults.delaySnapshots(400);
    let snap;
    const reply = fetch(`${sim.urls.rest}/api/v3/depth?symbol=BTCUSDT&limit=5000`).then(async (r) => (snap = await r.json()));
    const seenBeforeReply = [];
    for (let i = 0; i < 40 && snap === undefined; i++) {
      sim.tick(3);
      const n = depthEvents(c.msgs).length;
      await Promise.race([c.until((ms) => depthEvents(ms).length > n), reply]);
      if (snap === undefined) seenBeforeReply.push(...depthEvents(c.msgs).slice(n));
    }
    await reply;
    assert.ok(seenBeforeReply.some((e) => e.U > snap.lastUpdateId), 'events newer than the snapshot arrived before it');
    sim.faults.delaySnapshots(0);
  });
});
