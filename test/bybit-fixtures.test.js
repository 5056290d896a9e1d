'use strict';
/**
 * Bybit v5 books against the real capture nautilus_trader/bybit_xrpusdt_ob500.data.gz (one
 * `orderbook.500.XRPUSDT` snapshot, 500 levels a side, then 49 deltas; see
 * test/fixtures/README.md), rebuilt through the adapter's real code: every frame goes through
 * js/exchanges/bybit/decode.js into a FrameSink that feeds BookSync with the adapter's sequence
 * rule and integrity check. At every `u` the book equals an independent replay of the capture
 * (a Map per side, written here from Bybit's documented rules: the snapshot replaces, deltas
 * upsert, size "0" deletes). Plus the documented rules the capture does not exercise: `u: 1`
 * restarts, a lost or out-of-order `u`, a crossed book, and the frame shapes of Bybit's docs.
 */
const assert = require('assert');
const { OrderBook } = require('../js/book/orderbook');
const { BookSync, notCrossed } = require('../js/book/sync');
const { decodeFrame } = require('../js/exchanges/bybit/decode');
const { bookRule } = require('../js/exchanges/bybit/parse');
const { parseMarkets } = require('../js/exchanges/bybit/markets');
const { errors } = require('..');
const { readFixture } = require('./support/fixtures');

/** A FrameSink that records what the decoder reported; books go to `onBook`. */
function recordingSink(symbols, onBook = {}) {
  const out = { snapshots: [], deltas: [], tickers: [], trades: [], candles: [], acks: [], refused: [], malformed: [] };
  const sink = {
    symbolOf: (s) => symbols[s],
    bookNonce: () => undefined,
    bookSnapshot: (s, x) => (onBook.snapshot ? onBook.snapshot(s, x) : out.snapshots.push([s, x])),
    bookDelta: (s, x) => (onBook.delta ? onBook.delta(s, x) : out.deltas.push([s, x])),
    ticker: (s, t) => out.tickers.push([s, t]),
    trades: (s, l) => out.trades.push([s, l]),
    candle: (s, c) => out.candles.push([s, c]),
    describe: (id) => (id === undefined ? undefined : `subscribe #${id}`),
    ack: (id) => out.acks.push(id),
    refused: (id, err) => out.refused.push([id, err]),
    error: (err) => out.refused.push([undefined, err]),
    reconnect: () => {},
    malformed: (s, what) => out.malformed.push([s, what]),
  };
  return { sink, out };
}

/** The independent replay: price string -> size string, per side. */
class Replay {
  constructor() {
    this.b = new Map();
    this.a = new Map();
  }
  frame(m) {
    if (m.type === 'snapshot' || m.data.u === 1) {
      this.b.clear();
      this.a.clear();
    }
    for (const side of ['b', 'a']) {
      for (const [px, sz] of m.data[side]) {
        if (Number(sz) === 0) this[side].delete(Number(px));
        else this[side].set(Number(px), Number(sz));
      }
    }
  }
  sides() {
    const sorted = (m, desc) => [...m.entries()].sort((x, y) => (desc ? y[0] - x[0] : x[0] - y[0]));
    return { bids: sorted(this.b, true), asks: sorted(this.a, false) };
  }
}

