'use strict';
/**
 * Per-frame CPU of Kraken's book path and Bitfinex's checksum, before / after the byte scanner and
 * the buffer checksums (issue #14, part 1). Needs `npm run build` (reads ../../js).
 *
 * Kraken: the capture cryptofeed KRAKEN.ws.50.0 (test/fixtures; Kraken WS v1) rewritten as the v2
 * frames of the same content (levels as JSON numbers, as test/kraken-scan.test.js does), as Buffers:
 *   text+str   buf.toString + JSON.parse decode (decode.ts) + BookSync + checksum through toFixed strings
 *   scan+buf   the byte scanner (scan.ts) + BookSync + checksum digits into one buffer
 *   and each part alone: decode only (text / scan), checksum only on the same books (str / buf).
 * Bitfinex: the books of cryptofeed BITFINEX.ws.11.0 after each of its book frames, one checksum
 * each: the joined string (levelStrings + join + CRC) against the buffer of kept strings; and what
 * JSON.parse costs in a Bitfinex book frame (one level each) against the whole decode + apply.
 *
 *   node bench/experiments/kraken-bitfinex-checksum.js
 */
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const js = (p) => require(path.resolve(__dirname, '../../js', p));
const { OrderBook } = js('book/orderbook');
const { BookSync, noSequenceRule } = js('book/sync');
const { ConnectionState } = js('transport/stream-hub');
const { decodeFrame } = js('exchanges/kraken/decode');
const { BookUpdateScan, decodeBookBytes } = js('exchanges/kraken/scan');
const kc = js('exchanges/kraken/checksum');
const bfx = js('exchanges/bitfinex/checksum');
const { decodeFrame: bfxDecode } = js('exchanges/bitfinex/decode');
const { bitfinexBookRule } = js('exchanges/bitfinex/adapter');

const fixture = (name) => zlib.gunzipSync(fs.readFileSync(path.resolve(__dirname, '../../test/fixtures/cryptofeed', name))).toString('utf8');

// ------------------------------------------------------------------ Kraken frames (v1 -> v2)

const levelsJson = (list) => `[${list.map((l) => `{"price":${l[0]},"qty":${l[1]}}`).join(',')}]`;
const rfc3339 = (t) => {
  const [sec, frac = ''] = t.split('.');
  return new Date(+sec * 1000).toISOString().replace('.000Z', `.${(frac + '000000').slice(0, 6)}Z`);
};
const decimals = (s) => (s.indexOf('.') < 0 ? 0 : s.length - s.indexOf('.') - 1);
const kFrames = [];
const precision = new Map();
for (const line of fixture('KRAKEN.ws.50.0.book.gz').split('\n')) {
  if (!/^\d/.test(line)) continue;
  const f = JSON.parse(line.slice(line.indexOf(': ') + 2));
  if (!Array.isArray(f) || typeof f[f.length - 2] !== 'string' || !f[f.length - 2].startsWith('book-')) continue;
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
  if (!precision.has(pair)) precision.set(pair, { price: decimals((asks[0] || bids[0])[0]), qty: decimals((asks[0] || bids[0])[1]) });
  const newest = asks.concat(bids).reduce((m, l) => (+l[2] > +m ? l[2] : m), '0');
  const text =
    `{"channel":"book","type":"${snapshot ? 'snapshot' : 'update'}","data":[{"symbol":${JSON.stringify(pair)},` +
    `"bids":${levelsJson(bids)},"asks":${levelsJson(asks)}${c === undefined ? '' : `,"checksum":${c}`},"timestamp":"${rfc3339(newest)}"}]}`;
  kFrames.push({ pair, snapshot, buf: Buffer.from(text, 'utf8') });
}
const kUpdates = kFrames.filter((f) => !f.snapshot).length;

