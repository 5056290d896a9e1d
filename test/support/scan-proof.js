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

/** A seeded generator (mulberry32): `rnd()` in [0, 1), `int(n)` in [0, n), `digits(n)` n random digits. */
function seeded(seed) {
  let state = seed | 0;
  const rnd = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(rnd() * n);
  const digits = (n) => {
    let s = '';
    for (let i = 0; i < n; i++) s += String(int(10));
    return s;
  };
  return { rnd, int, digits };
}

/** What a mutation inserts or writes over: JSON's syntax, number parts, escapes, non-ASCII. */
const JUNK = ['e', 'E', '-', '+', '.', '"', '\\', '0', '1', '9', ',', ']', '[', '{', '}', ' ', ':', 'x', '\n', '1e5', '\\u0031', 'é', 'Z', 'T'];

/** One random edit of a frame's text: an insert, a deletion, a replacement, a cut, or a run copied elsewhere. */
function mutate(g, t) {
  const at = g.int(t.length);
  switch (g.int(5)) {
    case 0:
      return t.slice(0, at) + JUNK[g.int(JUNK.length)] + t.slice(at);
    case 1:
      return t.slice(0, at) + t.slice(at + 1);
    case 2:
      return t.slice(0, at) + JUNK[g.int(JUNK.length)] + t.slice(at + 1);
    case 3:
      return t.slice(0, at);
    default: {
      const b = at + g.int(30);
      return t.slice(0, at) + t.slice(b, b + g.int(10)) + t.slice(at);
    }
  }
}

/**
 * The seeded fuzz proof's loop: `n` frames from `frame()`, half of them with one to three
 * mutations; `check(text, where)` reads one (asserting it is read exactly or declined with nothing
 * reported) and answers whether the scanner took it. Returns how many were accepted and declined,
 * plain and mutated, for the caller's assertion that both answers were exercised.
 */
function fuzzFrames(g, n, frame, check) {
  const counts = { accepted: 0, declined: 0, mutatedAccepted: 0, mutatedDeclined: 0 };
  for (let i = 0; i < n; i++) {
    let text = frame();
    const mutated = g.rnd() < 0.5;
    if (mutated) for (let m = 1 + g.int(3); m > 0; m--) text = mutate(g, text);
    const ok = check(text, `fuzz #${i}`);
    if (mutated) counts[ok ? 'mutatedAccepted' : 'mutatedDeclined']++;
    else counts[ok ? 'accepted' : 'declined']++;
  }
  return counts;
}

/** Each frame is declined by the scanner and by the bytes hook, which reports nothing for it. */
function assertDeclined(scan, decodeBytes, frames, sinkFor = recorder) {
  for (const t of frames) {
    assert.strictEqual(scan.scan(Buffer.from(t)), false, `accepted: ${t.slice(0, 300)}`);
    const sink = sinkFor();
    assert.strictEqual(decodeBytes(Buffer.from(t), sink, scan), false, t.slice(0, 300));
    assert.strictEqual(sink.calls.length, 0, `reported something for ${t.slice(0, 300)}`);
  }
}

/**
 * The bytes hook leaves to the text path, reporting nothing: a valid book frame of a stream nobody
 * subscribed (`unsubscribedFrame`), and frames that are not book updates (acks, pongs, refusals,
 * other channels).
 */
function assertTextPathOnly(scan, decodeBytes, unsubscribedFrame, others) {
  const unsubscribed = recorder();
  unsubscribed.symbolOf = () => undefined;
  assert.strictEqual(decodeBytes(Buffer.from(unsubscribedFrame), unsubscribed, scan), false, 'an unsubscribed stream');
  assert.strictEqual(unsubscribed.calls.length, 0);
  for (const t of others) {
    const sink = recorder();
    assert.strictEqual(decodeBytes(Buffer.from(t), sink, scan), false, t);
    assert.strictEqual(sink.calls.length, 0, `reported something for ${t}`);
  }
}

/**
 * The bytes hook reports exactly what the text path (`decodeFrame`) reports for `text` — one book
 * delta with the same stream, the same `fields`, no level arrays and the same levels packed — or
 * nothing at all. Returns whether it took the frame.
 */
function assertDelivered(decodeBytes, decodeFrame, scan, text, where, fields, sink = recorder()) {
  const ok = decodeBytes(Buffer.from(text, 'utf8'), sink, scan);
  if (!ok) {
    assert.strictEqual(sink.calls.length, 0, `${where}: declined but reported something`);
    return false;
  }
  const ref = textPath(decodeFrame, text);
  assert.strictEqual(sink.calls.length, 1, where);
  const [kind, stream, d] = sink.calls[0];
  assert.strictEqual(kind, 'bookDelta', where);
  assert.strictEqual(stream, ref.delta.stream, where);
  assert.deepStrictEqual(Object.keys(d).sort(), ['asks', 'bids', 'packed', ...fields].sort(), where);
  for (const k of fields) assert.strictEqual(d[k], ref.delta.d[k], `${where}: ${k}`);
  assert.deepStrictEqual([d.bids.length, d.asks.length], [0, 0], where);
  assert.deepStrictEqual(Array.from(d.packed.bids.subarray(0, 2 * d.packed.bidCount)), ref.delta.bids, where);
  assert.deepStrictEqual(Array.from(d.packed.asks.subarray(0, 2 * d.packed.askCount)), ref.delta.asks, where);
  return true;
}

module.exports = { recorder, textPath, assertSameLevels, seeded, mutate, fuzzFrames, assertDeclined, assertTextPathOnly, assertDelivered };
