'use strict';
/**
 * Binance trading against the simulator's WebSocket API and REST: an order's whole life (place,
 * partial fill, fill, amend, cancel), each step seen in the pull state, in the callbacks and in
 * balances that move exactly as the exchange's; the order types; the REST fallback when the
 * WebSocket API is unreachable or refuses the session; Ed25519 session logon.
 *
 * Fills are made by the simulator's own synthetic-flow account hitting our resting orders.
 */
const assert = require('assert');
const { binance, errors } = require('..');
const { simulate } = require('../js/sim');
const { nextEvent, until } = require('./support/wait');
const { nextItem, balancesMatch, deadPort, rejection, hitBids } = require('./support/private');

const SYMBOL = 'BTC/USDT';

describe('binance private: trading over the WebSocket API, state and callbacks', function () {
  let sim;
  let ex;
  let bid;
  let ask;
  beforeEach(async () => {
    sim = await simulate('binance', { seed: 11, autoFlow: false, symbols: [SYMBOL, 'ETH/USDT'], balances: { USDT: 10000, BTC: 1, ETH: 5 } });
    bid = sim.book('BTCUSDT').bids[0][0];
    ask = sim.book('BTCUSDT').asks[0][0];
  });
  afterEach(async () => {
    if (ex) await ex.close();
    ex = undefined;
    await sim.close();
  });

  it('place, partially fill, amend, fill, cancel: each visible in the pull state, the callbacks and exact balances', async () => {
    ex = new binance({ ws: true, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret });
    assert.strictEqual(ex.has.createOrder, 'ws');
    assert.strictEqual(ex.has.fetchBalance, 'ws');
    const orders = [];
    const trades = [];
    const narrowed = [];
    const otherSymbol = [];
    ex.on('orders', (l) => orders.push(...l));
    ex.on('myTrades', (l) => trades.push(...l));
    ex.on('orders', SYMBOL, (l) => narrowed.push(...l));
    ex.on('orders', 'ETH/USDT', (l) => otherSymbol.push(...l));
    await balancesMatch(ex, sim, ['USDT', 'BTC', 'ETH']);

    // place: a limit buy that becomes the best bid. REST is rate-limited meanwhile: this went over the WebSocket API.
    const price = +(bid + 0.01).toFixed(2);
    let seen = nextItem(ex, 'orders', (o) => o.clientOrderId === 'life-1');
    sim.faults.rateLimit({ status: 429, count: 1000 });
    const placed = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, price, { clientOrderId: 'life-1' });
    sim.faults.reset();
    assert.deepStrictEqual(
      [placed.clientOrderId, placed.symbol, placed.type, placed.side, placed.price, placed.amount, placed.filled, placed.remaining, placed.status, placed.timeInForce],
      ['life-1', SYMBOL, 'limit', 'buy', price, 0.01, 0, 0.01, 'open', 'GTC'],
    );
    assert.strictEqual((await seen).id, placed.id);
    let open = await ex.fetchOpenOrders(SYMBOL);
    assert.deepStrictEqual(open.map((o) => [o.id, o.filled, o.status]), [[placed.id, 0, 'open']]);
    let bal = await balancesMatch(ex, sim);
    assert.strictEqual(bal.USDT.used, +(price * 0.01).toFixed(8));

    // partial fill: 0.004 of 0.01
    seen = nextItem(ex, 'orders', (o) => o.id === placed.id && o.filled === 0.004);
    let fill = nextItem(ex, 'myTrades', (t) => t.order === placed.id);
    hitBids(sim, '0.004');
    const partial = await seen;
    const t1 = await fill;
    assert.deepStrictEqual([partial.status, partial.remaining, partial.cost], ['open', 0.006, +(price * 0.004).toFixed(8)]);
    assert.deepStrictEqual([t1.symbol, t1.side, t1.price, t1.amount, t1.takerOrMaker, t1.fee.currency], [SYMBOL, 'buy', price, 0.004, 'maker', 'BTC']);
    open = await ex.fetchOpenOrders(SYMBOL);
    assert.deepStrictEqual(open.map((o) => [o.id, o.filled, o.remaining]), [[placed.id, 0.004, 0.006]]);
    assert.deepStrictEqual((await ex.fetchMyTrades(SYMBOL)).map((t) => t.id), [t1.id]);
    bal = await balancesMatch(ex, sim);
    assert.ok(bal.BTC.free > 1, 'bought BTC arrived');

    // amend (cancel-replace): a smaller rest, still the best bid (one tick inside the spread when there is room)
    const better = ask - price >= 0.02 ? +(price + 0.01).toFixed(2) : price;
    const oldCanceled = nextItem(ex, 'orders', (o) => o.id === placed.id && o.status === 'canceled');
    const edited = await ex.editOrder(placed.id, SYMBOL, 'limit', 'buy', 0.005, better, { clientOrderId: 'life-2' });
    assert.notStrictEqual(edited.id, placed.id);
    assert.deepStrictEqual([edited.clientOrderId, edited.price, edited.amount, edited.status], ['life-2', better, 0.005, 'open']);
    assert.strictEqual((await oldCanceled).filled, 0.004);
    open = await ex.fetchOpenOrders(SYMBOL);
    assert.deepStrictEqual(open.map((o) => o.id), [edited.id]);
    assert.deepStrictEqual((await ex.fetchClosedOrders(SYMBOL)).map((o) => [o.id, o.status, o.filled]), [[placed.id, 'canceled', 0.004]]);
    await balancesMatch(ex, sim);

    // fill the amended order completely
    seen = nextItem(ex, 'orders', (o) => o.id === edited.id && o.status === 'closed');
    fill = nextItem(ex, 'myTrades', (t) => t.order === edited.id);
    hitBids(sim, '0.005');
    const filled = await seen;
    assert.deepStrictEqual([filled.filled, filled.remaining, filled.average], [0.005, 0, better]);
    assert.strictEqual((await fill).amount, 0.005);
    assert.deepStrictEqual(await ex.fetchOpenOrders(SYMBOL), []);
    await balancesMatch(ex, sim);

    // cancel a fresh order
    const resting = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.002, Math.floor(bid * 0.9));
    seen = nextItem(ex, 'orders', (o) => o.id === resting.id && o.status === 'canceled');
    const canceled = await ex.cancelOrder(resting.id, SYMBOL);
    assert.deepStrictEqual([canceled.id, canceled.status, canceled.filled], [resting.id, 'canceled', 0]);
    await seen;
    assert.deepStrictEqual(await ex.fetchOpenOrders(), []);
    const closed = await ex.fetchClosedOrders(SYMBOL);
    assert.deepStrictEqual(closed.map((o) => [o.id, o.status]), [[placed.id, 'canceled'], [edited.id, 'closed'], [resting.id, 'canceled']]);
    await balancesMatch(ex, sim, ['USDT', 'BTC', 'ETH']);

    // the callbacks saw every step once, in order; two fills, no duplicates; the ETH/USDT callback nothing
    const steps = (id) => orders.filter((o) => o.id === id).map((o) => `${o.status}:${o.filled}`);
    assert.deepStrictEqual(steps(placed.id), ['open:0', 'open:0.004', 'canceled:0.004']);
    assert.deepStrictEqual(steps(edited.id), ['open:0', 'closed:0.005']);
    assert.deepStrictEqual(steps(resting.id), ['open:0', 'canceled:0']);
    assert.deepStrictEqual(trades.map((t) => [t.order, t.amount]), [[placed.id, 0.004], [edited.id, 0.005]]);
    assert.deepStrictEqual(narrowed, orders);
    assert.deepStrictEqual(otherSymbol, []);
    const mine = await ex.fetchMyTrades(SYMBOL);
    assert.deepStrictEqual(mine.map((t) => t.id), trades.map((t) => t.id));
  });

  it('order types: market, IOC, FOK, post-only, client order id; cancelAllOrders', async () => {
    ex = new binance({ ws: true, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret });
    await balancesMatch(ex, sim);
    const market = await ex.createOrder(SYMBOL, 'market', 'buy', 0.002);
    assert.deepStrictEqual([market.type, market.status, market.filled, market.price], ['market', 'closed', 0.002, undefined]);
    assert.ok(market.trades.length >= 1 && market.average >= ask && market.fee.currency === 'BTC');
    const ioc = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.002, Math.floor(bid * 0.9), { timeInForce: 'IOC' });
    assert.deepStrictEqual([ioc.timeInForce, ioc.status, ioc.filled], ['IOC', 'expired', 0]);
    // FOK: one step more than the best bid holds, at the best bid: all or nothing -> nothing
    const [topBid, topQty] = sim.book('BTCUSDT').bids[0];
    const fok = await ex.createOrder(SYMBOL, 'limit', 'sell', +(topQty + 0.001).toFixed(5), topBid, { timeInForce: 'FOK' });
    assert.deepStrictEqual([fok.timeInForce, fok.status, fok.filled], ['FOK', 'expired', 0]);
    const fokAll = await ex.createOrder(SYMBOL, 'limit', 'sell', 0.001, topBid, { timeInForce: 'FOK' });
    assert.deepStrictEqual([fokAll.status, fokAll.filled], ['closed', 0.001]);
    const post = await ex.createOrder(SYMBOL, 'limit', 'sell', 0.002, Math.ceil(ask * 1.1), { postOnly: true, clientOrderId: 'maker-1' });
    assert.deepStrictEqual([post.type, post.postOnly, post.status, post.clientOrderId], ['limit', true, 'open', 'maker-1']);
    const cross = await rejection(ex.createOrder(SYMBOL, 'limit', 'buy', 0.002, ask, { postOnly: true }));
    assert.ok(cross instanceof errors.InvalidOrder, cross.stack);
    assert.deepStrictEqual([cross.code, /Order would immediately match and take\./.test(cross.message)], [-2010, true]);
    const second = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.002, Math.floor(bid * 0.9));
    const all = await ex.cancelAllOrders(SYMBOL);
    assert.deepStrictEqual(all.map((o) => [o.id, o.status]).sort(), [[post.id, 'canceled'], [second.id, 'canceled']].sort());
    assert.deepStrictEqual(await ex.cancelAllOrders(SYMBOL), [], 'nothing left to cancel is not an error');
    assert.deepStrictEqual(await ex.fetchOpenOrders(SYMBOL), []);
    await balancesMatch(ex, sim);
  });

  it('ws: false: every pull goes to REST, trading still over the WebSocket API', async () => {
    ex = new binance({ urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret });
    assert.deepStrictEqual([ex.has.fetchBalance, ex.has.fetchOpenOrders, ex.has.createOrder], ['rest', 'rest', 'ws']);
    const placed = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, +(bid + 0.01).toFixed(2));
    hitBids(sim, '0.004');
    const open = await ex.fetchOpenOrders(SYMBOL);
    assert.deepStrictEqual(open.map((o) => [o.id, o.filled, o.remaining]), [[placed.id, 0.004, 0.006]]);
    const trades = await ex.fetchMyTrades(SYMBOL);
    assert.deepStrictEqual(trades.map((t) => [t.order, t.amount]), [[placed.id, 0.004]]);
    const bal = await ex.fetchBalances();
    const s = sim.balances();
    assert.deepStrictEqual([bal.USDT.free, bal.USDT.used, bal.BTC.free], [+s.USDT.free, +s.USDT.locked, +s.BTC.free]);
    assert.deepStrictEqual([bal.free.USDT, bal.used.USDT], [bal.USDT.free, bal.USDT.used]);
    await ex.cancelOrder(placed.id, SYMBOL);
    const all = await ex.fetchOrders(SYMBOL);
    assert.deepStrictEqual(all.map((o) => [o.id, o.status]), [[placed.id, 'canceled']]);
    assert.deepStrictEqual((await ex.fetchClosedOrders(SYMBOL)).map((o) => o.id), [placed.id]);
    assert.strictEqual((await ex.fetchOrder(placed.id, SYMBOL)).status, 'canceled');
    await assert.rejects(ex.fetchMyTrades(), errors.BadRequest, 'Binance needs a symbol for myTrades');
  });

  it('the WebSocket API connection is opened (warm) by loadMarkets, before any order', async () => {
    ex = new binance({ urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret });
    const open = nextEvent(ex, 'status', (s) => s.url.endsWith('/ws-api/v3') && s.state === 'open');
    await ex.loadMarkets();
    await open;
  });

  it('the WebSocket API unreachable: the same calls go over REST', async () => {
    const port = await deadPort();
    ex = new binance({ ws: true, urls: { ...sim.urls, wsApi: `ws://127.0.0.1:${port}` }, apiKey: sim.apiKey, secret: sim.secret, reconnect: { baseDelayMs: 50, maxDelayMs: 200 } });
    ex.on('error', () => {});
    const down = nextEvent(ex, 'status', (s) => s.url.endsWith('/ws-api/v3') && s.state === 'reconnecting');
    await ex.loadMarkets();
    await down;
    assert.strictEqual(ex.has.createOrder, 'ws');
    const placed = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, Math.floor(bid * 0.9));
    assert.strictEqual(placed.status, 'open');
    assert.deepStrictEqual(sim.engine.openOrders('user').map((o) => String(o.orderId)), [placed.id]);
    const edited = await ex.editOrder(placed.id, SYMBOL, 'limit', 'buy', 0.02, Math.floor(bid * 0.8));
    assert.deepStrictEqual([edited.amount, edited.status], [0.02, 'open']);
    assert.strictEqual((await ex.cancelOrder(edited.id, SYMBOL)).status, 'canceled');
    assert.deepStrictEqual(await ex.cancelAllOrders(SYMBOL), []);
  });

  it('an order whose reply is lost with its connection is looked up by client order id over REST, not placed twice', async () => {
    ex = new binance({ urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret, reconnect: { baseDelayMs: 20 } });
    ex.on('error', () => {});
    const warm = nextEvent(ex, 'status', (s) => s.url.endsWith('/ws-api/v3') && s.state === 'open');
    await ex.loadMarkets();
    await warm;
    sim.faults.silence(); // the order lands, its reply is withheld
    const pending = ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, Math.floor(bid * 0.9), { clientOrderId: 'lost-1' });
    await until(() => sim.engine.openOrders('user').length === 1, 'the order to land');
    sim.faults.dropConnections({ kind: 'api' });
    sim.faults.resume();
    const placed = await pending;
    assert.deepStrictEqual([placed.clientOrderId, placed.status], ['lost-1', 'open']);
    assert.deepStrictEqual(sim.engine.openOrders('user').map((o) => String(o.orderId)), [placed.id]);
  });

  it('Ed25519 key: session.logon, unsigned orders on the session, user stream; a refused logon sends orders over REST', async () => {
    ex = new binance({ ws: true, urls: sim.urls, apiKey: sim.ed25519.apiKey, secret: sim.ed25519.privateKey });
    await balancesMatch(ex, sim);
    const seen = nextItem(ex, 'orders', (o) => o.clientOrderId === 'ed-1');
    sim.faults.rateLimit({ count: 1000 });
    const placed = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, Math.floor(bid * 0.9), { clientOrderId: 'ed-1' });
    sim.faults.reset();
    assert.strictEqual((await seen).id, placed.id);
    await balancesMatch(ex, sim);
    await ex.close();

    sim.faults.rejectLogins();
    ex = new binance({ ws: true, urls: sim.urls, apiKey: sim.ed25519.apiKey, secret: sim.ed25519.privateKey });
    const errs = [];
    ex.on('error', (e) => errs.push(e));
    const refused = await rejection(ex.fetchBalance());
    assert.ok(refused instanceof errors.AuthenticationError, refused.stack);
    assert.strictEqual(refused.code, -2015);
    const viaRest = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, Math.floor(bid * 0.8));
    assert.strictEqual(viaRest.status, 'open');
    assert.ok(errs.some((e) => e instanceof errors.AuthenticationError));
  });
});