/** Replays the Kraken frames once: decode (text or scan), BookSync, checksum (str or buf or none). */
function krakenRun(decode, checksum) {
  const syncs = new Map();
  const scan = new BookUpdateScan();
  let sync;
  let bad = 0;
  const sink = {
    symbolOf: () => 'X/Y',
    bookNonce: () => sync.book.nonce,
    bookSnapshot: (s, x) => sync.onSnapshot(x),
    bookDelta: (s, d) => {
      if (sync.onDelta(d).kind !== 'applied') bad++;
    },
    malformed: () => bad++,
  };
  for (const f of kFrames) {
    if (f.snapshot) {
      const p = precision.get(f.pair);
      const fn = checksum === 'str' ? kc.bookChecksumText : kc.bookChecksum;
      const verify = checksum === 'none' ? undefined : (b, d) => (d.checksum === undefined || fn(b, p) === d.checksum ? undefined : 'mismatch');
      syncs.set(f.pair, new BookSync(new OrderBook(f.pair), noSequenceRule, { maxDepth: 1000, verify }));
    }
    sync = syncs.get(f.pair);
    if (decode === 'scan' && !f.snapshot) {
      if (!decodeBookBytes(f.buf, sink, scan)) decodeFrame(f.buf.toString('utf8'), sink);
    } else decodeFrame(f.buf.toString('utf8'), sink);
  }
  if (bad) throw new Error(`${bad} frames not applied`);
  return syncs;
}

/** Book states after every Kraken update, for the checksum-only measure: the capture replayed, each book copied. */
const kBooks = [];
{
  const syncs = new Map();
  let sync;
  const sink = { symbolOf: () => 'X/Y', bookNonce: () => sync.book.nonce, bookSnapshot: (s, x) => sync.onSnapshot(x), bookDelta: (s, d) => sync.onDelta(d), malformed: () => {} };
  for (const f of kFrames) {
    if (f.snapshot) syncs.set(f.pair, new BookSync(new OrderBook(f.pair), noSequenceRule, { maxDepth: 1000 }));
    sync = syncs.get(f.pair);
    decodeFrame(f.buf.toString('utf8'), sink);
    if (!f.snapshot) {
      const copy = new OrderBook(f.pair);
      const s = sync.book.limit(10);
      copy.reset({ bids: s.bids, asks: s.asks });
      kBooks.push({ book: copy, p: precision.get(f.pair) });
    }
  }
}
for (const { book, p } of kBooks) if (kc.bookChecksum(book, p) !== kc.bookChecksumText(book, p)) throw new Error('checksums differ');

// ------------------------------------------------------------------ Bitfinex books

const bFrames = fixture('BITFINEX.ws.11.0.received.gz').split('\n').filter((l) => /^\d/.test(l)).map((l) => l.slice(l.indexOf(': ') + 2));
const bBooks = [];
const bBookFrames = [];
{
  const state = new ConnectionState();
  const books = new Map();
  const sink = {
    connection: () => state,
    symbolOf: (s) => s,
    bookNonce: (s) => books.get(s)?.book.nonce,
    bookSnapshot(s, x) {
      const book = new OrderBook(s, { keepStrings: true });
      const sync = new BookSync(book, bitfinexBookRule, { maxDepth: 100 });
      sync.onSnapshot(x);
      books.set(s, sync);
    },
    bookDelta(s, d) {
      const sync = books.get(s);
      sync.onDelta(d);
      const copy = new OrderBook(s, { keepStrings: true });
      copy.applyRaw('bids', sync.book.levelStrings('bids', 25));
      copy.applyRaw('asks', sync.book.levelStrings('asks', 25));
      bBooks.push(copy);
    },
    lost() {}, ticker() {}, trades() {}, candle() {}, describe: () => undefined, ack() {}, refused() {}, error() {}, reconnect() {}, malformed() {},
  };
  for (const f of bFrames) {
    const before = bBooks.length;
    bfxDecode(f, sink);
    if (bBooks.length > before) bBookFrames.push(Buffer.from(f, 'utf8'));
  }
}
for (const b of bBooks) if (bfx.bookChecksum(b) !== bfx.bookChecksumText(b)) throw new Error('bitfinex checksums differ');

// ------------------------------------------------------------------ measure

let sinkNum = 0;
function measure(label, units, reps, fn) {
  const results = [];
  for (let round = 0; round < 5; round++) {
    const c0 = process.cpuUsage();
    for (let r = 0; r < reps; r++) fn();
    const c = process.cpuUsage(c0);
    results.push((c.user + c.system) / (reps * units));
  }
  results.sort((a, b) => a - b);
  const median = results[2];
  console.log(`${label.padEnd(44)} ${median.toFixed(3)} µs`);
  return median;
}

