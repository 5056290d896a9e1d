'use strict';
/**
 * Kraken trading against the simulator's ws-auth socket (token from GetWebSocketsToken) and signed
 * REST: an order's whole life (place, partial fill, amend in place, fill, cancel), each step seen in
 * the pull state, the callbacks and exact balances; order types; errors mapped; the REST fallback
 * when the socket is unreachable or the token refused; no fill lost or doubled across a dropped
 * private socket; deposits and withdrawals.
 *
 * Fills are made by the simulator's own synthetic-flow account hitting our resting orders.
 */
const assert = require('assert');
const { kraken, errors } = require('..');
const { simulate } = require('../js/sim');
const { nextEvent, until } = require('./support/wait');
const { nextItem, balancesMatch, deadPort, rejection } = require('./support/private');

const SYMBOL = 'BTC/USD';
const ASSETS = ['USD', 'BTC'];

/** The flow account sells `qty` BTC at market: it hits the best BTC/USD bid. */
function hitBids(sim, qty) {
  sim.engine.placeOrder({ account: 'flow', symbol: 'XXBTZUSD', side: 'SELL', type: 'MARKET', quantity: qty });
}

function client(sim, extra = {}) {
  return new kraken({ urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret, reconnect: { baseDelayMs: 20, maxDelayMs: 100 }, ...extra });
}

