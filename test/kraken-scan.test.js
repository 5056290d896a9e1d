'use strict';
// The Kraken v2 book-update byte scanner (js/exchanges/kraken/scan.js) against the text path
// (JSON.parse + decode.js + the book's own checks), and the checksum written as digits into one
// buffer (js/exchanges/kraken/checksum.js bookChecksum) against the string rendering
// (checksumInput: toFixed, dot and leading zeros removed).
//
// The capture cryptofeed KRAKEN.ws.50.0 (test/fixtures/cryptofeed/KRAKEN.ws.50.0.book.gz) is Kraken
// WS v1 (array frames, levels as strings); v2 sends the same levels as JSON numbers. Each v1 frame
// is rewritten here as the v2 frame of the same content — its level texts written verbatim as JSON
// numbers (trailing zeros kept, as v2 prints them), its checksum, its newest level time as an RFC
// 3339 time with 6 fraction digits — so every level the exchange sent is read by the scanner.
const assert = require('assert');
const { BookUpdateScan, decodeBookBytes } = require('../js/exchanges/kraken/scan');
const { decodeFrame } = require('../js/exchanges/kraken/decode');
const { bookChecksum, bookChecksumText, checksumInput, checksumInputBytes, checksumVerifier, fallbackCount } = require('../js/exchanges/kraken/checksum');
const { OrderBook } = require('../js/book/orderbook');
const { BookSync, noSequenceRule } = require('../js/book/sync');
const { readFixture } = require('./support/fixtures');
const { kraken } = require('..');
const { onSim } = require('./support/on-sim');
const { recorder, textPath: textPathOf, assertSameLevels, seeded, fuzzFrames, assertDeclined, assertTextPathOnly, assertDelivered } = require('./support/scan-proof');

const textPath = (text) => textPathOf(decodeFrame, text);

/** Asserts the scanner's last output equals the text path's accepted delta for `text`. */
function assertSame(scan, text, where) {
  const ref = assertSameLevels(decodeFrame, scan, text, where);
  assert.strictEqual(scan.stream, ref.delta.stream, where);
  assert.strictEqual(ref.delta.d.first, 1, where);
  assert.strictEqual(scan.checksum, ref.delta.d.checksum, where);
  assert.strictEqual(scan.timestamp, ref.delta.d.timestamp, where);
  return ref;
}

/** Asserts decodeBookBytes reports exactly what the text path reports (levels as numbers), or nothing. */
function assertDelivery(scan, text, where, sink = recorder()) {
  return assertDelivered(decodeBookBytes, decodeFrame, scan, text, where, ['first', 'last', 'timestamp', 'checksum'], sink);
}

// ------------------------------------------------------------------ the capture as v2 frames

/** v1 frames of a cryptofeed capture: lines "<ts>: <payload>". */
function v1Frames(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!/^\d/.test(line)) continue;
    const i = line.indexOf(': ');
    if (i >= 0) out.push(JSON.parse(line.slice(i + 2)));
  }
  return out;
}

/** RFC 3339 with 6 fraction digits of a v1 level time "1618678123.481570". */
function rfc3339(v1time) {
  const [sec, frac = ''] = v1time.split('.');
  return new Date(+sec * 1000).toISOString().replace('.000Z', `.${(frac + '000000').slice(0, 6)}Z`);
}

const levelsJson = (list) => `[${list.map((l) => `{"price":${l[0]},"qty":${l[1]}}`).join(',')}]`;

