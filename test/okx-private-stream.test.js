'use strict';
/**
 * OKX's private channels on /ws/v5/private against the simulator: no fill lost across a dropped
 * socket (login again, channels again, REST re-sync) and each reported once; watchOrders /
 * watchMyTrades; deposits move the live balance. And the simulator's side of the protocol as a
 * raw client sees it: login errors, channels before login, signed REST refusals.
 */
const assert = require('assert');
const crypto = require('crypto');
const { okx } = require('..');
const { simulate } = require('../js/sim');
const { nextEvent } = require('./support/wait');
const { WsClient } = require('./support/ws-client');
const { nextItem, balancesMatch, simBalances, pick } = require('./support/private');

const SYMBOL = 'BTC/USDT';

function hitBids(sim, qty) {
  sim.engine.placeOrder({ account: 'flow', symbol: 'BTC-USDT', side: 'SELL', type: 'MARKET', quantity: qty });
}

describe('okx private: the orders and account channels', function () {
  let sim;
  let ex;
  let bid;
  beforeEach(async () => {
    sim = await simulate('okx', { seed: 21, autoFlow: false, symbols: [SYMBOL], balances: { USDT: 10000, BTC: 1 } });
    bid = sim.book('BTC-USDT').bids[0][0];
    ex = new okx({ ws: true, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret, password: sim.password, reconnect: { baseDelayMs: 20, maxDelayMs: 100 } });
  });
  afterEach(async () => {
    await ex.close();
    await sim.close();
  });

  const privateOpen = () => nextEvent(ex, 'status', (s) => s.url.endsWith('/ws/v5/private') && s.state === 'open');

  it('a dropped private socket loses no fill: fills made while it is down arrive after the re-sync, once each', async () => {
    const trades = [];
    const orders = [];
    ex.on('myTrades', (l) => trades.push(...l));
    ex.on('orders', (l) => orders.push(...l));
    await balancesMatch(ex, sim);
    const price = +(bid + 0.1).toFixed(1);
    const placed = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, price);
    const first = nextItem(ex, 'myTrades', (t) => t.order === placed.id);
    hitBids(sim, '0.002');
    await first;
    await balancesMatch(ex, sim);

    const reopened = privateOpen();
    const closed = nextItem(ex, 'orders', (o) => o.id === placed.id && o.status === 'closed');
    const last = nextItem(ex, 'myTrades', (t) => t.order === placed.id && t.amount === 0.005);
    assert.strictEqual(sim.faults.dropConnections({ kind: 'api' }), 1);
    // both fills happen while the client is disconnected: their pushes never reach it
    hitBids(sim, '0.003');
    hitBids(sim, '0.005');
    await reopened;
    await closed;
    await last;
    assert.deepStrictEqual(trades.filter((t) => t.order === placed.id).map((t) => t.amount).sort(), [0.002, 0.003, 0.005]);
    assert.strictEqual(new Set(trades.map((t) => t.id)).size, trades.length, 'each fill once');
    assert.deepStrictEqual((await ex.fetchMyTrades(SYMBOL)).map((t) => t.id).sort(), trades.map((t) => t.id).sort());
    assert.deepStrictEqual(await ex.fetchOpenOrders(SYMBOL), []);
    const [o] = await ex.fetchClosedOrders(SYMBOL);
    assert.deepStrictEqual([o.id, o.status, o.filled, o.remaining], [placed.id, 'closed', 0.01, 0]);
    assert.deepStrictEqual(orders.filter((x) => x.id === placed.id).map((x) => `${x.status}:${x.filled}`), ['open:0', 'open:0.002', 'closed:0.01']);
    await balancesMatch(ex, sim);

    // after the re-sync the channel itself carries fills again, still once each
    const next = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.003, price);
    const again = nextItem(ex, 'myTrades', (t) => t.order === next.id);
    hitBids(sim, '0.003');
    await again;
    assert.strictEqual(trades.filter((t) => t.order === next.id).length, 1);
    await balancesMatch(ex, sim);
  });

  it('watchOrders and watchMyTrades queue every batch for a slow reader; watchBalance conflates', async () => {
    await balancesMatch(ex, sim);
    const wo = ex.watchOrders(SYMBOL);
    const wt = ex.watchMyTrades();
    const wb = ex.watchBalance();
    const firstOrders = wo.next(); // subscribes; resolves with the first batch
    const firstTrades = wt.next();
    const initial = await wb.next(); // an iterator starts with the current balance
    assert.deepStrictEqual(pick(initial.value, ['USDT', 'BTC']), simBalances(sim, ['USDT', 'BTC']));

    const placed = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, +(bid + 0.1).toFixed(1));
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
    const latest = await wb.next(); // conflated: one value, the latest
    assert.deepStrictEqual(pick(latest.value, ['USDT', 'BTC']), simBalances(sim, ['USDT', 'BTC']));
    await wo.return();
    await wt.return();
    await wb.return();
  });

  it("deposits and withdrawals arrive on on('transactions') and answer fetchDeposits / fetchWithdrawals (ws: true) without a REST call", async () => {
    await balancesMatch(ex, sim);
    assert.strictEqual(ex.has.fetchDeposits, 'ws');
    assert.deepStrictEqual(await ex.fetchDeposits(), [], 'seeded from REST once: nothing yet');
    const events = [];
    ex.on('transactions', (l) => events.push(...l));
    const arrived = nextEvent(ex, 'transactions', (l) => l.some((t) => t.type === 'deposit'));
    const moved = nextEvent(ex, 'balance', (b) => b.ETH && b.ETH.free === 1.5);
    sim.deposit('ETH', '1.5');
    const [dep] = await arrived;
    assert.deepStrictEqual([dep.type, dep.currency, dep.amount, dep.status, typeof dep.id, typeof dep.txid], ['deposit', 'ETH', 1.5, 'ok', 'string', 'string']);
    await moved;
    // every REST call is refused from now on: these answers come from the live state
    sim.faults.rateLimit({ count: 1000 });
    assert.deepStrictEqual((await ex.fetchDeposits('ETH')).map((d) => [d.id, d.amount]), [[dep.id, 1.5]]);
    const out = nextEvent(ex, 'transactions', (l) => l.some((t) => t.type === 'withdrawal'));
    sim.withdraw('ETH', '0.5');
    const [wd] = await out;
    assert.deepStrictEqual([wd.type, wd.currency, wd.amount, wd.status], ['withdrawal', 'ETH', 0.5, 'ok']);
    assert.deepStrictEqual((await ex.fetchWithdrawals()).map((d) => d.id), [wd.id]);
    assert.deepStrictEqual((await ex.fetchTransactions('ETH')).map((t) => t.type), ['deposit', 'withdrawal']);
    sim.faults.reset();

    // a deposit made while the business socket is down arrives once after the re-sync
    const reopened = nextEvent(ex, 'status', (s) => s.url.endsWith('/ws/v5/business') && s.state === 'open');
    const late = nextEvent(ex, 'transactions', (l) => l.some((t) => t.amount === 2));
    assert.strictEqual(sim.faults.dropConnections({ path: '/ws/v5/business' }), 1);
    sim.deposit('USDT', '2');
    await reopened;
    await late;
    assert.deepStrictEqual(events.map((t) => [t.type, t.currency, t.amount]), [['deposit', 'ETH', 1.5], ['withdrawal', 'ETH', 0.5], ['deposit', 'USDT', 2]]);
    assert.deepStrictEqual((await ex.fetchDeposits()).map((d) => d.amount), [1.5, 2]);
    await balancesMatch(ex, sim, ['USDT', 'ETH']);
  });
});

