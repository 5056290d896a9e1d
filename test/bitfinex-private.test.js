'use strict';
/**
 * Bitfinex private data and trading against its simulator (simulate('bitfinex'): auth on /ws/2,
 * the account channel 0, order entry with notifications, signed REST): the balance exact and
 * pushed, orders placed over the socket, seen, edited in place (same id), cancelled, cancelAll;
 * errors mapped to the ccxt classes; a socket killed with an order in flight never places it
 * twice; REST fallback; a refused key; re-seeding after a reconnect.
 */
const assert = require('assert');
const { bitfinex, errors } = require('..');
const { simulate } = require('../js/sim');
const { nextEvent, until } = require('./support/wait');

const num = (s) => Number(s);

describe('bitfinex private side on its simulator', function () {
  let sim;
  let ex;
  let errs;

  beforeEach(async () => {
    sim = await simulate('bitfinex', { seed: 11, tickMs: 10, heartbeatMs: 200 });
    errs = [];
  });

  afterEach(async () => {
    await ex?.close();
    ex = undefined;
    await sim.close();
  });

  function client(extra = {}) {
    ex = new bitfinex({ ws: true, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret, timeoutMs: 5000, reconnect: { baseDelayMs: 20, maxDelayMs: 100 }, ...extra });
    ex.on('error', (e) => errs.push(e));
    return ex;
  }

  function balanceOf(code) {
    const b = sim.balances()[code];
    return { free: num(b.free), used: num(b.locked), total: num(b.free) + num(b.locked) };
  }

  it('the balance is the exchange wallet, exact, and pushed after a fill', async () => {
    client();
    const b = await ex.fetchBalance();
    for (const c of ['BTC', 'ETH', 'USD']) assert.deepStrictEqual(b[c], balanceOf(c), c);
    const pushed = nextEvent(ex, 'balance', (x) => x.BTC && x.BTC.total < 10);
    await ex.createOrder('BTC/USD', 'market', 'sell', 0.01);
    await pushed;
    await until(async () => JSON.stringify((await ex.fetchBalance()).BTC) === JSON.stringify(balanceOf('BTC')), 'the BTC balance exact');
    const usd = (await ex.fetchBalance()).USD;
    assert.ok(Math.abs(usd.total - balanceOf('USD').total) < 1e-6);
    assert.deepStrictEqual(errs, []);
  });

  it('an order over the socket is placed, seen, edited in place (same id), cancelled; cancelAll clears the rest', async () => {
    client();
    await ex.fetchBalance(); // the account socket is authenticated and live
    const seen = [];
    ex.on('orders', (list) => seen.push(...list));
    sim.pause();
    const bid = sim.book('BTC/USD').bids[0][0];
    const o = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, bid - 100, { clientOrderId: '424242' });
    assert.strictEqual(o.status, 'open');
    assert.strictEqual(o.clientOrderId, '424242');
    assert.strictEqual(o.price, bid - 100);
    await until(() => seen.some((x) => x.id === o.id && x.status === 'open'), 'the order pushed');
    const e = await ex.editOrder(o.id, 'BTC/USD', 'limit', 'buy', 0.01, bid - 50);
    assert.strictEqual(e.id, o.id);
    assert.strictEqual(e.price, bid - 50);
    await until(async () => (await ex.fetchOpenOrders('BTC/USD')).some((x) => x.id === o.id && x.price === bid - 50), 'the edit in the live state');
    const c = await ex.cancelOrder(o.id, 'BTC/USD');
    assert.strictEqual(c.id, o.id);
    assert.strictEqual(c.status, 'canceled');
    await until(async () => (await ex.fetchOpenOrders('BTC/USD')).length === 0, 'no open order left');
    // the server's order history (signed REST, as any client reads it) lists the edited order once,
    // with its final state: an update keeps the order (found by ccxt's fetchClosedOrders on the sim)
    const { BitfinexCredentials } = require('../js/exchanges/bitfinex/auth');
    const path = '/v2/auth/r/orders/tBTCUSD/hist';
    const hist = await (await fetch(sim.urls.rest + path, { method: 'POST', body: '{}', headers: new BitfinexCredentials(sim.apiKey, sim.secret).restHeaders(path, '{}') })).json();
    const rows = hist.filter((r) => String(r[0]) === o.id);
    assert.strictEqual(rows.length, 1, 'one history row for the edited order');
    assert.match(rows[0][13], /^CANCELED/);
    assert.strictEqual(rows[0][16], bid - 50);
    await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, bid - 200);
    await ex.createOrder('ETH/USD', 'limit', 'buy', 0.1, sim.book('ETH/USD').bids[0][0] - 10);
    const all = await ex.cancelAllOrders();
    assert.strictEqual(all.length, 2);
    assert.ok(all.every((x) => x.status === 'canceled'));
    assert.strictEqual(sim.engine.openOrders('bfx-user').length, 0);
    assert.deepStrictEqual(errs, []);
  });

  it('maps refusals: InsufficientFunds, OrderNotFound, InvalidOrder, each naming the symbol', async () => {
    client();
    await ex.fetchBalance();
    await assert.rejects(ex.createOrder('BTC/USD', 'limit', 'buy', 1000, 59000), (e) => e instanceof errors.InsufficientFunds && e.symbol === 'BTC/USD' && /not enough exchange balance/.test(e.message));
    await assert.rejects(ex.cancelOrder('999999', 'BTC/USD'), (e) => e instanceof errors.OrderNotFound);
    await assert.rejects(ex.createOrder('BTC/USD', 'limit', 'buy', 0.000001, 50000), (e) => e instanceof errors.InvalidOrder);
  });

  it('an order whose socket dies before its notification is found by its cid, never placed twice', async () => {
    client();
    await ex.fetchBalance();
    sim.pause();
    const bid = sim.book('BTC/USD').bids[0][0];
    // the server takes the order but its replies are withheld, then the socket dies
    sim.faults.silence();
    const placing = ex.createOrder('BTC/USD', 'limit', 'buy', 0.02, bid - 300, { clientOrderId: '777000' });
    await until(() => sim.engine.openOrders('bfx-user').length === 1, 'the order on the server');
    sim.faults.dropConnections();
    sim.faults.resume();
    const o = await placing;
    assert.strictEqual(o.clientOrderId, '777000');
    const open = sim.engine.openOrders('bfx-user');
    assert.strictEqual(open.length, 1, 'one order, not two');
    assert.strictEqual(o.price, bid - 300);
  });

  it('with no authenticated socket orders go over signed REST; a refused key fails the stream with AuthenticationError', async () => {
    // the account socket's host is unreachable: every order must go over REST
    client({ ws: false, urls: { ...sim.urls, wsPrivate: 'ws://127.0.0.1:1' }, reconnect: { baseDelayMs: 5000, maxDelayMs: 5000 } });
    sim.pause();
    const bid = sim.book('BTC/USD').bids[0][0];
    const o = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, bid - 100);
    assert.strictEqual(o.status, 'open');
    assert.strictEqual(sim.engine.openOrders('bfx-user').length, 1);
    await assert.rejects(ex.createOrder('BTC/USD', 'limit', 'buy', 1000, 59000), (x) => x instanceof errors.InsufficientFunds && x.symbol === 'BTC/USD');
    const e = await ex.editOrder(o.id, 'BTC/USD', 'limit', 'buy', 0.01, bid - 90);
    assert.strictEqual(e.id, o.id);
    assert.strictEqual(sim.engine.openOrders('bfx-user')[0].price, sim.engine.market('tBTCUSD').priceToTicks(String(bid - 90)));
    const c = await ex.cancelOrder(o.id, 'BTC/USD');
    assert.strictEqual(c.status, 'canceled');
    assert.strictEqual(sim.engine.openOrders('bfx-user').length, 0);
    await ex.close();

    sim.faults.rejectLogins();
    client();
    await assert.rejects(ex.fetchBalance(), errors.AuthenticationError);
    await assert.rejects(ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, bid - 100), errors.AuthenticationError);
  });

  it('own trades are pushed once each (te then tu of one trade), with the fee', async () => {
    client();
    await ex.fetchBalance();
    const got = [];
    ex.on('myTrades', (list) => got.push(...list));
    const filled = nextEvent(ex, 'orders', (list) => list.some((o) => o.status === 'closed'));
    await ex.createOrder('BTC/USD', 'market', 'sell', 0.01);
    await filled;
    await until(() => got.length >= 1, 'the own trade');
    // a later account event: anything the te/tu pair could still push has arrived by then
    const later = nextEvent(ex, 'orders', () => true);
    await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 1000);
    await later;
    assert.strictEqual(got.length, 1);
    assert.deepStrictEqual([got[0].side, got[0].amount, got[0].takerOrMaker, got[0].fee.currency], ['sell', 0.01, 'taker', 'USD']);
    assert.ok(got[0].fee.cost > 0);
    assert.deepStrictEqual((await ex.fetchMyTrades('BTC/USD')).map((t) => t.id), [got[0].id]);
  });

  it('deadManSwitch: the server cancels the key\'s orders when the account socket drops; without it they stay', async () => {
    for (const dms of [true, false]) {
      client({ deadManSwitch: dms });
      await ex.fetchBalance();
      await ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, 1000);
      assert.strictEqual(sim.engine.openOrders('bfx-user').length, 1);
      // no market socket in this test: the next 'open' is the account socket's reconnect
      const back = nextEvent(ex, 'status', (st) => st.state === 'open');
      sim.faults.dropConnections();
      if (dms) await until(() => sim.engine.openOrders('bfx-user').length === 0, 'the orders cancelled by the server');
      else {
        await back; // the socket is back: the server has long closed the old one, the order is still there
        assert.strictEqual(sim.engine.openOrders('bfx-user').length, 1);
        await ex.cancelAllOrders();
      }
      await ex.close();
      ex = undefined;
    }
  });

  it('after a dropped account socket the state is re-seeded from REST: a deposit made meanwhile is in the balance', async () => {
    client();
    await ex.fetchBalance();
    sim.faults.silence();
    sim.faults.dropConnections();
    sim.deposit('ETH', 5);
    sim.faults.resume();
    await until(async () => (await ex.fetchBalance()).ETH.total === 105, 'the deposit in the balance');
    assert.deepStrictEqual((await ex.fetchBalance()).ETH, balanceOf('ETH'));
    const deposits = await ex.fetchDeposits('ETH');
    assert.ok(deposits.some((d) => d.amount === 5 && d.currency === 'ETH' && d.status === 'ok'));
  });
});
