'use strict';
// The Bybit orderbook-delta byte scanner (js/exchanges/bybit/scan.js) against the text path
// (JSON.parse + decode.js + the book's own checks): on every level of every Bybit capture in
// test/fixtures, on every frame the Bybit simulator sends a client, and on seeded random frames,
// valid and broken. The scanner must either agree exactly (same topic, ids, time and every price
// and amount as `+string`, bit for bit) or decline the frame having reported nothing; it never
// yields a wrong number or a partial delta.
const assert = require('assert');
const { BookDeltaScan, decodeBookBytes } = require('../js/exchanges/bybit/scan');
const { decodeFrame } = require('../js/exchanges/bybit/decode');
const { readFixture } = require('./support/fixtures');
const { bybit } = require('..');
const { onSim } = require('./support/on-sim');
const { recorder, textPath: textPathOf, assertSameLevels, seeded, fuzzFrames, assertDeclined, assertTextPathOnly, assertDelivered } = require('./support/scan-proof');

const textPath = (text) => textPathOf(decodeFrame, text);

/** Asserts the scanner's last output equals the text path's accepted delta for `text`, number for number. */
function assertSame(scan, text, where) {
  const ref = assertSameLevels(decodeFrame, scan, text, where);
  assert.strictEqual(scan.topic, ref.delta.stream, where);
  assert.strictEqual(scan.u, ref.delta.d.first, where);
  assert.strictEqual(scan.u, ref.delta.d.last, where);
  assert.strictEqual(ref.delta.d.prev, undefined, where);
  assert.strictEqual(scan.ts, ref.delta.d.timestamp, where);
}

/** Asserts decodeBookBytes reports exactly what the text path reports (levels as numbers), or nothing. */
function assertDelivery(scan, text, where, sink = recorder()) {
  return assertDelivered(decodeBookBytes, decodeFrame, scan, text, where, ['first', 'last', 'timestamp'], sink);
}

/** The JSON frames of a capture (its lines end in CRLF: the CR is the file's, not the frame's). */
function frames(rel) {
  return readFixture(rel)
    .split(/\r?\n/)
    .filter((l) => l !== '')
    .map((l) => l.slice(l.indexOf('{')));
}

const CAPTURE = 'nautilus_trader/bybit_xrpusdt_ob500.data.gz';

/** A Bybit-shaped orderbook push (spot order: ts before type). */
function push(b, a, { type = 'delta', u = 12, ts = 1700000000000, topic = 'orderbook.50.BTCUSDT', tail = ',"cts":1700000000000' } = {}) {
  return `{"topic":${JSON.stringify(topic)},"ts":${ts},"type":"${type}","data":${JSON.stringify({ s: 'BTCUSDT', b, a, u, seq: 7961638724 })}${tail}}`;
}

