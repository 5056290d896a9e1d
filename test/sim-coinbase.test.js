'use strict';
/**
 * The Coinbase Advanced Trade simulator at the protocol level (raw WebSocket and HTTP, no client
 * library): subscriptions acks, sequence_num over the whole connection, heartbeats, the level2
 * snapshot and updates replaying to the engine's book, market_trades with the maker's side,
 * candles, the connection rules (subscribe within 5 s, idle channels close without heartbeats, the
 * message rate) and the faults (skipSequence is a jump in sequence_num), and the REST endpoints.
 */
const assert = require('assert');
const { simulate } = require('../js/sim');
const { wsClients } = require('./support/ws-client');
const { fetchJson } = require('./support/http');
const { CoinbaseCredentials } = require('../js/exchanges/coinbase/auth');

const B = '/api/v3/brokerage';

/** Replays l2_data messages of one product into a book: price string -> size string per side. */
function replay(msgs, id) {
  const book = { bid: new Map(), offer: new Map() };
  for (const m of msgs) {
    if (m.channel !== 'l2_data') continue;
    for (const e of m.events) {
      if (e.product_id !== id) continue;
      if (e.type === 'snapshot') {
        book.bid.clear();
        book.offer.clear();
      }
      for (const u of e.updates) {
        if (+u.new_quantity === 0) book[u.side].delete(u.price_level);
        else book[u.side].set(u.price_level, u.new_quantity);
      }
    }
  }
  const sorted = (side) => [...book[side].entries()].map(([p, q]) => [+p, +q]).sort((a, b) => (side === 'bid' ? b[0] - a[0] : a[0] - b[0]));
  return { bids: sorted('bid'), asks: sorted('offer') };
}

