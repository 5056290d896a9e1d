'use strict';
/**
 * Binance's refusals as typed errors, over the WebSocket API and over REST, each carrying Binance's
 * code and message: insufficient funds, unknown order, rate limits, timeouts, a refused user data
 * subscription. And secrets never appear in errors, status events or util.inspect(ex).
 */
const assert = require('assert');
const util = require('util');
const { binance, errors } = require('..');
const { simulate } = require('../js/sim');
const { nextEvent } = require('./support/wait');
const { rejection } = require('./support/private');

const SYMBOL = 'BTC/USDT';

describe('binance private: typed errors', function () {
  let sim;
  let ex;
  let bid;
  beforeEach(async () => {
    sim = await simulate('binance', { seed: 41, autoFlow: false, symbols: [SYMBOL], balances: { USDT: 1000, BTC: 0.1 } });
    bid = sim.book('BTCUSDT').bids[0][0];
  });
  afterEach(async () => {
    if (ex) await ex.close();
    ex = undefined;
    sim.faults.reset();
    await sim.close();
  });

  for (const wsTrading of [true, false]) {
    const via = wsTrading ? 'WebSocket API' : 'REST';
    it(`insufficient funds, unknown order, unknown edit: InsufficientFunds / OrderNotFound with Binance's code and message (${via})`, async () => {
      ex = new binance({ urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret, wsTrading });
      let e = await rejection(ex.createOrder(SYMBOL, 'limit', 'buy', 1, Math.floor(bid * 0.9)));
      assert.ok(e instanceof errors.InsufficientFunds, e.stack);
      assert.deepStrictEqual([e.code, e.exchange], [-2010, 'binance']);
      assert.match(e.message, /Account has insufficient balance for requested action\. \(code -2010\)/);
      e = await rejection(ex.cancelOrder('123456789', SYMBOL));
      assert.ok(e instanceof errors.OrderNotFound, e.stack);
      assert.strictEqual(e.code, -2011);
      assert.match(e.message, /Unknown order sent\./);
      e = await rejection(ex.fetchOrder('123456789', SYMBOL));
      assert.ok(e instanceof errors.OrderNotFound);
      assert.deepStrictEqual([e.code, /Order does not exist\./.test(e.message)], [-2013, true]);
      e = await rejection(ex.editOrder('123456789', SYMBOL, 'limit', 'buy', 0.001, Math.floor(bid * 0.9)));
      assert.ok(e instanceof errors.OrderNotFound, e.stack);
      assert.strictEqual(e.code, -2022);
      assert.match(e.message, /Order cancel-replace failed\..*cancel: Unknown order sent\. \(code -2011\)/);
      e = await rejection(ex.createOrder(SYMBOL, 'limit', 'buy', 0.001, 100.005));
      assert.ok(e instanceof errors.InvalidOrder);
      assert.ok(e.code === -1013 || e.code === -1111, String(e.code));
      assert.strictEqual(sim.engine.openOrders('user').length, 0);
    });
  }

  it('rate limits: RateLimitExceeded with retryAfterMs, over the WebSocket API (429 + data.retryAfter) and REST (429 + Retry-After)', async () => {
    ex = new binance({ urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret });
    await ex.loadMarkets();
    sim.faults.rateLimit({ api: 'wsApi', status: 429, retryAfterSec: 3 });
    let e = await rejection(ex.createOrder(SYMBOL, 'limit', 'buy', 0.001, Math.floor(bid * 0.9)));
    assert.ok(e instanceof errors.RateLimitExceeded, e.stack);
    assert.deepStrictEqual([e.status, e.code], [429, -1003]);
    assert.ok(e.retryAfterMs > 0 && e.retryAfterMs <= 3000, String(e.retryAfterMs));
    assert.strictEqual(sim.engine.openOrders('user').length, 0, 'a rate-limited order is not re-sent over REST');
    sim.faults.rateLimit({ status: 418, retryAfterSec: 1 });
    e = await rejection(ex.fetchBalance());
    assert.ok(e instanceof errors.RateLimitExceeded, e.stack);
    assert.deepStrictEqual([e.status, e.retryAfterMs], [418, 1000]);
  });

  it('no reply in time: the order is looked up by its client order id (never re-sent: it landed, once)', async () => {
    ex = new binance({ urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret, timeoutMs: 300 });
    await ex.loadMarkets();
    await ex.fetchBalance(); // clock measured, the WebSocket API warm
    ex.on('error', () => {});
    sim.faults.silence(); // the WebSocket API goes quiet; the lookup goes over REST
    const o = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.001, Math.floor(bid * 0.9), { clientOrderId: 'silent-1' });
    assert.strictEqual(o.clientOrderId, 'silent-1');
    assert.strictEqual(sim.engine.openOrders('user').length, 1, 'placed once, by the request that timed out');
  });

  it('a refused user data subscription: AuthenticationError for pulls, iterators and on(error); orders still go out', async () => {
    sim.faults.rejectLogins();
    ex = new binance({ ws: true, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret });
    const reported = nextEvent(ex, 'error', (err) => err instanceof errors.AuthenticationError);
    const it = ex.watchOrders();
    const iterated = rejection(it.next());
    const e = await rejection(ex.fetchBalance());
    assert.ok(e instanceof errors.AuthenticationError, e.stack);
    assert.deepStrictEqual([e.code, /Invalid API-key, IP, or permissions for action\./.test(e.message)], [-2015, true]);
    assert.ok((await iterated) instanceof errors.AuthenticationError);
    await reported;
    sim.faults.rateLimit({ count: 100 }); // REST refuses: this order goes over the WebSocket API
    const placed = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.001, Math.floor(bid * 0.9));
    assert.strictEqual(placed.status, 'open');
  });

  it('secrets never appear in errors, status events, error events or util.inspect(ex)', async () => {
    const secrets = [sim.apiKey, sim.secret];
    const seen = [];
    const make = (opts) => {
      const x = new binance({ ws: true, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret, reconnect: { baseDelayMs: 20 }, ...opts });
      x.on('status', (s) => seen.push(s));
      x.on('error', (err) => seen.push(err));
      return x;
    };
    ex = make({ timeoutMs: 300 });
    await ex.fetchBalance();
    seen.push(await rejection(ex.createOrder(SYMBOL, 'limit', 'buy', 5, Math.floor(bid * 0.9))));
    seen.push(await rejection(ex.cancelOrder('42', SYMBOL)));
    const reopened = nextEvent(ex, 'status', (s) => s.url.endsWith('/ws-api/v3') && s.state === 'open');
    sim.faults.dropConnections({ kind: 'api' });
    await reopened;
    await ex.fetchBalance(); // re-subscribed and re-synced
    sim.faults.silence();
    // no reply (a refused price, its refusal withheld): looked up over REST by its client order id,
    // not there, so a RequestTimeout naming that id; checked for secrets like the rest
    seen.push(await rejection(ex.createOrder(SYMBOL, 'limit', 'buy', 0.001, 0.000001)));
    sim.faults.resume();
    const inspected = [util.inspect(ex), util.inspect(ex, { depth: null }), util.inspect(ex, { customInspect: false, depth: null }), JSON.stringify(ex), String(ex)];
    const other = make({ secret: 'wrong-secret-value' });
    seen.push(await rejection(other.fetchBalance()));
    seen.push(await rejection(other.createOrder(SYMBOL, 'limit', 'buy', 0.001, Math.floor(bid * 0.9))));
    await other.close();
    assert.ok(seen.some((x) => x instanceof errors.AuthenticationError) && seen.some((x) => x instanceof errors.RequestTimeout));
    const texts = seen.map((x) => (x instanceof Error ? [x.message, x.stack, JSON.stringify(x), util.inspect(x, { depth: null })].join('\n') : JSON.stringify(x) + util.inspect(x, { depth: null })));
    for (const text of texts.concat(inspected)) {
      for (const s of secrets.concat(['wrong-secret-value'])) assert.ok(!text.includes(s), `secret found in: ${text.slice(0, 300)}`);
    }
  });
});