describe('bybit fixtures: orderbook.500.XRPUSDT (nautilus_trader capture)', () => {
  let lines;

  before(() => {
    lines = readFixture('nautilus_trader/bybit_xrpusdt_ob500.data.gz').split('\n').filter(Boolean);
  });

  it('holds one snapshot of 500 levels a side and 49 deltas whose u is contiguous', () => {
    const frames = lines.map((l) => JSON.parse(l));
    assert.strictEqual(frames.length, 50);
    assert.strictEqual(frames[0].type, 'snapshot');
    assert.strictEqual(frames[0].data.b.length, 500);
    assert.strictEqual(frames[0].data.a.length, 500);
    for (let i = 1; i < frames.length; i++) {
      assert.strictEqual(frames[i].type, 'delta');
      assert.strictEqual(frames[i].data.u, frames[i - 1].data.u + 1, `frame ${i}`);
    }
  });

  it('rebuilds the book through the adapter: equal to the replay at every u, never a resync', () => {
    const stream = 'orderbook.500.XRPUSDT';
    const book = new OrderBook('XRP/USDT');
    const sync = new BookSync(book, bookRule(), { verify: notCrossed, maxDepth: 500 });
    const results = [];
    const { sink, out } = recordingSink(
      { [stream]: 'XRP/USDT' },
      { snapshot: (s, x) => results.push(sync.onSnapshot(x)), delta: (s, x) => results.push(sync.onDelta(x)) },
    );
    const replay = new Replay();
    let compared = 0;
    for (const line of lines) {
      decodeFrame(line, sink);
      const m = JSON.parse(line);
      replay.frame(m);
      assert.strictEqual(sync.state, 'synced', `u=${m.data.u}: ${JSON.stringify(results[results.length - 1])}`);
      assert.strictEqual(book.nonce, m.data.u);
      assert.strictEqual(book.timestamp, m.ts);
      const truth = replay.sides();
      // the capture's book never grows past the topic's 500 levels, so truncation changes nothing
      assert.ok(truth.bids.length <= 500 && truth.asks.length <= 500);
      assert.deepStrictEqual({ bids: book.bids, asks: book.asks }, truth, `u=${m.data.u}`);
      compared++;
    }
    assert.strictEqual(compared, 50);
    assert.deepStrictEqual(out.malformed, []);
    assert.deepStrictEqual(results.map((r) => r.kind), ['synced', ...Array(49).fill('applied')]);
    // the final state really moved away from the snapshot
    const first = JSON.parse(lines[0]).data;
    assert.notDeepStrictEqual(book.bids[0], [Number(first.b[0][0]), Number(first.b[0][1])]);
  });
});

