'use strict';
/**
 * Prototype of a suggestion in BENCHMARKS.md (not part of exstream): decode a raw Binance
 * `depthUpdate` frame in one pass over the socket's bytes — E, U, u and every level's price and
 * amount as numbers read straight from the digits, with no string, array or object per level.
 * Numbers are exact: all digits as one integer N (< 2^53), then N / 10^decimals, which is the
 * correctly rounded value of the decimal, i.e. bit-identical to `+string` (checked on every level
 * of the capture by experiments/frame-scan.js). Anything unexpected returns false: the caller falls
 * back to JSON.parse.
 */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** Index just past `key` ('"U":' as bytes) at or after `from`, or -1. */
function find(buf, key, from) {
  const i = buf.indexOf(key, from);
  return i < 0 ? -1 : i + key.length;
}

const K_U = Buffer.from('"U":');
const K_u = Buffer.from('"u":');
const K_E = Buffer.from('"E":');
const K_b = Buffer.from('"b":[');
const K_a = Buffer.from('"a":[');

let pos = 0;
/** Unsigned integer at pos. */
function int(buf) {
  let n = 0;
  let c = buf[pos];
  while (c >= 48 && c <= 57) {
    n = n * 10 + (c - 48);
    c = buf[++pos];
  }
  return n;
}
/** Quoted plain decimal at pos ('"61837.63000000"'), exact (NaN if not plain). */
function dec(buf) {
  if (buf[pos] !== 34) return NaN;
  pos++;
  let n = 0;
  let d = -1;
  let digits = 0;
  for (;;) {
    const c = buf[pos++];
    if (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48);
      digits++;
      if (d >= 0) d++;
    } else if (c === 46 && d < 0) d = 0;
    else if (c === 34) break;
    else return NaN;
  }
  if (digits > 15 && n > 9007199254740991) return NaN;
  return d > 0 ? n / POW10[d] : n;
}
/** Levels `[["p","q"],...]` at pos (after the opening bracket) -> out as p, q pairs; false if odd. */
function levels(buf, out) {
  out.length = 0;
  if (buf[pos] === 93) return true; // []
  for (;;) {
    if (buf[pos++] !== 91) return false;
    const p = dec(buf);
    if (buf[pos++] !== 44) return false;
    const q = dec(buf);
    if (buf[pos++] !== 93) return false;
    if (p !== p || q !== q) return false;
    out.push(p, q);
    const c = buf[pos++];
    if (c === 93) return true;
    if (c !== 44) return false;
  }
}

/** Scans a raw depthUpdate frame; returns false (-> JSON.parse) if it is not the expected shape. */
function scan(buf, sink, bids = [], asks = []) {
  let i = find(buf, K_E, 0);
  if (i < 0) return false;
  pos = i;
  const E = int(buf);
  i = find(buf, K_U, pos);
  if (i < 0) return false;
  pos = i;
  const U = int(buf);
  i = find(buf, K_u, pos);
  if (i < 0) return false;
  pos = i;
  const u = int(buf);
  i = find(buf, K_b, pos);
  if (i < 0) return false;
  pos = i;
  if (!levels(buf, bids)) return false;
  i = find(buf, K_a, pos);
  if (i < 0) return false;
  pos = i;
  if (!levels(buf, asks)) return false;
  sink(E, U, u, bids, asks);
  return true;
}


module.exports = { scan };