describe('bybit scan: orderbook deltas from bytes', function () {
  this.timeout(60000);

  it(`reads every level of every delta in ${CAPTURE} exactly as JSON.parse + Number does; the snapshot goes to the text path`, () => {
    const scan = new BookDeltaScan();
    let deltas = 0;
    let snapshots = 0;
    let levels = 0;
    for (const text of frames(CAPTURE)) {
      const isDelta = text.includes('"type":"delta"');
      const ok = scan.scan(Buffer.from(text, 'utf8'));
      // every recorded delta is in Bybit's exact shape: the scanner must take them all, and no snapshot
      assert.strictEqual(ok, isDelta, `scan(${text.slice(0, 120)}) = ${ok}`);
      if (!ok) {
        snapshots++;
        assert.strictEqual(textPath(text).calls[0][0], 'bookSnapshot');
        continue;
      }
      deltas++;
      levels += scan.bidCount + scan.askCount;
      assertSame(scan, text, CAPTURE);
      assert.ok(assertDelivery(scan, text, CAPTURE));
      // the same push in spot's key order (ts before type) and without seq / cts
      const spot = text.replace(/^\{"topic":("[^"]*"),"type":"delta","ts":(\d+),/, '{"topic":$1,"ts":$2,"type":"delta",');
      assert.notStrictEqual(spot, text);
      const bare = spot.replace(/,"seq":\d+\}/, '}').replace(/,"cts":\d+\}$/, '}');
      assert.ok(!bare.includes('"seq"') && !bare.includes('"cts"'), bare.slice(-80));
      for (const t of [spot, bare]) {
        assert.ok(scan.scan(Buffer.from(t, 'utf8')), `declined: ${t.slice(0, 120)}`);
        assertSame(scan, t, `${CAPTURE} (reordered)`);
      }
    }
    assert.deepStrictEqual([snapshots, deltas], [1, 49]);
    assert.ok(levels > 400, `only ${levels} levels checked`);
  });

  it('declines what it must not guess at: snapshots, u = 1 restarts, exponents, signs, spaces, escapes, extra keys, 16+ digits, price 0', () => {
    const scan = new BookDeltaScan();
    const lv = [['1.25', '3']];
    const ask = [['2.5', '1']];
    assert.ok(scan.scan(Buffer.from(push(lv, ask))), 'the plain frame is accepted');
    assert.ok(scan.scan(Buffer.from(push(lv, ask, { u: 0 }))), 'u = 0 is a delta for decode.ts too');
    assert.ok(scan.scan(Buffer.from(push([], []))), 'empty sides are accepted');
    const declined = [
      push(lv, ask, { type: 'snapshot' }),
      push(lv, ask, { u: 1 }),
      push(lv, ask, { u: 1234567890123456 }),
      push(lv, ask, { ts: 1234567890123456 }),
      push(lv, ask, { topic: 'tickers.BTCUSDT' }),
      push(lv, ask, { topic: 'orderbook.' }),
      push(lv, ask, { topic: 'orderbook.50.BTC\\u0055SDT' }),
      push(lv, ask, { tail: ',"cts":-1' }),
      push(lv, ask, { tail: ',"cts":01' }),
      push(lv, ask, { tail: ',"x":1' }),
      push(lv, ask, { tail: ',"cts":1,"x":1' }),
      push([['1e2', '3']], ask),
      push([['-1', '3']], ask),
      push([['+1', '3']], ask),
      push([['1.', '3']], ask),
      push([['.5', '3']], ask),
      push([['', '3']], ask),
      push([['1', '']], ask),
      push([['0', '3']], ask),
      push([['0.000', '3']], ask),
      push([['1234567890.123456', '3']], ask),
      push([['0.00000000000000000000001', '3']], ask),
      push([['1', '3', '9']], ask),
      push([[1, '3']], ask),
      push([['1\\u0030', '3']], ask),
      push(lv, ask).replace('"ts":1700000000000', '"ts": 1700000000000'),
      push(lv, ask).replace('"ts":1700000000000', '"ts":1700000000000.0'),
      push(lv, ask).replace('"u":12', '"u":012'),
      push(lv, ask).replace('"u":12', '"u":-12'),
      push(lv, ask).replace('"u":12', '"u":"12"'),
      push(lv, ask).replace('"s":"BTCUSDT"', '"s":"btcusdt"'),
      push(lv, ask).replace('"s":"BTCUSDT",', ''),
      push(lv, ask).replace(',"seq":7961638724', ',"seq":7961638724,"x":1'),
      push(lv, ask) + '\n',
      push(lv, ask).slice(0, -1),
    ];
    // more levels than the scanner keeps buffers for: the text path takes it (reused buffers stay bounded)
    const many = [];
    for (let i = 0; i < 60000; i++) many.push([`${i + 1}.5`, '1']);
    declined.push(push(many, ask));
    assertDeclined(scan, decodeBookBytes, declined);
    // an unsubscribed topic, an ack, a pong, a refusal and a ticker take the text path, nothing reported
    assertTextPathOnly(scan, decodeBookBytes, push(lv, ask), [
      '{"success":true,"ret_msg":"subscribe","conn_id":"c","req_id":"1","op":"subscribe"}',
      '{"success":true,"ret_msg":"pong","conn_id":"c","op":"ping"}',
      '{"success":false,"ret_msg":"error:handler not found,topic:orderbook.7.BTCUSDT","req_id":"2","op":"subscribe"}',
      '{"topic":"tickers.BTCUSDT","ts":1,"type":"snapshot","cs":2,"data":{"symbol":"BTCUSDT","lastPrice":"1"}}',
    ]);
  });

  it('seeded fuzz: random valid and broken pushes are read exactly or declined with nothing reported', () => {
    const g = seeded(0xb7b17);
    const { rnd, int, digits } = g;
    const decimal = () => {
      // mostly Bybit-like (2-6 decimals, integer sizes), sometimes long, short, leading zeros
      const r = rnd();
      if (r < 0.6) return `${int(100000)}.${digits(1 + int(6))}`;
      if (r < 0.9) return String(int(100000));
      if (r < 0.95) return `${digits(1 + int(10))}.${digits(1 + int(14))}`;
      if (r < 0.97) return digits(1 + int(17));
      if (r < 0.98) return `0.${'0'.repeat(int(24))}${digits(1 + int(10))}`;
      return `${digits(1 + int(3))}.${digits(int(25) + 1)}`;
    };
    const levels = () => {
      const out = [];
      for (let n = int(rnd() < 0.05 ? 200 : 12); n > 0; n--) out.push([decimal(), decimal()]);
      return out;
    };
    const frame = () => {
      const r = rnd();
      const u = r < 0.05 ? 1 : r < 0.1 ? 1e15 + int(1e9) : int(1e11);
      const type = rnd() < 0.05 ? 'snapshot' : 'delta';
      const ts = 1.7e12 + int(1e9);
      const sym = rnd() < 0.9 ? 'BTCUSDT' : `SYM${int(1000)}`;
      const data = { s: sym, b: levels(), a: levels(), u };
      if (rnd() < 0.8) data.seq = int(1e13);
      const topic = JSON.stringify(`orderbook.${[50, 200, 1000][int(3)]}.${sym}`);
      const head = rnd() < 0.5 ? `{"topic":${topic},"ts":${ts},"type":"${type}"` : `{"topic":${topic},"type":"${type}","ts":${ts}`;
      return `${head},"data":${JSON.stringify(data)}${rnd() < 0.8 ? `,"cts":${ts - int(5)}` : ''}}`;
    };
    const scan = new BookDeltaScan();
    const counts = fuzzFrames(g, 6000, frame, (text, where) => {
      const ok = scan.scan(Buffer.from(text, 'utf8'));
      if (ok) assertSame(scan, text, where);
      assert.strictEqual(assertDelivery(scan, text, where), ok);
      return ok;
    });
    // the generator must exercise both answers (a scanner that declines everything would pass the rest)
    assert.ok(counts.accepted > 1000 && counts.declined > 300 && counts.mutatedDeclined > 1000 && counts.mutatedAccepted > 10, JSON.stringify(counts));
  });

  it('a client on the Bybit simulator reads its book deltas from bytes, each equal to the text path, and keeps an exact book through a u = 1 restart', async function () {
    this.timeout(20000);
    const orig = BookDeltaScan.prototype.scan;
    const seen = { accepted: 0, declinedBook: 0 };
    const failures = [];
    BookDeltaScan.prototype.scan = function (bytes) {
      const ok = orig.call(this, bytes);
      const text = Buffer.from(bytes).toString('utf8');
      const isDelta = text.startsWith('{"topic":"orderbook.') && text.includes('"type":"delta"') && !/"u":1[,}]/.test(text);
      try {
        // the simulator's deltas are all in Bybit's shape: every one must be taken, and exactly
        assert.strictEqual(ok, isDelta, text.slice(0, 200));
        if (ok) assertSame(this, text, 'sim');
      } catch (e) {
        failures.push(e);
      }
      if (ok) seen.accepted++;
      else if (text.startsWith('{"topic":"orderbook.')) seen.declinedBook++;
      return ok;
    };
    const h = await onSim({
      sim: { id: 'bybit', options: { seed: 7, tickMs: 10 } },
      client: { Exchange: bybit, options: { staleTimeoutMs: 2000 } },
      symbols: ['BTC/USDT', 'ETH/USDT'],
      book: { nonce: 'none', depth: 200 },
    });
    try {
      await h.ex.watchOrderBook('BTC/USDT');
      await h.flow(30);
      await h.exact();
      // a service restart: the u = 1 snapshot goes to the text path and replaces the book
      h.sim.faults.resetSequence('BTC/USDT');
      await h.flow(20);
      await h.exact();
    } finally {
      BookDeltaScan.prototype.scan = orig;
      await h.close();
    }
    assert.deepStrictEqual(failures.map((e) => e.message), []);
    assert.ok(seen.accepted >= 40, JSON.stringify(seen));
    // the first snapshot and the restart's
    assert.ok(seen.declinedBook >= 2, JSON.stringify(seen));
    assert.deepStrictEqual(h.errs, []);
    assert.deepStrictEqual(h.resyncs.map((r) => r.reason), []);
  });
});