describe('bybit book rules (documented, beyond the capture)', () => {
  const stream = 'orderbook.50.BTCUSDT';
  const frame = (type, u, b, a, ts = 1000 + u) => JSON.stringify({ topic: stream, ts, type, data: { s: 'BTCUSDT', b, a, u, seq: 7000 + u }, cts: ts - 2 });

  function harness(strict = true) {
    const book = new OrderBook('BTC/USDT');
    const sync = new BookSync(book, bookRule(strict), { verify: notCrossed, maxDepth: 50 });
    const results = [];
    const { sink, out } = recordingSink(
      { [stream]: 'BTC/USDT' },
      { snapshot: (s, x) => results.push(sync.onSnapshot(x)), delta: (s, x) => results.push(sync.onDelta(x)) },
    );
    return { book, sync, results, out, feed: (t) => decodeFrame(t, sink), last: () => results[results.length - 1] };
  }

  it('a snapshot replaces the book; a delta upserts and size "0" deletes', () => {
    const h = harness();
    h.feed(frame('snapshot', 100, [['99', '1'], ['98', '2']], [['101', '1']]));
    h.feed(frame('delta', 101, [['99', '0'], ['97.5', '3']], [['101', '4'], ['102', '1']]));
    assert.deepStrictEqual(h.book.bids, [[98, 2], [97.5, 3]]);
    assert.deepStrictEqual(h.book.asks, [[101, 4], [102, 1]]);
    h.feed(frame('snapshot', 500, [['90', '1']], [['110', '1']]));
    assert.strictEqual(h.last().kind, 'synced');
    assert.deepStrictEqual(h.book.bids, [[90, 1]]);
    assert.strictEqual(h.book.nonce, 500);
  });

  it('u: 1 is a service restart: the push replaces the book even when typed delta', () => {
    const h = harness();
    h.feed(frame('snapshot', 100, [['99', '1']], [['101', '1']]));
    h.feed(frame('delta', 1, [['50', '5']], [['60', '6']]));
    assert.strictEqual(h.last().kind, 'synced');
    assert.deepStrictEqual(h.book.bids, [[50, 5]]);
    assert.deepStrictEqual(h.book.asks, [[60, 6]]);
    h.feed(frame('delta', 2, [['51', '1']], []));
    assert.strictEqual(h.last().kind, 'applied');
    assert.strictEqual(h.book.nonce, 2);
  });

  it('a lost update (u jumps) is a gap naming the missing u', () => {
    const h = harness();
    h.feed(frame('snapshot', 100, [['99', '1']], [['101', '1']]));
    h.feed(frame('delta', 102, [['98', '1']], []));
    assert.strictEqual(h.last().kind, 'gap');
    assert.match(h.last().detail, /expected u=101, got u=102/);
    assert.strictEqual(h.sync.state, 'waiting');
    assert.deepStrictEqual(h.book.bids, []);
  });

  it('an out-of-order u is a gap named so, also when ids only need to grow', () => {
    for (const strict of [true, false]) {
      const h = harness(strict);
      h.feed(frame('snapshot', 100, [['99', '1']], [['101', '1']]));
      h.feed(frame('delta', 101, [['98', '1']], []));
      h.feed(frame('delta', 101, [['97', '1']], []));
      assert.strictEqual(h.last().kind, 'gap');
      assert.match(h.last().detail, /out-of-order u: got u=101 after u=101/);
    }
    // ids that skip are accepted only with strict: false
    const loose = harness(false);
    loose.feed(frame('snapshot', 100, [['99', '1']], [['101', '1']]));
    loose.feed(frame('delta', 105, [['98', '1']], []));
    assert.strictEqual(loose.last().kind, 'applied');
  });

  it('a crossed book (best bid >= best ask) is never kept: the integrity check fails it', () => {
    const h = harness();
    h.feed(frame('snapshot', 100, [['99', '1']], [['101', '1']]));
    h.feed(frame('delta', 101, [['101', '2']], []));
    assert.strictEqual(h.last().kind, 'crossed');
    assert.match(h.last().detail, /crossed book: best bid 101 >= best ask 101/);
    assert.strictEqual(h.sync.state, 'waiting');
  });

  it('a malformed book push is reported, never applied', () => {
    const h = harness();
    h.feed(frame('snapshot', 100, [['99', '1']], [['101', '1']]));
    h.feed(JSON.stringify({ topic: stream, ts: 1, type: 'delta', data: { s: 'BTCUSDT', b: [['x', '1']], a: [], u: 101 } }));
    h.feed(JSON.stringify({ topic: stream, ts: 1, type: 'delta', data: { s: 'BTCUSDT', b: [], a: [], u: 'nope' } }));
    assert.strictEqual(h.out.malformed.length, 2);
    assert.strictEqual(h.book.nonce, 100);
    assert.deepStrictEqual(h.book.bids, [[99, 1]]);
  });
});

