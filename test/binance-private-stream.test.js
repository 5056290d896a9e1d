'use strict';
/**
 * Binance's user data stream over the WebSocket API against the simulator: no fill lost across a
 * dropped connection (re-subscribe + REST re-sync), watchOrders / watchMyTrades queue every batch,
 * watchBalance conflates, deposits move balances (balanceUpdate) and are listed from REST.
 */
const assert = require('assert');
const { binance } = require('..');
const { simulate } = require('../js/sim');
const { nextEvent } = require('./support/wait');
const { nextItem, balancesMatch, simBalances, pick, hitBids } = require('./support/private');

const SYMBOL = 'BTC/USDT';

describe('binance private: the user data stream', function () {
  let sim;
  let ex;
  let bid;
  beforeEach(async () => {
    sim = await simulate('binance', { seed: 21, autoFlow: false, symbols: [SYMBOL], balances: { USDT: 10000, BTC: 1 } });
    bid = sim.book('BTCUSDT').bids[0][0];
    ex = new binance({ ws: true, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret, reconnect: { baseDelayMs: 20, maxDelayMs: 100 } });
  });
  afterEach(async () => {
    await ex.close();
    await sim.close();
  });

  const apiOpen = () => nextEvent(ex, 'status', (s) => s.url.endsWith('/ws-api/v3') && s.state === 'open');

  it('a dropped connection loses no fill: fills made while it is down arrive after the re-sync, once each', async () => {
    const trades = [];
    const orders = [];
    ex.on('myTrades', (l) => trades.push(...l));
    ex.on('orders', (l) => orders.push(...l));
    await balancesMatch(ex, sim);
    const price = +(bid + 0.01).toFixed(2);
    const placed = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, price);
    await balancesMatch(ex, sim);

    const reopened = apiOpen();
    const closed = nextItem(ex, 'orders', (o) => o.id === placed.id && o.status === 'closed');
    const second = nextItem(ex, 'myTrades', (t) => t.order === placed.id && t.amount === 0.006);
    assert.strictEqual(sim.faults.dropConnections({ kind: 'api' }), 1);
    // both fills happen while the client is disconnected: their events never reach it
    hitBids(sim, '0.004');
    hitBids(sim, '0.006');
    await reopened;
    await closed;
    await second;
    assert.deepStrictEqual(trades.filter((t) => t.order === placed.id).map((t) => t.amount), [0.004, 0.006]);
    assert.deepStrictEqual((await ex.fetchMyTrades(SYMBOL)).map((t) => t.id), trades.map((t) => t.id));
    assert.deepStrictEqual(await ex.fetchOpenOrders(SYMBOL), []);
    const [o] = await ex.fetchClosedOrders(SYMBOL);
    assert.deepStrictEqual([o.id, o.status, o.filled, o.remaining], [placed.id, 'closed', 0.01, 0]);
    assert.deepStrictEqual(orders.filter((x) => x.id === placed.id).map((x) => x.status), ['open', 'closed']);
    await balancesMatch(ex, sim);

    // after the re-sync the stream itself carries fills again, still once each
    const next = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.003, price);
    const streamed = nextItem(ex, 'myTrades', (t) => t.order === next.id);
    hitBids(sim, '0.003');
    assert.strictEqual((await streamed).amount, 0.003);
    await balancesMatch(ex, sim);
    assert.strictEqual(trades.length, 3);
    assert.strictEqual(new Set(trades.map((t) => t.id)).size, 3);
  });

  it('pull calls during a disconnect wait for the re-sync instead of answering stale state', async () => {
    await balancesMatch(ex, sim);
    const placed = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, +(bid + 0.01).toFixed(2));
    await balancesMatch(ex, sim);
    const down = nextEvent(ex, 'status', (s) => s.url.endsWith('/ws-api/v3') && s.state === 'reconnecting');
    sim.faults.dropConnections({ kind: 'api' });
    hitBids(sim, '0.01');
    await down;
    const [open, balance] = await Promise.all([ex.fetchOpenOrders(SYMBOL), ex.fetchBalance()]);
    assert.deepStrictEqual(open, [], `order ${placed.id} was filled while the stream was down`);
    assert.deepStrictEqual(pick(balance, ['USDT', 'BTC']), simBalances(sim, ['USDT', 'BTC']));
  });

  it('watchOrders / watchMyTrades queue every batch for a slow reader; watchBalance conflates', async () => {
    await balancesMatch(ex, sim);
    const wo = ex.watchOrders(SYMBOL);
    const wt = ex.watchMyTrades();
    const wb = ex.watchBalance();
    const firstOrders = wo.next(); // subscribes; resolves with the first batch
    const firstTrades = wt.next();
    const initial = await wb.next(); // an iterator starts with the current balance
    assert.deepStrictEqual(pick(initial.value, ['USDT', 'BTC']), simBalances(sim, ['USDT', 'BTC']));
    let balanceEvents = 0;
    ex.on('balance', () => balanceEvents++);

    const placed = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, +(bid + 0.01).toFixed(2));
    hitBids(sim, '0.004');
    await ex.cancelOrder(placed.id, SYMBOL);
    await balancesMatch(ex, sim); // every event is in; nobody has read the iterators meanwhile

    const batches = [(await firstOrders).value, (await wo.next()).value, (await wo.next()).value];
    assert.deepStrictEqual(batches.map((b) => b.map((o) => `${o.id}:${o.status}:${o.filled}`)), [
      [`${placed.id}:open:0`],
      [`${placed.id}:open:0.004`],
      [`${placed.id}:canceled:0.004`],
    ]);
    const [trade] = (await firstTrades).value;
    assert.deepStrictEqual([trade.order, trade.amount], [placed.id, 0.004]);
    assert.ok(balanceEvents >= 3, `${balanceEvents} balance events`);
    const latest = await wb.next(); // conflated: one value, the latest
    assert.deepStrictEqual(pick(latest.value, ['USDT', 'BTC']), simBalances(sim, ['USDT', 'BTC']));
    await wo.return();
    await wt.return();
    await wb.return();

    // ccxt style: the next update (then() subscribes at once)
    const next = ex.watchOrders().then((l) => l);
    const again = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.002, Math.floor(bid * 0.9));
    assert.deepStrictEqual((await next).map((o) => o.id), [again.id]);
  });

  it('off() stops a callback; a deposit moves the balance (balanceUpdate) and is listed by fetchDeposits', async () => {
    const before = await balancesMatch(ex, sim);
    const calls = [];
    const cb = (l) => calls.push(l);
    ex.on('orders', cb);
    ex.off('orders', cb);
    const credited = new Promise((resolve) => {
      const off = ex.on('balance', (b) => {
        if (b.USDT.free !== before.USDT.free + 25) return;
        off();
        resolve(b);
      });
    });
    sim.deposit('USDT', 25);
    const after = await credited;
    assert.deepStrictEqual([after.USDT.free, after.USDT.total], [10025, 10025]);
    await balancesMatch(ex, sim);
    const deposits = await ex.fetchDeposits('USDT');
    assert.deepStrictEqual(deposits.map((d) => [d.type, d.currency, d.amount, d.status]), [['deposit', 'USDT', 25, 'ok']]);
    assert.ok(deposits[0].txid && deposits[0].timestamp > 0);
    assert.deepStrictEqual(await ex.fetchWithdrawals(), []);
    assert.deepStrictEqual((await ex.fetchTransactions()).map((t) => t.id), deposits.map((d) => d.id));
    await ex.createOrder(SYMBOL, 'limit', 'buy', 0.002, Math.floor(bid * 0.9));
    await balancesMatch(ex, sim);
    assert.deepStrictEqual(calls, []);
  });
});
