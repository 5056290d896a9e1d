'use strict';
/**
 * The Coinbase client's private side against simulate('coinbase'): JWT-signed REST and the `user`
 * channel. An order placed over REST shows up on the user channel no later than the REST reply;
 * its fills become myTrades exactly once (confirmed against /orders/historical/fills); the balance
 * (read from /accounts after each fill: Coinbase streams none) ends exact; cancel, edit and cancel
 * all work; failures are typed; a refused JWT is an AuthenticationError; a repeated
 * client_order_id never places a second order.
 */
const assert = require('assert');
const { coinbase, errors } = require('..');
const { simulate } = require('../js/sim');
const http = require('http');
const { until, nextEvent } = require('./support/wait');

/**
 * An HTTP proxy in front of the simulator that passes every request through, but for the first
 * `POST /api/v3/brokerage/orders` cuts the client's connection once the simulator has answered:
 * the order is placed, its reply lost.
 */
async function replyLosingProxy(target) {
  let lost = 0;
  const server = http.createServer((req, res) => {
    // the Host header is passed on as the client sent it: the JWT's uri names the proxy's host
    const up = http.request(target + req.url, { method: req.method, headers: req.headers }, (r) => {
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () => {
        if (req.method === 'POST' && req.url === '/api/v3/brokerage/orders' && lost === 0) {
          lost++;
          req.socket.destroy();
          return;
        }
        res.writeHead(r.statusCode, { 'content-type': 'application/json' });
        res.end(Buffer.concat(chunks));
      });
    });
    req.pipe(up);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, lost: () => lost, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}

/** An HTTP proxy in front of the simulator whose `rewrite(method, url, body)` may replace a JSON reply body. */
async function rewritingProxy(target, rewrite) {
  const server = http.createServer((req, res) => {
    const up = http.request(target + req.url, { method: req.method, headers: req.headers }, (r) => {
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(r.statusCode, { 'content-type': 'application/json' });
        res.end(JSON.stringify(rewrite(req.method, req.url, body) ?? body));
      });
    });
    req.pipe(up);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}

function pick(b, assets) {
  const out = {};
  for (const a of assets) out[a] = { free: b[a]?.free ?? 0, used: b[a]?.used ?? 0 };
  return out;
}

function simPick(sim, assets) {
  const b = sim.balances();
  const out = {};
  for (const a of assets) out[a] = { free: Number(b[a]?.free ?? 0), used: Number(b[a]?.locked ?? 0) };
  return out;
}

describe('coinbase private side on its simulator (REST orders, the user channel, JWT)', function () {
  let sim;
  let ex;
  let errs;

  beforeEach(async () => {
    sim = await simulate('coinbase', { port: 0, seed: 21, tickMs: 10 });
    sim.pause();
    ex = new coinbase({ ws: true, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret, timeoutMs: 5000, reconnect: { baseDelayMs: 20, maxDelayMs: 100 } });
    errs = [];
    ex.on('error', (e) => errs.push(e));
  });

  afterEach(async () => {
    await ex?.close();
    await sim?.close();
  });

  it('has createOrder over REST (no WebSocket order entry) and the private state streamed', () => {
    assert.strictEqual(ex.has.createOrder, 'rest');
    assert.strictEqual(ex.has.cancelOrder, 'rest');
    assert.strictEqual(ex.has.watchOrders, 'ws');
    assert.strictEqual(ex.has.fetchBalance, 'ws');
  });

  it('a resting order is on the user channel no later than the REST reply; fills become myTrades once; the balance ends exact', async () => {
    const before = await ex.fetchBalance();
    assert.strictEqual(before.USD.free, 1000000);
    const truth = sim.book('BTC/USD');
    // one tick above the best bid, below the best ask: the first bid the flow's sellers hit
    const price = Math.round((truth.bids[0][0] + 0.01) * 100) / 100;
    assert.ok(price < truth.asks[0][0], 'room inside the spread');
    const seen = [];
    ex.on('orders', (list) => {
      for (const o of list) seen.push({ id: o.id, status: o.status, filled: o.filled, at: Date.now() });
    });
    const order = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.5, price, { clientOrderId: 'cb-test-1' });
    assert.strictEqual(order.clientOrderId, 'cb-test-1');
    assert.strictEqual(order.status, 'open');
    assert.deepStrictEqual([order.amount, order.price, order.side, order.type], [0.5, price, 'buy', 'limit']);
    assert.ok(seen.some((s) => s.id === order.id), 'the user channel reported the order by the time the REST reply came');

    // the simulator's flow account sells into our bid
    sim.engine.placeOrder({ account: 'flow', symbol: 'BTC-USD', side: 'SELL', type: 'MARKET', quantity: '0.3' });
    sim.engine.placeOrder({ account: 'flow', symbol: 'BTC-USD', side: 'SELL', type: 'MARKET', quantity: '0.3' });
    const trades = [];
    ex.on('myTrades', (list) => trades.push(...list));
    await until(async () => (await ex.fetchOpenOrders('BTC/USD')).every((o) => o.id !== order.id), 'the order filled');
    await until(() => trades.reduce((s, t) => s + t.amount, 0) >= 0.5 - 1e-12, 'own trades for the whole order');
    const mine = await ex.fetchMyTrades('BTC/USD');
    const ids = mine.map((t) => t.id);
    assert.strictEqual(new Set(ids).size, ids.length, 'each fill once');
    assert.ok(Math.abs(mine.filter((t) => t.order === order.id).reduce((s, t) => s + t.amount, 0) - 0.5) < 1e-12);
    const pushedIds = trades.map((t) => t.id);
    assert.strictEqual(new Set(pushedIds).size, pushedIds.length, 'each fill pushed once');
    const closed = (await ex.fetchOrders('BTC/USD')).find((o) => o.id === order.id);
    assert.deepStrictEqual([closed.status, closed.filled, closed.remaining], ['closed', 0.5, 0]);

    await until(async () => JSON.stringify(pick(await ex.fetchBalance(), ['USD', 'BTC'])) === JSON.stringify(simPick(sim, ['USD', 'BTC'])), 'balance equal to the simulator\'s');
    const after = await ex.fetchBalance();
    assert.ok(Math.abs(after.BTC.total - (before.BTC.total + 0.5)) < 1e-9);
    assert.deepStrictEqual(errs, []);
  });

  it('fills carry the Intro 1 fee (0.60% maker, 1.20% taker, in the quote currency) into myTrades and the balance; a canceled partly filled order is pushed with its own size', async () => {
    const before = await ex.fetchBalance();
    const truth = sim.book('BTC/USD');
    // one tick above the best bid when there is room (the first bid sellers hit), else at the best
    // bid, behind what rests there (the sell below sweeps that first)
    const inside = Math.round((truth.bids[0][0] + 0.01) * 100) / 100;
    const price = inside < truth.asks[0][0] ? inside : truth.bids[0][0];
    const ahead = price === inside ? 0 : truth.bids[0][1];
    const finished = [];
    ex.on('orders', (list) => finished.push(...list.filter((o) => o.status !== 'open')));
    const order = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.5, price, { clientOrderId: 'cb-fee-1' });
    const trades = [];
    ex.on('myTrades', (list) => trades.push(...list));
    sim.engine.placeOrder({ account: 'flow', symbol: 'BTC-USD', side: 'SELL', type: 'MARKET', quantity: (0.3 + ahead).toFixed(8) });
    await until(() => trades.reduce((n, t) => n + t.amount, 0) >= 0.3 - 1e-12, 'own trades for 0.3');
    for (const t of trades) {
      assert.strictEqual(t.takerOrMaker, 'maker');
      assert.strictEqual(t.fee.currency, 'USD');
      assert.ok(Math.abs(t.fee.cost - t.price * t.amount * 0.006) < 1e-9, `maker fee 0.6% of ${t.cost}: ${t.fee.cost}`);
    }
    const made = trades.slice();
    const makerFees = made.reduce((n, t) => n + t.fee.cost, 0);

    const canceled = await ex.cancelOrder(order.id, 'BTC/USD');
    await until(() => finished.some((o) => o.id === order.id), 'the cancel pushed on the user channel');
    const pushed = finished.find((o) => o.id === order.id);
    for (const o of [pushed, canceled]) {
      assert.deepStrictEqual([o.status, o.amount, o.filled], ['canceled', 0.5, 0.3]);
      assert.ok(Math.abs(o.remaining - 0.2) < 1e-12, `remaining ${o.remaining}`);
      assert.ok(Math.abs(o.fee.cost - makerFees) < 1e-9, 'the order\'s total_fees');
    }
    assert.strictEqual(pushed.info.status, 'CANCELLED');

    // a market buy takes: 1.2%
    const mkt = await ex.createOrder('BTC/USD', 'market', 'buy', 0.01);
    await until(async () => (await ex.fetchMyTrades('BTC/USD')).some((t) => t.order === mkt.id), 'the market fill');
    const taken = (await ex.fetchMyTrades('BTC/USD')).filter((t) => t.order === mkt.id);
    for (const t of taken) {
      assert.strictEqual(t.takerOrMaker, 'taker');
      assert.ok(Math.abs(t.fee.cost - t.price * t.amount * 0.012) < 1e-9, `taker fee 1.2%: ${t.fee.cost}`);
    }
    const takerFees = taken.reduce((n, t) => n + t.fee.cost, 0);
    const spent = made.reduce((n, t) => n + t.price * t.amount, 0) + taken.reduce((n, t) => n + t.price * t.amount, 0);
    // the balance: what was paid plus the fees, read from /accounts after each fill
    await until(async () => JSON.stringify(pick(await ex.fetchBalance(), ['USD', 'BTC'])) === JSON.stringify(simPick(sim, ['USD', 'BTC'])), 'balance equal to the simulator\'s');
    const after = await ex.fetchBalance();
    assert.ok(Math.abs(before.USD.total - after.USD.total - (spent + makerFees + takerFees)) < 1e-6, `USD paid ${before.USD.total - after.USD.total}`);
    assert.ok(Math.abs(after.BTC.total - before.BTC.total - 0.31) < 1e-12, 'the fee is not taken out of the base bought');
    assert.deepStrictEqual(errs, []);
  });

  it('a GTD order expires at its end_time: the user channel says EXPIRED, unified canceled (as ccxt maps it) with its size', async () => {
    await ex.fetchOpenOrders();
    const low = sim.book('BTC/USD').bids.slice(-1)[0][0] - 100;
    const endTime = Date.now() + 1500;
    const ended = nextEvent(ex, 'orders', (list) => list.some((o) => o.clientOrderId === 'cb-gtd-1' && o.status !== 'open'));
    const o = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.2, low, { timeInForce: 'GTD', endTime, clientOrderId: 'cb-gtd-1' });
    assert.deepStrictEqual([o.status, o.timeInForce, o.amount], ['open', 'GTD', 0.2]);
    const list = await ended;
    const pushed = list.find((x) => x.id === o.id);
    assert.ok(Date.now() >= endTime - 5, 'not before its end_time');
    assert.deepStrictEqual([pushed.status, pushed.info.status, pushed.amount, pushed.filled, pushed.remaining], ['canceled', 'EXPIRED', 0.2, 0, 0.2]);
    const rest = await ex.fetchOrder(o.id, 'BTC/USD');
    assert.deepStrictEqual([rest.status, rest.info.status, rest.amount, rest.remaining], ['canceled', 'EXPIRED', 0.2, 0.2]);
    assert.deepStrictEqual(await ex.fetchOpenOrders('BTC/USD'), []);
    // an end_time already past is refused
    await assert.rejects(ex.createOrder('BTC/USD', 'limit', 'buy', 0.2, low, { timeInForce: 'GTD', endTime: Date.now() - 1000 }), errors.InvalidOrder);
  });

  it('quiet channels stay open: the client subscribes heartbeats on both sockets, so a book and the user channel outlive the idle window', async () => {
    const quiet = await simulate('coinbase', { port: 0, seed: 21, tickMs: 10, idleMs: 1500 });
    quiet.pause();
    const qex = new coinbase({ ws: true, urls: quiet.urls, apiKey: quiet.apiKey, secret: quiet.secret, timeoutMs: 5000 });
    const { wsClients } = require('./support/ws-client');
    const clock = wsClients();
    try {
      await qex.fetchOrderBook('BTC/USD');
      await qex.fetchOpenOrders();
      // nothing moves: no level2 update, no order event; a heartbeat connection is the clock
      const c = await clock.connect(quiet.urls.ws);
      c.send({ type: 'subscribe', channel: 'heartbeats' });
      await c.collect((m) => m.channel === 'heartbeats', 4);
      // past the idle window both channels still deliver
      const updated = nextEvent(qex, 'orderbook', () => true, 'BTC/USD');
      quiet.resume();
      await updated;
      quiet.pause();
      await until(async () => JSON.stringify((await qex.fetchOrderBook('BTC/USD')).bids.slice(0, 10)) === JSON.stringify(quiet.book('BTC/USD').bids.slice(0, 10)), 'the book equal to the simulator\'s');
      const seen = [];
      qex.on('orders', (list) => seen.push(...list.map((x) => x.id)));
      const o = await qex.createOrder('BTC/USD', 'limit', 'buy', 0.1, quiet.book('BTC/USD').bids.slice(-1)[0][0] - 10);
      assert.ok(seen.includes(o.id), 'the user channel still pushes');
    } finally {
      clock.closeAll();
      await qex.close();
      await quiet.close();
    }
  });

  it('cancel, edit and cancel all; a repeated client order id returns the same order', async () => {
    const truth = sim.book('BTC/USD');
    const low = truth.bids[truth.bids.length - 1][0] - 100;
    const a = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.1, low, { clientOrderId: 'cb-a' });
    const again = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.1, low, { clientOrderId: 'cb-a' });
    assert.strictEqual(again.id, a.id, 'no second order for the same client_order_id');
    assert.strictEqual((await ex.fetchOpenOrders('BTC/USD')).length, 1);

    const edited = await ex.editOrder(a.id, 'BTC/USD', 'limit', 'buy', 0.2, low - 1);
    assert.deepStrictEqual([edited.id, edited.amount, edited.price, edited.status], [a.id, 0.2, low - 1, 'open']);
    const pushed = nextEvent(ex, 'orders', (list) => list.some((o) => o.id === a.id && o.status === 'canceled'));
    const canceled = await ex.cancelOrder(a.id, 'BTC/USD');
    assert.strictEqual(canceled.status, 'canceled');
    await pushed;

    const b = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.1, low, {});
    const c = await ex.createOrder('ETH/USD', 'limit', 'sell', 1, sim.book('ETH/USD').asks[0][0] + 500, {});
    assert.match(b.clientOrderId, /^[0-9a-f-]{36}$/, 'a client order id is always set');
    const all = await ex.cancelAllOrders();
    assert.deepStrictEqual(all.map((o) => [o.id, o.status]).sort(), [[b.id, 'canceled'], [c.id, 'canceled']].sort());
    assert.deepStrictEqual(await ex.fetchOpenOrders(), []);
    await assert.rejects(ex.cancelOrder(b.id, 'BTC/USD'), errors.OrderNotFound);
    assert.deepStrictEqual(errs, []);
  });

  it('failures are typed: insufficient funds, post-only that would take, a refused JWT', async () => {
    const truth = sim.book('BTC/USD');
    await assert.rejects(ex.createOrder('BTC/USD', 'limit', 'buy', 1000, truth.bids[0][0]), (e) => e instanceof errors.InsufficientFunds && e.code === 'INSUFFICIENT_FUND' && e.symbol === 'BTC/USD');
    // the refusal as Coinbase words it: error, preview_failure_reason with its PREVIEW_ prefix
    const refused = await ex.createOrder('BTC/USD', 'limit', 'buy', 1000, truth.bids[0][0]).catch((e) => e);
    assert.deepStrictEqual(
      [refused.raw.success, refused.raw.error_response.error, refused.raw.error_response.preview_failure_reason, refused.raw.error_response.message],
      [false, 'INSUFFICIENT_FUND', 'PREVIEW_INSUFFICIENT_FUND', 'Insufficient balance in source account'],
    );
    await assert.rejects(
      ex.createOrder('BTC/USD', 'limit', 'buy', 0.01, truth.asks[0][0] + 1, { postOnly: true }),
      (e) => e instanceof errors.InvalidOrder && e.code === 'INVALID_LIMIT_PRICE_POST_ONLY',
    );
    sim.faults.rejectLogins(true);
    const rest = new coinbase({ urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret, timeoutMs: 5000 });
    await assert.rejects(rest.fetchBalance(), (e) => e instanceof errors.AuthenticationError && e.status === 401);
    // with ws: true the user channel's subscription is refused the same way
    await assert.rejects(ex.fetchBalance(), (e) => e instanceof errors.AuthenticationError && /SUBSCRIBE user/.test(e.message));
    await rest.close();
    sim.faults.rejectLogins(false);

    const other = await simulate('coinbase', { port: 0, seed: 1 });
    try {
      // a key the server does not know
      const stranger = new coinbase({ urls: sim.urls, apiKey: other.apiKey, secret: other.secret, timeoutMs: 5000 });
      await assert.rejects(stranger.fetchBalance(), errors.AuthenticationError);
      await stranger.close();
    } finally {
      await other.close();
    }
  });

  it('an Ed25519 CDP key works end to end (EdDSA JWTs on REST and the user channel)', async () => {
    const { generateKeyPairSync } = require('crypto');
    const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' });
    const edSim = await simulate('coinbase', { port: 0, seed: 5, cdpKey: { name: 'organizations/o/apiKeys/ed', privateKey: ed } });
    const edEx = new coinbase({ ws: true, urls: edSim.urls, apiKey: 'organizations/o/apiKeys/ed', secret: ed, timeoutMs: 5000 });
    try {
      const b = await edEx.fetchBalance();
      assert.strictEqual(b.USD.free, 1000000);
      const low = edSim.book('BTC/USD').bids.slice(-1)[0][0] - 10;
      const o = await edEx.createOrder('BTC/USD', 'limit', 'buy', 0.1, low);
      await until(async () => (await edEx.fetchOpenOrders('BTC/USD')).some((x) => x.id === o.id), 'the order in the live state');
      // an ES256 key is refused by that account
      const stranger = new coinbase({ urls: edSim.urls, apiKey: 'organizations/o/apiKeys/ed', secret: sim.secret, timeoutMs: 5000 });
      await assert.rejects(stranger.fetchBalance(), (e) => e instanceof errors.AuthenticationError && /alg ES256/.test(e.message));
      await stranger.close();
    } finally {
      await edEx.close();
      await edSim.close();
    }
  });

  it('a deposit shows in the live balance by polling (Coinbase streams no spot balance)', async () => {
    const polled = new coinbase({ ws: true, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret, timeoutMs: 5000, balancePollMs: 100 });
    try {
      const before = await polled.fetchBalance();
      const pushed = nextEvent(polled, 'balance', (b) => b.ETH && b.ETH.free === before.ETH.free + 3);
      sim.deposit('ETH', '3');
      await pushed;
      assert.strictEqual((await polled.fetchBalance()).ETH.free, before.ETH.free + 3);
    } finally {
      await polled.close();
    }
  });

  it('deposits and withdrawals come from the App API (v2) per account', async () => {
    sim.deposit('BTC', '0.25');
    sim.deposit('USD', '500');
    const btc = await ex.fetchDeposits('BTC');
    assert.deepStrictEqual(btc.map((d) => [d.type, d.currency, d.amount, d.status]), [['deposit', 'BTC', 0.25, 'ok']]);
    const all = await ex.fetchDeposits();
    assert.deepStrictEqual(all.map((d) => d.currency).sort(), ['BTC', 'USD']);
    assert.deepStrictEqual(await ex.fetchWithdrawals(), []);
    assert.strictEqual(ex.has.fetchDeposits, 'rest');
  });

  it('a lost order reply is reconciled by client_order_id: the order is returned, never placed twice', async () => {
    const proxy = await replyLosingProxy(sim.urls.rest);
    const rest = new coinbase({ urls: { ...sim.urls, rest: proxy.url }, apiKey: sim.apiKey, secret: sim.secret, timeoutMs: 5000 });
    try {
      const low = sim.book('BTC/USD').bids.slice(-1)[0][0] - 10;
      const o = await rest.createOrder('BTC/USD', 'limit', 'buy', 0.1, low, { clientOrderId: 'cb-lost-1' });
      assert.strictEqual(proxy.lost(), 1, 'the first reply was lost');
      assert.deepStrictEqual([o.clientOrderId, o.status, o.amount], ['cb-lost-1', 'open', 0.1]);
      const open = await rest.fetchOpenOrders('BTC/USD');
      assert.deepStrictEqual(open.map((x) => [x.id, x.clientOrderId]), [[o.id, 'cb-lost-1']], 'exactly one order');
    } finally {
      await rest.close();
      await proxy.close();
    }
  });

  it('Create Order replies as Coinbase documents them: a known client_order_id returns its order whatever `success` says; new_order_failure_reason names the failure', async () => {
    const low = sim.book('BTC/USD').bids.slice(-1)[0][0] - 10;
    let mode = 'duplicate';
    const proxy = await rewritingProxy(sim.urls.rest, (method, url, body) => {
      if (method !== 'POST' || url !== '/api/v3/brokerage/orders') return undefined;
      // "If the ID provided is not unique, the order fails to be created and the order
      // corresponding to that ID is returned": the same order's success_response, success false
      if (mode === 'duplicate') return { ...body, success: false };
      return { success: false, failure_reason: 'UNKNOWN_FAILURE_REASON', error_response: { error: 'UNKNOWN_FAILURE_REASON', message: 'Insufficient balance in source account', error_details: '', new_order_failure_reason: 'INSUFFICIENT_FUND' } };
    });
    const rest = new coinbase({ urls: { ...sim.urls, rest: proxy.url }, apiKey: sim.apiKey, secret: sim.secret, timeoutMs: 5000 });
    try {
      const first = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.1, low, { clientOrderId: 'cb-dup-1' });
      const again = await rest.createOrder('BTC/USD', 'limit', 'buy', 0.1, low, { clientOrderId: 'cb-dup-1' });
      assert.deepStrictEqual([again.id, again.clientOrderId, again.status], [first.id, 'cb-dup-1', 'open']);
      assert.strictEqual((await rest.fetchOpenOrders('BTC/USD')).length, 1);
      mode = 'failure';
      await assert.rejects(rest.createOrder('BTC/USD', 'limit', 'buy', 0.1, low), (e) => e instanceof errors.InsufficientFunds && e.code === 'INSUFFICIENT_FUND' && /Insufficient balance/.test(e.message));
    } finally {
      await rest.close();
      await proxy.close();
    }
  });

  it('a lost user channel message (sequence_num jump) reconnects and re-seeds the state from REST', async () => {
    await ex.fetchOpenOrders();
    const low = sim.book('BTC/USD').bids.slice(-1)[0][0] - 50;
    const o = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.1, low);
    await until(async () => (await ex.fetchOpenOrders('BTC/USD')).some((x) => x.id === o.id), 'the order in the live state');
    // the user channel's message about the cancel is lost: only the jump in sequence_num (on the
    // next heartbeat) tells the client
    sim.faults.skipSequence('BTC/USD');
    sim.engine.cancelOrder('user', 'BTC-USD', { orderId: Number(o.id) });
    await until(async () => !(await ex.fetchOpenOrders('BTC/USD')).some((x) => x.id === o.id), 'the cancel seen after the resync');
    const got = (await ex.fetchOrders('BTC/USD')).find((x) => x.id === o.id);
    assert.strictEqual(got.status, 'canceled');
  });

  it('a dropped user channel reconnects and re-seeds the state from REST (a cancel made meanwhile shows)', async () => {
    await ex.fetchBalance();
    await ex.fetchOpenOrders();
    const low = sim.book('BTC/USD').bids.slice(-1)[0][0] - 50;
    const o = await ex.createOrder('BTC/USD', 'limit', 'buy', 0.1, low);
    assert.ok((await ex.fetchOpenOrders('BTC/USD')).some((x) => x.id === o.id));
    // the connection drops, and the order is canceled behind the client's back
    sim.faults.dropConnections();
    sim.engine.cancelOrder('user', 'BTC-USD', { orderId: Number(o.id) });
    await until(async () => !(await ex.fetchOpenOrders('BTC/USD')).some((x) => x.id === o.id), 'the cancel seen after the reconnect');
  });
});
