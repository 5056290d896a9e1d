'use strict';
/**
 * What an OKX `books` update costs, per frame of the real capture (cryptofeed OKX.ws.1.0, 287
 * updates of three books, given today's prevSeqId/seqId; Buffers as the socket delivers them):
 *
 *   decode only
 *     floor      buf.toString() + JSON.parse                            (the bare-ws floor client)
 *     text       buf.toString() + decode.js (JSON.parse, classify, parse) + the book's level check
 *     scan       scan.js: every level (and its scale) straight from the bytes
 *   decode + book + checksum (BookSync with the adapter's rule and verifyChecksum)
 *     strings    text decode, a keepStrings book, checksum from the kept strings (before)
 *     scales     scan decode, a keepScales book, checksum rendered into one buffer (now)
 *   checksum alone, on the BTC-USDT book at the end of the capture
 *     string     levelStrings x2 + join + crc32 of the string
 *     buffer     levelsScaled x2 + digits rendered from (number, scale) + crc32 of the bytes
 *
 * CPU time (process.cpuUsage), best of 5 rounds. Every checksum of the capture is checked to match
 * on both book paths before timing.
 *
 *   npm run build && node bench/experiments/okx-frame.js
 */
const { readFixture } = require('../../test/support/fixtures');
const { decodeFrame } = require('../../js/exchanges/okx/decode');
const { BooksScan, decodeBooksBytes } = require('../../js/exchanges/okx/scan');
const { bookRule } = require('../../js/exchanges/okx/parse');
const { bookChecksum, bookChecksumScaled, verifyChecksum } = require('../../js/exchanges/okx/checksum');
const { OrderBook } = require('../../js/book/orderbook');
const { BookSync } = require('../../js/book/sync');
const { LevelNumbers, convertLevels } = require('../../js/book/validate');

const seqs = new Map();
const frames = readFixture('cryptofeed/OKX.ws.1.0.books.gz')
  .split('\n')
  .filter((l) => /^\d/.test(l))
  .map((l) => l.slice(l.indexOf(': ') + 2))
  // today's shape: seqIds after the checksum, one chain per book
  .map((t) => {
    const id = /"instId":"([^"]+)"/.exec(t)[1];
    const prev = seqs.get(id) ?? -1;
    seqs.set(id, prev < 0 ? 1000 : prev + 1);
    return t.replace(/\}\]\}$/, `,"prevSeqId":${prev},"seqId":${seqs.get(id)}}]}`);
  })
  .map((t) => Buffer.from(t, 'utf8'));
const updates = frames.filter((b) => b.includes('"action":"update"'));

let sinkSum = 0;
/** A FrameSink that hands snapshots and deltas to `on`. */
function sinkOf(on) {
  return {
    symbolOf: () => 'X/Y',
    bookSnapshot: (s, x) => on(s, x, true),
    bookDelta: (s, d) => on(s, d, false),
    malformed: (s, w) => {
      throw new Error(`malformed ${w}`);
    },
  };
}

const nb = new LevelNumbers();
const na = new LevelNumbers();
const scan = new BooksScan();
const countSink = sinkOf((s, d) => {
  sinkSum += d.last;
});
const checkSink = sinkOf((s, d, snap) => {
  if (!snap) {
    convertLevels('bids', d.bids, nb);
    convertLevels('asks', d.asks, na);
    sinkSum += nb.count + na.count;
  }
});

/** Replays the whole capture into fresh books; returns [verified checksums, not applied]. */
function replay(keepScales) {
  const books = new Map();
  let verified = 0;
  let bad = 0;
  const sink = sinkOf((stream, x, snap) => {
    let e = books.get(stream);
    if (snap) {
      const book = new OrderBook(stream, keepScales ? { keepScales: true } : { keepStrings: true });
      const sync = new BookSync(book, bookRule, {
        verify: (b, d) => {
          const r = verifyChecksum(b, d);
          if (r === undefined) verified++;
          return r;
        },
      });
      books.set(stream, (e = { book, sync }));
      if (sync.onSnapshot(x).kind !== 'synced') bad++;
    } else if (e.sync.onDelta(x).kind !== 'applied') bad++;
  });
  for (const b of frames) {
    if (!(keepScales && decodeBooksBytes(b, sink, scan))) decodeFrame(b.toString('utf8'), sink);
  }
  return { verified, bad, books };
}

const before = replay(false);
const after = replay(true);
console.log(`${frames.length} frames (${updates.length} updates): strings path ${before.verified} checksums verified, ${before.bad} refused; scales path ${after.verified} verified, ${after.bad} refused`);
if (before.verified !== 290 || after.verified !== 290) throw new Error('checksums do not all match');

const btcStrings = before.books.get('books:BTC-USDT').book;
const btcScales = after.books.get('books:BTC-USDT').book;
if (bookChecksum(btcStrings) !== bookChecksumScaled(btcScales)) throw new Error('checksums differ');

function cpu(fn, reps) {
  const c0 = process.cpuUsage();
  for (let r = 0; r < reps; r++) fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / reps;
}

const perFrame = {
  floor: () => {
    for (const b of updates) sinkSum += JSON.parse(b.toString('utf8')).data.length;
  },
  text: () => {
    for (const b of updates) decodeFrame(b.toString('utf8'), checkSink);
  },
  scan: () => {
    for (const b of updates) if (!decodeBooksBytes(b, countSink, scan)) throw new Error('declined');
  },
};
const perCapture = { strings: () => replay(false), scales: () => replay(true) };
const checksumReps = 2000;
const perChecksum = {
  string: () => {
    for (let i = 0; i < checksumReps; i++) sinkSum += bookChecksum(btcStrings);
  },
  buffer: () => {
    for (let i = 0; i < checksumReps; i++) sinkSum += bookChecksumScaled(btcScales);
  },
};

const best = {};
for (let round = 0; round < 5; round++) {
  for (const [name, fn] of Object.entries(perFrame)) best[name] = Math.min(best[name] ?? Infinity, cpu(fn, 20) / updates.length);
  // every frame of the capture (3 snapshots included) per update
  for (const [name, fn] of Object.entries(perCapture)) best[name] = Math.min(best[name] ?? Infinity, cpu(fn, 10) / updates.length);
  for (const [name, fn] of Object.entries(perChecksum)) best[name] = Math.min(best[name] ?? Infinity, cpu(fn, 3) / checksumReps);
}
const us = (x) => `${x.toFixed(2)} µs`;
console.log('decode only, per update frame:');
console.log(`  floor (toString + JSON.parse)   ${us(best.floor)}`);
console.log(`  text path (decode.js + checks)  ${us(best.text)}   ${(best.text / best.floor).toFixed(2)}x floor`);
console.log(`  scanner                         ${us(best.scan)}   ${(best.scan / best.floor).toFixed(2)}x floor, ${(best.text / best.scan).toFixed(2)}x faster than text`);
console.log('decode + book + checksum, per update (whole capture replayed, snapshots included):');
console.log(`  strings (text, keepStrings)     ${us(best.strings)}`);
console.log(`  scales (scanner, keepScales)    ${us(best.scales)}   ${(best.strings / best.scales).toFixed(2)}x faster`);
console.log('checksum alone (BTC-USDT book, top 25 a side):');
console.log(`  from kept strings               ${us(best.string)}`);
console.log(`  rendered into one buffer        ${us(best.buffer)}   ${(best.string / best.buffer).toFixed(2)}x faster`);
if (sinkSum === 0.5) console.log('');
