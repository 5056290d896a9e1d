'use strict';
/**
 * The Bitfinex client against its simulator (simulate('bitfinex')) on three protocol points:
 * - book `len` from the caller's limit: the smallest of 25 / 100 / 250 covering it, a larger limit
 *   later subscribing the channel again at the larger `len`; the `bookLength` option overrides;
 * - maintenance (Bitfinex docs ws-general "Info Messages"): 20060 pauses — books not served
 *   (resync 'maintenance', no error), no subscribe / unsubscribe / order sent until 20061 (orders
 *   fail at once with ExchangeNotAvailable naming the maintenance) — and 20061 subscribes every
 *   channel again, each book ending exact although the server sent nothing while in maintenance;
 *   20051 reconnects;
 * - an unsubscribe asked before the subscribe's ack: the channel is unsubscribed by its chanId when
 *   the ack comes, never left open on the server (counted by the server).
 */
const assert = require('assert');
const { bitfinex, errors } = require('..');
const { onSim } = require('./support/on-sim');
const { settled, assertExact } = require('./support/book');
const { until, nextEvent } = require('./support/wait');

const ROW = {
  sim: { id: 'bitfinex', options: { seed: 17, tickMs: 10, heartbeatMs: 200 } },
  client: { Exchange: bitfinex, options: { staleTimeoutMs: 1500 } },
  symbols: ['BTC/USD', 'ETH/USD'],
  book: { nonce: 'none', depth: 25 },
};

/** The client's book of `symbol` equals the server's top `depth` levels, and holds exactly that many. */
async function exactAt(h, symbol, depth) {
  const spec = { nonce: 'none', depth };
  assertExact(await settled(h.ex, h.sim, symbol, spec), spec);
}

/** Parsed frames of `list` that are not pings. */
const notPings = (list) => list.map((t) => JSON.parse(t)).filter((m) => !(m && m.event === 'ping'));

describe('bitfinex client on its simulator: book len from the limit', function () {
  let h;

  afterEach(async () => {
    await h.close();
  });

  it('limit 60 subscribes len 100, a later limit 200 resubscribes len 250 in place, no limit is len 25; each book exact at its len', async () => {
    h = await onSim(ROW);
    const w = h.ex.watchOrderBook('BTC/USD', 60);
    const first = await w.next();
    assert.strictEqual(first.value.bids.length, 60, 'the caller gets its limit');
    await exactAt(h, 'BTC/USD', 100);
    // no limit: the default len 25
    await h.ex.fetchOrderBook('ETH/USD');
    await exactAt(h, 'ETH/USD', 25);
    // a deeper limit on the same book: subscribed again at 250, rebuilt from that snapshot
    const deep = await h.ex.fetchOrderBook('BTC/USD', 200);
    assert.strictEqual(deep.bids.length, 200);
    assert.strictEqual(deep.asks.length, 200);
    await exactAt(h, 'BTC/USD', 250);
    // the first watcher carries on over the deeper book
    const next = await w.next();
    assert.strictEqual(next.value.bids.length, 60);
    // a smaller limit never makes it shallower
    await h.ex.fetchOrderBook('BTC/USD', 10);
    await h.flow(5);
    await exactAt(h, 'BTC/USD', 250);
    await w.return();
    assert.deepStrictEqual(h.resyncs, [], 'a deeper subscription is no resync');
    assert.deepStrictEqual(h.errs, []);
  });

  it('the bookLength option fixes len whatever the limit', async () => {
    h = await onSim({ ...ROW, client: { ...ROW.client, options: { ...ROW.client.options, bookLength: 100 } } });
    const b = await h.ex.fetchOrderBook('BTC/USD', 200);
    assert.strictEqual(b.bids.length, 100, 'only len 100 was asked for');
    await exactAt(h, 'BTC/USD', 100);
    await h.ex.fetchOrderBook('ETH/USD', 5);
    await exactAt(h, 'ETH/USD', 100);
    assert.deepStrictEqual(h.errs, []);
  });
});

