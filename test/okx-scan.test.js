'use strict';
// The OKX books-update byte scanner (js/exchanges/okx/scan.js) against the text path (JSON.parse +
// decode.js + parse.js + the book's own checks): on every level of the OKX capture in
// test/fixtures, on every frame the OKX simulator sends a client, and on seeded random frames,
// valid and broken. The scanner must either agree exactly (same stream, ids, time, checksum and
// every price and size as `+string`, bit for bit, and each number's scale equal to its string's)
// or decline the frame having reported nothing. And the checksum: every one of the capture's 290
// recomputes through the string-free path (levels kept as number + scale, digits rendered into one
// buffer), and an OKX book on the simulator in its checksummed mode stays exact and resyncs on a
// corrupted checksum.
const assert = require('assert');
const { BooksScan, decodeBooksBytes } = require('../js/exchanges/okx/scan');
const { decodeFrame } = require('../js/exchanges/okx/decode');
const { bookRule } = require('../js/exchanges/okx/parse');
const { bookChecksumScaled, checksumOf, verifyChecksum } = require('../js/exchanges/okx/checksum');
const { OrderBook } = require('../js/book/orderbook');
const { BookSync } = require('../js/book/sync');
const { scaleOfString } = require('../js/book/decimal');
const { readFixture } = require('./support/fixtures');
const { okx } = require('..');
const { onSim } = require('./support/on-sim');
const { recorder, textPath: textPathOf, assertSameLevels, seeded, fuzzFrames, assertDeclined, assertTextPathOnly, assertDelivered } = require('./support/scan-proof');

const textPath = (text) => textPathOf(decodeFrame, text);

/** The scales of one side's wire strings, as the scanner must report them. */
function scalesOf(levels) {
  const out = [];
  for (const l of levels) out.push(scaleOfString(l[0]), scaleOfString(l[1]));
  return out;
}

/** Asserts the scanner's last output equals the text path's accepted delta for `text`, number for number, scale for scale. */
function assertSame(scan, text, where) {
  const ref = assertSameLevels(decodeFrame, scan, text, where);
  const d = ref.delta.d;
  assert.strictEqual(scan.stream, ref.delta.stream, where);
  assert.strictEqual(scan.seqId ?? scan.ts, d.first, where);
  assert.strictEqual(scan.seqId ?? scan.ts, d.last, where);
  assert.strictEqual(scan.prevSeqId, d.prev, where);
  assert.strictEqual(scan.ts, d.timestamp, where);
  assert.strictEqual(scan.checksum, d.checksum, where);
  const wire = JSON.parse(text).data[0];
  assert.deepStrictEqual(Array.from(scan.bidScales.subarray(0, 2 * scan.bidCount)), scalesOf(wire.bids), `${where}: bid scales`);
  assert.deepStrictEqual(Array.from(scan.askScales.subarray(0, 2 * scan.askCount)), scalesOf(wire.asks), `${where}: ask scales`);
  return ref;
}

/** Asserts decodeBooksBytes reports exactly what the text path reports (levels as numbers), or nothing. */
function assertDelivery(scan, text, where, sink = recorder()) {
  return assertDelivered(decodeBooksBytes, decodeFrame, scan, text, where, ['first', 'last', 'prev', 'timestamp', 'checksum'], sink);
}

const CAPTURE = 'cryptofeed/OKX.ws.1.0.books.gz';

/** The capture's frames (each line: `<time>: <frame>`). */
function frames() {
  return readFixture(CAPTURE)
    .split('\n')
    .filter((l) => /^\d/.test(l))
    .map((l) => l.slice(l.indexOf(': ') + 2));
}

/** An OKX-shaped books push as the 2026 documentation shows it (seqIds after the checksum). */
const PUSH = { action: 'update', instId: 'BTC-USDT', channel: 'books', ts: '1700000000000', checksum: -855196043, prevSeqId: 123456, seqId: 123457, extra: '' };