describe('kraken private: trading over the ws-auth socket, state and callbacks', function () {
  let sim;
  let ex;
  let bid;
  let ask;
  beforeEach(async () => {
    sim = await simulate('kraken', { seed: 11, autoFlow: false, symbols: [SYMBOL, 'ETH/USD'], balances: { USD: 10000, BTC: 1, ETH: 5 } });
    bid = sim.book(SYMBOL).bids[0][0];
    ask = sim.book(SYMBOL).asks[0][0];
  });
  afterEach(async () => {
    if (ex) await ex.close();
    ex = undefined;
    await sim.close();
  });

  it('place, partially fill, amend in place, fill, cancel: each visible in the pull state, the callbacks and exact balances', async () => {
    ex = client(sim, { ws: true });
    assert.deepStrictEqual([ex.has.createOrder, ex.has.editOrder, ex.has.fetchBalance, ex.has.watchMyTrades], ['ws', 'ws', 'ws', 'ws']);
    const orders = [];
    const trades = [];
    const otherSymbol = [];
    ex.on('orders', (l) => orders.push(...l));
    ex.on('myTrades', (l) => trades.push(...l));
    ex.on('orders', 'ETH/USD', (l) => otherSymbol.push(...l));
    await balancesMatch(ex, sim, ['USD', 'BTC', 'ETH']);

    // place over the socket (REST order endpoints are rate-limited meanwhile)
    const price = +(bid + 0.1).toFixed(1);
    let seen = nextItem(ex, 'orders', (o) => o.clientOrderId === 'life-1');
    sim.faults.rateLimit({ count: 1000 });
    const placed = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, price, { clientOrderId: 'life-1' });
    sim.faults.reset();
    assert.deepStrictEqual(
      [placed.clientOrderId, placed.symbol, placed.type, placed.side, placed.price, placed.amount, placed.filled, placed.remaining, placed.status, placed.timeInForce],
      ['life-1', SYMBOL, 'limit', 'buy', price, 0.01, 0, 0.01, 'open', 'GTC'],
    );
    assert.strictEqual((await seen).id, placed.id);
    assert.deepStrictEqual((await ex.fetchOpenOrders(SYMBOL)).map((o) => [o.id, o.filled, o.status]), [[placed.id, 0, 'open']]);
    let bal = await balancesMatch(ex, sim, ASSETS);
    assert.strictEqual(bal.USD.used, +(price * 0.01).toFixed(8));

    // partial fill
    seen = nextItem(ex, 'orders', (o) => o.id === placed.id && o.filled === 0.004);
    let fill = nextItem(ex, 'myTrades', (t) => t.order === placed.id);
    hitBids(sim, '0.004');
    const partial = await seen;
    const t1 = await fill;
    assert.deepStrictEqual([partial.status, partial.remaining], ['open', 0.006]);
    assert.deepStrictEqual([t1.symbol, t1.side, t1.price, t1.amount, t1.takerOrMaker, t1.fee.currency], [SYMBOL, 'buy', price, 0.004, 'maker', 'BTC']);
    assert.deepStrictEqual((await ex.fetchMyTrades(SYMBOL)).map((t) => t.id), [t1.id]);
    await balancesMatch(ex, sim, ASSETS);

    // amend in place (the id stays): a new total quantity and a lower price
    const lower = +(price - 0.1).toFixed(1);
    const edited = await ex.editOrder(placed.id, SYMBOL, 'limit', 'buy', 0.008, lower);
    assert.deepStrictEqual([edited.id, edited.price, edited.amount, edited.filled, edited.remaining, edited.status], [placed.id, lower, 0.008, 0.004, 0.004, 'open']);
    bal = await balancesMatch(ex, sim, ASSETS);
    assert.strictEqual(bal.USD.used, +(lower * 0.004).toFixed(8), 'the hold follows the amended rest');
    const smaller = await ex.editOrder(placed.id, SYMBOL, 'limit', 'buy', 0.007, lower);
    assert.deepStrictEqual([smaller.id, smaller.amount, smaller.remaining], [placed.id, 0.007, 0.003]);
    await balancesMatch(ex, sim, ASSETS);

    // fill the rest: selling the whole best level
    const [levelPx, levelQty] = sim.book(SYMBOL).bids[0];
    assert.strictEqual(levelPx, lower);
    seen = nextItem(ex, 'orders', (o) => o.id === placed.id && o.status === 'closed');
    fill = nextItem(ex, 'myTrades', (t) => t.order === placed.id && t.amount === 0.003);
    hitBids(sim, levelQty.toFixed(8));
    assert.deepStrictEqual(((o) => [o.filled, o.remaining, o.amount])(await seen), [0.007, 0, 0.007]);
    await fill;
    assert.deepStrictEqual(await ex.fetchOpenOrders(SYMBOL), []);
    await balancesMatch(ex, sim, ASSETS);

    // cancel a fresh order
    const resting = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.002, Math.floor(bid * 0.9));
    const canceled = await ex.cancelOrder(resting.id, SYMBOL);
    assert.deepStrictEqual([canceled.id, canceled.status, canceled.filled], [resting.id, 'canceled', 0]);
    assert.deepStrictEqual((await ex.fetchClosedOrders(SYMBOL)).map((o) => [o.id, o.status]), [[placed.id, 'closed'], [resting.id, 'canceled']]);
    await balancesMatch(ex, sim, ['USD', 'BTC', 'ETH']);

    const steps = (id) => orders.filter((o) => o.id === id).map((o) => `${o.status}:${o.filled}:${o.amount}`);
    assert.deepStrictEqual(steps(placed.id), ['open:0:0.01', 'open:0.004:0.01', 'open:0.004:0.008', 'open:0.004:0.007', 'closed:0.007:0.007']);
    assert.deepStrictEqual(steps(resting.id), ['open:0:0.002', 'canceled:0:0.002']);
    assert.deepStrictEqual(trades.map((t) => [t.order, t.amount]), [[placed.id, 0.004], [placed.id, 0.003]]);
    assert.deepStrictEqual(otherSymbol, []);
    assert.deepStrictEqual((await ex.fetchMyTrades(SYMBOL)).map((t) => t.id), trades.map((t) => t.id));
  });

  it('order types: market, IOC, post-only (resting, and canceled when it would take); cancelAllOrders', async () => {
    ex = client(sim, { ws: true });
    await balancesMatch(ex, sim, ASSETS);
    const market = await ex.createOrder(SYMBOL, 'market', 'buy', 0.002);
    assert.deepStrictEqual([market.type, market.status, market.filled, market.price], ['market', 'closed', 0.002, undefined]);
    assert.ok(market.average >= ask, `average ${market.average} at or above the ask ${ask}`);
    const ioc = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.002, Math.floor(bid * 0.9), { timeInForce: 'IOC' });
    assert.deepStrictEqual([ioc.timeInForce, ioc.status, ioc.filled], ['IOC', 'expired', 0]);
    const post = await ex.createOrder(SYMBOL, 'limit', 'sell', 0.002, Math.ceil(ask * 1.1), { postOnly: true });
    assert.deepStrictEqual([post.postOnly, post.timeInForce, post.status], [true, 'PO', 'open']);
    const cross = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.002, sim.book(SYMBOL).asks[0][0], { postOnly: true });
    assert.deepStrictEqual([cross.status, cross.filled], ['canceled', 0]);
    const second = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.002, Math.floor(bid * 0.9));
    const all = await ex.cancelAllOrders(SYMBOL);
    assert.deepStrictEqual(all.map((o) => [o.id, o.status]).sort(), [[post.id, 'canceled'], [second.id, 'canceled']].sort());
    assert.deepStrictEqual(await ex.cancelAllOrders(SYMBOL), []);
    // cancel_all without a symbol cancels every market
    const a = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.002, Math.floor(bid * 0.9));
    const b = await ex.createOrder('ETH/USD', 'limit', 'buy', 0.01, 100);
    const every = await ex.cancelAllOrders();
    assert.deepStrictEqual(every.map((o) => [o.id, o.status]).sort(), [[a.id, 'canceled'], [b.id, 'canceled']].sort());
    assert.deepStrictEqual(sim.engine.openOrders('user'), []);
    await balancesMatch(ex, sim, ASSETS);
  });

  it("errors: Kraken's error strings mapped to typed errors naming the exchange", async () => {
    ex = client(sim);
    const poor = await rejection(ex.createOrder(SYMBOL, 'limit', 'buy', 1, Math.floor(bid * 0.9)));
    assert.ok(poor instanceof errors.InsufficientFunds, poor.stack);
    assert.deepStrictEqual([poor.code, poor.exchange], ['EOrder:Insufficient funds', 'kraken']);
    const unknown = await rejection(ex.cancelOrder('OAAAAA-BBBBB-CCCCCC', SYMBOL));
    assert.ok(unknown instanceof errors.OrderNotFound, unknown.stack);
    const tiny = await rejection(ex.createOrder(SYMBOL, 'limit', 'buy', 0.000001, Math.floor(bid * 0.9)));
    assert.ok(tiny instanceof errors.InvalidOrder, tiny.stack);
    sim.faults.rateLimit({ api: 'wsApi' });
    const limited = await rejection(ex.createOrder(SYMBOL, 'limit', 'buy', 0.001, Math.floor(bid * 0.9)));
    assert.ok(limited instanceof errors.RateLimitExceeded, limited.stack);
    assert.deepStrictEqual(sim.engine.openOrders('user'), []);
  });

  it('ws: false pulls from REST; wsTrading: false sends orders over REST', async () => {
    ex = client(sim, { wsTrading: false });
    assert.deepStrictEqual([ex.has.fetchBalance, ex.has.createOrder], ['rest', 'rest']);
    const placed = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, +(bid + 0.1).toFixed(1), { clientOrderId: 'rest-1' });
    assert.deepStrictEqual([placed.clientOrderId, placed.status], ['rest-1', 'open']);
    hitBids(sim, '0.004');
    assert.deepStrictEqual((await ex.fetchOpenOrders(SYMBOL)).map((o) => [o.id, o.filled, o.remaining]), [[placed.id, 0.004, 0.006]]);
    assert.deepStrictEqual((await ex.fetchMyTrades(SYMBOL)).map((t) => [t.order, t.amount, t.takerOrMaker]), [[placed.id, 0.004, 'maker']]);
    const bal = await ex.fetchBalance();
    const s = sim.balances();
    assert.deepStrictEqual([bal.USD.free, bal.USD.used, bal.BTC.total], [+s.USD.free, +s.USD.locked, +s.BTC.free + +s.BTC.locked]);
    const edited = await ex.editOrder(placed.id, SYMBOL, 'limit', 'buy', 0.008, Math.floor(bid * 0.8));
    assert.deepStrictEqual([edited.id, edited.amount, edited.filled], [placed.id, 0.008, 0.004]);
    assert.strictEqual((await ex.cancelOrder(placed.id, SYMBOL)).status, 'canceled');
    assert.strictEqual((await ex.fetchOrder(placed.id, SYMBOL)).status, 'canceled');
  });

  it('the ws-auth socket unreachable: the same calls go over REST', async () => {
    const port = await deadPort();
    ex = client(sim, { ws: true, urls: { ...sim.urls, wsPrivate: `ws://127.0.0.1:${port}` } });
    ex.on('error', () => {});
    const down = nextEvent(ex, 'status', (s) => s.url.endsWith(`${port}/v2`) && s.state === 'reconnecting');
    await ex.loadMarkets();
    await down;
    const placed = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, Math.floor(bid * 0.9));
    assert.strictEqual(placed.status, 'open');
    const edited = await ex.editOrder(placed.id, SYMBOL, 'limit', 'buy', 0.02, Math.floor(bid * 0.8));
    assert.deepStrictEqual([edited.id, edited.amount], [placed.id, 0.02]);
    assert.strictEqual((await ex.cancelOrder(placed.id, SYMBOL)).status, 'canceled');
  });

  it('an order whose reply is lost with its connection is looked up by cl_ord_id over REST, not placed twice', async () => {
    ex = client(sim);
    ex.on('error', () => {});
    // one order there and back: the socket is up with its token
    await ex.cancelOrder((await ex.createOrder(SYMBOL, 'limit', 'buy', 0.001, Math.floor(bid * 0.9))).id, SYMBOL);
    sim.faults.silence(); // the order lands, its reply is withheld
    const pending = ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, Math.floor(bid * 0.9), { clientOrderId: 'lost-1' });
    await until(() => sim.engine.openOrders('user').length === 1, 'the order to land');
    sim.faults.dropConnections({ kind: 'api' });
    sim.faults.resume();
    const placed = await pending;
    assert.deepStrictEqual([placed.clientOrderId, placed.status], ['lost-1', 'open']);
    assert.strictEqual(sim.engine.openOrders('user').length, 1);
  });

  it('an order whose reply does not come in time is looked up by cl_ord_id: it landed, so createOrder resolves with it (placed once)', async () => {
    ex = client(sim, { timeoutMs: 400 });
    ex.on('error', () => {});
    await ex.cancelOrder((await ex.createOrder(SYMBOL, 'limit', 'buy', 0.001, Math.floor(bid * 0.9))).id, SYMBOL);
    sim.faults.silence(); // the order lands, its reply never comes; the socket stays open
    const placed = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, Math.floor(bid * 0.9), { clientOrderId: 'late-1' });
    sim.faults.resume();
    assert.deepStrictEqual([placed.clientOrderId, placed.status], ['late-1', 'open']);
    assert.strictEqual(sim.engine.openOrders('user').length, 1);
  });

  it('a refused token fails the private stream (AuthenticationError) and sends orders over REST', async () => {
    sim.faults.rejectLogins();
    ex = client(sim, { ws: true });
    ex.on('error', () => {});
    const refused = await rejection(ex.fetchBalance());
    assert.ok(refused instanceof errors.AuthenticationError, refused.stack);
    const viaRest = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, Math.floor(bid * 0.8));
    assert.strictEqual(viaRest.status, 'open');
  });

  it('a dropped private socket loses no fill: a new token, the channels again, fills made meanwhile once each', async () => {
    ex = client(sim, { ws: true });
    const trades = [];
    ex.on('myTrades', (l) => trades.push(...l));
    await balancesMatch(ex, sim, ASSETS);
    const placed = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, +(bid + 0.1).toFixed(1));
    const reopened = nextEvent(ex, 'status', (s) => s.url.endsWith('/auth/v2') && s.state === 'open');
    const closed = nextItem(ex, 'orders', (o) => o.id === placed.id && o.status === 'closed');
    const last = nextItem(ex, 'myTrades', (t) => t.order === placed.id && t.amount === 0.006);
    assert.strictEqual(sim.faults.dropConnections({ kind: 'api' }), 1);
    hitBids(sim, '0.004');
    hitBids(sim, '0.006');
    await reopened;
    await closed;
    await last;
    assert.deepStrictEqual(trades.map((t) => t.amount).sort(), [0.004, 0.006]);
    assert.deepStrictEqual((await ex.fetchMyTrades(SYMBOL)).map((t) => t.id).sort(), trades.map((t) => t.id).sort());
    await balancesMatch(ex, sim, ASSETS);
    // the stream carries fills again
    const next = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.003, +(bid + 0.1).toFixed(1));
    const again = nextItem(ex, 'myTrades', (t) => t.order === next.id);
    hitBids(sim, '0.003');
    await again;
    assert.strictEqual(trades.filter((t) => t.order === next.id).length, 1);
  });

  it("deposits and withdrawals (balances ledger entries) arrive on on('transactions') and answer fetchDeposits (ws: true) without a REST call", async () => {
    ex = client(sim, { ws: true });
    assert.strictEqual(ex.has.fetchDeposits, 'ws');
    await balancesMatch(ex, sim, ['ETH']);
    assert.deepStrictEqual(await ex.fetchDeposits(), [], 'seeded from REST once: nothing yet');
    const events = [];
    ex.on('transactions', (l) => events.push(...l));
    const arrived = nextEvent(ex, 'transactions', (l) => l.some((t) => t.type === 'deposit'));
    const moved = nextEvent(ex, 'balance', (b) => b.ETH && b.ETH.free === 6.5);
    sim.deposit('ETH', '1.5');
    const [dep] = await arrived;
    assert.deepStrictEqual([dep.type, dep.currency, dep.amount, dep.status], ['deposit', 'ETH', 1.5, 'ok']);
    await moved;
    sim.faults.rateLimit({ count: 1000 }); // REST refused from now on: the answers come from the live state
    assert.deepStrictEqual((await ex.fetchDeposits('ETH')).map((d) => [d.id, d.amount]), [[dep.id, 1.5]]);
    const out = nextEvent(ex, 'transactions', (l) => l.some((t) => t.type === 'withdrawal'));
    sim.withdraw('ETH', '0.5');
    const [wd] = await out;
    assert.deepStrictEqual([wd.type, wd.currency, wd.amount], ['withdrawal', 'ETH', 0.5]);
    assert.deepStrictEqual((await ex.fetchTransactions()).map((t) => [t.type, t.amount]), [['deposit', 1.5], ['withdrawal', 0.5]]);
    sim.faults.reset();
    await balancesMatch(ex, sim, ['ETH']);

    // a deposit while the ws-auth socket is down arrives once after the re-sync (from DepositStatus)
    const reopened = nextEvent(ex, 'status', (s) => s.url.endsWith('/auth/v2') && s.state === 'open');
    const late = nextEvent(ex, 'transactions', (l) => l.some((t) => t.amount === 2));
    assert.strictEqual(sim.faults.dropConnections({ kind: 'api' }), 1);
    sim.deposit('USD', '2');
    await reopened;
    await late;
    assert.deepStrictEqual(events.map((t) => [t.type, t.currency, t.amount]), [['deposit', 'ETH', 1.5], ['withdrawal', 'ETH', 0.5], ['deposit', 'USD', 2]]);
    assert.deepStrictEqual((await ex.fetchDeposits()).map((d) => d.amount).sort(), [1.5, 2], 'DepositStatus times are whole seconds: the order within one second is not defined');
  });
});