describe('bitfinex client on its simulator: maintenance (info 20060 / 20061) and restart (20051)', function () {
  let h;

  afterEach(async () => {
    await h.close();
  });

  it('20060 pauses: books not served (resync maintenance, no error), nothing sent until 20061, which resubscribes every channel; books end exact', async () => {
    h = await onSim(ROW);
    await h.ex.fetchOrderBook('BTC/USD');
    await h.ex.fetchOrderBook('ETH/USD');
    const paused = Promise.all(['BTC/USD', 'ETH/USD'].map((s) => h.next('resync', (e) => e.reason === 'maintenance' && e.symbol === s)));
    h.sim.infoEvent(20060);
    const [btc] = await paused;
    assert.match(btc.detail, /maintenance started \(info 20060\)/);

    // during the pause: a new channel and a deeper book are wanted; a fetch waits for the end
    const trades = [];
    const off = h.ex.on('trades', 'BTC/USD', (list) => trades.push(...list));
    const fetched = h.ex.fetchOrderBook('ETH/USD', 80);
    let fetchedYet = false;
    fetched.then(() => (fetchedYet = true), () => {});
    // the server keeps moving and sends nothing: the books the client held are left behind
    h.sim.resume();
    // two of the client's app pings reach the server after those calls: anything the client sent
    // before them has arrived too (one socket, in order)
    const before = h.sim.maintenanceRequests().length;
    await until(() => h.sim.maintenanceRequests().slice(before).filter((t) => JSON.parse(t).event === 'ping').length >= 2, 'two client pings in maintenance');
    assert.deepStrictEqual(notPings(h.sim.maintenanceRequests()), [], 'no request during maintenance');
    assert.strictEqual(fetchedYet, false, 'no book is served during maintenance');

    h.sim.infoEvent(20061);
    const eth = await fetched;
    assert.strictEqual(eth.bids.length, 80);
    await until(() => trades.length > 0, 'trades on the channel subscribed after the pause');
    await exactAt(h, 'BTC/USD', 25);
    await exactAt(h, 'ETH/USD', 100);
    // every book resynced once, for the maintenance: no checksum or gap was needed
    assert.deepStrictEqual(h.resyncs.map((r) => `${r.symbol} ${r.reason}`).sort(), ['BTC/USD maintenance', 'ETH/USD maintenance']);
    assert.deepStrictEqual(h.errs, []);
    assert.strictEqual(h.ex.streamSocketCount, 1, 'the same socket throughout');
    off();
  });

  it('a book asked for while maintenance outlasts the request fails with ExchangeNotAvailable naming the maintenance', async () => {
    h = await onSim({ ...ROW, client: { ...ROW.client, options: { ...ROW.client.options, timeoutMs: 400 } } });
    await h.ex.fetchOrderBook('BTC/USD');
    const paused = h.next('resync', (e) => e.reason === 'maintenance');
    h.sim.infoEvent(20060);
    await paused;
    await assert.rejects(h.ex.fetchOrderBook('BTC/USD'), (e) => e instanceof errors.ExchangeNotAvailable && e.symbol === 'BTC/USD' && /maintenance started \(info 20060\)/.test(e.message));
    h.sim.infoEvent(20061);
    await exactAt(h, 'BTC/USD', 25);
    assert.deepStrictEqual(h.errs, []);
  });

  it('20051 reconnects: every book resyncs (reconnect) and ends exact', async () => {
    h = await onSim(ROW);
    await h.ex.fetchOrderBook('BTC/USD');
    await h.ex.fetchOrderBook('ETH/USD');
    const both = Promise.all(['BTC/USD', 'ETH/USD'].map((s) => h.next('resync', (e) => e.reason === 'reconnect' && e.symbol === s)));
    h.sim.infoEvent(20051);
    await both;
    await h.flow(5);
    await exactAt(h, 'BTC/USD', 25);
    await exactAt(h, 'ETH/USD', 25);
    assert.deepStrictEqual(h.errs, []);
  });

  it('orders during maintenance fail at once with ExchangeNotAvailable naming it, nothing reaches the server; trading resumes after 20061', async () => {
    // a client with the simulator's keys (onSim closes whatever h.ex is)
    h = await onSim(ROW);
    await h.ex.close();
    h.ex = new bitfinex({ ws: true, urls: h.sim.urls, apiKey: h.sim.apiKey, secret: h.sim.secret, timeoutMs: 5000, reconnect: { baseDelayMs: 20, maxDelayMs: 100 } });
    h.ex.on('error', (e) => h.errs.push(e));
    await h.ex.fetchBalance();
    const order = await h.ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 1000);
    const usd = (await h.ex.fetchBalance()).USD.total;
    h.sim.infoEvent(20060);
    // a wallet update sent after the info on the same socket: once it is in, so is the info
    const pushed = nextEvent(h.ex, 'balance', (b) => b.USD && b.USD.total > usd);
    h.sim.deposit('USD', 5);
    await pushed;
    for (const call of [
      () => h.ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 1000),
      () => h.ex.cancelOrder(order.id, 'BTC/USD'),
      () => h.ex.editOrder(order.id, 'BTC/USD', 'limit', 'buy', 0.01, 1001),
      () => h.ex.cancelAllOrders('BTC/USD'),
    ]) {
      await assert.rejects(call(), (e) => e instanceof errors.ExchangeNotAvailable && /maintenance \(info 20060\)/.test(e.message) && e.symbol === 'BTC/USD');
    }
    assert.deepStrictEqual(notPings(h.sim.maintenanceRequests()).filter(Array.isArray), [], 'no order input during maintenance');
    const open = await h.ex.fetchOpenOrders('BTC/USD');
    assert.deepStrictEqual(open.map((o) => o.id), [order.id], 'only the order placed before the maintenance');
    h.sim.infoEvent(20061);
    await until(async () => {
      try {
        await h.ex.cancelOrder(order.id, 'BTC/USD');
        return true;
      } catch (e) {
        if (!(e instanceof errors.ExchangeNotAvailable)) throw e;
        return false;
      }
    }, 'trading again after 20061');
    assert.deepStrictEqual(await h.ex.fetchOpenOrders('BTC/USD'), []);
    assert.deepStrictEqual(h.errs.filter((e) => /maintenance/.test(e.message)), [], 'maintenance is not reported as an error');
  });
});

