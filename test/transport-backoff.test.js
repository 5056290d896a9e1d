'use strict';
const assert = require('assert');
const { backoffDelay, DEFAULT_BACKOFF } = require('../js/transport/backoff');

// Small deterministic PRNG (LCG) so the "random" inputs are reproducible.
function lcg(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('transport/backoff', () => {
  it('has the documented defaults', () => {
    assert.deepStrictEqual({ ...DEFAULT_BACKOFF }, { baseDelayMs: 500, factor: 2, maxDelayMs: 30000, jitter: 0.5 });
  });

  it('doubles from 500 ms and caps at 30 s (jitter 0)', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 20].map((a) => backoffDelay(a, { jitter: 0 }));
    assert.deepStrictEqual(delays, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('applies "equal jitter" with the injected random source', () => {
    // default jitter 0.5: delay * 0.5 + r * delay * 0.5
    assert.strictEqual(backoffDelay(1, {}, () => 0), 250);
    assert.strictEqual(backoffDelay(1, {}, () => 0.5), 375);
    assert.strictEqual(backoffDelay(3, {}, () => 0.5), 1500);
    assert.strictEqual(backoffDelay(1, { jitter: 1 }, () => 0), 0);
    assert.strictEqual(backoffDelay(2, { jitter: 0.2 }, () => 1), 1000);
  });

  it('is deterministic for a deterministic random source', () => {
    const a = [1, 2, 3, 4, 5, 6].map((n, _i, _arr, r = lcg(7)) => backoffDelay(n, {}, r));
    const r1 = lcg(42);
    const r2 = lcg(42);
    const s1 = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, {}, r1));
    const s2 = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, {}, r2));
    assert.deepStrictEqual(s1, s2);
    assert.strictEqual(a.length, 6);
  });

  it('stays within [delay*(1-jitter), delay] and never exceeds the cap', () => {
    const random = lcg(1);
    const opts = { baseDelayMs: 100, factor: 3, maxDelayMs: 5000, jitter: 0.3 };
    for (let attempt = 1; attempt <= 40; attempt++) {
      const full = Math.min(5000, 100 * 3 ** (attempt - 1));
      for (let i = 0; i < 50; i++) {
        const d = backoffDelay(attempt, opts, random);
        assert.ok(d >= Math.floor(full * 0.7) && d <= full, `attempt ${attempt}: ${d} outside [${full * 0.7}, ${full}]`);
      }
    }
  });

  it('treats attempts below 1 as the first retry and survives huge attempt numbers', () => {
    assert.strictEqual(backoffDelay(0, { jitter: 0 }), 500);
    assert.strictEqual(backoffDelay(-3, { jitter: 0 }), 500);
    assert.strictEqual(backoffDelay(1e6, { jitter: 0 }), 30000);
    assert.strictEqual(backoffDelay(5000, {}, () => 0.999999), 30000);
  });

  it('clamps out-of-range jitter', () => {
    assert.strictEqual(backoffDelay(1, { jitter: 5 }, () => 0), 0);
    assert.strictEqual(backoffDelay(1, { jitter: -1 }, () => 0), 500);
  });
});