/** The capture's book messages as v2 frames: { pair, snapshot, text, checksum }. */
function v2Frames() {
  const out = [];
  for (const f of v1Frames(readFixture('cryptofeed/KRAKEN.ws.50.0.book.gz'))) {
    if (!Array.isArray(f)) continue;
    const name = f[f.length - 2];
    if (typeof name !== 'string' || !name.startsWith('book-')) continue;
    const pair = f[f.length - 1];
    const parts = f.slice(1, -2);
    const snapshot = !!(parts[0].as || parts[0].bs);
    let asks = [];
    let bids = [];
    let c;
    for (const p of parts) {
      if (p.as) asks = p.as;
      if (p.bs) bids = p.bs;
      if (p.a) asks = asks.concat(p.a);
      if (p.b) bids = bids.concat(p.b);
      if (p.c !== undefined) c = p.c;
    }
    const newest = asks.concat(bids).reduce((m, l) => (+l[2] > +m ? l[2] : m), '0');
    const sum = c === undefined ? '' : `,"checksum":${c}`;
    const text =
      `{"channel":"book","type":"${snapshot ? 'snapshot' : 'update'}","data":[{"symbol":${JSON.stringify(pair)},` +
      `"bids":${levelsJson(bids)},"asks":${levelsJson(asks)}${sum},"timestamp":"${rfc3339(newest)}"}]}`;
    out.push({ pair, snapshot, text, checksum: c === undefined ? undefined : +c, asks, bids });
  }
  return out;
}

const decimals = (s) => (s.indexOf('.') < 0 ? 0 : s.length - s.indexOf('.') - 1);