describe('bitfinex client on its simulator: unsubscribe before the subscribe ack', function () {
  let h;

  afterEach(async () => {
    await h.close();
  });

  it('a channel dropped before its ack is unsubscribed by chanId when the ack comes: the server holds no channel of it', async () => {
    h = await onSim(ROW);
    await h.ex.fetchOrderBook('ETH/USD'); // keeps the socket open
    assert.strictEqual(h.sim.openChannels(), 1);
    h.sim.holdSubscribes(true);
    const off = h.ex.on('ticker', 'BTC/USD', () => {});
    await until(() => h.sim.heldSubscribes() === 1, 'the ticker subscribe at the server, unanswered');
    off();
    h.sim.holdSubscribes(false); // the ack and the channel come now
    assert.strictEqual(h.sim.openChannels(), 2, 'the server opened the channel');
    await until(() => h.sim.openChannels() === 1, 'the ticker channel unsubscribed');
    // and it stays so: a later ETH update proves the socket carried on
    await h.flow(3, 'ETH/USD');
    assert.strictEqual(h.sim.openChannels(), 1);
    assert.deepStrictEqual(h.errs, [], 'no unsubscribe refused, nothing unexpected');

    // dropped and wanted again before the ack: the one subscribe serves it, nothing left over
    h.sim.holdSubscribes(true);
    const off2 = h.ex.on('ticker', 'BTC/USD', () => {});
    await until(() => h.sim.heldSubscribes() === 1, 'the second ticker subscribe, unanswered');
    off2();
    const ticker = nextEvent(h.ex, 'ticker', () => true, 'BTC/USD');
    const off3 = h.ex.on('ticker', 'BTC/USD', () => {});
    h.sim.holdSubscribes(false);
    await ticker;
    assert.strictEqual(h.sim.openChannels(), 2);
    off3();
    await until(() => h.sim.openChannels() === 1, 'the ticker channel unsubscribed after its last user');
    assert.deepStrictEqual(h.errs, []);
  });
});
