'use strict';
/**
 * The OKX simulator's public REST against the documented shapes (protocols.md §3 "REST market
 * endpoints"; the instruments capture cryptofeed OKX.0, test/fixtures/cryptofeed/OKX.0.SPOT.gz; docs-v5 error codes):
 * the `{"code":"0","msg":"","data":[...]}` envelope with string numbers, instruments, books,
 * ticker(s), trades, candles, time, errors 50014 / 51000 / 51001 and the rate-limit fault (50011).
 */
const assert = require('assert');
const { simulate } = require('../js/sim');
const { until } = require('./support/wait');
const { fetchJson } = require('./support/http');

const NUM = /^\d+(\.\d*[1-9])?$/;

describe('okx simulator: REST /api/v5', function () {
  let sim;

  before(async () => {
    sim = await simulate('okx', { seed: 5, tickMs: 5 });
    await until(async () => (await get('/api/v5/market/trades?instId=BTC-USDT')).body.data.length >= 10, '10 trades');
  });

  after(async () => {
    await sim.close();
  });

  const get = (path) => fetchJson(`${sim.urls.rest}${path}`);

  it('lists SPOT instruments with OKX\'s fields', async () => {
    const { status, body } = await get('/api/v5/public/instruments?instType=SPOT');
    assert.strictEqual(status, 200);
    assert.strictEqual(body.code, '0');
    assert.strictEqual(body.msg, '');
    assert.deepStrictEqual(body.data.map((i) => i.instId), ['BTC-USDT', 'ETH-USDT']);
    const btc = body.data[0];
    assert.strictEqual(btc.instType, 'SPOT');
    assert.strictEqual(btc.baseCcy, 'BTC');
    assert.strictEqual(btc.quoteCcy, 'USDT');
    assert.strictEqual(btc.tickSz, '0.1');
    assert.strictEqual(btc.lotSz, '0.00000001');
    assert.strictEqual(btc.minSz, '0.00001');
    assert.strictEqual(btc.state, 'live');
    assert.ok(Number.isInteger(btc.instIdCode));
    for (const k of ['maxLmtSz', 'maxMktSz', 'listTime', 'ctVal', 'uly']) assert.strictEqual(typeof btc[k], 'string', k);
    const one = await get('/api/v5/public/instruments?instType=SPOT&instId=ETH-USDT');
    assert.deepStrictEqual(one.body.data.map((i) => i.instId), ['ETH-USDT']);
    assert.deepStrictEqual((await get('/api/v5/public/instruments?instType=SWAP')).body.data, []);
  });

  it('answers with OKX error codes and HTTP statuses', async () => {
    const missing = await get('/api/v5/public/instruments');
    assert.strictEqual(missing.status, 400);
    assert.deepStrictEqual(missing.body, { code: '50014', msg: 'Parameter instType can not be empty.', data: [] });
    const badType = await get('/api/v5/public/instruments?instType=FOO');
    assert.strictEqual(badType.status, 400);
    assert.strictEqual(badType.body.code, '51000');
    const unknown = await get('/api/v5/market/books?instId=FOO-BAR');
    assert.strictEqual(unknown.status, 200);
    assert.strictEqual(unknown.body.code, '51001');
    assert.deepStrictEqual(unknown.body.data, []);
    const noInst = await get('/api/v5/market/ticker');
    assert.strictEqual(noInst.body.code, '50014');
    const badBar = await get('/api/v5/market/candles?instId=BTC-USDT&bar=7m');
    assert.strictEqual(badBar.body.code, '51000');
  });

  it('serves books as [px, sz, "0", count] strings (default 1 level, at most 400)', async () => {
    sim.pause();
    try {
      const one = (await get('/api/v5/market/books?instId=BTC-USDT')).body.data[0];
      assert.strictEqual(one.bids.length, 1);
      assert.strictEqual(one.asks.length, 1);
      assert.match(one.ts, /^\d{13}$/);
      const { body } = await get('/api/v5/market/books?instId=BTC-USDT&sz=400');
      const b = body.data[0];
      const truth = sim.book('BTC-USDT');
      assert.deepStrictEqual(b.bids.map(([p, s]) => [Number(p), Number(s)]), truth.bids.slice(0, 400));
      assert.deepStrictEqual(b.asks.map(([p, s]) => [Number(p), Number(s)]), truth.asks.slice(0, 400));
      for (const [p, s, zero, n] of [...b.bids, ...b.asks]) {
        assert.match(p, NUM, 'no trailing zeros');
        assert.match(s, NUM);
        assert.strictEqual(zero, '0');
        assert.ok(Number(n) >= 1);
      }
      const full = (await get('/api/v5/market/books-full?instId=BTC-USDT&sz=3')).body.data[0];
      assert.strictEqual(full.bids[0].length, 3);
    } finally {
      sim.resume();
    }
  });

  it('serves ticker and tickers', async () => {
    sim.pause();
    try {
      const t = (await get('/api/v5/market/ticker?instId=BTC-USDT')).body.data[0];
      assert.deepStrictEqual(Object.keys(t), [
        'instType', 'instId', 'last', 'lastSz', 'askPx', 'askSz', 'bidPx', 'bidSz', 'open24h', 'high24h', 'low24h',
        'volCcy24h', 'vol24h', 'ts', 'sodUtc0', 'sodUtc8',
      ]);
      const truth = sim.book('BTC/USDT');
      assert.strictEqual(Number(t.bidPx), truth.bids[0][0]);
      assert.strictEqual(Number(t.askSz), truth.asks[0][1]);
      assert.ok(Number(t.low24h) <= Number(t.last) && Number(t.last) <= Number(t.high24h));
      assert.ok(Number(t.vol24h) > 0 && Number(t.volCcy24h) > 0);
      const all = (await get('/api/v5/market/tickers?instType=SPOT')).body.data;
      assert.deepStrictEqual(all.map((x) => x.instId), ['BTC-USDT', 'ETH-USDT']);
    } finally {
      sim.resume();
    }
  });

  it('serves trades newest first', async () => {
    const { body } = await get('/api/v5/market/trades?instId=BTC-USDT&limit=5');
    assert.strictEqual(body.data.length, 5);
    for (const t of body.data) {
      assert.deepStrictEqual(Object.keys(t), ['instId', 'side', 'sz', 'px', 'source', 'tradeId', 'ts']);
      assert.ok(t.side === 'buy' || t.side === 'sell');
      assert.match(t.px, NUM);
    }
    const ids = body.data.map((t) => Number(t.tradeId));
    assert.deepStrictEqual(ids, [...ids].sort((a, b) => b - a));
  });

  it('serves candles newest first, the running one unconfirmed', async () => {
    const { body } = await get('/api/v5/market/candles?instId=BTC-USDT&bar=1m&limit=3');
    const rows = body.data;
    assert.ok(rows.length >= 1);
    const [ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm] = rows[0];
    assert.strictEqual(Number(ts) % 60_000, 0);
    assert.ok(Number(l) <= Number(o) && Number(o) <= Number(h) && Number(l) <= Number(c) && Number(c) <= Number(h));
    assert.match(vol, NUM);
    assert.strictEqual(volCcy, volCcyQuote);
    assert.strictEqual(confirm, '0');
    for (let i = 1; i < rows.length; i++) {
      assert.ok(Number(rows[i][0]) < Number(rows[i - 1][0]));
      assert.strictEqual(rows[i][8], '1');
    }
    const day = (await get('/api/v5/market/candles?instId=BTC-USDT&bar=1D')).body.data[0];
    assert.strictEqual((Number(day[0]) + 8 * 3600_000) % 86_400_000, 0, '1D is aligned to Hong Kong midnight');
    const dayUtc = (await get('/api/v5/market/candles?instId=BTC-USDT&bar=1Dutc')).body.data[0];
    assert.strictEqual(Number(dayUtc[0]) % 86_400_000, 0);
  });

  it('tells the time', async () => {
    const { body } = await get('/api/v5/public/time');
    assert.ok(Math.abs(Number(body.data[0].ts) - Date.now()) < 5000);
  });

  it('rate-limits REST on demand with 50011 and HTTP 429', async () => {
    sim.faults.rateLimit({ count: 1, retryAfterSec: 2 });
    const r = await get('/api/v5/public/time');
    assert.strictEqual(r.status, 429);
    assert.strictEqual(r.headers.get('retry-after'), '2');
    assert.strictEqual(r.body.code, '50011');
    assert.strictEqual((await get('/api/v5/public/time')).status, 200);
  });
});
