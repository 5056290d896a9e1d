'use strict';
// The Bitfinex book checksum written into one reused buffer (js/exchanges/bitfinex/checksum.js
// bookChecksum: the kept level strings read by rank, no tuples, arrays or joined string) against
// the string path it replaces (bookChecksumText: levelStrings + checksumString + CRC): byte for
// byte the same input, the same signed CRC — after every book frame of the capture cryptofeed
// BITFINEX.ws.11.0 (test/fixtures/cryptofeed/BITFINEX.ws.11.0.received.gz; exponent-form prices
// included) and in seeded random books with exponent-form prices and amounts.
const assert = require('assert');
const { OrderBook } = require('../js/book/orderbook');
const { BookSync } = require('../js/book/sync');
const { ConnectionState } = require('../js/transport/stream-hub');
const { decodeFrame } = require('../js/exchanges/bitfinex/decode');
const { bitfinexBookRule } = require('../js/exchanges/bitfinex/adapter');
const { bookChecksum, bookChecksumText, checksumBytes, checksumString, verifyChecksum } = require('../js/exchanges/bitfinex/checksum');
const { parseBookLevels } = require('../js/exchanges/bitfinex/parse');
const { crc32Signed } = require('./support/crc32');
const { readFixture } = require('./support/fixtures');

/** Asserts the buffer path equals the string path on `book`; returns the checksum string. */
function assertSameChecksum(book, where) {
  const text = checksumString(book.levelStrings('bids', 25), book.levelStrings('asks', 25));
  assert.strictEqual(checksumBytes(book), text, where);
  const sum = bookChecksum(book);
  assert.strictEqual(sum, bookChecksumText(book), where);
  // and both are the independent CRC of that string
  assert.strictEqual(sum, crc32Signed(text), where);
  return text;
}

describe('bitfinex checksum: the kept strings into one buffer, equal to the joined string', () => {
  it('after every book frame of BITFINEX.ws.11.0 (its exponent-form prices kept in fixed notation)', () => {
    const frames = readFixture('cryptofeed/BITFINEX.ws.11.0.received.gz')
      .split('\n')
      .filter((l) => /^\d/.test(l))
      .map((l) => l.slice(l.indexOf(': ') + 2));
    const state = new ConnectionState();
    const books = new Map();
    let checked = 0;
    let exponents = 0;
    let empty = 0;
    const sink = {
      connection: () => state,
      symbolOf: (stream) => stream.slice(stream.lastIndexOf(':') + 1),
      bookNonce: (stream) => books.get(stream)?.book.nonce,
      bookSnapshot(stream, s) {
        const book = new OrderBook(stream, { keepStrings: true });
        const sync = new BookSync(book, bitfinexBookRule, { maxDepth: 100 });
        assert.strictEqual(sync.onSnapshot(s).kind, 'synced');
        books.set(stream, { book, sync });
        assertSameChecksum(book, stream);
      },
      bookDelta(stream, d) {
        const { book, sync } = books.get(stream);
        assert.strictEqual(sync.onDelta(d).kind, 'applied');
        const text = assertSameChecksum(book, stream);
        checked++;
        if (/e/.test(text)) exponents++;
        if (text === '') empty++;
      },
      lost: () => assert.fail('lost'),
      ticker: () => {},
      trades: () => {},
      candle: () => {},
      describe: () => undefined,
      ack: () => {},
      refused: () => {},
      error: (e) => assert.fail(e),
      reconnect: () => assert.fail('reconnect'),
      malformed: (s, w) => assert.fail(`malformed ${s} ${w}`),
    };
    for (const f of frames) decodeFrame(f, sink);
    assert.strictEqual(books.size, 7);
    assert.ok(checked > 1000, `only ${checked} frames checked`);
    // the capture's small prices are kept in fixed notation (wireString), so no 'e' in these strings
    assert.strictEqual(exponents, 0);
    assert.strictEqual(empty, 0);
  });

  it('seeded random books: plain and exponent-form prices and amounts (5e-7, 1.7e-8, 1e+21), deletes, short sides', () => {
    let seed = 0xb1f;
    const rnd = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = seed;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const int = (n) => Math.floor(rnd() * n);
    const number = () => {
      const r = rnd();
      if (r < 0.5) return +(rnd() * 10 ** int(6)).toPrecision(1 + int(5));
      if (r < 0.7) return +(rnd() * 10 ** int(6)).toFixed(int(9)) || 1;
      if (r < 0.85) return (1 + int(99)) * 10 ** -(7 + int(10));
      if (r < 0.95) return +(rnd() * 10 ** -(6 + int(4))).toPrecision(1 + int(4));
      return (1 + int(9)) * 10 ** (20 + int(4));
    };
    let withExponent = 0;
    let books = 0;
    for (let i = 0; i < 2000; i++) {
      const book = new OrderBook('X', { keepStrings: true });
      const wire = [];
      for (let n = int(rnd() < 0.2 ? 5 : 60); n > 0; n--) wire.push([number(), 1 + int(3), (rnd() < 0.5 ? -1 : 1) * number()]);
      const sides = parseBookLevels(wire);
      book.applyRaw('bids', sides.bids);
      book.applyRaw('asks', sides.asks);
      const text = assertSameChecksum(book, `book #${i}`);
      // updates and deletes of random levels keep the two paths equal
      for (let u = 0; u < 5; u++) {
        const s = book.snapshot();
        const side = rnd() < 0.5 ? 'bids' : 'asks';
        const lv = s[side][int(s[side].length)];
        if (lv === undefined) continue;
        const del = parseBookLevels([[lv[0], rnd() < 0.5 ? 0 : 2, side === 'bids' ? number() : -number()]]);
        book.applyRaw(side, del[side]);
        assertSameChecksum(book, `book #${i} update ${u}`);
      }
      if (/e/.test(text)) withExponent++;
      books++;
    }
    assert.strictEqual(books, 2000);
    assert.ok(withExponent > 500, `books whose checksum string has an exponent form: ${withExponent}`);
  });

  it('an empty book, one side only, and a wrong checksum is still a mismatch', () => {
    const book = new OrderBook('X', { keepStrings: true });
    assert.strictEqual(assertSameChecksum(book, 'empty'), '');
    book.applyRaw('asks', [['1.5', '2']]);
    assert.strictEqual(assertSameChecksum(book, 'asks only'), '1.5:-2');
    book.applyRaw('bids', [['1.4', '5e-7']]);
    assert.strictEqual(assertSameChecksum(book, 'both'), '1.4:5e-7:1.5:-2');
    const good = crc32Signed('1.4:5e-7:1.5:-2');
    assert.strictEqual(verifyChecksum(book, { first: 1, last: 1, bids: [], asks: [], checksum: good }), undefined);
    assert.match(verifyChecksum(book, { first: 1, last: 1, bids: [], asks: [], checksum: good + 1 }), /checksum mismatch/);
  });
});
