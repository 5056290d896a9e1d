'use strict';
/**
 * The Kraken simulator's public REST against the documented shapes (krakenfx/api-specs
 * spot-rest/openapi_v3.yaml and its examples; protocols.md §2 "REST market endpoints"): the
 * `{"error":[],"result":{}}` envelope, pair spellings, AssetPairs fields, Depth / Ticker / Trades /
 * OHLC / Time, Kraken error strings, and the rate-limit fault.
 */
const assert = require('assert');
const { simulate } = require('../js/sim');
const { until } = require('./support/wait');
const { fetchJson } = require('./support/http');

describe('kraken simulator: REST /0/public', function () {
  let sim;

  before(async () => {
    sim = await simulate('kraken', { seed: 3, tickMs: 5 });
    // let the flow trade for a while, then freeze it so replies can be compared with the truth
    await until(async () => (await get('/0/public/Trades?pair=XBTUSD')).body.result.XXBTZUSD.length >= 10, '10 trades');
  });

  after(async () => {
    await sim.close();
  });

  const get = (path) => fetchJson(`${sim.urls.rest}${path}`);

  it('lists asset pairs with Kraken\'s fields and names', async () => {
    const { status, body } = await get('/0/public/AssetPairs');
    assert.strictEqual(status, 200);
    assert.deepStrictEqual(body.error, []);
    assert.deepStrictEqual(Object.keys(body.result), ['XXBTZUSD', 'XETHZUSD']);
    const p = body.result.XXBTZUSD;
    for (const k of ['altname', 'wsname', 'aclass_base', 'base', 'aclass_quote', 'quote', 'lot', 'cost_decimals', 'pair_decimals',
      'lot_decimals', 'lot_multiplier', 'leverage_buy', 'leverage_sell', 'fees', 'fees_maker', 'fee_volume_currency', 'margin_call',
      'margin_stop', 'ordermin', 'costmin', 'tick_size', 'status']) {
      assert.ok(k in p, `field ${k}`);
    }
    assert.strictEqual(p.altname, 'XBTUSD');
    assert.strictEqual(p.wsname, 'XBT/USD');
    assert.strictEqual(p.base, 'XXBT');
    assert.strictEqual(p.quote, 'ZUSD');
    assert.strictEqual(p.pair_decimals, 1);
    assert.strictEqual(p.lot_decimals, 8);
    assert.strictEqual(p.cost_decimals, 5);
    assert.strictEqual(p.ordermin, '0.0001');
    assert.strictEqual(p.costmin, '0.5');
    assert.strictEqual(p.tick_size, '0.1');
    assert.strictEqual(p.status, 'online');
    assert.strictEqual(body.result.XETHZUSD.wsname, 'ETH/USD');
    assert.strictEqual(body.result.XETHZUSD.pair_decimals, 2);
  });

  it('accepts every spelling of a pair and keys results by the pair key', async () => {
    for (const name of ['XXBTZUSD', 'XBTUSD', 'XBT/USD', 'BTC/USD', 'BTCUSD']) {
      const { body } = await get(`/0/public/AssetPairs?pair=${encodeURIComponent(name)}`);
      assert.deepStrictEqual(Object.keys(body.result), ['XXBTZUSD'], name);
    }
    const { body } = await get('/0/public/AssetPairs?pair=XBTUSD,ETHUSD&info=leverage');
    assert.deepStrictEqual(body.result.XETHZUSD, { leverage_buy: [2, 3, 4, 5], leverage_sell: [2, 3, 4, 5] });
  });

  it('answers unknown pairs and bad arguments with Kraken error strings in the envelope', async () => {
    for (const path of ['/0/public/Depth?pair=FOOBAR', '/0/public/Ticker?pair=XBTUSD,NOPE', '/0/public/AssetPairs?pair=XBT/EUR']) {
      const { status, body } = await get(path);
      assert.strictEqual(status, 200, path);
      assert.deepStrictEqual(body, { error: ['EQuery:Unknown asset pair'], result: {} }, path);
    }
    const missing = await get('/0/public/Depth');
    assert.deepStrictEqual(missing.body.error, ['EGeneral:Invalid arguments']);
    const interval = await get('/0/public/OHLC?pair=XBTUSD&interval=7');
    assert.match(interval.body.error[0], /^EGeneral:Invalid arguments/);
  });

  it('serves Depth as [price, volume, timestamp] strings consistent with the book', async () => {
    sim.pause();
    try {
      const { body } = await get('/0/public/Depth?pair=XBTUSD&count=5');
      const d = body.result.XXBTZUSD;
      assert.strictEqual(d.bids.length, 5);
      assert.strictEqual(d.asks.length, 5);
      for (const [price, volume, ts] of [...d.bids, ...d.asks]) {
        assert.match(price, /^\d+\.\d{5}$/, 'price printed with 5 decimals like "30384.10000"');
        assert.match(volume, /^\d+\.\d{3,8}$/);
        assert.ok(Number.isInteger(ts) && Math.abs(ts - Date.now() / 1000) < 3600);
      }
      const truth = sim.book('BTC/USD');
      assert.deepStrictEqual(d.bids.map(([p, v]) => [Number(p), Number(v)]), truth.bids.slice(0, 5));
      assert.deepStrictEqual(d.asks.map(([p, v]) => [Number(p), Number(v)]), truth.asks.slice(0, 5));
      const def = (await get('/0/public/Depth?pair=BTC/USD')).body.result.XXBTZUSD;
      assert.strictEqual(def.bids.length, 100, 'count defaults to 100');
    } finally {
      sim.resume();
    }
  });

  it('serves Ticker with a, b, c, v, p, t, l, h, o', async () => {
    sim.pause();
    try {
      const { body } = await get('/0/public/Ticker?pair=XBTUSD');
      const t = body.result.XXBTZUSD;
      assert.deepStrictEqual(Object.keys(t), ['a', 'b', 'c', 'v', 'p', 't', 'l', 'h', 'o']);
      const truth = sim.book('BTC/USD');
      assert.strictEqual(Number(t.a[0]), truth.asks[0][0]);
      assert.strictEqual(Number(t.b[0]), truth.bids[0][0]);
      assert.strictEqual(Number(t.a[2]), truth.asks[0][1]);
      assert.match(t.a[1], /^\d+$/, 'whole lot volume');
      assert.strictEqual(t.v.length, 2);
      assert.ok(Number.isInteger(t.t[1]) && t.t[1] > 0);
      assert.ok(Number(t.l[1]) <= Number(t.c[0]) && Number(t.c[0]) <= Number(t.h[1]));
      assert.strictEqual(typeof t.o, 'string');
      const all = await get('/0/public/Ticker');
      assert.deepStrictEqual(Object.keys(all.body.result), ['XXBTZUSD', 'XETHZUSD']);
    } finally {
      sim.resume();
    }
  });

  it('serves Trades oldest first with a since cursor', async () => {
    const first = (await get('/0/public/Trades?pair=XBTUSD&count=5')).body.result;
    assert.strictEqual(first.XXBTZUSD.length, 5);
    for (const row of first.XXBTZUSD) {
      assert.strictEqual(row.length, 7);
      const [price, volume, time, side, type, misc, id] = row;
      assert.match(price, /^\d+\.\d{5}$/);
      assert.match(volume, /^\d+\.\d{8}$/);
      assert.strictEqual(typeof time, 'number');
      assert.ok(side === 'b' || side === 's');
      assert.ok(type === 'm' || type === 'l');
      assert.strictEqual(misc, '');
      assert.ok(Number.isInteger(id));
    }
    const ids = first.XXBTZUSD.map((r) => r[6]);
    assert.deepStrictEqual(ids, [...ids].sort((a, b) => a - b));
    assert.match(first.last, /^\d{19}$/, 'nanosecond cursor');
    let later;
    do later = (await get(`/0/public/Trades?pair=XBTUSD&since=${first.last}`)).body.result;
    while (later.XXBTZUSD.length === 0);
    assert.ok(later.XXBTZUSD.every((r) => r[6] > ids[ids.length - 1]), 'only trades after the cursor');
  });

  it('serves OHLC rows aligned to the interval, with last', async () => {
    const { body } = await get('/0/public/OHLC?pair=XBTUSD&interval=5');
    const rows = body.result.XXBTZUSD;
    assert.ok(rows.length >= 1);
    for (const [time, o, h, l, c, vwap, volume, count] of rows) {
      assert.strictEqual(time % 300, 0);
      assert.match(o, /^\d+\.\d$/, 'pair precision');
      assert.ok(Number(l) <= Number(o) && Number(o) <= Number(h) && Number(l) <= Number(c) && Number(c) <= Number(h));
      assert.ok(Number(vwap) >= Number(l) && Number(vwap) <= Number(h));
      assert.match(volume, /^\d+\.\d{8}$/);
      assert.ok(Number.isInteger(count));
    }
    assert.ok(Number.isInteger(body.result.last));
  });

  it('tells the time', async () => {
    const { body } = await get('/0/public/Time');
    assert.ok(Math.abs(body.result.unixtime - Date.now() / 1000) < 5);
    assert.match(body.result.rfc1123, /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d \+0000$/);
  });

  it('rate-limits REST on demand with EGeneral:Too many requests and Retry-After', async () => {
    sim.faults.rateLimit({ count: 2, retryAfterSec: 3 });
    for (let i = 0; i < 2; i++) {
      const r = await get('/0/public/Time');
      assert.strictEqual(r.status, 429);
      assert.strictEqual(r.headers.get('retry-after'), '3');
      assert.deepStrictEqual(r.body, { error: ['EGeneral:Too many requests'], result: {} });
    }
    assert.strictEqual((await get('/0/public/Time')).status, 200);
    sim.faults.rateLimit({ status: 200 });
    const inEnvelope = await get('/0/public/Time');
    assert.strictEqual(inEnvelope.status, 200);
    assert.deepStrictEqual(inEnvelope.body.error, ['EGeneral:Too many requests']);
  });
});
