'use strict';
// The Binance depthUpdate byte scanner (js/exchanges/binance/scan.js) against the text path
// (JSON.parse + decode.js + the book's own checks): on every level of every Binance capture in
// test/fixtures, and on seeded random frames, valid and broken. The scanner must either agree
// exactly (same stream, ids, time and every price and amount as `+string`, bit for bit) or decline
// the frame having reported nothing; it never yields a wrong number or a partial delta.
const assert = require('assert');
const { DepthScan, decodeDepthBytes } = require('../js/exchanges/binance/scan');
const { decodeFrame } = require('../js/exchanges/binance/decode');
const { readFixture } = require('./support/fixtures');
const sinon = require('sinon');
const { binance } = require('..');
const { OrderBook } = require('../js/book/orderbook');
const { BookSync } = require('../js/book/sync');
const { depthRule } = require('../js/exchanges/binance/parse');
const { onSim } = require('./support/on-sim');
const { recorder, textPath: textPathOf, assertSameLevels, seeded, fuzzFrames, assertDeclined, assertTextPathOnly } = require('./support/scan-proof');

const textPath = (text) => textPathOf(decodeFrame, text);

/** Asserts the scanner's output for `bytes` equals the text path's accepted delta, number for number. */
function assertSame(scan, text, where) {
  const ref = assertSameLevels(decodeFrame, scan, text, where);
  assert.strictEqual(scan.stream, ref.delta.stream, where);
  assert.strictEqual(scan.U, ref.delta.d.first, where);
  assert.strictEqual(scan.u, ref.delta.d.last, where);
  assert.strictEqual(scan.E, ref.delta.d.timestamp, where);
}

/** The JSON frames of a capture ("<time> <json>" or "<time>: <json>" lines). */
function frames(rel) {
  return readFixture(rel)
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.slice(l.indexOf('{')));
}