/** (An option given as undefined leaves that key out.) */
function push(asks, bids, opts = {}) {
  const { action, instId, channel, ts, checksum, prevSeqId, seqId, extra } = { ...PUSH, ...opts };
  const data = { asks, bids, ts };
  if (checksum !== undefined) data.checksum = checksum;
  if (prevSeqId !== undefined) data.prevSeqId = prevSeqId;
  if (seqId !== undefined) data.seqId = seqId;
  const body = JSON.stringify(data);
  return `{"arg":{"channel":${JSON.stringify(channel)},"instId":${JSON.stringify(instId)}},"action":"${action}","data":[${body.slice(0, -1)}${extra}}]}`;
}

describe('okx scan: books updates from bytes', function () {
  this.timeout(60000);

  it(`reads every level of every update in ${CAPTURE} exactly as JSON.parse + Number does, with each string's scale; snapshots go to the text path`, () => {
    const scan = new BooksScan();
    let updates = 0;
    let snapshots = 0;
    let levels = 0;
    let trailingZeros = 0;
    for (const text of frames()) {
      const isUpdate = text.includes('"action":"update"');
      const ok = scan.scan(Buffer.from(text, 'utf8'));
      // every recorded update is in OKX's exact shape: the scanner must take them all, and no snapshot
      assert.strictEqual(ok, isUpdate, `scan(${text.slice(0, 120)}) = ${ok}`);
      if (!ok) {
        snapshots++;
        assert.strictEqual(textPath(text).calls[0][0], 'bookSnapshot');
        continue;
      }
      updates++;
      levels += scan.bidCount + scan.askCount;
      assertSame(scan, text, CAPTURE);
      assert.ok(assertDelivery(scan, text, CAPTURE));
      // OKX never sends an exponent, a sign or a leading zero: every string has a renderable scale
      const wire = JSON.parse(text).data[0];
      for (const l of [...wire.bids, ...wire.asks]) {
        assert.ok(/^(0|[1-9]\d*)(\.\d+)?$/.test(l[0]) && /^(0|[1-9]\d*)(\.\d+)?$/.test(l[1]), JSON.stringify(l));
        if (/\.\d*0$/.test(l[1])) trailingZeros++;
      }
      // today's shape: seqIds after the checksum, then the 2026 one: checksum 0, and none at all
      for (const t of [
        text.replace(/\}\]\}$/, ',"prevSeqId":7,"seqId":8}]}'),
        text.replace(/"checksum":-?\d+/, '"checksum":0').replace(/\}\]\}$/, ',"prevSeqId":7,"seqId":8}]}'),
        text.replace(/,"checksum":-?\d+/, '').replace(/\}\]\}$/, ',"prevSeqId":7,"seqId":8}]}'),
      ]) {
        assert.ok(scan.scan(Buffer.from(t, 'utf8')), `declined: ${t.slice(-120)}`);
        assertSame(scan, t, `${CAPTURE} (with seqIds)`);
        assert.strictEqual(scan.seqId, 8);
      }
    }
    assert.deepStrictEqual([snapshots, updates], [3, 287]);
    assert.ok(levels > 5000, `only ${levels} levels checked`);
    // the capture writes no trailing zeros: the scales come from the synthetic frames below too
    assert.strictEqual(trailingZeros, 0);
  });

  it('every checksum of the capture recomputes through the string-free path: scanned updates and a keepScales book (290 of 290)', () => {
    const levelStrings = OrderBook.prototype.levelStrings;
    let stringCalls = 0;
    OrderBook.prototype.levelStrings = function (...a) {
      stringCalls++;
      return levelStrings.apply(this, a);
    };
    const scan = new BooksScan();
    const books = new Map();
    const counts = { scanned: 0, text: 0, verified: 0, independent: 0 };
    try {
      for (const text of frames()) {
        const sink = recorder();
        if (decodeBooksBytes(Buffer.from(text, 'utf8'), sink, scan)) counts.scanned++;
        else {
          decodeFrame(text, sink);
          counts.text++;
        }
        assert.strictEqual(sink.calls.length, 1);
        const [kind, stream, x] = sink.calls[0];
        let entry = books.get(stream);
        if (kind === 'bookSnapshot') {
          const book = new OrderBook(stream, { keepScales: true });
          const sync = new BookSync(book, bookRule, {
            verify: (b, d) => {
              const r = verifyChecksum(b, d);
              if (r === undefined && d.checksum !== undefined) counts.verified++;
              return r;
            },
          });
          books.set(stream, (entry = { book, sync }));
          assert.strictEqual(sync.onSnapshot(x).kind, 'synced');
        } else {
          const r = entry.sync.onDelta(x);
          assert.strictEqual(r.kind, 'applied', `${stream}: ${r.kind} ${r.detail || ''}`);
        }
        if (bookChecksumScaled(entry.book) === JSON.parse(text).data[0].checksum) counts.independent++;
      }
    } finally {
      OrderBook.prototype.levelStrings = levelStrings;
    }
    assert.deepStrictEqual(counts, { scanned: 287, text: 3, verified: 290, independent: 290 });
    assert.strictEqual(stringCalls, 0, 'no level strings were built');
    // a lost update is still caught: the next checksum no longer matches
    const btc = frames().filter((t) => t.includes('"instId":"BTC-USDT"'));
    const book = new OrderBook('BTC/USDT', { keepScales: true });
    const sync = new BookSync(book, bookRule, { verify: verifyChecksum });
    const sink = recorder();
    decodeFrame(btc[0], sink);
    assert.strictEqual(sync.onSnapshot(sink.calls[0][2]).kind, 'synced');
    assert.ok(decodeBooksBytes(Buffer.from(btc[2]), sink, scan));
    assert.strictEqual(sync.onDelta(sink.calls[1][2]).kind, 'checksum');
  });

  it('the string-free checksum equals the strings\' one on trailing zeros, short sides and the protocols.md §7 vectors', () => {
    const book = new OrderBook('X', { keepScales: true });
    book.reset({ bids: [['3366.1', '7', '0', '3'], ['3366', '6', '3', '4']], asks: [['3366.8', '9', '10', '3'], ['3368', '8', '3', '4']] });
    assert.strictEqual(bookChecksumScaled(book), -1881014294);
    // "3368.0" is not "3368": the digits as sent count
    book.applyRaw('asks', [['3368.0', '8', '0', '1']]);
    assert.strictEqual(bookChecksumScaled(book), checksumOf([['3366.1', '7'], ['3366', '6']], [['3366.8', '9'], ['3368.0', '8']]));
    assert.notStrictEqual(bookChecksumScaled(book), -1881014294);
    const asks3 = [['3366.8', '9'], ['3368', '8'], ['3372', '8']];
    const short = new OrderBook('Y', { keepScales: true });
    short.reset({ bids: [['3366.1', '7']], asks: asks3 });
    assert.strictEqual(bookChecksumScaled(short), 831078360);
    const empty = new OrderBook('E', { keepScales: true });
    assert.strictEqual(bookChecksumScaled(empty), checksumOf([], []));
    // deep books with trailing zeros and small values: only the top 25 count
    const deep = new OrderBook('D', { keepScales: true });
    const bids = Array.from({ length: 40 }, (_, i) => [(0.05 - i / 1e4).toFixed(5) + (i % 3 === 0 ? '0' : ''), (i + 1).toFixed(i % 4)]);
    const asks = Array.from({ length: 30 }, (_, i) => [(0.06 + i / 1e4).toFixed(6), '0.0100']);
    deep.reset({ bids, asks });
    assert.strictEqual(bookChecksumScaled(deep), checksumOf(bids.slice(0, 25), asks.slice(0, 25)));
    // a checksum of 0 or none is not checked; a level that cannot be rendered exactly fails the check
    assert.strictEqual(verifyChecksum(deep, { checksum: 0 }), undefined);
    assert.match(verifyChecksum(deep, { checksum: 12345 }), /checksum mismatch/);
    deep.applyRaw('bids', [['1e-1', '1']]);
    assert.match(verifyChecksum(deep, { checksum: 12345 }), /no exact decimal form/);
  });

  it('declines what it must not guess at: snapshots, other channels, exponents, signs, spaces, escapes, extra keys or entries, 16+ digits, price 0', () => {
    const scan = new BooksScan();
    const a = [['1.25', '3', '0', '2']];
    const b = [['1.2', '0.0100', '0', '1']];
    assert.ok(scan.scan(Buffer.from(push(a, b))), 'the plain frame is accepted');
    assert.deepStrictEqual([scan.prevSeqId, scan.seqId, scan.checksum, scan.ts], [123456, 123457, -855196043, 1700000000000]);
    assert.deepStrictEqual(Array.from(scan.bidScales.subarray(0, 2)), [1, 4]);
    assert.ok(scan.scan(Buffer.from(push([], []))), 'empty sides (the no-change push) are accepted');
    assert.ok(scan.scan(Buffer.from(push(a, b, { checksum: undefined }))), 'no checksum is accepted');
    assert.strictEqual(scan.checksum, undefined);
    assert.ok(scan.scan(Buffer.from(push(a, b, { prevSeqId: undefined, seqId: undefined }))), 'no seqIds (the 2022 shape) is accepted');
    assert.deepStrictEqual([scan.prevSeqId, scan.seqId], [undefined, undefined]);
    assert.ok(scan.scan(Buffer.from(push(a, b, { prevSeqId: 15, seqId: 3 }))), 'a sequence reset is an update');
    const declined = [
      push(a, b, { action: 'snapshot', prevSeqId: -1 }),
      push(a, b, { prevSeqId: -1 }),
      push(a, b, { channel: 'books5' }),
      push(a, b, { channel: 'books-l2-tbt' }),
      push(a, b, { instId: '' }),
      push(a, b, { instId: 'BTC\\u002DUSDT' }),
      push(a, b, { instId: 'BTC USDT' }),
      push(a, b, { seqId: 1234567890123456 }),
      push(a, b, { prevSeqId: '123456', seqId: '123457' }),
      push(a, b, { prevSeqId: undefined }),
      push(a, b, { seqId: undefined }),
      push(a, b, { ts: '1700000000000.5' }),
      push(a, b, { ts: 1700000000000 }),
      push(a, b, { ts: '' }),
      push(a, b, { ts: '01' }),
      push(a, b, { checksum: '123' }),
      push(a, b, { checksum: 1.5 }),
      push(a, b, { checksum: 1e21 }),
      push(a, b, { extra: ',"instId":"BTC-USDT"' }),
      push(a, b, { checksum: undefined, extra: ',"x":1' }),
      push([['1e2', '3', '0', '1']], b),
      push([['-1', '3', '0', '1']], b),
      push([['+1', '3', '0', '1']], b),
      push([['1.', '3', '0', '1']], b),
      push([['.5', '3', '0', '1']], b),
      push([['', '3', '0', '1']], b),
      push([['1', '', '0', '1']], b),
      push([['0', '3', '0', '1']], b),
      push([['0.000', '3', '0', '1']], b),
      push([['1234567890.123456', '3', '0', '1']], b),
      push([['0.00000000000000000000001', '3', '0', '1']], b),
      push([['1', '3']], b),
      push([['1', '3', '0']], b),
      push([['1', '3', '0', '1', '5']], b),
      push([['1', '3', '0', '-1']], b),
      push([['1', '3', '', '1']], b),
      push([['1', '3', 0, '1']], b),
      push([[1, '3', '0', '1']], b),
      push([['1\\u0030', '3', '0', '1']], b),
      push(a, b).replace('"ts":"', '"ts": "'),
      push(a, b).replace('"checksum":-855196043', '"checksum":-0855196043'),
      push(a, b).replace('"checksum":-855196043', '"checksum":--855196043'),
      push(a, b).replace('"action":"update",', ''),
      push(a, b).replace('"asks":[', '"bids":[').replace(',"bids":[', ',"asks":['),
      push(a, b).replace(/\]\}$/, ',{"asks":[],"bids":[],"ts":"1"}]}'),
      push(a, b) + '\n',
      push(a, b).slice(0, -1),
      ` ${push(a, b)}`,
    ];
    // more levels than the scanner keeps buffers for: the text path takes it (reused buffers stay bounded)
    const many = [];
    for (let i = 0; i < 60000; i++) many.push([`${i + 1}.5`, '1', '0', '1']);
    declined.push(push(many, b));
    assertDeclined(scan, decodeBooksBytes, declined);
    // more levels than the buffers start with (2,048): numbers and scales grow, the frame is still read exactly
    const big = push(many.slice(0, 5000), b);
    const fresh = new BooksScan();
    assert.ok(fresh.scan(Buffer.from(big)), 'a 5,000-level push is read');
    assertSame(fresh, big, 'a 5,000-level push');
    // an unsubscribed stream, an ack, a pong, a refusal and a ticker take the text path, nothing reported
    assertTextPathOnly(scan, decodeBooksBytes, push(a, b), [
      '{"id":"1","event":"subscribe","arg":{"channel":"books","instId":"BTC-USDT"},"connId":"a4d3ae55"}',
      'pong',
      '{"id":"2","event":"error","code":"60012","msg":"Invalid request","connId":"a4d3ae55"}',
      '{"arg":{"channel":"tickers","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","last":"1"}]}',
    ]);
  });

  it('seeded fuzz: random valid and broken pushes are read exactly or declined with nothing reported', () => {
    const g = seeded(0x0c5);
    const { rnd, int, digits } = g;
    const decimal = () => {
      // mostly OKX-like (1-8 decimals, integer sizes), with trailing zeros, sometimes long, short, leading zeros
      const r = rnd();
      if (r < 0.55) return `${int(100000)}.${digits(1 + int(8))}`;
      if (r < 0.65) return `${int(100)}.${digits(int(4))}${'0'.repeat(1 + int(4))}`;
      if (r < 0.97) return String(int(100000));
      if (r < 0.98) return `${digits(1 + int(10))}.${digits(1 + int(14))}`;
      if (r < 0.985) return digits(1 + int(17));
      if (r < 0.99) return `0.${'0'.repeat(int(24))}${digits(1 + int(10))}`;
      return `${digits(1 + int(3))}.${digits(int(25) + 1)}`;
    };
    const level = () => {
      const r = rnd();
      if (r < 0.005) return [decimal(), decimal()];
      if (r < 0.01) return [decimal(), decimal(), '0'];
      if (r < 0.015) return [decimal(), decimal(), '0', String(int(9)), '1'];
      return [decimal(), decimal(), '0', String(int(rnd() < 0.9 ? 20 : 1e6))];
    };
    const levels = () => {
      const out = [];
      for (let n = int(rnd() < 0.05 ? 200 : 12); n > 0; n--) out.push(level());
      return out;
    };
    const frame = () => {
      const r = rnd();
      const opts = {
        action: rnd() < 0.05 ? 'snapshot' : 'update',
        channel: rnd() < 0.03 ? 'books5' : 'books',
        instId: rnd() < 0.9 ? 'BTC-USDT' : `SYM-${int(1000)}`,
        ts: String(1.7e12 + int(1e9)),
        checksum: rnd() < 0.2 ? undefined : rnd() < 0.1 ? 0 : int(2 ** 32) - 2 ** 31,
        prevSeqId: r < 0.05 ? -1 : r < 0.1 ? 1e15 + int(1e9) : int(1e11),
        seqId: int(1e11),
      };
      if (rnd() < 0.2) opts.prevSeqId = opts.seqId = undefined;
      else if (rnd() < 0.03) opts.seqId = undefined;
      else if (rnd() < 0.03) [opts.prevSeqId, opts.seqId] = [String(opts.prevSeqId), String(opts.seqId)];
      if (rnd() < 0.03) opts.extra = ',"instId":"BTC-USDT"';
      return push(levels(), levels(), opts);
    };
    const scan = new BooksScan();
    const counts = fuzzFrames(g, 6000, frame, (text, where) => {
      const ok = scan.scan(Buffer.from(text, 'utf8'));
      if (ok) assertSame(scan, text, where);
      assert.strictEqual(assertDelivery(scan, text, where), ok);
      return ok;
    });
    // the generator must exercise both answers (a scanner that declines everything would pass the rest)
    assert.ok(counts.accepted > 1000 && counts.declined > 300 && counts.mutatedDeclined > 1000 && counts.mutatedAccepted > 10, JSON.stringify(counts));
  });

  it('a client on the OKX simulator with checksums (the pre-2026 mode) reads its updates from bytes, checks every checksum string-free, stays exact and resyncs on a corrupted one', async function () {
    this.timeout(30000);
    const orig = BooksScan.prototype.scan;
    const seen = { accepted: 0, declinedBooks: 0, nonZeroChecksums: 0 };
    const failures = [];
    BooksScan.prototype.scan = function (bytes) {
      const ok = orig.call(this, bytes);
      const text = Buffer.from(bytes).toString('utf8');
      const isUpdate = text.startsWith('{"arg":{"channel":"books","instId"') && text.includes('"action":"update"');
      try {
        // the simulator's updates are all in OKX's shape: every one must be taken, and exactly
        assert.strictEqual(ok, isUpdate, text.slice(0, 200));
        if (ok) assertSame(this, text, 'sim');
      } catch (e) {
        failures.push(e);
      }
      if (ok) {
        seen.accepted++;
        if (this.checksum !== 0 && this.checksum !== undefined) seen.nonZeroChecksums++;
      } else if (text.startsWith('{"arg":{"channel":"books"')) seen.declinedBooks++;
      return ok;
    };
    const levelStrings = OrderBook.prototype.levelStrings;
    const levelsScaled = OrderBook.prototype.levelsScaled;
    const calls = { strings: 0, scaled: 0 };
    OrderBook.prototype.levelStrings = function (...a) {
      calls.strings++;
      return levelStrings.apply(this, a);
    };
    OrderBook.prototype.levelsScaled = function (...a) {
      calls.scaled++;
      return levelsScaled.apply(this, a);
    };
    const h = await onSim({
      sim: { id: 'okx', options: { seed: 42, tickMs: 10, books: 'stream-snapshot' } },
      client: { Exchange: okx, options: { staleTimeoutMs: 2000 } },
      symbols: ['BTC/USDT', 'ETH/USDT'],
      book: { nonce: 'atMost', minLevels: 100 },
    });
    try {
      await h.ex.watchOrderBook('BTC/USDT');
      await h.flow(30);
      await h.exact();
      const before = calls.scaled;
      const resync = h.next('resync', (e) => e.reason === 'checksum');
      h.sim.faults.corruptChecksum('BTC/USDT');
      h.sim.resume();
      await resync;
      await h.flow(20);
      await h.exact();
      assert.ok(calls.scaled > before);
    } finally {
      BooksScan.prototype.scan = orig;
      OrderBook.prototype.levelStrings = levelStrings;
      OrderBook.prototype.levelsScaled = levelsScaled;
      await h.close();
    }
    assert.deepStrictEqual(failures.map((e) => e.message), []);
    assert.ok(seen.accepted >= 50 && seen.nonZeroChecksums >= 50, JSON.stringify(seen));
    // the first snapshot frame and the one after the resync (pre-2026 OKX resends one on resubscribe)
    assert.ok(seen.declinedBooks >= 1, JSON.stringify(seen));
    // every verified checksum took the string-free path: two side reads each, no strings
    assert.strictEqual(calls.strings, 0);
    assert.ok(calls.scaled >= 2 * seen.nonZeroChecksums, JSON.stringify({ calls, seen }));
    assert.deepStrictEqual(h.errs, []);
    assert.deepStrictEqual(h.resyncs.map((r) => r.reason), ['checksum']);
  });
});