describe('coinbase simulator (protocol level)', function () {
  let sim;
  const clients = wsClients();

  afterEach(async () => {
    clients.closeAll();
    await sim?.close();
    sim = undefined;
  });

  it('acks every request with the connection\'s subscriptions; sequence_num counts every message across channels; heartbeats tick', async () => {
    sim = await simulate('coinbase', { port: 0, seed: 3, tickMs: 10 });
    const c = await clients.connect(sim.urls.ws);
    c.send({ type: 'subscribe', channel: 'heartbeats' });
    c.send({ type: 'subscribe', channel: 'level2', product_ids: ['BTC-USD'] });
    c.send({ type: 'subscribe', channel: 'market_trades', product_ids: ['ETH-USD'] });
    const acks = await c.collect((m) => m.channel === 'subscriptions', 3);
    assert.deepStrictEqual(acks[2].events[0].subscriptions, { heartbeats: ['heartbeats'], level2: ['BTC-USD'], market_trades: ['ETH-USD'] });
    await c.collect((m) => m.channel === 'heartbeats', 2);
    const seqs = c.msgs.map((m) => m.sequence_num);
    assert.deepStrictEqual(seqs, seqs.map((_, i) => i), 'sequence_num 0, 1, 2, ... with no gap');
    const hb = c.msgs.filter((m) => m.channel === 'heartbeats').map((m) => m.events[0].heartbeat_counter);
    assert.strictEqual(hb[1], hb[0] + 1);

    // unsubscribe: acked with what is left
    c.send({ type: 'unsubscribe', channel: 'market_trades', product_ids: ['ETH-USD'] });
    const n = c.msgs.length;
    const left = await c.next((m) => m.channel === 'subscriptions', n);
    assert.deepStrictEqual(left.events[0].subscriptions, { heartbeats: ['heartbeats'], level2: ['BTC-USD'] });
  });

  it('level2: a snapshot then updates (bid/offer, absolute sizes, "0" deletes) that replay to the engine book', async () => {
    sim = await simulate('coinbase', { port: 0, seed: 5, tickMs: 10 });
    const c = await clients.connect(sim.urls.ws);
    c.send({ type: 'subscribe', channel: 'level2', product_ids: ['BTC-USD'] });
    const snap = await c.next((m) => m.channel === 'l2_data');
    assert.strictEqual(snap.events[0].type, 'snapshot');
    assert.ok(snap.events[0].updates.some((u) => u.side === 'offer') && snap.events[0].updates.some((u) => u.side === 'bid'));
    await c.collect((m) => m.channel === 'l2_data' && m.events[0].type === 'update', 5);
    sim.pause();
    sim.flush();
    const truth = sim.book('BTC/USD');
    // a request sent now is answered after everything the flush sent (one ordered socket)
    const n = c.msgs.length;
    c.send({ type: 'subscribe', channel: 'heartbeats' });
    await c.next((m) => m.channel === 'subscriptions', n);
    const replayed = replay(c.msgs, 'BTC-USD');
    assert.deepStrictEqual(replayed, { bids: truth.bids, asks: truth.asks }, `after ${c.msgs.length} messages`);
    assert.ok(c.msgs.some((m) => m.channel === 'l2_data' && m.events[0].updates.some((u) => u.new_quantity === '0')), 'deletions are "0"');
  });

  it('skipSequence: the lost level2 message is a jump in the connection\'s sequence_num', async () => {
    sim = await simulate('coinbase', { port: 0, seed: 7, tickMs: 10 });
    const c = await clients.connect(sim.urls.ws);
    c.send({ type: 'subscribe', channel: 'level2', product_ids: ['BTC-USD'] });
    await c.collect((m) => m.channel === 'l2_data', 3);
    const from = c.msgs.length;
    sim.faults.skipSequence('BTC/USD');
    await c.collect((m) => m.channel === 'l2_data', 2, from);
    const seqs = c.msgs.map((m) => m.sequence_num);
    const jumps = seqs.filter((s, i) => i > 0 && s !== seqs[i - 1] + 1);
    assert.strictEqual(jumps.length, 1, `one jump in ${seqs}`);
  });

  it('market_trades carry the maker\'s side; candles are five-minute buckets; ticker has the best bid / ask', async () => {
    sim = await simulate('coinbase', { port: 0, seed: 9, tickMs: 10 });
    const c = await clients.connect(sim.urls.ws);
    c.send({ type: 'subscribe', channel: 'market_trades', product_ids: ['BTC-USD'] });
    c.send({ type: 'subscribe', channel: 'candles', product_ids: ['BTC-USD'] });
    c.send({ type: 'subscribe', channel: 'ticker', product_ids: ['BTC-USD'] });
    const tr = await c.next((m) => m.channel === 'market_trades' && m.events[0].type === 'update');
    for (const t of tr.events[0].trades) {
      assert.ok(t.side === 'BUY' || t.side === 'SELL');
      assert.ok(+t.price > 0 && +t.size > 0 && Date.parse(t.time) > 0);
    }
    const cd = await c.next((m) => m.channel === 'candles' && m.events[0].candles.length > 0);
    assert.strictEqual(+cd.events[0].candles[0].start % 300, 0);
    const tk = await c.next((m) => m.channel === 'ticker');
    const t = tk.events[0].tickers[0];
    assert.ok(+t.best_bid < +t.best_ask && +t.best_bid_quantity > 0);
  });

  it('errors: unknown product or channel, bad JSON; refusals change nothing', async () => {
    sim = await simulate('coinbase', { port: 0, seed: 1 });
    const c = await clients.connect(sim.urls.ws);
    c.send({ type: 'subscribe', channel: 'level2', product_ids: ['NOPE-USD'] });
    const e1 = await c.next((m) => m.type === 'error');
    assert.match(e1.message, /NOPE-USD is not a valid product/);
    c.send({ type: 'subscribe', channel: 'level9', product_ids: ['BTC-USD'] });
    await c.collect((m) => m.type === 'error', 2);
    c.ws.send('{oops');
    const errs = await c.collect((m) => m.type === 'error', 3);
    assert.match(errs[2].message, /parse/);
    assert.ok(!c.msgs.some((m) => m.channel === 'subscriptions'));
  });

  it('connection rules: no subscribe within the window closes; without heartbeats a quiet channel closes (the connection and busy channels stay); too many messages close', async () => {
    sim = await simulate('coinbase', { port: 0, seed: 1, firstSubscribeMs: 300, idleMs: 1500, maxMessagesPerSecond: 8 });
    const lazy = await clients.connect(sim.urls.ws);
    const closed = await lazy.closed;
    assert.strictEqual(closed.code, 1008);

    // Coinbase: "Most channels close within 60-90 seconds if no updates are sent. Subscribe to
    // heartbeats to keep all subscriptions open." With no flow (paused), level2 sends its snapshot
    // and then nothing: after idleMs it closes; status never sends anything and closes too.
    sim.pause();
    const quiet = await clients.connect(sim.urls.ws);
    quiet.send({ type: 'subscribe', channel: 'level2', product_ids: ['BTC-USD'] });
    quiet.send({ type: 'subscribe', channel: 'status' });
    await quiet.collect((m) => m.channel === 'subscriptions', 2);
    // with heartbeats the same quiet channel stays open past the idle window
    const kept = await clients.connect(sim.urls.ws);
    kept.send({ type: 'subscribe', channel: 'heartbeats' });
    kept.send({ type: 'subscribe', channel: 'level2', product_ids: ['BTC-USD'] });
    await kept.collect((m) => m.channel === 'subscriptions', 2);
    // the kept connection's heartbeats are the clock: four of them span more than idleMs + one check
    await kept.collect((m) => m.channel === 'heartbeats', 4);
    assert.strictEqual(quiet.ws.readyState, 1, 'the connection itself stays open');
    quiet.send({ type: 'subscribe', channel: 'heartbeats' });
    const acks = await quiet.collect((m) => m.channel === 'subscriptions', 3);
    assert.deepStrictEqual(acks[2].events[0].subscriptions, { heartbeats: ['heartbeats'] }, 'level2 and status were closed');
    kept.send({ type: 'subscribe', channel: 'market_trades', product_ids: ['ETH-USD'] });
    const keptAcks = await kept.collect((m) => m.channel === 'subscriptions', 3);
    assert.deepStrictEqual(keptAcks[2].events[0].subscriptions, { heartbeats: ['heartbeats'], level2: ['BTC-USD'], market_trades: ['ETH-USD'] });
    // the closed level2 sends no more updates; the kept one does
    const quietL2 = quiet.msgs.filter((m) => m.channel === 'l2_data').length;
    sim.resume();
    await kept.next((m) => m.channel === 'l2_data' && m.events[0].type === 'update');
    await kept.collect((m) => m.channel === 'heartbeats', 6);
    assert.strictEqual(quiet.msgs.filter((m) => m.channel === 'l2_data').length, quietL2);

    const loud = await clients.connect(sim.urls.ws);
    for (let i = 0; i < 9; i++) loud.send({ type: 'subscribe', channel: 'heartbeats' });
    const cut = await loud.closed;
    assert.strictEqual(cut.code, 1008);
  });

  it('REST: products, product, product_book, ticker, candles, time; unknown products 404; the rate-limit fault 429', async () => {
    sim = await simulate('coinbase', { port: 0, seed: 11, tickMs: 10 });
    const base = sim.urls.rest;
    const products = await fetchJson(`${base}${B}/market/products?product_type=SPOT`);
    assert.strictEqual(products.status, 200);
    assert.deepStrictEqual(products.body.products.map((p) => p.product_id), ['BTC-USD', 'ETH-USD']);
    const btc = products.body.products[0];
    assert.deepStrictEqual([btc.price_increment, btc.base_increment, btc.status, btc.trading_disabled], ['0.01', '0.00000001', 'online', false]);

    sim.pause();
    const book = await fetchJson(`${base}${B}/market/product_book?product_id=BTC-USD&limit=3`);
    const truth = sim.book('BTC/USD');
    assert.deepStrictEqual(book.body.pricebook.bids.map((l) => [+l.price, +l.size]), truth.bids.slice(0, 3));
    assert.deepStrictEqual(book.body.pricebook.asks.map((l) => [+l.price, +l.size]), truth.asks.slice(0, 3));
    sim.resume();

    await new Promise((r) => setImmediate(r));
    sim.tick(50);
    const ticker = await fetchJson(`${base}${B}/market/products/BTC-USD/ticker?limit=5`);
    assert.ok(ticker.body.trades.length > 0 && ticker.body.trades.length <= 5);
    const times = ticker.body.trades.map((t) => Date.parse(t.time));
    assert.deepStrictEqual(times, times.slice().sort((a, b) => b - a), 'newest first');

    const now = Math.floor(Date.now() / 1000);
    const candles = await fetchJson(`${base}${B}/market/products/BTC-USD/candles?start=${now - 3600}&end=${now}&granularity=ONE_MINUTE`);
    assert.ok(candles.body.candles.length >= 1);
    assert.strictEqual(+candles.body.candles[0].start % 60, 0);
    const noGran = await fetchJson(`${base}${B}/market/products/BTC-USD/candles?start=${now - 3600}&end=${now}`);
    assert.deepStrictEqual([noGran.status, noGran.body.error], [400, 'INVALID_ARGUMENT']);

    const time = await fetchJson(`${base}${B}/time`);
    assert.ok(Math.abs(Number(time.body.epochMillis) - Date.now()) < 60_000);
    const v2time = await fetchJson(`${base}/v2/time`);
    assert.ok(Math.abs(v2time.body.data.epoch * 1000 - Date.now()) < 60_000);
    assert.match(v2time.body.data.iso, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const missing = await fetchJson(`${base}${B}/market/products/NOPE-USD`);
    assert.deepStrictEqual([missing.status, missing.body.error, missing.body.message], [404, 'NOT_FOUND', 'ProductID is invalid']);
    // the documented error schema (grpc.gateway.runtime.Error: error, code, message, details)
    assert.deepStrictEqual([missing.body.code, missing.body.details], [5, []]);

    sim.faults.rateLimit({ retryAfterSec: 1 });
    const limited = await fetchJson(`${base}${B}/market/products`);
    assert.strictEqual(limited.status, 429);
    assert.strictEqual(limited.headers.get('retry-after'), '1');
    assert.strictEqual((await fetchJson(`${base}${B}/market/products`)).status, 200);
  });

  it('JWTs: REST needs a valid, unexpired token whose uri is this request; the user channel needs one too and starts with the open orders', async () => {
    sim = await simulate('coinbase', { port: 0, seed: 1 });
    const creds = new CoinbaseCredentials(sim.apiKey, sim.secret);
    const host = new URL(sim.urls.rest).host;
    const get = (token) => fetchJson(`${sim.urls.rest}${B}/accounts`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const ok = await get(creds.jwt(`GET ${host}${B}/accounts`));
    assert.strictEqual(ok.status, 200);
    assert.deepStrictEqual(ok.body.accounts.find((a) => a.currency === 'USD').available_balance, { value: '1000000', currency: 'USD' });
    for (const [token, why] of [
      [undefined, /missing JWT/],
      [creds.jwt(`GET ${host}${B}/orders/historical/batch`), /uri claim/],
      [creds.jwt(`GET ${host}${B}/accounts`, Math.floor(Date.now() / 1000) - 300), /expired/],
      [new CoinbaseCredentials('organizations/x/apiKeys/y', sim.secret).jwt(`GET ${host}${B}/accounts`), /unknown API key/],
    ]) {
      const r = await get(token);
      assert.deepStrictEqual([r.status, r.body.error], [401, 'UNAUTHENTICATED']);
      assert.match(r.body.message, why);
    }
    // a token signed by another key
    const other = await simulate('coinbase', { port: 0, seed: 2 });
    try {
      const forged = new CoinbaseCredentials(sim.apiKey, other.secret).jwt(`GET ${host}${B}/accounts`);
      assert.match((await get(forged)).body.message, /invalid signature/);
    } finally {
      await other.close();
    }

    const c = await clients.connect(sim.urls.wsPrivate);
    c.send({ type: 'subscribe', channel: 'user' });
    const refused = await c.next((m) => m.type === 'error');
    assert.match(refused.message, /authentication failure/);
    c.send({ type: 'subscribe', channel: 'user', jwt: creds.jwt() });
    await c.next((m) => m.channel === 'subscriptions');
    const snap = await c.next((m) => m.channel === 'user');
    assert.deepStrictEqual(snap.events[0].type, 'snapshot');
    assert.deepStrictEqual(snap.events[0].orders, [], 'no open orders: one short batch ends the snapshot');
  });

  it('serves what third-party clients read besides Advanced Trade, and their JWT variants (issuer coinbase-cloud, uri signed for another host)', async () => {
    sim = await simulate('coinbase', { port: 0, seed: 1 });
    const base = sim.urls.rest;
    const cur = await fetchJson(`${base}/v2/currencies`);
    assert.deepStrictEqual(cur.body.data.map((c) => c.id), ['USD']);
    const crypto = await fetchJson(`${base}/v2/currencies/crypto`);
    assert.deepStrictEqual(crypto.body.data.map((c) => [c.code, c.exponent]), [['BTC', 8], ['ETH', 8]]);
    const rates = await fetchJson(`${base}/v2/exchange-rates?currency=USD`);
    assert.strictEqual(rates.body.data.currency, 'USD');
    assert.ok(Number(rates.body.data.rates.BTC) > 0 && Number(rates.body.data.rates.BTC) < 1);

    // a JWT written here by hand, as an older SDK writes it
    const { createPrivateKey, sign, randomBytes } = require('crypto');
    const key = createPrivateKey(sim.secret);
    const jwt = (claims) => {
      const now = Math.floor(Date.now() / 1000);
      const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const input = `${enc({ alg: 'ES256', typ: 'JWT', kid: sim.apiKey, nonce: randomBytes(8).toString('hex') })}.${enc({ sub: sim.apiKey, nbf: now, exp: now + 120, ...claims })}`;
      return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    };
    const get = (token) => fetchJson(`${base}${B}/transaction_summary`, { headers: { authorization: `Bearer ${token}` } });
    const ok = await get(jwt({ iss: 'coinbase-cloud', aud: ['retail_rest_api_proxy'], uri: `GET api.coinbase.com${B}/transaction_summary` }));
    assert.strictEqual(ok.status, 200);
    assert.deepStrictEqual([ok.body.fee_tier.pricing_tier, ok.body.fee_tier.maker_fee_rate, ok.body.fee_tier.taker_fee_rate], ['Intro 1', '0.006', '0.012'], 'the default tier the simulated account trades at');
    assert.strictEqual((await get(jwt({ iss: 'cdp', uri: `GET ${base}${B}/transaction_summary` }))).status, 200, 'a uri that keeps the scheme');
    const wrongPath = await get(jwt({ iss: 'cdp', uri: `GET api.coinbase.com${B}/accounts` }));
    assert.deepStrictEqual([wrongPath.status, wrongPath.body.error], [401, 'UNAUTHENTICATED']);
    const wrongMethod = await get(jwt({ iss: 'cdp', uri: `POST api.coinbase.com${B}/transaction_summary` }));
    assert.strictEqual(wrongMethod.status, 401);
    const wrongIss = await get(jwt({ iss: 'someone', uri: `GET api.coinbase.com${B}/transaction_summary` }));
    assert.match(wrongIss.body.message, /iss/);

    // App API v2 accounts (ccxt's default fetchBalance): the whole balance per wallet, ids = v3 uuids
    const v2 = await fetchJson(`${base}/v2/accounts?limit=250`, { headers: { authorization: `Bearer ${jwt({ iss: 'cdp', uri: 'GET api.coinbase.com/v2/accounts' })}` } });
    assert.strictEqual(v2.status, 200);
    const usd = v2.body.data.find((a) => a.currency.code === 'USD');
    assert.deepStrictEqual([usd.id, usd.type, usd.resource, usd.balance], ['sim-USD', 'fiat', 'account', { amount: '1000000', currency: 'USD' }]);
    const v3 = await fetchJson(`${base}${B}/accounts`, { headers: { authorization: `Bearer ${jwt({ iss: 'cdp', uri: `GET api.coinbase.com${B}/accounts` })}` } });
    assert.deepStrictEqual(v2.body.data.map((a) => a.id).sort(), v3.body.accounts.map((a) => a.uuid).sort());
    const one = await fetchJson(`${base}/v2/accounts/sim-BTC`, { headers: { authorization: `Bearer ${jwt({ iss: 'cdp', uri: 'GET api.coinbase.com/v2/accounts/sim-BTC' })}` } });
    assert.deepStrictEqual([one.body.data.currency.code, one.body.data.balance.amount], ['BTC', '10']);
    assert.strictEqual((await fetchJson(`${base}/v2/accounts`)).status, 401, 'a JWT is required');
  });
});
