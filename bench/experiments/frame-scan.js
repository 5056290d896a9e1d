'use strict';
/**
 * Experiment behind a suggestion in BENCHMARKS.md: what a Binance depth frame costs to decode, per
 * frame of the real capture (raw `depthUpdate` frames as the socket delivers them: Buffers).
 *
 *   floor   buf.toString() + JSON.parse                         (what the bare-ws floor client does)
 *   parse+  the floor, then +price / +amount on every level      (what exstream does before the book)
 *   scan    one pass over the bytes: U, u, E and every level as numbers straight from the digits,
 *           no string, array or object per level (falls back to JSON.parse on anything unexpected)
 *
 * The scanner's numbers are checked to be bit-identical to +s on every level of the capture.
 *
 *   node bench/experiments/frame-scan.js
 */
const { loadCapture } = require('../lib/capture');
const { scan } = require('../lib/depth-scan');

const bids = [];
const asks = [];

const cap = loadCapture();
const bufs = cap.frames.map((f, k) =>
  Buffer.from(`{"e":"depthUpdate","E":${1723161255208 + k * 100},"s":"BTCUSDT","U":${1000 + k * 100},"u":${1050 + k * 100},"b":${f.bJson},"a":${f.aJson}}`),
);

// exactness check
let bad = 0;
for (const b of bufs) {
  const m = JSON.parse(b.toString());
  scan(b, (E, U, u, bs, as) => {
    if (E !== m.E || U !== m.U || u !== m.u) bad++;
    m.b.forEach((l, j) => (Object.is(+l[0], bs[2 * j]) && Object.is(+l[1], bs[2 * j + 1]) ? 0 : bad++));
    m.a.forEach((l, j) => (Object.is(+l[0], as[2 * j]) && Object.is(+l[1], as[2 * j + 1]) ? 0 : bad++));
  }, bids, asks);
}
console.log(`${bufs.length} frames, ${bad} fields differ between the scanner and JSON.parse + (+s)`);

let sink = 0;
const variants = {
  floor(b) {
    const m = JSON.parse(b.toString('utf8'));
    sink += m.u;
  },
  'parse+'(b) {
    const m = JSON.parse(b.toString('utf8'));
    for (const l of m.b) sink += +l[0] + +l[1];
    for (const l of m.a) sink += +l[0] + +l[1];
  },
  scan(b) {
    if (!scan(b, (E, U, u, bs, as) => {
      for (let j = 0; j < bs.length; j++) sink += bs[j];
      for (let j = 0; j < as.length; j++) sink += as[j];
    }, bids, asks)) variants.floor(b);
  },
};
for (let round = 0; round < 3; round++) {
  for (const [name, fn] of Object.entries(variants)) {
    for (const b of bufs) fn(b);
    const reps = 10;
    const c0 = process.cpuUsage();
    for (let r = 0; r < reps; r++) for (const b of bufs) fn(b);
    const c = process.cpuUsage(c0);
    if (round === 2) console.log(`${name.padEnd(7)} ${((c.user + c.system) / (reps * bufs.length)).toFixed(2)} µs per frame`);
  }
}
void sink;
