'use strict';
/**
 * The Binance simulator's market streams against web-socket-streams.md: raw and combined
 * connections, payload shapes, diff depth U/u continuity and consistency with the REST snapshot,
 * the live subscription protocol and its error codes, and the connection rules (ping/pong,
 * message rate, stream count, lifetime).
 */
const assert = require('assert');
const WebSocket = require('ws');
const { simulate } = require('../js/sim');
const { nextEvent } = require('./support/wait');
const { wsClients } = require('./support/ws-client');
const { binanceSnapshot, binanceReplay: replay } = require('./support/book-oracles');

const isDepth = (m) => m.e === 'depthUpdate';
const snapshot = (sim, symbol) => binanceSnapshot(sim.urls, symbol);

describe('sim binance: market streams', function () {
  let sim;
  const clients = wsClients();
  const client = (path, opts) => clients.open(sim.urls.ws + path, opts);
  afterEach(async () => {
    clients.closeAll();
    await sim?.close();
    sim = undefined;
  });

  it('diff depth: U = previous u + 1, and REST snapshot + later events = the server book', async () => {
    sim = await simulate('binance', { seed: 11, autoFlow: false, symbols: ['BTC/USDT'], maxMessagesPerSecond: 0 });
    const c = client('/ws/btcusdt@depth@100ms');
    await c.opened;
    sim.tick(30);
    await c.until((ms) => ms.some(isDepth));
    const snap = await snapshot(sim);
    sim.tick(60);
    const target = sim.book('BTC/USDT').lastUpdateId;
    await c.until((ms) => ms.some((m) => m.u >= target));
    const events = c.msgs.filter(isDepth);
    for (let i = 1; i < events.length; i++) assert.strictEqual(events[i].U, events[i - 1].u + 1);
    assert.deepStrictEqual(Object.keys(events[0]), ['e', 'E', 's', 'U', 'u', 'b', 'a']);
    assert.ok(events[0].U <= snap.lastUpdateId + 1, 'the stream started before the snapshot');
    assert.deepStrictEqual(replay(snap, events), sim.book('BTC/USDT'));
  });

  it('diff depth stays consistent while the flow runs on its own timer', async () => {
    sim = await simulate('binance', { seed: 12, tickMs: 5, symbols: ['ETH/USDT'], maxMessagesPerSecond: 0 });
    const c = client('/stream?streams=ethusdt@depth@100ms/ethusdt@depth');
    await c.opened;
    const fast = (ms) => ms.filter((m) => m.stream === 'ethusdt@depth@100ms').map((m) => m.data);
    await c.until((ms) => fast(ms).length >= 2);
    const snap = await snapshot(sim, 'ETHUSDT');
    await c.until((ms) => fast(ms).some((e) => e.U > snap.lastUpdateId + 1));
    sim.pause();
    const target = sim.book('ETHUSDT').lastUpdateId;
    await c.until((ms) => fast(ms).some((e) => e.u >= target) && ms.some((m) => m.stream === 'ethusdt@depth' && m.data.u >= target));
    assert.deepStrictEqual(replay(snap, fast(c.msgs)), sim.book('ETHUSDT'));
    const slow = c.msgs.filter((m) => m.stream === 'ethusdt@depth').map((m) => m.data);
    assert.deepStrictEqual(replay(snap, slow), sim.book('ETHUSDT'), 'the 1000 ms stream too');
  });

  it('trade, aggTrade, bookTicker and partial depth payloads, wrapped on /stream', async () => {
    sim = await simulate('binance', { seed: 13, autoFlow: false, symbols: ['BTC/USDT'], maxMessagesPerSecond: 0 });
    const names = ['btcusdt@trade', 'btcusdt@aggTrade', 'btcusdt@bookTicker', 'btcusdt@depth5@100ms'];
    const c = client(`/stream?streams=${names.join('/')}`);
    await c.opened;
    const has = (ms, n) => ms.some((m) => m.stream === n);
    const pushes = (ms) => ms.filter((m) => m.stream === 'btcusdt@depth5@100ms').length;
    for (let i = 0; i < 50 && !names.every((n) => has(c.msgs, n)); i++) {
      sim.tick(10);
      const seen = pushes(c.msgs);
      await c.until((ms) => pushes(ms) > seen);
    }
    for (const m of c.msgs) assert.deepStrictEqual(Object.keys(m), ['stream', 'data']);
    const data = (n) => c.msgs.find((m) => m.stream === n).data;
    assert.deepStrictEqual(Object.keys(data('btcusdt@trade')), ['e', 'E', 's', 't', 'p', 'q', 'T', 'm', 'M']);
    assert.deepStrictEqual(Object.keys(data('btcusdt@aggTrade')), ['e', 'E', 's', 'a', 'p', 'q', 'f', 'l', 'T', 'm', 'M']);
    assert.deepStrictEqual(Object.keys(data('btcusdt@bookTicker')), ['u', 's', 'b', 'B', 'a', 'A']);
    const d5 = data('btcusdt@depth5@100ms');
    assert.deepStrictEqual([Object.keys(d5), d5.bids.length, d5.asks.length], [['lastUpdateId', 'bids', 'asks'], 5, 5]);
    const trades = c.msgs.filter((m) => m.stream === 'btcusdt@trade').map((m) => m.data);
    const aggs = c.msgs.filter((m) => m.stream === 'btcusdt@aggTrade').map((m) => m.data);
    const lastAgg = aggs[aggs.length - 1];
    const covered = trades.filter((t) => t.t >= aggs[0].f && t.t <= lastAgg.l);
    const sum = (xs, k) => xs.reduce((s, x) => s + Number(x[k]), 0);
    assert.ok(Math.abs(sum(covered, 'q') - sum(aggs, 'q')) < 1e-9, 'aggTrades add up to the trades they cover');
    const last = c.msgs.filter((m) => m.stream === 'btcusdt@bookTicker').pop().data;
    const book = sim.book('BTCUSDT');
    if (last.u === book.lastUpdateId) assert.deepStrictEqual([Number(last.b), Number(last.a)], [book.bids[0][0], book.asks[0][0]]);
  });

  it('24hrTicker, miniTicker and kline_1s every second; depth (1000 ms) diff', async () => {
    sim = await simulate('binance', { seed: 14, tickMs: 10, symbols: ['BTC/USDT'], maxMessagesPerSecond: 0 });
    const c = client('/ws');
    await c.opened;
    c.send({ method: 'SUBSCRIBE', params: ['btcusdt@ticker', 'btcusdt@miniTicker', 'btcusdt@kline_1s', 'btcusdt@depth'], id: 1 });
    assert.deepStrictEqual(await c.take((m) => m.id === 1), { result: null, id: 1 });
    const t = await c.take((m) => m.e === '24hrTicker');
    assert.deepStrictEqual(Object.keys(t), ['e', 'E', 's', 'p', 'P', 'w', 'x', 'c', 'Q', 'b', 'B', 'a', 'A', 'o', 'h', 'l', 'v', 'q', 'O', 'C', 'F', 'L', 'n']);
    const mini = await c.take((m) => m.e === '24hrMiniTicker');
    assert.deepStrictEqual(Object.keys(mini), ['e', 'E', 's', 'c', 'o', 'h', 'l', 'v', 'q']);
    const k = await c.take((m) => m.e === 'kline');
    assert.deepStrictEqual(Object.keys(k.k), ['t', 'T', 's', 'i', 'f', 'L', 'o', 'c', 'h', 'l', 'v', 'n', 'x', 'q', 'V', 'Q', 'B']);
    assert.deepStrictEqual([k.k.i, k.k.T - k.k.t], ['1s', 999]);
    const closed = await c.take((m) => m.e === 'kline' && m.k.x === true);
    assert.strictEqual(closed.k.T - closed.k.t, 999);
    const d = await c.take(isDepth);
    assert.ok(d.u >= d.U);
  });

  it('SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS / SET_PROPERTY / GET_PROPERTY', async () => {
    sim = await simulate('binance', { seed: 15, autoFlow: false, symbols: ['BTC/USDT'], maxMessagesPerSecond: 0 });
    const c = client('/ws');
    await c.opened;
    c.send({ method: 'SUBSCRIBE', params: ['btcusdt@depth@100ms', 'btcusdt@trade'], id: 1 });
    assert.deepStrictEqual(await c.take((m) => m.id === 1), { result: null, id: 1 });
    c.send({ method: 'LIST_SUBSCRIPTIONS', id: 'abc' });
    assert.deepStrictEqual(await c.take((m) => m.id === 'abc'), { result: ['btcusdt@depth@100ms', 'btcusdt@trade'], id: 'abc' });
    c.send({ method: 'UNSUBSCRIBE', params: ['btcusdt@trade'], id: 2 });
    assert.deepStrictEqual(await c.take((m) => m.id === 2), { result: null, id: 2 });
    c.send({ method: 'GET_PROPERTY', params: ['combined'], id: 3 });
    assert.deepStrictEqual(await c.take((m) => m.id === 3), { result: false, id: 3 });
    c.send({ method: 'SET_PROPERTY', params: ['combined', true], id: 4 });
    assert.deepStrictEqual(await c.take((m) => m.id === 4), { result: null, id: 4 });
    sim.tick(5);
    const wrapped = await c.take((m) => m.stream !== undefined);
    assert.strictEqual(wrapped.stream, 'btcusdt@depth@100ms');
    assert.strictEqual(wrapped.data.e, 'depthUpdate');
    c.send({ method: 'LIST_SUBSCRIPTIONS', id: null });
    assert.deepStrictEqual(await c.take((m) => m.id === null), { result: ['btcusdt@depth@100ms'], id: null });
  });

  it('answers bad requests with error codes 0-3', async () => {
    sim = await simulate('binance', { seed: 16, autoFlow: false, symbols: ['BTC/USDT'], maxMessagesPerSecond: 0 });
    const c = client('/ws');
    await c.opened;
    const ask = async (payload) => {
      c.send(payload);
      return c.take((m) => m.code !== undefined);
    };
    assert.deepStrictEqual(await ask('{"method":"SUBSCRIBE",'), { code: 3, msg: 'Invalid JSON: expected value at line 1 column 23' });
    let r = await ask({ method: 'FOO', params: [], id: 1 });
    assert.strictEqual(r.code, 2);
    assert.strictEqual(r.id, 1);
    assert.match(r.msg, /^Invalid request: unknown variant `FOO`, expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY`/);
    r = await ask({ params: [], id: 2 });
    assert.strictEqual(r.code, 2);
    assert.match(r.msg, /^Invalid request: missing field `method`/);
    assert.deepStrictEqual(await ask({ method: 'SUBSCRIBE', params: ['btcusdt@trade'], id: 'not valid!' }), {
      code: 2, msg: 'Invalid request: request ID must be an unsigned integer',
    });
    assert.deepStrictEqual(await ask({ method: 'SET_PROPERTY', params: ['combined', 'yes'], id: 3 }), { code: 1, msg: 'Invalid value type: expected Boolean', id: 3 });
    assert.deepStrictEqual(await ask({ method: 'SET_PROPERTY', params: ['speed', true], id: 4 }), { code: 0, msg: 'Unknown property', id: 4 });
    assert.deepStrictEqual(await ask({ method: 'GET_PROPERTY', params: [7], id: 5 }), { code: 2, msg: 'Invalid request: property name must be a string', id: 5 });
    assert.deepStrictEqual(await ask({ method: 'SET_PROPERTY', params: ['combined', true, 1], id: 6 }), { code: 2, msg: 'Invalid request: too many parameters', id: 6 });
  });

  it('accepts unknown stream names (nothing arrives for them) next to known ones', async () => {
    sim = await simulate('binance', { seed: 17, autoFlow: false, symbols: ['BTC/USDT'], maxMessagesPerSecond: 0 });
    const c = client('/stream');
    await c.opened;
    c.send({ method: 'SUBSCRIBE', params: ['nosuchcoin@depth', 'btcusdt@nonsense', 'btcusdt@depth@100ms'], id: 1 });
    assert.deepStrictEqual(await c.take((m) => m.id === 1), { result: null, id: 1 });
    for (let i = 0; i < 3; i++) {
      sim.tick(5);
      await c.take((m) => m.stream === 'btcusdt@depth@100ms');
    }
    assert.deepStrictEqual(c.msgs.filter((m) => m.stream !== 'btcusdt@depth@100ms'), []);
  });

  it('allows at most maxStreamsPerConnection streams', async () => {
    sim = await simulate('binance', { seed: 18, autoFlow: false, symbols: ['BTC/USDT'], maxStreamsPerConnection: 3, maxMessagesPerSecond: 0 });
    const c = client('/ws/btcusdt@trade');
    await c.opened;
    c.send({ method: 'SUBSCRIBE', params: ['btcusdt@depth', 'btcusdt@ticker'], id: 1 });
    assert.deepStrictEqual(await c.take((m) => m.id === 1), { result: null, id: 1 });
    c.send({ method: 'SUBSCRIBE', params: ['btcusdt@aggTrade'], id: 2 });
    const err = await c.take((m) => m.id === 2);
    assert.strictEqual(err.code, 2);
    const tooMany = client('/stream?streams=a@trade/b@trade/c@trade/d@trade');
    await assert.rejects(tooMany.opened, /Unexpected server response: 400/);
  });

  it('disconnects a client sending more than 5 messages a second', async () => {
    sim = await simulate('binance', { seed: 19, autoFlow: false, symbols: ['BTC/USDT'] });
    const c = client('/ws');
    await c.opened;
    for (let i = 1; i <= 5; i++) c.send({ method: 'LIST_SUBSCRIPTIONS', id: i });
    await c.until((ms) => ms.filter((m) => Array.isArray(m.result)).length === 5);
    c.send({ method: 'LIST_SUBSCRIPTIONS', id: 6 });
    const { code } = await c.closed;
    assert.strictEqual(code, 1008);
  });

  it('pings every interval; keeps clients that pong, drops those that do not', async () => {
    sim = await simulate('binance', { seed: 20, autoFlow: false, symbols: ['BTC/USDT'], pingIntervalMs: 40, pongTimeoutMs: 150, maxMessagesPerSecond: 0 });
    const good = client('/ws/btcusdt@trade');
    const mute = client('/ws/btcusdt@trade', { autoPong: false });
    await Promise.all([good.opened, mute.opened]);
    let pings = 0;
    const threePings = nextEvent(good.ws, 'ping', () => ++pings === 3);
    await mute.closed;
    await threePings;
    assert.strictEqual(good.ws.readyState, WebSocket.OPEN, 'a client that answers pings stays connected');
  });

  it('announces the end of a connection\'s lifetime with serverShutdown, then closes', async () => {
    sim = await simulate('binance', { seed: 21, autoFlow: false, symbols: ['BTC/USDT'], maxLifetimeMs: 150, maxMessagesPerSecond: 0 });
    const raw = client('/ws/btcusdt@trade');
    const combined = client('/stream?streams=btcusdt@trade');
    const ev = await raw.take((m) => m.e === 'serverShutdown');
    assert.deepStrictEqual(Object.keys(ev), ['e', 'E']);
    const wrapped = await combined.take((m) => m.stream === '!serverShutdown');
    assert.strictEqual(wrapped.data.e, 'serverShutdown');
    assert.strictEqual((await raw.closed).code, 1000);
    await combined.closed;
  });
});
