'use strict';
/**
 * Experiment: CPU per frame of exstream's Binance byte scanner (js/exchanges/binance/scan.js) on the
 * real capture's depthUpdate frames in the combined-stream form, side by side with another copy of
 * the scanner (same relative layout: <dir>/exchanges/byte-scan.js, <dir>/exchanges/binance/scan.js)
 * and with buf.toString() + JSON.parse (the floor's decode), rounds alternating:
 *
 *   mkdir -p /tmp/base/exchanges/binance && cp js/exchanges/byte-scan.js /tmp/base/exchanges/ \
 *     && cp js/exchanges/binance/scan.js /tmp/base/exchanges/binance/
 *   node bench/experiments/depth-scan-lib.js /tmp/base js
 */
const path = require('path');
const { loadCapture } = require('../lib/capture');

const dirs = process.argv.slice(2);
if (dirs.length === 0) dirs.push(path.resolve(__dirname, '../../js'));
const CYCLES = Number(process.env.CYCLES) || 20;
const ROUNDS = Number(process.env.ROUNDS) || 5;

const cap = loadCapture();
const bufs = cap.frames.map((f, k) =>
  Buffer.from(
    `{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":${1723161255208 + k * 100},"s":"BTCUSDT","U":${1000 + k * 100},"u":${1050 + k * 100},"b":${f.bJson},"a":${f.aJson}}}`,
  ),
);

let sink = 0;
const variants = [
  {
    name: 'toString + JSON.parse (floor)',
    run() {
      for (let k = 0; k < bufs.length; k++) sink += JSON.parse(bufs[k].toString()).data.u;
    },
  },
  ...dirs.map((d) => {
    const { DepthScan } = require(path.resolve(d, 'exchanges/binance/scan.js'));
    const s = new DepthScan();
    for (const b of bufs) if (!s.scan(b)) throw new Error(`${d}: scanner declined a capture frame`);
    return {
      name: d,
      run() {
        for (let k = 0; k < bufs.length; k++) {
          s.scan(bufs[k]);
          sink += s.bidCount + s.asks[0];
        }
      },
    };
  }),
];
for (const v of variants) v.ns = [];
for (let r = 0; r < ROUNDS; r++) {
  for (const v of r % 2 ? [...variants].reverse() : variants) {
    v.run();
    const t0 = process.hrtime.bigint();
    for (let c = 0; c < CYCLES; c++) v.run();
    v.ns.push(Number(process.hrtime.bigint() - t0) / (CYCLES * bufs.length));
  }
}
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const base = med(variants[1]?.ns ?? variants[0].ns);
for (const v of variants) console.log(`${v.name.padEnd(34)} ${(med(v.ns) / 1000).toFixed(2)} µs/frame  ${(med(v.ns) / base).toFixed(3)}x`);
if (sink === 42) console.log('');