describe('okx simulator: the private socket and signed REST as a raw client sees them', function () {
  let sim;
  const sockets = [];
  before(async () => {
    sim = await simulate('okx', { autoFlow: false, symbols: [SYMBOL] });
  });
  after(async () => {
    for (const s of sockets) s.close();
    await sim.close();
  });

  const sign = (payload, secret = sim.secret) => crypto.createHmac('sha256', secret).update(payload).digest('base64');
  const login = (over = {}) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    return { op: 'login', args: [{ apiKey: sim.apiKey, passphrase: sim.password, timestamp, sign: sign(`${timestamp}GET/users/self/verify`), ...over }] };
  };

  it('login: wrong sign 60007, wrong passphrase 60024, an expired timestamp 60006; channels before login 60011; then orders and account', async () => {
    const c = await WsClient.connect(`${sim.urls.ws}/ws/v5/private`);
    sockets.push(c);
    c.send({ id: '1', op: 'subscribe', args: [{ channel: 'account' }] });
    assert.deepStrictEqual(pickErr(await c.take()), ['1', 'error', '60011']);
    c.send(login({ sign: sign('x') }));
    assert.deepStrictEqual(pickErr(await c.take()), [undefined, 'error', '60007']);
    c.send(login({ passphrase: 'nope' }));
    assert.deepStrictEqual(pickErr(await c.take()), [undefined, 'error', '60024']);
    const old = String(Math.floor(Date.now() / 1000) - 60);
    c.send(login({ timestamp: old, sign: sign(`${old}GET/users/self/verify`) }));
    assert.deepStrictEqual(pickErr(await c.take()), [undefined, 'error', '60006']);
    c.send(login());
    const ok = await c.take();
    assert.deepStrictEqual([ok.event, ok.code], ['login', '0']);
    c.send({ id: '2', op: 'subscribe', args: [{ channel: 'account' }] });
    assert.deepStrictEqual([(await c.take()).event], ['subscribe']);
    const snap = await c.take();
    assert.strictEqual(snap.arg.channel, 'account');
    assert.ok(snap.data[0].details.some((d) => d.ccy === 'USDT' && d.availBal === '100000'), JSON.stringify(snap));
    c.send({ id: '3', op: 'subscribe', args: [{ channel: 'orders', instType: 'SPOT' }] });
    assert.strictEqual((await c.take()).event, 'subscribe');
    c.send({ id: '4', op: 'order', args: [{ instId: 'BTC-USDT', tdMode: 'cash', side: 'buy', ordType: 'limit', px: '1000', sz: '0.01', clOrdId: 'raw1' }] });
    const frames = [await c.take(), await c.take(), await c.take()];
    const reply = frames.find((f) => f.id === '4');
    assert.deepStrictEqual([reply.op, reply.code, reply.data[0].sCode, reply.data[0].clOrdId], ['order', '0', '0', 'raw1']);
    const push = frames.find((f) => f.arg && f.arg.channel === 'orders');
    assert.deepStrictEqual([push.data[0].ordId, push.data[0].state, push.data[0].px, push.data[0].sz], [reply.data[0].ordId, 'live', '1000', '0.01']);
    sim.faults.rejectLogins();
    c.send(login());
    assert.deepStrictEqual(pickErr(await c.take(({ event }) => event === 'error')), [undefined, 'error', '60009']);
    sim.faults.reset();
  });

  it('signed REST: a wrong signature is 50113, a wrong passphrase 50105, an old timestamp 50102 (HTTP 401)', async () => {
    const get = async (headers) => {
      const r = await fetch(`${sim.urls.rest}/api/v5/account/balance`, { headers });
      return [r.status, (await r.json()).code];
    };
    const ts = new Date().toISOString();
    const good = { 'OK-ACCESS-KEY': sim.apiKey, 'OK-ACCESS-PASSPHRASE': sim.password, 'OK-ACCESS-TIMESTAMP': ts, 'OK-ACCESS-SIGN': sign(`${ts}GET/api/v5/account/balance`) };
    assert.deepStrictEqual(await get(good), [200, '0']);
    assert.deepStrictEqual(await get({ ...good, 'OK-ACCESS-SIGN': sign('x') }), [401, '50113']);
    assert.deepStrictEqual(await get({ ...good, 'OK-ACCESS-PASSPHRASE': 'x' }), [401, '50105']);
    const old = new Date(Date.now() - 60_000).toISOString();
    assert.deepStrictEqual(await get({ ...good, 'OK-ACCESS-TIMESTAMP': old, 'OK-ACCESS-SIGN': sign(`${old}GET/api/v5/account/balance`) }), [401, '50102']);
  });

  it('batch-orders over REST and the socket answer per order (code 2 when some fail); asset/currencies lists the currencies', async () => {
    const post = async (path, body) => {
      const ts = new Date().toISOString();
      const text = JSON.stringify(body);
      const r = await fetch(`${sim.urls.rest}${path}`, {
        method: 'POST',
        body: text,
        headers: { 'Content-Type': 'application/json', 'OK-ACCESS-KEY': sim.apiKey, 'OK-ACCESS-PASSPHRASE': sim.password, 'OK-ACCESS-TIMESTAMP': ts, 'OK-ACCESS-SIGN': sign(`${ts}POST${path}${text}`) },
      });
      return r.json();
    };
    const good = { instId: 'BTC-USDT', tdMode: 'cash', side: 'buy', ordType: 'limit', px: '1000', sz: '0.01' };
    const r = await post('/api/v5/trade/batch-orders', [good, { ...good, sz: '1000' }]);
    assert.deepStrictEqual([r.code, r.data.map((d) => d.sCode)], ['2', ['0', '51008']]);
    const c = await post('/api/v5/trade/cancel-batch-orders', [{ instId: 'BTC-USDT', ordId: r.data[0].ordId }]);
    assert.deepStrictEqual([c.code, c.data[0].ordId], ['0', r.data[0].ordId]);

    const ws = await WsClient.connect(`${sim.urls.ws}/ws/v5/private`);
    sockets.push(ws);
    ws.send(login());
    assert.strictEqual((await ws.take()).event, 'login');
    ws.send({ id: '9', op: 'batch-orders', args: [good, { ...good, clOrdId: 'b2' }] });
    const reply = await ws.take((m) => m.id === '9');
    assert.deepStrictEqual([reply.code, reply.data.map((d) => d.sCode), reply.data[1].clOrdId], ['0', ['0', '0'], 'b2']);

    const ts = new Date().toISOString();
    const cur = await (await fetch(`${sim.urls.rest}/api/v5/asset/currencies`, {
      headers: { 'OK-ACCESS-KEY': sim.apiKey, 'OK-ACCESS-PASSPHRASE': sim.password, 'OK-ACCESS-TIMESTAMP': ts, 'OK-ACCESS-SIGN': sign(`${ts}GET/api/v5/asset/currencies`) },
    })).json();
    assert.deepStrictEqual(cur.data.map((d) => d.ccy), ['BTC', 'USDT']);
  });

  it("`exstream sim okx` prints the passphrase beside the keys (the client's password option)", () => {
    const { simBanner } = require('../js/cli/sim');
    const text = simBanner({ exchange: 'okx' }, sim);
    assert.ok(text.includes(`  password ${sim.password}`), text);
    assert.ok(text.includes(`    password: '${sim.password}',`), text);
  });
});

function pickErr(m) {
  return [m.id, m.event, m.code];
}
