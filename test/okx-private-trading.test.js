'use strict';
/**
 * OKX trading against the simulator's private socket (/ws/v5/private) and signed REST: an order's
 * whole life (place, partial fill, amend in place, fill, cancel), each step seen in the pull state,
 * in the callbacks and in balances that move exactly as the account's; order types; error codes
 * mapped to typed errors; the REST fallback when the socket is unreachable or refuses the login;
 * an order whose reply is lost looked up by clOrdId.
 *
 * Fills are made by the simulator's own synthetic-flow account hitting our resting orders.
 */
const assert = require('assert');
const { okx, errors } = require('..');
const { simulate } = require('../js/sim');
const { nextEvent, until } = require('./support/wait');
const { nextItem, balancesMatch, deadPort, rejection } = require('./support/private');

const SYMBOL = 'BTC/USDT';

/** The flow account sells `qty` BTC at market: it hits the best BTC-USDT bid (ours, in these tests). */
function hitBids(sim, qty) {
  sim.engine.placeOrder({ account: 'flow', symbol: 'BTC-USDT', side: 'SELL', type: 'MARKET', quantity: qty });
}

function client(sim, extra = {}) {
  return new okx({ urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret, password: sim.password, ...extra });
}

describe('okx private: trading over the private socket, state and callbacks', function () {
  let sim;
  let ex;
  let bid;
  let ask;
  beforeEach(async () => {
    sim = await simulate('okx', { seed: 11, autoFlow: false, symbols: [SYMBOL, 'ETH/USDT'], balances: { USDT: 10000, BTC: 1, ETH: 5 } });
    bid = sim.book('BTC-USDT').bids[0][0];
    ask = sim.book('BTC-USDT').asks[0][0];
  });
  afterEach(async () => {
    if (ex) await ex.close();
    ex = undefined;
    await sim.close();
  });

  it('place, partially fill, amend in place, fill, cancel: each visible in the pull state, the callbacks and exact balances', async () => {
    ex = client(sim, { ws: true });
    assert.deepStrictEqual([ex.has.createOrder, ex.has.editOrder, ex.has.fetchBalance, ex.has.watchOrders], ['ws', 'ws', 'ws', 'ws']);
    const orders = [];
    const trades = [];
    const narrowed = [];
    const otherSymbol = [];
    ex.on('orders', (l) => orders.push(...l));
    ex.on('myTrades', (l) => trades.push(...l));
    ex.on('orders', SYMBOL, (l) => narrowed.push(...l));
    ex.on('orders', 'ETH/USDT', (l) => otherSymbol.push(...l));
    await balancesMatch(ex, sim, ['USDT', 'BTC', 'ETH']);

    // place: a limit buy that becomes the best bid. REST is rate-limited meanwhile: this went over the socket.
    const price = +(bid + 0.1).toFixed(1);
    let seen = nextItem(ex, 'orders', (o) => o.clientOrderId === 'life1');
    sim.faults.rateLimit({ status: 429, count: 1000 });
    const placed = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, price, { clientOrderId: 'life1' });
    sim.faults.reset();
    assert.deepStrictEqual(
      [placed.clientOrderId, placed.symbol, placed.type, placed.side, placed.price, placed.amount, placed.filled, placed.remaining, placed.status, placed.timeInForce],
      ['life1', SYMBOL, 'limit', 'buy', price, 0.01, 0, 0.01, 'open', 'GTC'],
    );
    assert.strictEqual((await seen).id, placed.id);
    let open = await ex.fetchOpenOrders(SYMBOL);
    assert.deepStrictEqual(open.map((o) => [o.id, o.filled, o.status]), [[placed.id, 0, 'open']]);
    let bal = await balancesMatch(ex, sim);
    assert.strictEqual(bal.USDT.used, +(price * 0.01).toFixed(8));

    // partial fill: 0.004 of 0.01 (maker fee 0.08 % of the BTC received)
    seen = nextItem(ex, 'orders', (o) => o.id === placed.id && o.filled === 0.004);
    let fill = nextItem(ex, 'myTrades', (t) => t.order === placed.id);
    hitBids(sim, '0.004');
    const partial = await seen;
    const t1 = await fill;
    assert.deepStrictEqual([partial.status, partial.remaining, partial.cost], ['open', 0.006, +(price * 0.004).toFixed(8)]);
    assert.deepStrictEqual(
      [t1.symbol, t1.side, t1.price, t1.amount, t1.takerOrMaker, t1.fee],
      [SYMBOL, 'buy', price, 0.004, 'maker', { cost: 0.0000032, currency: 'BTC' }],
    );
    open = await ex.fetchOpenOrders(SYMBOL);
    assert.deepStrictEqual(open.map((o) => [o.id, o.filled, o.remaining]), [[placed.id, 0.004, 0.006]]);
    assert.deepStrictEqual((await ex.fetchMyTrades(SYMBOL)).map((t) => t.id), [t1.id]);
    bal = await balancesMatch(ex, sim);
    assert.strictEqual(bal.BTC.free, 1.0039968);

    // amend in place: same id, a new size (including what is filled) and a price one tick lower
    const lower = +(price - 0.1).toFixed(1);
    const edited = await ex.editOrder(placed.id, SYMBOL, 'limit', 'buy', 0.008, lower);
    assert.deepStrictEqual([edited.id, edited.clientOrderId, edited.price, edited.amount, edited.filled, edited.remaining, edited.status], [placed.id, 'life1', lower, 0.008, 0.004, 0.004, 'open']);
    open = await ex.fetchOpenOrders(SYMBOL);
    assert.deepStrictEqual(open.map((o) => [o.id, o.price, o.amount, o.filled]), [[placed.id, lower, 0.008, 0.004]]);
    bal = await balancesMatch(ex, sim);
    assert.strictEqual(bal.USDT.used, +(lower * 0.004).toFixed(8), 'the lock follows the amended rest');
    // a smaller size at the same price (queue priority kept on OKX)
    const smaller = await ex.editOrder(placed.id, SYMBOL, 'limit', 'buy', 0.007, lower);
    assert.deepStrictEqual([smaller.id, smaller.amount, smaller.remaining], [placed.id, 0.007, 0.003]);
    await balancesMatch(ex, sim);

    // fill the rest: our bid now queues behind the flow's at the best price; selling the whole level fills it
    const [levelPx, levelQty] = sim.book('BTC-USDT').bids[0];
    assert.strictEqual(levelPx, lower);
    seen = nextItem(ex, 'orders', (o) => o.id === placed.id && o.status === 'closed');
    fill = nextItem(ex, 'myTrades', (t) => t.order === placed.id && t.amount === 0.003);
    hitBids(sim, levelQty.toFixed(8));
    const filled = await seen;
    await fill;
    assert.deepStrictEqual([filled.filled, filled.remaining, filled.amount], [0.007, 0, 0.007]);
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
    assert.deepStrictEqual(closed.map((o) => [o.id, o.status]), [[placed.id, 'closed'], [resting.id, 'canceled']]);
    await balancesMatch(ex, sim, ['USDT', 'BTC', 'ETH']);

    // the callbacks saw every step once, in order; fills once each; the ETH/USDT callback nothing
    const steps = (id) => orders.filter((o) => o.id === id).map((o) => `${o.status}:${o.filled}:${o.amount}`);
    assert.deepStrictEqual(steps(placed.id), ['open:0:0.01', 'open:0.004:0.01', 'open:0.004:0.008', 'open:0.004:0.007', 'closed:0.007:0.007']);
    assert.deepStrictEqual(steps(resting.id), ['open:0:0.002', 'canceled:0:0.002']);
    assert.deepStrictEqual(trades.map((t) => [t.order, t.amount]), [[placed.id, 0.004], [placed.id, 0.003]]);
    assert.deepStrictEqual(narrowed, orders);
    assert.deepStrictEqual(otherSymbol, []);
    assert.deepStrictEqual((await ex.fetchMyTrades(SYMBOL)).map((t) => t.id), trades.map((t) => t.id));
  });

  it('order types: market (sized in base), IOC, FOK, post-only, client order id; cancelAllOrders', async () => {
    ex = client(sim, { ws: true });
    await balancesMatch(ex, sim);
    const market = await ex.createOrder(SYMBOL, 'market', 'buy', 0.002);
    assert.deepStrictEqual([market.type, market.status, market.filled, market.amount, market.price], ['market', 'closed', 0.002, 0.002, undefined]);
    assert.ok(market.average >= ask, `average ${market.average} at or above the ask ${ask}`);
    const ioc = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.002, Math.floor(bid * 0.9), { timeInForce: 'IOC' });
    assert.deepStrictEqual([ioc.timeInForce, ioc.status, ioc.filled], ['IOC', 'expired', 0]);
    const [topBid, topQty] = sim.book('BTC-USDT').bids[0];
    const fok = await ex.createOrder(SYMBOL, 'limit', 'sell', +(topQty + 0.001).toFixed(8), topBid, { timeInForce: 'FOK' });
    assert.deepStrictEqual([fok.timeInForce, fok.status, fok.filled], ['FOK', 'expired', 0]);
    const fokAll = await ex.createOrder(SYMBOL, 'limit', 'sell', 0.001, topBid, { timeInForce: 'FOK' });
    assert.deepStrictEqual([fokAll.status, fokAll.filled], ['closed', 0.001]);
    const post = await ex.createOrder(SYMBOL, 'limit', 'sell', 0.002, Math.ceil(ask * 1.1), { postOnly: true, clientOrderId: 'maker1' });
    assert.deepStrictEqual([post.type, post.postOnly, post.timeInForce, post.status, post.clientOrderId], ['limit', true, 'PO', 'open', 'maker1']);
    // a post-only order that would take is accepted and canceled at once, nothing filled
    const cross = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.002, sim.book('BTC-USDT').asks[0][0], { postOnly: true });
    assert.deepStrictEqual([cross.status, cross.filled], ['canceled', 0]);
    const second = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.002, Math.floor(bid * 0.9));
    const all = await ex.cancelAllOrders(SYMBOL);
    assert.deepStrictEqual(all.map((o) => [o.id, o.status]).sort(), [[post.id, 'canceled'], [second.id, 'canceled']].sort());
    assert.deepStrictEqual(await ex.cancelAllOrders(SYMBOL), [], 'nothing left to cancel is not an error');
    assert.deepStrictEqual(sim.engine.openOrders('user'), []);
    await balancesMatch(ex, sim);
  });

  it("errors: OKX's sCode / code mapped to typed errors naming the exchange", async () => {
    ex = client(sim);
    const poor = await rejection(ex.createOrder(SYMBOL, 'limit', 'buy', 1, Math.floor(bid * 0.9)));
    assert.ok(poor instanceof errors.InsufficientFunds, poor.stack);
    assert.deepStrictEqual([poor.code, poor.exchange], ['51008', 'okx']);
    const unknown = await rejection(ex.cancelOrder('123', SYMBOL));
    assert.ok(unknown instanceof errors.OrderNotFound, unknown.stack);
    assert.strictEqual(unknown.code, '51400');
    const amend = await rejection(ex.editOrder('123', SYMBOL, 'limit', 'buy', 0.01, bid));
    assert.ok(amend instanceof errors.OrderNotFound, amend.stack);
    const tiny = await rejection(ex.createOrder(SYMBOL, 'limit', 'buy', 0.000001, Math.floor(bid * 0.9)));
    assert.ok(tiny instanceof errors.InvalidOrder, tiny.stack);
    const dup = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.001, Math.floor(bid * 0.9), { clientOrderId: 'dup1' });
    const again = await rejection(ex.createOrder(SYMBOL, 'limit', 'buy', 0.001, Math.floor(bid * 0.9), { clientOrderId: 'dup1' }));
    assert.ok(again instanceof errors.InvalidOrder && again.code === '51016', again.stack);
    await ex.cancelOrder(dup.id, SYMBOL);
    await assert.rejects(ex.createOrder(SYMBOL, 'limit', 'buy', 0.001, bid, { clientOrderId: 'not-alnum!' }), errors.BadRequest);
    // the WebSocket order path is rate-limited: the refusal is typed, nothing is placed
    sim.faults.rateLimit({ api: 'wsApi' });
    const limited = await rejection(ex.createOrder(SYMBOL, 'limit', 'buy', 0.001, Math.floor(bid * 0.9)));
    assert.ok(limited instanceof errors.RateLimitExceeded, limited.stack);
    assert.deepStrictEqual(sim.engine.openOrders('user'), []);
  });

  it('ws: false: every pull goes to REST, trading still over the socket', async () => {
    ex = client(sim);
    assert.deepStrictEqual([ex.has.fetchBalance, ex.has.fetchOpenOrders, ex.has.createOrder], ['rest', 'rest', 'ws']);
    const placed = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, +(bid + 0.1).toFixed(1));
    hitBids(sim, '0.004');
    const open = await ex.fetchOpenOrders(SYMBOL);
    assert.deepStrictEqual(open.map((o) => [o.id, o.filled, o.remaining]), [[placed.id, 0.004, 0.006]]);
    const trades = await ex.fetchMyTrades(SYMBOL);
    assert.deepStrictEqual(trades.map((t) => [t.order, t.amount, t.takerOrMaker]), [[placed.id, 0.004, 'maker']]);
    const bal = await ex.fetchBalance();
    const s = sim.balances();
    assert.deepStrictEqual([bal.USDT.free, bal.USDT.used, bal.BTC.free], [+s.USDT.free, +s.USDT.locked, +s.BTC.free]);
    await ex.cancelOrder(placed.id, SYMBOL);
    assert.deepStrictEqual((await ex.fetchOrders(SYMBOL)).map((o) => [o.id, o.status, o.filled]), [[placed.id, 'canceled', 0.004]]);
    assert.deepStrictEqual((await ex.fetchClosedOrders(SYMBOL)).map((o) => o.id), [placed.id]);
    assert.strictEqual((await ex.fetchOrder(placed.id, SYMBOL)).status, 'canceled');
  });

  it('wsTrading: false sends orders over signed REST', async () => {
    ex = client(sim, { wsTrading: false });
    assert.strictEqual(ex.has.createOrder, 'rest');
    const placed = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, Math.floor(bid * 0.9), { clientOrderId: 'rest1' });
    assert.deepStrictEqual([placed.clientOrderId, placed.status, placed.amount], ['rest1', 'open', 0.01]);
    const edited = await ex.editOrder(placed.id, SYMBOL, 'limit', 'buy', 0.02, Math.floor(bid * 0.8));
    assert.deepStrictEqual([edited.id, edited.amount, edited.price], [placed.id, 0.02, Math.floor(bid * 0.8)]);
    assert.strictEqual((await ex.cancelOrder(placed.id, SYMBOL)).status, 'canceled');
  });

  it('the private socket unreachable: the same calls go over REST', async () => {
    const port = await deadPort();
    ex = client(sim, { ws: true, urls: { ...sim.urls, wsPrivate: `ws://127.0.0.1:${port}` }, reconnect: { baseDelayMs: 50, maxDelayMs: 200 } });
    ex.on('error', () => {});
    const down = nextEvent(ex, 'status', (s) => s.url.endsWith('/ws/v5/private') && s.state === 'reconnecting');
    await ex.loadMarkets();
    await down;
    const placed = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, Math.floor(bid * 0.9));
    assert.strictEqual(placed.status, 'open');
    assert.deepStrictEqual(sim.engine.openOrders('user').length, 1);
    const edited = await ex.editOrder(placed.id, SYMBOL, 'limit', 'buy', 0.02, Math.floor(bid * 0.8));
    assert.deepStrictEqual([edited.id, edited.amount, edited.status], [placed.id, 0.02, 'open']);
    assert.strictEqual((await ex.cancelOrder(edited.id, SYMBOL)).status, 'canceled');
    assert.deepStrictEqual(await ex.cancelAllOrders(SYMBOL), []);
  });

  it('an order whose reply is lost with its connection is looked up by clOrdId over REST, not placed twice', async () => {
    ex = client(sim, { reconnect: { baseDelayMs: 20 } });
    ex.on('error', () => {});
    // one order there and back: the socket is up and logged in
    await ex.cancelOrder((await ex.createOrder(SYMBOL, 'limit', 'buy', 0.001, Math.floor(bid * 0.9))).id, SYMBOL);
    sim.faults.silence(); // the order lands, its reply is withheld
    const pending = ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, Math.floor(bid * 0.9), { clientOrderId: 'lost1' });
    await until(() => sim.engine.openOrders('user').length === 1, 'the order to land');
    sim.faults.dropConnections({ kind: 'api' });
    sim.faults.resume();
    const placed = await pending;
    assert.deepStrictEqual([placed.clientOrderId, placed.status], ['lost1', 'open']);
    assert.strictEqual(sim.engine.openOrders('user').length, 1);
  });

  it('an order whose reply does not come in time is looked up by clOrdId: it landed, so createOrder resolves with it (placed once)', async () => {
    ex = client(sim, { timeoutMs: 400 });
    ex.on('error', () => {});
    await ex.cancelOrder((await ex.createOrder(SYMBOL, 'limit', 'buy', 0.001, Math.floor(bid * 0.9))).id, SYMBOL);
    sim.faults.silence(); // the order lands, its reply never comes; the socket stays open
    const placed = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, Math.floor(bid * 0.9), { clientOrderId: 'late1' });
    sim.faults.resume();
    assert.deepStrictEqual([placed.clientOrderId, placed.status], ['late1', 'open']);
    assert.strictEqual(sim.engine.openOrders('user').length, 1);
  });

  it('a refused login fails the private stream (AuthenticationError) and sends orders over REST', async () => {
    sim.faults.rejectLogins();
    ex = client(sim, { ws: true });
    const errs = [];
    ex.on('error', (e) => errs.push(e));
    const refused = await rejection(ex.fetchBalance());
    assert.ok(refused instanceof errors.AuthenticationError, refused.stack);
    assert.strictEqual(refused.code, '60009');
    const viaRest = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, Math.floor(bid * 0.8));
    assert.strictEqual(viaRest.status, 'open');
    assert.ok(errs.some((e) => e instanceof errors.AuthenticationError));
  });

  it("a server clock 40 s ahead: login and signed REST use the server's time", async () => {
    sim.faults.skewClock(40_000);
    ex = client(sim, { ws: true });
    await balancesMatch(ex, sim);
    const placed = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, Math.floor(bid * 0.9));
    assert.strictEqual(placed.status, 'open');
  });
});
