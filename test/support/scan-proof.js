'use strict';
/**
 * Shared pieces of the byte-scanner proofs (test/<exchange>-scan.test.js): a sink that records what
 * a decoder reported, the text path's verdict on a frame (JSON.parse + the exchange's decode + the
 * book's own checks), and the accepted-frame and level-for-level comparisons every scanner must pass.
 */
const assert = require('assert');
const { badIds, convertLevels, LevelNumbers } = require('../../js/book/validate');

/** A sink that records what a decoder reported; every stream is subscribed. */
function recorder() {
  const calls = [];
  const sink = {
    calls,
    symbolOf: () => 'X/Y',
    bookNonce: () => undefined,
    connection: () => undefined,
    bookSnapshot: (s, x) => calls.push(['bookSnapshot', s, x]),
    bookDelta: (s, d) => calls.push(['bookDelta', s, d]),
    ticker: (s, t) => calls.push(['ticker', s, t]),
    trades: (s, t) => calls.push(['trades', s, t]),
    candle: (s, c) => calls.push(['candle', s, c]),
    describe: () => undefined,
    ack: (id) => calls.push(['ack', id]),
    oldestPending: () => undefined,
    lost: (d) => calls.push(['lost', d]),
    refused: (id, e) => calls.push(['refused', id, e]),
    error: (e) => calls.push(['error', e]),
    reconnect: (r) => calls.push(['reconnect', r]),
    malformed: (s, w, r) => calls.push(['malformed', s, w, r]),
  };
  return sink;
}

/** What the text path (`decodeFrame`) makes of a frame: the delta it reports and whether the book would accept it (levels as numbers). */
function textPath(decodeFrame, text) {
  const sink = recorder();
  try {
    decodeFrame(text, sink);
  } catch {
    return { calls: sink.calls, threw: true };
  }
  const out = { calls: sink.calls, threw: false };
  if (sink.calls.length === 1 && sink.calls[0][0] === 'bookDelta') {
    const [, stream, d] = sink.calls[0];
    const nb = new LevelNumbers();
    const na = new LevelNumbers();
    const bad = badIds(d) ?? convertLevels('bids', d.bids, nb) ?? convertLevels('asks', d.asks, na);
    out.delta = { stream, d, bad, bids: Array.from(nb.nums.subarray(0, 2 * nb.count)), asks: Array.from(na.nums.subarray(0, 2 * na.count)) };
    if (bad !== undefined) out.delta.bids = out.delta.asks = undefined;
  }
  return out;
}

/**
 * The text path's verdict on a frame the scanner accepted: it must be a delta the book accepts, and
 * the scanner's levels must equal its levels bit for bit. Returns the verdict for the exchange's
 * own id / time checks.
 */
function assertSameLevels(decodeFrame, scan, text, where) {
  const ref = textPath(decodeFrame, text);
  assert.ok(!ref.threw, `${where}: scanner accepted a frame JSON.parse rejects: ${text.slice(0, 200)}`);
  assert.ok(ref.delta, `${where}: scanner accepted a frame the text path does not deliver as a delta: ${text.slice(0, 200)}`);
  assert.strictEqual(ref.delta.bad, undefined, `${where}: scanner accepted a frame the book rejects (${ref.delta.bad}): ${text.slice(0, 200)}`);
  assert.strictEqual(scan.bidCount * 2, ref.delta.bids.length, where);
  assert.strictEqual(scan.askCount * 2, ref.delta.asks.length, where);
  for (let i = 0; i < ref.delta.bids.length; i++) {
    if (!Object.is(scan.bids[i], ref.delta.bids[i])) assert.fail(`${where}: bids[${i >> 1}][${i & 1}] ${scan.bids[i]} != ${ref.delta.bids[i]}`);
  }
  for (let i = 0; i < ref.delta.asks.length; i++) {
    if (!Object.is(scan.asks[i], ref.delta.asks[i])) assert.fail(`${where}: asks[${i >> 1}][${i & 1}] ${scan.asks[i]} != ${ref.delta.asks[i]}`);
  }
  return ref;
}

module.exports = { recorder, textPath, assertSameLevels };
