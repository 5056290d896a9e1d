'use strict';
/**
 * Experiment: CPU per level of BookSide#applyNumbers on the real capture's frames (levels as the byte
 * scanner hands them over: packed numbers, each side in the frame's own order), cycled over a book
 * loaded from the capture's snapshot. Compares BookSide implementations side by side in one process,
 * rounds alternating, so a change to js/book/book-side.js can be measured against a saved copy:
 *
 *   cp js/book/book-side.js /tmp/book-side-base.js
 *   node bench/experiments/book-apply.js /tmp/book-side-base.js js/book/book-side.js
 *   SOURCE=synthetic:5000 CYCLES=2 node bench/experiments/book-apply.js ...   (table 2's unsorted stream)
 */
const path = require('path');
const { loadCapture } = require('../lib/capture');

const files = process.argv.slice(2);
if (files.length === 0) files.push(path.resolve(__dirname, '../../js/book/book-side.js'));
const CYCLES = Number(process.env.CYCLES) || 20;
const ROUNDS = Number(process.env.ROUNDS) || 5;

// SOURCE=synthetic:<levels> applies table 2's stream (lib/book-stream.js: unsorted batches) instead
const SOURCE = process.env.SOURCE || 'capture';
const cap = SOURCE === 'capture' ? loadCapture() : synthetic(Number(SOURCE.split(':')[1]));
function synthetic(levels) {
  const { makeStream } = require('../lib/book-stream');
  const st = makeStream(levels, 400_000);
  return { snapshot: st.snapshot, frames: st.batches.map((b) => ({ b: b.bids, a: b.asks })) };
}
const pack = (levels) => {
  const a = new Float64Array(levels.length * 2);
  levels.forEach((l, j) => {
    a[2 * j] = +l[0];
    a[2 * j + 1] = +l[1];
  });
  return a;
};
const frames = cap.frames.map((f) => ({ b: pack(f.b), bn: f.b.length, a: pack(f.a), an: f.a.length }));
const levelsPerCycle = frames.reduce((s, f) => s + f.bn + f.an, 0);

function runOnce(BookSide) {
  const bids = new BookSide('bids');
  const asks = new BookSide('asks');
  bids.load(cap.snapshot.bids);
  asks.load(cap.snapshot.asks);
  // one warm cycle (not timed)
  for (const f of frames) {
    bids.applyNumbers(f.b, f.bn, []);
    asks.applyNumbers(f.a, f.an, []);
  }
  const t0 = process.hrtime.bigint();
  for (let c = 0; c < CYCLES; c++) {
    for (let k = 0; k < frames.length; k++) {
      const f = frames[k];
      bids.applyNumbers(f.b, f.bn, []);
      asks.applyNumbers(f.a, f.an, []);
    }
  }
  const ns = Number(process.hrtime.bigint() - t0);
  return { ns: ns / (CYCLES * levelsPerCycle), depth: [bids.length, asks.length], top: [bids.priceAt(0), asks.priceAt(0), bids.amountAt(500), asks.amountAt(500)] };
}

const impls = files.map((f) => ({ file: f, BookSide: require(path.resolve(f)).BookSide, ns: [] }));
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? impls : [...impls].reverse();
  for (const im of order) {
    const x = runOnce(im.BookSide);
    im.ns.push(x.ns);
    im.last = x;
  }
}
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const base = med(impls[0].ns);
for (const im of impls) {
  const m = med(im.ns);
  console.log(`${im.file.padEnd(40)} ${m.toFixed(1)} ns/level  ${(m / base).toFixed(3)}x  depth ${im.last.depth}  check ${im.last.top}`);
}
