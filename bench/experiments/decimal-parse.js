'use strict';
/**
 * Experiment behind a suggestion in BENCHMARKS.md: the cost of turning Binance's decimal strings
 * ("61837.63000000") into numbers. `+s` (V8's general StringToDouble) vs an exact fast path for
 * plain decimals: N = all digits as an integer (exact while N < 2^53), then one division by
 * 10^decimals. 10^d (d <= 22) is exact, so N / 10^d is the correctly rounded value of the decimal —
 * bit-identical to `+s`. Checked on every level of the capture below.
 *
 *   node bench/experiments/decimal-parse.js
 */
const { loadCapture } = require('../lib/capture');

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

function fastDecimal(s) {
  let n = 0;
  let d = -1;
  const len = s.length;
  if (len === 0 || len > 17) return +s;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48);
      if (d >= 0) d++;
    } else if (c === 46 && d < 0) {
      d = 0;
    } else {
      return +s;
    }
  }
  // at most 17 digits: n < 10^17 may exceed 2^53, so check exactness
  if (n > 9007199254740991) return +s;
  return d > 0 ? n / POW10[d] : n;
}

const cap = loadCapture();
const strs = [];
for (const f of cap.frames) for (const l of f.b.concat(f.a)) strs.push(l[0], l[1]);
let bad = 0;
for (const s of strs) if (!Object.is(fastDecimal(s), +s)) bad++;
console.log(`${strs.length} strings from the capture, ${bad} differ from +s`);

function bench(name, fn) {
  let sink = 0;
  for (let r = 0; r < 3; r++) for (let i = 0; i < strs.length; i++) sink += fn(strs[i]);
  const reps = 20;
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < reps; r++) for (let i = 0; i < strs.length; i++) sink += fn(strs[i]);
  const ns = Number(process.hrtime.bigint() - t0) / (reps * strs.length);
  console.log(`${name.padEnd(12)} ${ns.toFixed(1)} ns per string (${sink > 0 ? 'ok' : ''})`);
}
for (let k = 0; k < 2; k++) {
  bench('+s', (s) => +s);
  bench('fastDecimal', fastDecimal);
}