describe('binance scan: depthUpdate frames from bytes', function () {
  this.timeout(60000);

  for (const rel of ['hftbacktest/binance_spot_btcusdt_20240808.depth-bookTicker.gz', 'cryptofeed/BINANCE.ws.1.0.depth.gz']) {
    it(`reads every level of every depthUpdate in ${rel} exactly as JSON.parse + Number does (combined and raw frames)`, () => {
      const scan = new DepthScan();
      let depth = 0;
      let levels = 0;
      for (const text of frames(rel)) {
        const isDepth = text.includes('"e":"depthUpdate"');
        const combined = Buffer.from(text, 'utf8');
        const ok = scan.scan(combined);
        // every recorded depthUpdate is in Binance's exact shape: the scanner must take them all
        assert.strictEqual(ok, isDepth, `scan(${text.slice(0, 120)}) = ${ok}`);
        if (!ok) continue;
        depth++;
        levels += scan.bidCount + scan.askCount;
        assertSame(scan, text, rel);
        // the same payload as a raw stream sends it: the bytes of "data" exactly as recorded
        const raw = text.slice(text.indexOf('"data":') + 7, -1);
        assert.ok(scan.scan(Buffer.from(raw, 'utf8')), `raw form declined: ${raw.slice(0, 120)}`);
        assertSame(scan, raw, `${rel} (raw)`);
      }
      assert.ok(depth > 100 && levels > 400, `only ${depth} frames / ${levels} levels checked`);
    });
  }

  it('delivers a subscribed depthUpdate as one delta with packed levels, equal to the text path; declines other frames reporting nothing', () => {
    const scan = new DepthScan();
    const texts = frames('cryptofeed/BINANCE.ws.1.0.depth.gz');
    let delivered = 0;
    for (const text of texts.slice(0, 60)) {
      const sink = recorder();
      const ok = decodeDepthBytes(Buffer.from(text), sink, scan);
      const ref = textPath(text);
      if (!ok) {
        assert.strictEqual(sink.calls.length, 0);
        continue;
      }
      delivered++;
      assert.strictEqual(sink.calls.length, 1);
      const [kind, stream, d] = sink.calls[0];
      assert.strictEqual(kind, 'bookDelta');
      assert.strictEqual(stream, ref.delta.stream);
      assert.strictEqual(d.first, ref.delta.d.first);
      assert.strictEqual(d.last, ref.delta.d.last);
      assert.strictEqual(d.timestamp, ref.delta.d.timestamp);
      assert.deepStrictEqual([d.bids.length, d.asks.length], [0, 0]);
      assert.deepStrictEqual(Array.from(d.packed.bids.subarray(0, 2 * d.packed.bidCount)), ref.delta.bids);
      assert.deepStrictEqual(Array.from(d.packed.asks.subarray(0, 2 * d.packed.askCount)), ref.delta.asks);
    }
    assert.ok(delivered > 30, `${delivered} delivered`);
    // an unsubscribed stream, an ack, an error and a shutdown notice take the text path
    assertTextPathOnly(scan, decodeDepthBytes, texts[0], ['{"result":null,"id":1}', '{"code":2,"msg":"Invalid request","id":3}', '{"e":"serverShutdown","E":1}']);
  });

  it('declines what it must not guess at: exponents, signs, spaces, escapes, extra keys, 16+ significant digits, price 0, U > u', () => {
    const scan = new DepthScan();
    const base = (b, extra = {}) => {
      const o = { e: 'depthUpdate', E: 1700000000000, s: 'BTCUSDT', U: 10, u: 12, b, a: [['2.5', '1']], ...extra };
      return JSON.stringify({ stream: 'btcusdt@depth@100ms', data: o });
    };
    assert.ok(scan.scan(Buffer.from(base([['1.25', '3']]))), 'the plain frame is accepted');
    const declined = [
      base([['1e2', '3']]),
      base([['-1', '3']]),
      base([['+1', '3']]),
      base([['1.', '3']]),
      base([['.5', '3']]),
      base([['', '3']]),
      base([['1', '']]),
      base([['0', '3']]),
      base([['0.000', '3']]),
      base([['1234567890.123456', '3']]), // 16 significant digits
      base([['0.00000000000000000000001', '3']]), // 23 decimals
      base([['1', '3', '9']]),
      base([[1, '3']]),
      base([['1\\u0030', '3']]),
      base([['1.5', '3']], { U: 13, u: 12 }),
      base([['1.5', '3']], { U: 1234567890123456 }),
      base([['1.5', '3']], { X: 1 }),
      base([['1.5', '3']]).replace('"U":10', '"U": 10'),
      base([['1.5', '3']]).replace('"U":10', '"U":010'),
      base([['1.5', '3']]).replace('"U":10', '"U":10.0'),
      base([['1.5', '3']]) + '\n',
      base([['1.5', '3']]).replace('btcusdt@depth@100ms', 'btcusdt@depth'),
      base([['1.5', '3']]).replace('btcusdt@depth@100ms', 'btc\\u0075sdt@depth@100ms'),
      base([['1.5', '3']]).replace('"s":"BTCUSDT"', '"s":"btcusdt"'),
      base([['1.5', '3']]).replace('"E":1700000000000,"s":"BTCUSDT"', '"s":"BTCUSDT","E":1700000000000'),
    ];
    // more levels than the scanner keeps buffers for: the text path takes it (reused buffers stay bounded)
    const many = [];
    for (let i = 0; i < 60000; i++) many.push([`${i + 1}.5`, '1']);
    declined.push(base(many));
    assertDeclined(scan, decodeDepthBytes, declined);
    // more levels than the buffers start with (2,048): they grow and the frame is still read exactly
    const big = base(many.slice(0, 5000));
    const fresh = new DepthScan();
    assert.ok(fresh.scan(Buffer.from(big)), 'a 5,000-level frame is read');
    assertSame(fresh, big, 'a 5,000-level frame');
  });

  it('seeded fuzz: random valid and broken frames are read exactly or declined with nothing reported', () => {
    const g = seeded(0x5eed14);
    const { rnd, int, digits } = g;
    const decimal = () => {
      // mostly Binance-like (8 decimals), sometimes long, short, leading zeros or integers
      const r = rnd();
      if (r < 0.94) return `${int(100000)}.${digits(8)}`;
      if (r < 0.96) return `${digits(1 + int(10))}.${digits(1 + int(14))}`;
      if (r < 0.97) return digits(1 + int(17));
      if (r < 0.98) return `0.${'0'.repeat(int(24))}${digits(1 + int(10))}`;
      return `${digits(1 + int(3))}.${digits(int(25) + 1)}`;
    };
    const levels = () => {
      const out = [];
      for (let n = int(rnd() < 0.05 ? 200 : 12); n > 0; n--) out.push([decimal(), decimal()]);
      return out;
    };
    const id = () => (rnd() < 0.05 ? 1e15 + int(1e9) : int(1e12));
    const frame = () => {
      const U = id();
      const u = rnd() < 0.05 ? U - 1 : U + int(50);
      const data = { e: 'depthUpdate', E: 1.7e12 + int(1e9), s: rnd() < 0.9 ? 'BTCUSDT' : `SYM${int(1000)}`, U, u, b: levels(), a: levels() };
      return rnd() < 0.5 ? JSON.stringify(data) : JSON.stringify({ stream: `${data.s.toLowerCase()}@depth@100ms`, data });
    };
    const scan = new DepthScan();
    const counts = fuzzFrames(g, 6000, frame, (text, where) => {
      const bytes = Buffer.from(text, 'utf8');
      const ok = scan.scan(bytes);
      if (ok) assertSame(scan, text, where);
      const sink = recorder();
      const delivered = decodeDepthBytes(bytes, sink, scan);
      assert.strictEqual(delivered, ok);
      assert.strictEqual(sink.calls.length, ok ? 1 : 0, `${where}: declined but reported something`);
      return ok;
    });
    // the generator must exercise both answers (a scanner that declines everything would pass the rest)
    assert.ok(counts.accepted > 500 && counts.declined > 300 && counts.mutatedDeclined > 1000, JSON.stringify(counts));
  });

  describe('packed deltas in BookSync', () => {
    const packed = (bids, asks) => ({ bids: Float64Array.from(bids), bidCount: bids.length / 2, asks: Float64Array.from(asks), askCount: asks.length / 2 });
    const delta = (U, u, bids, asks) => ({ first: U, last: u, bids: [], asks: [], packed: packed(bids, asks) });

    it('applies packed levels like wire levels, and copies a buffered one out of the reused buffers', () => {
      const book = new OrderBook('X/Y');
      const sync = new BookSync(book, depthRule);
      const early = delta(11, 12, [100, 2, 99, 1], [101, 3]);
      assert.strictEqual(sync.onDelta(early).kind, 'buffered');
      // the scanner reuses its buffers for the next frame: the buffered delta must not see that
      early.packed.bids.fill(7);
      early.packed.asks.fill(7);
      assert.strictEqual(sync.onSnapshot({ nonce: 10, bids: [['98', '1']], asks: [['102', '1']] }).kind, 'synced');
      assert.deepStrictEqual(book.limit().bids, [[100, 2], [99, 1], [98, 1]]);
      assert.deepStrictEqual(book.limit().asks, [[101, 3], [102, 1]]);
      assert.strictEqual(sync.onDelta(delta(13, 13, [99, 0], [101, 0.5, 103, 4])).kind, 'applied');
      assert.deepStrictEqual(book.limit().bids, [[100, 2], [98, 1]]);
      assert.deepStrictEqual(book.limit().asks, [[101, 0.5], [102, 1], [103, 4]]);
      assert.strictEqual(book.nonce, 13);
    });

    it('rejects packed numbers the book would reject from the wire, and packed levels on a book that keeps strings', () => {
      for (const [bids, asks] of [[[0, 1], []], [[1, -1], []], [[], [NaN, 1]], [[], [Infinity, 1]], [[1, Infinity], []]]) {
        const book = new OrderBook('X/Y');
        const sync = new BookSync(book, depthRule);
        sync.onSnapshot({ nonce: 10, bids: [['98', '1']], asks: [['102', '1']] });
        const r = sync.onDelta(delta(11, 11, bids, asks));
        assert.strictEqual(r.kind, 'invalid', JSON.stringify([bids, asks]));
        assert.strictEqual(book.depth('bids'), 0);
      }
      const book = new OrderBook('X/Y', { keepStrings: true });
      const sync = new BookSync(book, depthRule);
      sync.onSnapshot({ nonce: 10, bids: [['98', '1']], asks: [['102', '1']] });
      assert.strictEqual(sync.onDelta(delta(11, 11, [99, 1], [])).kind, 'invalid');
    });
  });

  for (const rawStreams of [false, true]) {
    it(`a client on the Binance simulator reads its depth frames from bytes and keeps an exact book (${rawStreams ? 'raw' : 'combined'} streams)`, async function () {
      this.timeout(20000);
      const accepted = [];
      const spy = sinon.spy(DepthScan.prototype, 'scan');
      const h = await onSim({
        sim: { id: 'binance', options: { seed: 7, symbols: ['BTC/USDT', 'ETH/USDT'], tickMs: 10 } },
        client: { Exchange: binance, options: { staleTimeoutMs: 2000, rawStreams } },
        symbols: ['BTC/USDT', 'ETH/USDT'],
        book: { nonce: 'equal', minLevels: 100 },
      });
      try {
        await h.ex.watchOrderBook('BTC/USDT');
        await h.flow(30);
        await h.exact();
        for (let i = 0; i < spy.callCount; i++) accepted.push(spy.returnValues[i]);
      } finally {
        spy.restore();
        await h.close();
      }
      assert.ok(accepted.filter((x) => x === true).length >= 20, `scanner accepted ${accepted.filter((x) => x).length} of ${accepted.length} frames`);
      assert.deepStrictEqual(h.errs, []);
      assert.deepStrictEqual(h.resyncs.map((r) => r.reason), []);
    });
  }
});
