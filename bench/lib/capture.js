'use strict';
/**
 * The real Binance Spot capture (hftbacktest, BTCUSDT, 2024-08-08) that every frame benchmark replays:
 * its REST depth snapshot (1,000 levels a side) and its 3,451 `depthUpdate` frames (median 16, mean 36
 * levels). Read from test/fixtures/hftbacktest/binance_spot_btcusdt_20240808.depth-bookTicker.gz, the
 * trimmed copy the tests replay (snapshot and depth frames byte-for-byte as recorded; test/fixtures/README.md).
 */
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const CAPTURE = path.resolve(__dirname, '../../test/fixtures/hftbacktest/binance_spot_btcusdt_20240808.depth-bookTicker.gz');

let cached;

/**
 * @returns {{ file: string, snapshot: { bids: string[][], asks: string[][] },
 *   frames: { b: string[][], a: string[][], ids: number, bJson: string, aJson: string }[] }}
 * `ids` is u - U + 1 of the original frame (kept when the frames are re-sequenced); bJson / aJson
 * are the level arrays as they were on the wire.
 */
function loadCapture() {
  if (cached) return cached;
  if (!fs.existsSync(CAPTURE)) {
    throw new Error(`capture not found: ${CAPTURE} (the benchmarks replay the capture committed in test/fixtures)`);
  }
  const text = zlib.gunzipSync(fs.readFileSync(CAPTURE)).toString('utf8');
  let snapshot;
  const frames = [];
  for (const line of text.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp < 0) continue;
    const json = line.slice(sp + 1);
    if (json.startsWith('{"lastUpdateId"')) {
      const s = JSON.parse(json);
      snapshot = { bids: s.bids, asks: s.asks };
      continue;
    }
    if (!json.includes('"depthUpdate"')) continue;
    const d = JSON.parse(json).data;
    frames.push({ b: d.b, a: d.a, ids: d.u - d.U + 1, bJson: JSON.stringify(d.b), aJson: JSON.stringify(d.a) });
  }
  if (!snapshot || frames.length === 0) throw new Error(`capture ${CAPTURE} has no snapshot or no depth frames`);
  cached = { file: CAPTURE, snapshot, frames };
  return cached;
}

/** Levels per frame of the capture (bids + asks), for statistics and realistic batch sizes. */
function frameSizes() {
  return loadCapture().frames.map((f) => f.b.length + f.a.length);
}

module.exports = { loadCapture, frameSizes, CAPTURE };
