'use strict';
/**
 * The Coinbase Advanced Trade client end to end against a local Coinbase-protocol server
 * (test/support/coinbase-stub): heartbeats first, one channel per subscribe message, level2
 * snapshot + updates, the connection-wide sequence_num (a jump resyncs every book on the socket),
 * crossed books, drops, malformed frames, silence, refusals, ticker / market_trades / candles, the
 * REST path and the message rate — each book ending equal to the server's.
 */
const assert = require('assert');
const { coinbase, errors } = require('..');
const { CoinbaseStub } = require('./support/coinbase-stub');
const { nextEvent, until } = require('./support/wait');
const { sides } = require('./support/book');

function seedBook(stub, id, mid, n = 20, tick = 1) {
  const bids = [];
  const asks = [];
  for (let i = 1; i <= n; i++) {
    bids.push([String(mid - i * tick), String(i / 10)]);
    asks.push([String(mid + i * tick), String(i / 10)]);
  }
  stub.seed(id, bids, asks);
}

describe('coinbase integration (local Coinbase-protocol server)', function () {
  let stub;
  let ex;
  let errs;

  beforeEach(async () => {
    stub = await CoinbaseStub.start({ heartbeatMs: 100 });
    seedBook(stub, 'BTC-USD', 30000);
    seedBook(stub, 'ETH-USD', 2000, 20, 0.5);
    errs = [];
  });

  afterEach(async () => {
    await ex?.close();
    ex = undefined;
    await stub.close();
  });

  function client(extra = {}) {
    ex = new coinbase({ ws: true, urls: stub.urls, timeoutMs: 5000, reconnect: { baseDelayMs: 20, maxDelayMs: 100 }, ...extra });
    ex.on('error', (e) => errs.push(e));
    return ex;
  }

  it('loads markets from /market/products: BTC-USD <-> BTC/USD, increments, limits and status flags', async () => {
    client();
    const markets = await ex.loadMarkets();
    const btc = markets['BTC/USD'];
    assert.strictEqual(btc.id, 'BTC-USD');
    assert.deepStrictEqual([btc.base, btc.quote, btc.type, btc.spot, btc.active], ['BTC', 'USD', 'spot', true, true]);
    assert.deepStrictEqual(btc.precision, { price: 0.01, amount: 0.00000001 });
    assert.deepStrictEqual(btc.limits, { amount: { min: 0.00000001, max: 3400 }, price: { min: 0.01 }, cost: { min: 1, max: 150000000 } });
    // cancel_only: listed but not tradable
    assert.strictEqual(markets['DOGE/EUR'].active, false);
    assert.ok(stub.requests.some((r) => r.startsWith('/api/v3/brokerage/market/products?product_type=SPOT')));
  });

  it('subscribes heartbeats first, then one channel and product per message; syncs from the l2_data snapshot and follows updates', async () => {
    client();
    const resyncs = [];
    ex.on('resync', (e) => resyncs.push(e));
    const [btc, eth] = await Promise.all([ex.fetchOrderBook('BTC/USD'), ex.fetchOrderBook('ETH/USD')]);
    assert.deepStrictEqual(sides(btc), sides(stub.truth('BTC-USD')));
    assert.deepStrictEqual(sides(eth), sides(stub.truth('ETH-USD')));
    const sent = stub.controlMessages.map((m) => `${m.type} ${m.channel} ${(m.product_ids || []).join(',')}`.trim());
    assert.deepStrictEqual(sent, ['subscribe heartbeats', 'subscribe level2 BTC-USD', 'subscribe level2 ETH-USD']);
    assert.ok(stub.controlMessages.every((m) => !('jwt' in m)), 'no JWT without a key');
    assert.strictEqual(ex.streamSocketCount, 1);

    const seen = [];
    ex.on('orderbook', 'BTC/USD', (b) => seen.push(sides(b)));
    stub.book('BTC-USD', [['29999', '0'], ['29999.5', '2.5']], [['30001', '0.75']]);
    stub.book('BTC-USD', [], [['30000.5', '1'], ['30020', '0']]);
    stub.book('BTC-USD', [['29990.00', '4']], []); // a price spelled differently from the snapshot's
    await until(() => seen.length === 3, 'three updates');
    assert.deepStrictEqual(seen[2], sides(stub.truth('BTC-USD')));
    assert.deepStrictEqual(sides(await ex.fetchOrderBook('BTC/USD')), sides(stub.truth('BTC-USD')));
    assert.deepStrictEqual(resyncs, []);
    assert.deepStrictEqual(errs, []);
  });

  it('with a CDP key, every market-data message carries a fresh JWT (no uri) that verifies with the key', async () => {
    const { generateKeyPairSync, verify } = require('crypto');
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    client({ apiKey: 'organizations/o/apiKeys/k', secret: key.privateKey.export({ type: 'sec1', format: 'pem' }) });
    await ex.fetchOrderBook('BTC/USD');
    const sent = stub.controlMessages;
    assert.deepStrictEqual(sent.map((m) => m.channel), ['heartbeats', 'level2']);
    const b64u = (x) => Buffer.from(x, 'base64url');
    const nonces = new Set();
    for (const m of sent) {
      const [h, c, sig] = m.jwt.split('.');
      const header = JSON.parse(b64u(h));
      const claims = JSON.parse(b64u(c));
      assert.deepStrictEqual([header.alg, header.kid, claims.sub, claims.iss, claims.exp - claims.nbf, 'uri' in claims], ['ES256', 'organizations/o/apiKeys/k', 'organizations/o/apiKeys/k', 'cdp', 120, false]);
      assert.ok(verify('sha256', Buffer.from(`${h}.${c}`), { key: key.publicKey, dsaEncoding: 'ieee-p1363' }, b64u(sig)));
      nonces.add(header.nonce);
    }
    assert.strictEqual(nonces.size, sent.length, 'a fresh token per message');
  });

  it('a sequence_num jump resyncs EVERY book on the connection (reason gap) by resubscribing; both end exact', async () => {
    client();
    await Promise.all([ex.fetchOrderBook('BTC/USD'), ex.fetchOrderBook('ETH/USD')]);
    const resyncs = [];
    ex.on('resync', (e) => resyncs.push(e));
    const before = stub.controlMessages.length;

    stub.skipSequence();
    // the lost message was a BTC update: the server's truth moved on without the client
    stub.book('BTC-USD', [['29999.5', '3']], []);
    await until(() => resyncs.length === 2, 'two resyncs');
    assert.deepStrictEqual(resyncs.map((r) => [r.symbol, r.reason]).sort(), [['BTC/USD', 'gap'], ['ETH/USD', 'gap']]);
    assert.match(resyncs[0].detail, /sequence_num/);
    await until(() => stub.controlMessages.length >= before + 4, 'resubscriptions');
    const sent = stub.controlMessages.slice(before).map((m) => `${m.type} ${m.channel} ${m.product_ids.join(',')}`);
    assert.deepStrictEqual(sent.sort(), ['subscribe level2 BTC-USD', 'subscribe level2 ETH-USD', 'unsubscribe level2 BTC-USD', 'unsubscribe level2 ETH-USD']);

    const [btc, eth] = await Promise.all([ex.fetchOrderBook('BTC/USD'), ex.fetchOrderBook('ETH/USD')]);
    assert.deepStrictEqual(sides(btc), sides(stub.truth('BTC-USD')));
    assert.deepStrictEqual(sides(eth), sides(stub.truth('ETH-USD')));
    const next = nextEvent(ex, 'orderbook', () => true, 'ETH/USD');
    stub.book('ETH-USD', [['1999.75', '2']], []);
    assert.deepStrictEqual(sides(await next), sides(stub.truth('ETH-USD')));
    assert.strictEqual(resyncs.length, 2);
    assert.deepStrictEqual(errs, []);
  });

  it('a crossed book is never served: it resyncs and comes back exact', async () => {
    client();
    await ex.fetchOrderBook('BTC/USD');
    const resyncs = [];
    ex.on('resync', (e) => resyncs.push(e));
    let emitted = 0;
    ex.on('orderbook', 'BTC/USD', () => emitted++);
    // a bid above the best ask: the server's own book is crossed for one message (a wrong update)
    stub.rawL2('BTC-USD', { type: 'update', product_id: 'BTC-USD', updates: [{ side: 'bid', event_time: new Date().toISOString(), price_level: '30005', new_quantity: '1' }] });
    await until(() => resyncs.length === 1, 'resync');
    assert.strictEqual(resyncs[0].symbol, 'BTC/USD');
    assert.strictEqual(resyncs[0].reason, 'crossed');
    assert.match(resyncs[0].detail, /crossed/);
    assert.strictEqual(emitted, 0, 'the crossed book was never emitted');
    const book = await ex.fetchOrderBook('BTC/USD');
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTC-USD')));
  });

  it('a dropped connection resyncs (reconnect) and starts a new sequence: the book comes back exact', async () => {
    client();
    await ex.fetchOrderBook('BTC/USD');
    const resyncs = [];
    ex.on('resync', (e) => resyncs.push(e));
    const synced = nextEvent(ex, 'orderbook', () => true, 'BTC/USD');
    stub.dropAll();
    await until(() => resyncs.length === 1, 'resync');
    assert.strictEqual(resyncs[0].reason, 'reconnect');
    await synced;
    stub.book('BTC-USD', [['29999.5', '1.5']], []);
    await until(async () => JSON.stringify(sides(await ex.fetchOrderBook('BTC/USD'))) === JSON.stringify(sides(stub.truth('BTC-USD'))), 'exact book');
    // the new connection's sequence_num restarts at 0: no false gap
    assert.deepStrictEqual(resyncs.map((r) => r.reason), ['reconnect']);
    const hb = stub.controlMessages.filter((m) => m.channel === 'heartbeats');
    assert.strictEqual(hb.length, 2, 'heartbeats subscribed again on the new connection');
  });

  it('a frame that is not JSON is reported and ignored; a malformed l2_data event resyncs its book (invalid)', async () => {
    client();
    await ex.fetchOrderBook('BTC/USD');
    const resyncs = [];
    ex.on('resync', (e) => resyncs.push(e));
    const bad = nextEvent(ex, 'error', (e) => e instanceof errors.BadResponse);
    stub.raw('{not json');
    const e1 = await bad;
    assert.strictEqual(e1.exchange, 'coinbase');
    assert.deepStrictEqual(resyncs, []);

    const bad2 = nextEvent(ex, 'error', (e) => e instanceof errors.BadResponse && e.symbol === 'BTC/USD');
    stub.rawL2('BTC-USD', { type: 'update', product_id: 'BTC-USD', updates: [{ side: 'middle', event_time: '', price_level: '1', new_quantity: '1' }] });
    await bad2;
    await until(() => resyncs.length === 1, 'resync');
    assert.strictEqual(resyncs[0].reason, 'invalid');
    assert.deepStrictEqual(sides(await ex.fetchOrderBook('BTC/USD')), sides(stub.truth('BTC-USD')));
  });

  it('a silent connection goes stale and the book resyncs once traffic resumes', async () => {
    client({ staleTimeoutMs: 400 });
    await ex.fetchOrderBook('BTC/USD');
    const resyncs = [];
    ex.on('resync', (e) => resyncs.push(e));
    stub.silence();
    await until(() => resyncs.length >= 1, 'stale resync');
    assert.strictEqual(resyncs[0].reason, 'stale');
    stub.silence(false);
    await until(async () => {
      try {
        return JSON.stringify(sides(await ex.fetchOrderBook('BTC/USD'))) === JSON.stringify(sides(stub.truth('BTC-USD')));
      } catch {
        return false;
      }
    }, 'exact book after stale');
  });

  it('heartbeats keep a quiet connection alive: no stale resync while only heartbeats arrive', async () => {
    client({ staleTimeoutMs: 400 });
    await ex.fetchOrderBook('BTC/USD');
    const resyncs = [];
    ex.on('resync', (e) => resyncs.push(e));
    const start = stub.controlMessages.length;
    // ten heartbeats (100 ms apart: 2.5 stale windows) with no book traffic at all
    const beats = stub.heartbeatsSent;
    await until(() => stub.heartbeatsSent >= beats + 10, 'ten heartbeats');
    assert.deepStrictEqual(resyncs, []);
    assert.strictEqual(stub.controlMessages.length, start);
  });

  it('streams the ticker, market_trades (taker side = the inverse of the maker side) and 5-minute candles', async () => {
    client();
    stub.ticker('BTC-USD', { price: '30010', volume_24_h: '1234.5', low_24_h: '29000', high_24_h: '31000', price_percent_chg_24_h: '5', best_bid: '30009', best_bid_quantity: '1.5', best_ask: '30011', best_ask_quantity: '2' });
    const t = await ex.fetchTicker('BTC/USD');
    assert.deepStrictEqual([t.symbol, t.last, t.bid, t.bidVolume, t.ask, t.askVolume, t.high, t.low, t.baseVolume, t.percentage], ['BTC/USD', 30010, 30009, 1.5, 30011, 2, 31000, 29000, 1234.5, 5]);
    assert.ok(Math.abs(t.open - 30010 / 1.05) < 1e-9);

    const it = ex.watchTrades('BTC/USD');
    const first = it.next();
    await until(() => stub.subscribers('market_trades', 'BTC-USD').length === 1, 'market_trades subscription');
    stub.trade('BTC-USD', [
      { price: '30000', size: '0.1', side: 'BUY', time: 1700000000000 },
      { price: '30001', size: '0.2', side: 'SELL', time: 1700000000001 },
    ]);
    const got = (await first).value;
    assert.deepStrictEqual(got.map((x) => [x.price, x.amount, x.side, x.timestamp]), [
      [30000, 0.1, 'sell', 1700000000000],
      [30001, 0.2, 'buy', 1700000000001],
    ]);

    const c = ex.watchOHLCV('BTC/USD', '5m');
    const cn = c.next();
    await until(() => stub.subscribers('candles', 'BTC-USD').length === 1, 'candles subscription');
    stub.candle('BTC-USD', { start: 1700000100, open: 1, high: 3, low: 0.5, close: 2, volume: 10 });
    const rows = (await cn).value;
    assert.deepStrictEqual(rows[rows.length - 1], [1700000100000, 1, 3, 0.5, 2, 10]);
    assert.deepStrictEqual(errs, []);
  });

  it('a refused subscription fails only its topic with a typed error naming the symbol', async () => {
    client();
    await ex.fetchOrderBook('BTC/USD');
    stub.refuse = (channel) => (channel === 'ticker' ? 'Failed to subscribe: product BTC-USD is invalid for ticker' : undefined);
    await assert.rejects(ex.fetchTicker('BTC/USD'), (e) => e instanceof errors.BadSymbol && e.symbol === 'BTC/USD' && /SUBSCRIBE ticker:BTC-USD/.test(e.message));
  });

  it('REST: book, ticker, trades, candles with ws: false; unknown symbols fail before any request; errors are typed', async () => {
    client({ ws: false });
    await ex.loadMarkets();
    const n = stub.requests.length;
    await assert.rejects(ex.fetchOrderBook('NOPE/USD'), errors.BadSymbol);
    assert.strictEqual(stub.requests.length, n, 'no request for an unknown symbol');

    const book = await ex.fetchOrderBook('BTC/USD', 5);
    const truth = stub.truth('BTC-USD');
    assert.deepStrictEqual(sides(book), { bids: truth.bids.slice(0, 5), asks: truth.asks.slice(0, 5) });
    assert.ok(stub.requests.includes('/api/v3/brokerage/market/product_book?product_id=BTC-USD&limit=5'));

    stub.ticker('ETH-USD', { price: '2100', volume_24_h: '50', price_percent_chg_24_h: '-2' });
    stub.trade('ETH-USD', [{ price: '2100', size: '1', side: 'SELL', time: 1700000000000 }]);
    const t = await ex.fetchTicker('ETH/USD');
    assert.deepStrictEqual([t.last, t.baseVolume, t.percentage, t.bid, t.bidVolume, t.ask, t.askVolume], [2100, 50, -2, 1999.5, 0.1, 2000.5, 0.1]);
    assert.ok(stub.requests.includes('/api/v3/brokerage/market/product_book?product_id=ETH-USD&limit=1'));

    stub.trade('ETH-USD', [{ price: '2101', size: '2', side: 'BUY', time: 1700000000500 }]);
    const trades = await ex.fetchTrades('ETH/USD');
    assert.deepStrictEqual(trades.map((x) => [x.price, x.side]), [[2100, 'buy'], [2101, 'sell']]);

    stub.candle('ETH-USD', { start: 1700000000, open: 1, high: 2, low: 1, close: 2, volume: 3 }, 'ONE_HOUR');
    stub.candle('ETH-USD', { start: 1700003600, open: 2, high: 4, low: 2, close: 3, volume: 5 }, 'ONE_HOUR');
    const candles = await ex.fetchOHLCV('ETH/USD', '1h');
    assert.deepStrictEqual(candles, [[1700000000000, 1, 2, 1, 2, 3], [1700003600000, 2, 4, 2, 3, 5]]);
    assert.ok(stub.requests.some((r) => /\/candles\?start=\d+&end=\d+&granularity=ONE_HOUR/.test(r)));

    // a product the exchange no longer knows: 404 NOT_FOUND "ProductID is invalid" -> BadSymbol
    stub.products = stub.products.filter((p) => p.product_id !== 'ETH-USD');
    await assert.rejects(ex.fetchOrderBook('ETH/USD'), (e) => e instanceof errors.BadSymbol && e.symbol === 'ETH/USD' && e.status === 404);
  });

  it('never sends more than 8 messages in any second (the unauthenticated message limit)', async () => {
    client();
    const ids = ['BTC/USD', 'ETH/USD'];
    // 2 books + 2 tickers + 2 trades + 2 candles + heartbeats = 9 subscribe messages
    const offs = [];
    for (const s of ids) {
      offs.push(ex.on('orderbook', s, () => {}));
      offs.push(ex.on('ticker', s, () => {}));
      offs.push(ex.on('trades', s, () => {}));
      offs.push(ex.on('ohlcv', s, () => {}, { timeframe: '5m' }));
    }
    await until(() => stub.controlMessages.length === 9, 'nine subscriptions');
    const times = stub.messageTimes;
    for (let i = 0; i < times.length; i++) {
      const inWindow = times.filter((t) => t >= times[i] && t < times[i] + 1000).length;
      assert.ok(inWindow <= 8, `${inWindow} messages within one second`);
    }
    assert.ok(stub.controlMessages.every((m) => m.type === 'subscribe' && (m.channel === 'heartbeats' || m.product_ids.length === 1)));
    for (const off of offs) off();
  });
});