// warm-up
for (let i = 0; i < 3; i++) {
  krakenRun('text', 'str');
  krakenRun('scan', 'buf');
}

console.log(`Kraken: ${kUpdates} update frames (v2 from KRAKEN.ws.50.0), per update frame (median of 5 rounds)`);
const before = measure('text decode + book + toFixed-string checksum', kUpdates, 5, () => krakenRun('text', 'str'));
const after = measure('scan + book + buffer checksum', kUpdates, 5, () => krakenRun('scan', 'buf'));
const textOnly = measure('text decode + book, no checksum', kUpdates, 5, () => krakenRun('text', 'none'));
const scanOnly = measure('scan + book, no checksum', kUpdates, 5, () => krakenRun('scan', 'none'));
const decText = measure('decode only: toString + JSON.parse decode', kUpdates, 10, () => {
  const sink = { symbolOf: () => undefined, bookNonce: () => 0, malformed() {} };
  for (const f of kFrames) if (!f.snapshot) decodeFrame(f.buf.toString('utf8'), sink);
});
const decScan = measure('decode only: byte scan', kUpdates, 10, () => {
  const scan = new BookUpdateScan();
  for (const f of kFrames) if (!f.snapshot && scan.scan(f.buf)) sinkNum += scan.bidCount;
});
const ckStr = measure('checksum only: toFixed strings + CRC', kBooks.length, 10, () => {
  for (const { book, p } of kBooks) sinkNum += kc.bookChecksumText(book, p);
});
const ckBuf = measure('checksum only: digits into buffer + CRC', kBooks.length, 10, () => {
  for (const { book, p } of kBooks) sinkNum += kc.bookChecksum(book, p);
});
console.log(
  `ratios: whole path ${(after / before).toFixed(2)}x (no checksum: ${(scanOnly / textOnly).toFixed(2)}x), decode ${(decScan / decText).toFixed(2)}x, checksum ${(ckBuf / ckStr).toFixed(2)}x`,
);

console.log(`\nBitfinex: ${bBooks.length} books (after each book frame of BITFINEX.ws.11.0), one checksum each`);
const bStr = measure('checksum: levelStrings + join + CRC', bBooks.length, 20, () => {
  for (const b of bBooks) sinkNum += bfx.bookChecksumText(b);
});
const bBuf = measure('checksum: kept strings into buffer + CRC', bBooks.length, 20, () => {
  for (const b of bBooks) sinkNum += bfx.bookChecksum(b);
});
console.log(`ratio: checksum ${(bBuf / bStr).toFixed(2)}x`);
const bParse = measure('book frame: toString + JSON.parse only', bBookFrames.length, 50, () => {
  for (const b of bBookFrames) sinkNum += JSON.parse(b.toString('utf8')).length;
});
/** Every Bitfinex frame of the capture through decode.ts into books (BookSync, keepStrings), no checksum. */
function bitfinexRun() {
  const state = new ConnectionState();
  const books = new Map();
  const sink = {
    connection: () => state,
    symbolOf: (s) => s,
    bookNonce: (s) => books.get(s)?.book.nonce,
    bookSnapshot(s, x) {
      const sync = new BookSync(new OrderBook(s, { keepStrings: true }), bitfinexBookRule, { maxDepth: 100 });
      sync.onSnapshot(x);
      books.set(s, sync);
    },
    bookDelta: (s, d) => books.get(s).onDelta(d),
    lost() {}, ticker() {}, trades() {}, candle() {}, describe: () => undefined, ack() {}, refused() {}, error() {}, reconnect() {}, malformed() {},
  };
  for (const f of bFrameBufs) bfxDecode(f.toString('utf8'), sink);
}
const bFrameBufs = bFrames.map((f) => Buffer.from(f, 'utf8'));
const bWhole = measure('capture frame: toString + decode + book', bFrameBufs.length, 20, bitfinexRun);
console.log(
  `(a Bitfinex book frame is one level: toString + JSON.parse ${bParse.toFixed(3)} µs; a capture frame through decode + book ${bWhole.toFixed(3)} µs; a checksum ${bBuf.toFixed(3)} µs)`,
);
void sinkNum;