describe('kraken scan: v2 book updates from bytes', function () {
  this.timeout(60000);
  let frames;
  before(() => {
    frames = v2Frames();
  });

  it('reads every level of every update of KRAKEN.ws.50.0 (as v2) exactly as JSON.parse does, with its checksum and time; snapshots go to the text path', () => {
    const scan = new BookUpdateScan();
    let updates = 0;
    let snapshots = 0;
    let levels = 0;
    for (const f of frames) {
      const ok = scan.scan(Buffer.from(f.text, 'utf8'));
      assert.strictEqual(ok, !f.snapshot, f.text.slice(0, 160));
      if (!ok) {
        snapshots++;
        assert.strictEqual(textPath(f.text).calls[0][0], 'bookSnapshot');
        continue;
      }
      updates++;
      levels += scan.bidCount + scan.askCount;
      assertSame(scan, f.text, 'capture');
      assert.strictEqual(scan.checksum, f.checksum);
      assert.ok(assertDelivery(scan, f.text, 'capture'));
    }
    assert.deepStrictEqual([snapshots, updates], [10, 4269]);
    assert.ok(levels > 4269, `only ${levels} levels checked`);
  });

  it('every checksum of the capture recomputes through the scanner and the buffer checksum, byte for byte equal to the string rendering', () => {
    // the precision each pair's strings carry (v1 padded them to the pair's decimals)
    const precision = new Map();
    for (const f of frames) {
      if (precision.has(f.pair)) continue;
      const l = (f.asks[0] || f.bids[0]);
      precision.set(f.pair, { price: decimals(l[0]), qty: decimals(l[1]) });
    }
    const scan = new BookUpdateScan();
    const syncs = new Map();
    const fallbacks = fallbackCount.levels;
    let verified = 0;
    let compared = 0;
    for (const f of frames) {
      const p = precision.get(f.pair);
      if (f.snapshot) {
        const check = checksumVerifier(p);
        const book = new OrderBook(f.pair);
        const sync = new BookSync(book, noSequenceRule, {
          maxDepth: 1000,
          verify: (b, d) => {
            // the bytes the CRC is taken of ARE the string rendering's characters
            assert.strictEqual(checksumInputBytes(b, p), checksumInput(b, p));
            compared++;
            const bad = check(b, d);
            if (d.checksum !== undefined && bad === undefined) verified++;
            return bad;
          },
        });
        syncs.set(f.pair, sync);
        const sink = recorder();
        decodeFrame(f.text, sink);
        assert.strictEqual(sync.onSnapshot(sink.calls[0][2]).kind, 'synced');
        continue;
      }
      const sync = syncs.get(f.pair);
      const sink = recorder();
      sink.bookNonce = () => sync.book.nonce;
      assert.ok(decodeBookBytes(Buffer.from(f.text, 'utf8'), sink, scan));
      const d = sink.calls[0][2];
      assert.ok(d.packed);
      const r = sync.onDelta(d);
      if (r.kind !== 'applied') assert.fail(`${f.pair}: ${r.kind} ${r.detail || ''}`);
    }
    assert.strictEqual(verified, 4269);
    assert.strictEqual(compared, 4279);
    assert.strictEqual(fallbackCount.levels, fallbacks, 'no level of the capture needed the string path');
    // a wrong checksum is still caught through the buffer path
    const [pair, sync] = [...syncs][0];
    assert.notStrictEqual(bookChecksum(sync.book, precision.get(pair)), bookChecksum(sync.book, { ...precision.get(pair), qty: precision.get(pair).qty + 1 }));
  });

  it('declines what it must not guess at: snapshots, other keys or order, exponents, signs, spaces, escapes, 16+ digits, price 0, odd times', () => {
    const scan = new BookUpdateScan();
    const msg = ({ type = 'update', symbol = '"BTC/USD"', bids = '[{"price":45283.5,"qty":0.10000000}]', asks = '[]', checksum = ',"checksum":3310070434', ts = '"2023-10-06T17:35:55.440295Z"', tail = '' } = {}) =>
      `{"channel":"book","type":"${type}","data":[{"symbol":${symbol},"bids":${bids},"asks":${asks}${checksum},"timestamp":${ts}}]${tail}}`;
    const ok = [
      msg(),
      msg({ bids: '[]' }),
      msg({ asks: '[{"price":1,"qty":0},{"price":0.5657,"qty":1098.3947558}]' }),
      msg({ ts: '"2023-10-06T17:35:55Z"' }),
      msg({ ts: '"2023-10-06T17:35:55.440Z"' }),
      msg({ ts: '"2024-02-29T23:59:59.999999999Z"' }),
      msg({ checksum: ',"checksum":0' }),
      msg({ bids: '[{"price":123456789012345,"qty":0.0000000000000000000001}]' }),
    ];
    for (const t of ok) {
      assert.ok(scan.scan(Buffer.from(t)), t);
      assertSame(scan, t, t);
    }
    const declined = [
      msg({ type: 'snapshot' }),
      msg({ checksum: '' }),
      msg({ checksum: ',"checksum":1234567890123456' }),
      msg({ checksum: ',"checksum":01' }),
      msg({ checksum: ',"checksum":-1' }),
      msg({ checksum: ',"checksum":"1"' }),
      msg({ checksum: ',"checksum":1.0' }),
      msg({ symbol: '"BTC\\/USD"' }),
      msg({ symbol: '"BTC/USD\\u0041"' }),
      msg({ symbol: '""' }),
      msg({ symbol: '1' }),
      msg({ bids: '[{"price":1e2,"qty":1}]' }),
      msg({ bids: '[{"price":1E2,"qty":1}]' }),
      msg({ bids: '[{"price":1,"qty":1e-8}]' }),
      msg({ bids: '[{"price":-1,"qty":1}]' }),
      msg({ bids: '[{"price":1,"qty":-0}]' }),
      msg({ bids: '[{"price":01,"qty":1}]' }),
      msg({ bids: '[{"price":1.,"qty":1}]' }),
      msg({ bids: '[{"price":.5,"qty":1}]' }),
      msg({ bids: '[{"price":0,"qty":1}]' }),
      msg({ bids: '[{"price":0.000,"qty":1}]' }),
      msg({ bids: '[{"price":"1","qty":1}]' }),
      msg({ bids: '[{"price":1234567890.123456,"qty":1}]' }),
      msg({ bids: '[{"price":1,"qty":0.000000000000000000000001}]' }),
      msg({ bids: '[{"qty":1,"price":1}]' }),
      msg({ bids: '[{"price":1,"qty":1,"x":1}]' }),
      msg({ bids: '[{"price":1}]' }),
      msg({ bids: '[[1,1]]' }),
      msg({ bids: '[{"price": 1,"qty":1}]' }),
      msg({ bids: '[{"price":1,"qty":1} ]' }),
      msg({ bids: '[{"price":1,"qty":1},]' }),
      msg({ bids: '{}' }),
      msg({ ts: '"2023-10-06T17:35:55.4Z"' }),
      msg({ ts: '"2023-10-06T17:35:55.44Z"' }),
      msg({ ts: '"2023-10-06T24:00:00.000Z"' }),
      msg({ ts: '"2023-10-06T17:60:00.000Z"' }),
      msg({ ts: '"2023-10-06T17:35:60.000Z"' }),
      msg({ ts: '"2023-13-06T17:35:55.440Z"' }),
      msg({ ts: '"2023-10-06 17:35:55.440Z"' }),
      msg({ ts: '"2023-10-06T17:35:55.440+00:00"' }),
      msg({ ts: '"2023-10-06T17:35:55.440z"' }),
      msg({ ts: '"2023-10-06T17:35:55.440Z "' }),
      msg({ ts: '1696613755440' }),
      msg({ tail: ',"x":1' }),
      msg().replace('"channel":"book",', ''),
      msg().replace('{"channel":"book","type":"update"', '{"type":"update","channel":"book"'),
      msg().replace('"}]}', '"},{"symbol":"ETH/USD","bids":[],"asks":[],"checksum":1,"timestamp":"2023-10-06T17:35:55.440295Z"}]}'),
      msg().replace('"symbol"', ' "symbol"'),
      msg() + '\n',
      msg().slice(0, -1),
    ];
    const many = [];
    for (let i = 0; i < 60000; i++) many.push(`{"price":${i + 1}.5,"qty":1}`);
    declined.push(msg({ bids: `[${many.join(',')}]` }));
    // more levels than the buffers start with (2,048): they grow and the frame is still read exactly
    const big = msg({ bids: `[${many.slice(0, 5000).join(',')}]` });
    const fresh = new BookUpdateScan();
    assert.ok(fresh.scan(Buffer.from(big)), 'a 5,000-level update is read');
    assertSame(fresh, big, 'a 5,000-level update');
    for (const t of declined) assert.notStrictEqual(t, msg(), 'each declined frame differs from the plain one');
    assertDeclined(scan, decodeBookBytes, declined);
    // an unsubscribed symbol, heartbeats, acks and other channels take the text path, nothing reported
    assertTextPathOnly(scan, decodeBookBytes, msg(), [
      '{"channel":"heartbeat"}',
      '{"method":"subscribe","result":{"channel":"book","depth":10,"snapshot":true,"symbol":"BTC/USD"},"success":true,"time_in":"2023-09-25T09:04:31.742599Z","time_out":"2023-09-25T09:04:31.742648Z","req_id":1}',
      '{"channel":"ticker","type":"update","data":[{"symbol":"BTC/USD","bid":1,"bid_qty":1,"ask":2,"ask_qty":1,"last":1,"volume":1,"vwap":1,"low":1,"high":1,"change":0,"change_pct":0}]}',
    ]);
  });

  it('seeded fuzz: random valid and broken updates are read exactly or declined with nothing reported', () => {
    const g = seeded(0x6b72616b);
    const { rnd, int, digits } = g;
    const number = () => {
      // mostly Kraken-like (fixed decimals, trailing zeros kept), sometimes long, odd or leading zeros
      const r = rnd();
      if (r < 0.5) return `${int(100000)}.${digits(1 + int(8))}`;
      if (r < 0.75) return String(int(100000));
      if (r < 0.8) return `0.${digits(8)}`;
      if (r < 0.9) return `${digits(1 + int(10))}.${digits(1 + int(14))}`;
      if (r < 0.94) return digits(1 + int(17));
      if (r < 0.97) return `0.${'0'.repeat(int(24))}${digits(1 + int(10))}`;
      return `${digits(1 + int(3))}.${digits(int(25) + 1)}`;
    };
    const levels = () => {
      const out = [];
      for (let n = int(rnd() < 0.05 ? 200 : 6); n > 0; n--) out.push(`{"price":${number()},"qty":${number()}}`);
      return `[${out.join(',')}]`;
    };
    const two = (n) => String(n).padStart(2, '0');
    const time = () => {
      const r = rnd();
      const frac = r < 0.8 ? `.${digits(6)}` : r < 0.85 ? '' : r < 0.9 ? `.${digits(3)}` : `.${digits(1 + int(11))}`;
      // mostly in range; sometimes any two digits (month 13, day 31 of February, hour 24: Date.parse decides)
      if (rnd() < 0.85) return `${1970 + int(100)}-${two(1 + int(12))}-${two(1 + int(28))}T${two(int(24))}:${two(int(60))}:${two(int(60))}${frac}Z`;
      return `${1970 + int(100)}-${two(int(14))}-${two(int(33))}T${two(int(25))}:${two(int(61))}:${two(int(61))}${frac}Z`;
    };
    const frame = () => {
      const type = rnd() < 0.05 ? 'snapshot' : 'update';
      const sym = rnd() < 0.9 ? 'BTC/USD' : `S${int(1000)}/USD`;
      const checksum = rnd() < 0.05 ? int(1e15) * 100 : int(4294967296);
      return `{"channel":"book","type":"${type}","data":[{"symbol":"${sym}","bids":${levels()},"asks":${levels()},"checksum":${checksum},"timestamp":"${time()}"}]}`;
    };
    const scan = new BookUpdateScan();
    const counts = fuzzFrames(g, 6000, frame, (text, where) => {
      const ok = scan.scan(Buffer.from(text, 'utf8'));
      if (ok) assertSame(scan, text, where);
      assert.strictEqual(assertDelivery(scan, text, where), ok);
      return ok;
    });
    // the generator must exercise both answers (a scanner that declines everything would pass the rest)
    assert.ok(counts.accepted > 1000 && counts.declined > 300 && counts.mutatedDeclined > 1000 && counts.mutatedAccepted > 10, JSON.stringify(counts));
  });
});