describe('bybit frames (shapes of Bybit v5 docs, protocols.md §4)', () => {
  it('acks and refusals by req_id; a pong is neither', () => {
    const { sink, out } = recordingSink({});
    decodeFrame('{"success":true,"ret_msg":"subscribe","conn_id":"2324d924","req_id":"7","op":"subscribe"}', sink);
    decodeFrame('{"success":true,"ret_msg":"pong","conn_id":"0970e817","op":"ping"}', sink);
    decodeFrame('{"success":false,"ret_msg":"error:handler not found,topic:orderbook.500.BTCUSDT","conn_id":"x","req_id":"8","op":"subscribe"}', sink);
    decodeFrame('{"success":false,"ret_msg":"args size >10","op":"subscribe","req_id":"9"}', sink);
    assert.deepStrictEqual(out.acks, [7]);
    assert.strictEqual(out.refused.length, 2);
    assert.strictEqual(out.refused[0][0], 8);
    assert.ok(out.refused[0][1] instanceof errors.BadSymbol);
    assert.match(out.refused[0][1].message, /subscribe #8 failed: error:handler not found,topic:orderbook.500.BTCUSDT/);
    assert.ok(out.refused[1][1] instanceof errors.BadRequest);
    assert.ok(!(out.refused[1][1] instanceof errors.BadSymbol));
  });

  it('tickers, publicTrade (several trades a push, taker side) and kline', () => {
    const syms = { 'tickers.BTCUSDT': 'BTC/USDT', 'publicTrade.BTCUSDT': 'BTC/USDT', 'kline.5.BTCUSDT': 'BTC/USDT' };
    const { sink, out } = recordingSink(syms);
    decodeFrame(
      '{"topic":"tickers.BTCUSDT","ts":1673853746003,"type":"snapshot","cs":2588407389,"data":{"symbol":"BTCUSDT","lastPrice":"21109.77","highPrice24h":"21426.99","lowPrice24h":"20575","prevPrice24h":"20704.93","volume24h":"6780.866843","turnover24h":"141946527.22907118","price24hPcnt":"0.0196","usdIndexPrice":"21120.2400136"}}',
      sink,
    );
    decodeFrame(
      '{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1672304486868,"data":[{"T":1672304486865,"s":"BTCUSDT","S":"Buy","v":"0.001","p":"16578.50","L":"PlusTick","i":"20f43950-d8dd-5b31-9112-a178eb6023af","BT":false,"seq":1783284617},{"T":1672304486866,"s":"BTCUSDT","S":"Sell","v":"0.5","p":"16578.00","L":"MinusTick","i":"20f43950-d8dd-5b31-9112-a178eb6023b0","BT":false,"seq":1783284617}]}',
      sink,
    );
    decodeFrame(
      '{"topic":"kline.5.BTCUSDT","data":[{"start":1672324800000,"end":1672325099999,"interval":"5","open":"16649.5","close":"16677","high":"16677","low":"16608","volume":"2.081","turnover":"34666.4005","confirm":false,"timestamp":1672324988882}],"ts":1672324988882,"type":"snapshot"}',
      sink,
    );
    decodeFrame('{"topic":"tickers.ETHUSDT","ts":1,"type":"snapshot","data":{"symbol":"ETHUSDT","lastPrice":"1"}}', sink);
    assert.strictEqual(out.tickers.length, 1, 'a topic nobody subscribed is skipped');
    const t = out.tickers[0][1];
    assert.strictEqual(t.last, 21109.77);
    assert.strictEqual(t.open, 20704.93);
    assert.strictEqual(t.timestamp, 1673853746003);
    assert.ok(Math.abs(t.percentage - 1.96) < 1e-9);
    const [stream, list] = out.trades[0];
    assert.strictEqual(stream, 'publicTrade.BTCUSDT');
    assert.deepStrictEqual(
      list.map((x) => [x.id, x.side, x.price, x.amount, x.timestamp]),
      [
        ['20f43950-d8dd-5b31-9112-a178eb6023af', 'buy', 16578.5, 0.001, 1672304486865],
        ['20f43950-d8dd-5b31-9112-a178eb6023b0', 'sell', 16578, 0.5, 1672304486866],
      ],
    );
    assert.deepStrictEqual(out.candles, [['kline.5.BTCUSDT', [1672324800000, 16649.5, 16677, 16608, 16677, 2.081]]]);
  });

  it('markets from instruments-info: symbol, precision and limits', () => {
    const [m] = parseMarkets([
      {
        symbol: 'BTCUSDT',
        baseCoin: 'BTC',
        quoteCoin: 'USDT',
        status: 'Trading',
        lotSizeFilter: { basePrecision: '0.000001', quotePrecision: '0.00000001', minOrderQty: '0.000048', maxOrderQty: '71.73956243', minOrderAmt: '1', maxOrderAmt: '2000000' },
        priceFilter: { tickSize: '0.01' },
      },
    ]);
    assert.strictEqual(m.symbol, 'BTC/USDT');
    assert.strictEqual(m.id, 'BTCUSDT');
    assert.strictEqual(m.active, true);
    assert.deepStrictEqual(m.precision, { price: 0.01, amount: 0.000001 });
    assert.deepStrictEqual(m.limits.amount, { min: 0.000048, max: 71.73956243 });
    assert.deepStrictEqual(m.limits.cost, { min: 1, max: 2000000 });
  });
});