describe('kraken checksum: digits into one buffer, equal to the toFixed rendering', () => {
  it('seeded random books, numbers with more decimals than the precision and exact ties included: the same bytes, or the string path', () => {
    const { rnd, int } = seeded(0x63686b);
    /** A value for precision p: on the grid, off it (more decimals), on a tie, large, tiny. */
    const value = (p) => {
      const r = rnd();
      const scale = 10 ** int(p + 1);
      if (r < 0.4) return +(int(1e7) / 10 ** p).toFixed(p) || 1;
      if (r < 0.6) return (1 + int(1e9)) / 10 ** (p + 1 + int(6));
      if (r < 0.75) return +((int(1e6) + 0.5) / 10 ** p).toPrecision(15) || 0.5;
      if (r < 0.8) return (int(1e6) * 2 + 1) / 2 / 10 ** p;
      if (r < 0.85) return int(2 ** 30) * 2 ** 22 + int(1e6) / scale;
      if (r < 0.9) return Number(`${int(1e6)}.${'0'.repeat(p)}5`);
      if (r < 0.95) return rnd() * 10 ** int(18);
      return 10 ** -int(30) * (1 + int(9));
    };
    let same = 0;
    let viaText = 0;
    const fallbacks = fallbackCount.levels;
    for (let i = 0; i < 4000; i++) {
      const precision = { price: int(11), qty: int(11) };
      const book = new OrderBook('X/Y');
      for (let n = int(15); n > 0; n--) book.update('bids', value(precision.price), value(precision.qty) || 1);
      for (let n = int(15); n > 0; n--) book.update('asks', value(precision.price), value(precision.qty) || 1);
      const text = checksumInput(book, precision);
      const bytes = checksumInputBytes(book, precision);
      assert.strictEqual(bytes, text, `precision ${JSON.stringify(precision)}: ${JSON.stringify(book.limit(10))}`);
      assert.strictEqual(bookChecksum(book, precision), bookChecksumText(book, precision));
      same++;
      if (fallbackCount.levels > fallbacks + viaText) viaText = fallbackCount.levels - fallbacks;
    }
    assert.strictEqual(same, 4000);
    // the ties really reached the string path (and it rendered them as toFixed does)
    assert.ok(viaText > 50, `levels rendered by the string path: ${viaText}`);
  });

  it('crc32Bytes (native and its JavaScript fallback) is the CRC-32 of the same text', () => {
    const { crc32, crc32Bytes, crc32BytesJs } = require('../js/book/crc32');
    for (const t of ['', '123456789', '4528521000004528641545719534528661545711094528961545609114529021589066']) {
      const bytes = Buffer.from(t, 'latin1');
      assert.strictEqual(crc32Bytes(bytes), crc32(t), t);
      assert.strictEqual(crc32BytesJs(bytes), crc32(t), t);
      assert.strictEqual(crc32BytesJs(new Uint8Array(bytes)), crc32Bytes(new Uint8Array(bytes).subarray(0, bytes.length)), t);
    }
    assert.strictEqual(crc32BytesJs(Buffer.from('123456789')), 0xcbf43926);
  });

  it('the known hard cases: halves, 1.005, 0.125, values past 2^53, tiny values, zero', () => {
    const cases = [
      [0.5, 0], [1.5, 0], [2.5, 0], [1.005, 2], [0.125, 2], [0.375, 2], [1.45, 1], [8.345, 2], [1e-7, 8], [5e-9, 8],
      [0.000022900, 9], [45285.2, 1], [2 ** 53, 0], [2 ** 53 + 2, 2], [1e21, 2], [123456789.123456789, 8], [0, 8], [1, 0], [99.995, 2],
    ];
    for (const [x, p] of cases) {
      const book = new OrderBook('X/Y');
      book.update('asks', x || 1, x || 1);
      const precision = { price: p, qty: p };
      const bytes = checksumInputBytes(book, precision);
      assert.strictEqual(bytes, checksumInput(book, precision), `${x} at ${p}`);
      assert.strictEqual(bookChecksum(book, precision), bookChecksumText(book, precision), `${x} at ${p}`);
    }
  });
});

describe('kraken scan on the simulator', function () {
  this.timeout(30000);

  it('a client reads the book updates from bytes, each equal to the text path, keeps an exact book whose checksums all pass, and resyncs on a corrupted checksum', async () => {
    const orig = BookUpdateScan.prototype.scan;
    const seen = { accepted: 0, declinedBook: 0, checksums: 0 };
    const failures = [];
    // every checksum the adapter checks: its buffer bytes must be the string rendering's characters
    const checksumModule = require('../js/exchanges/kraken/checksum');
    const origVerifier = checksumModule.checksumVerifier;
    checksumModule.checksumVerifier = (precision) => {
      const check = origVerifier(precision);
      return (book, d) => {
        const bad = check(book, d);
        try {
          assert.strictEqual(checksumInputBytes(book, precision), checksumInput(book, precision));
        } catch (e) {
          failures.push(e);
        }
        if (d.checksum !== undefined && bad === undefined) seen.checksums++;
        return bad;
      };
    };
    BookUpdateScan.prototype.scan = function (bytes) {
      const ok = orig.call(this, bytes);
      const text = Buffer.from(bytes).toString('utf8');
      try {
        // the simulator's updates are all in Kraken's shape: every one must be taken, and exactly
        assert.strictEqual(ok, text.startsWith('{"channel":"book","type":"update"'), text.slice(0, 200));
        if (ok) assertSame(this, text, 'sim');
      } catch (e) {
        failures.push(e);
      }
      if (ok) seen.accepted++;
      else if (text.startsWith('{"channel":"book"')) seen.declinedBook++;
      return ok;
    };
    const h = await onSim({
      sim: { id: 'kraken', options: { seed: 7, tickMs: 10 } },
      client: { Exchange: kraken, options: { staleTimeoutMs: 2000 } },
      symbols: ['BTC/USD', 'ETH/USD'],
      book: { nonce: 'none', depth: 100 },
    });
    try {
      await h.ex.watchOrderBook('BTC/USD');
      await h.flow(40);
      await h.exact();
      assert.deepStrictEqual(h.resyncs.map((r) => r.reason), []);
      const resync = h.next('resync', (r) => r.symbol === 'BTC/USD');
      h.sim.faults.corruptChecksum('BTC/USD');
      h.sim.resume();
      assert.strictEqual((await resync).reason, 'checksum');
      await h.flow(20);
      await h.exact();
    } finally {
      BookUpdateScan.prototype.scan = orig;
      checksumModule.checksumVerifier = origVerifier;
      await h.close();
    }
    assert.deepStrictEqual(failures.map((e) => e.message), []);
    assert.ok(seen.accepted >= 60, JSON.stringify(seen));
    assert.ok(seen.checksums >= 60, JSON.stringify(seen));
    // the first snapshot and the resync's
    assert.ok(seen.declinedBook >= 2, JSON.stringify(seen));
    assert.deepStrictEqual(h.errs, []);
    assert.deepStrictEqual(h.resyncs.map((r) => r.reason), ['checksum']);
  });
});
