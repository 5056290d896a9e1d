'use strict';
// BookSide as blocks (js/book/book-side.js): deep sides (20,000 levels) that split, merge, free and
// truncate blocks, checked level for level against a sorted Map after random updates anywhere in
// the side, with every reader: toLevels / limit, priceAt / amountAt / rankOf / amountOf, best,
// and the wire strings of checksummed books.
const assert = require('assert');
const { BookSide } = require('../js/book/book-side');

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('book/BookSide in blocks: deep sides against a reference', function () {
  this.timeout(60000);

  for (const [name, keepStrings, seed] of [['bids', false, 21], ['asks', true, 22]]) {
    it(`${name}, keepStrings ${keepStrings}: 20,000 levels, 60,000 updates at every depth, a shrink to 50 and a regrowth, every reader agrees`, () => {
      const r = rng(seed);
      const side = new BookSide(name, keepStrings);
      const ref = new Map();
      const best = name === 'bids' ? (a, b) => b - a : (a, b) => a - b;
      const sorted = () => [...ref.entries()].sort((x, y) => best(x[0], y[0]));
      const put = (price, amount) => {
        side.set(price, amount, String(price), String(amount));
        if (amount > 0) ref.set(price, amount);
        else ref.delete(price);
      };
      // a snapshot of 20,000 levels, best first (a cent grid, 60% occupied)
      const snap = [];
      for (let t = 0; snap.length < 20000; t++) {
        if (r() < 0.6) snap.push([name === 'bids' ? 60000 - t / 100 : 60000 + t / 100, Math.round(r() * 1e4) / 1e3]);
      }
      const strs = snap.map(([p, a]) => [String(p), String(a)]);
      side.load(keepStrings ? strs : snap);
      for (const [p, a] of snap) if (a > 0) ref.set(p, a);
      const check = (what) => {
        const want = sorted();
        assert.strictEqual(side.length, want.length, `length ${what}`);
        assert.deepStrictEqual(side.toLevels(), want, `levels ${what}`);
        assert.deepStrictEqual(side.toLevels(7), want.slice(0, 7), `top 7 ${what}`);
        assert.deepStrictEqual(side.best(), want[0], `best ${what}`);
        if (keepStrings) assert.deepStrictEqual(side.strings(), want.map(([p, a]) => [String(p), String(a)]), `strings ${what}`);
        for (let k = 0; k < 40 && want.length > 0; k++) {
          const rank = k < 5 ? Math.min(k, want.length - 1) : Math.floor(r() * want.length);
          const [p, a] = want[rank];
          assert.strictEqual(side.priceAt(rank), p, `priceAt(${rank}) ${what}`);
          assert.strictEqual(side.amountAt(rank), a, `amountAt(${rank}) ${what}`);
          assert.strictEqual(side.rankOf(p), rank, `rankOf(${p}) ${what}`);
          assert.strictEqual(side.amountOf(p), a, `amountOf(${p}) ${what}`);
          if (keepStrings) assert.strictEqual(side.priceStrAt(rank), String(p), `priceStrAt(${rank}) ${what}`);
        }
        assert.strictEqual(side.priceAt(want.length), undefined);
        assert.strictEqual(side.priceAt(-1), undefined);
        assert.strictEqual(side.rankOf(name === 'bids' ? 70000.005 : 1.005), -1);
      };
      check('after load');
      // updates at every depth: inserts, deletes and changes, clustered near the top like real flow
      const depthOf = () => {
        const x = r();
        return x < 0.2 ? Math.floor(r() * 10) : x < 0.5 ? Math.floor(r() * 100) : x < 0.9 ? Math.floor(r() * 1000) : Math.floor(r() * 30000);
      };
      for (let op = 0; op < 60000; op++) {
        const price = name === 'bids' ? 60000 - depthOf() / 100 : 60000 + depthOf() / 100;
        put(price, r() < 0.45 ? 0 : Math.round(r() * 1e4) / 1e3);
        if (op % 10007 === 0) check(`after update ${op}`);
      }
      check('after the updates');
      // deletes far below the top empty whole blocks and merge sparse ones
      for (const [p] of sorted().slice(100)) if (r() < 0.9) put(p, 0);
      check('after deep deletes');
      side.truncate(50);
      for (const [p] of sorted().slice(50)) ref.delete(p);
      check('after truncate(50)');
      // regrowth below and above the remaining levels
      for (let op = 0; op < 20000; op++) put(name === 'bids' ? 60000 - Math.floor(r() * 40000) / 100 : 60000 + Math.floor(r() * 40000) / 100, r() < 0.2 ? 0 : 1 + op);
      check('after regrowth');
      side.truncate(0);
      ref.clear();
      check('after truncate(0)');
      put(123, 4);
      check('after one level');
    });
  }

  // Batches start each level's search where the previous level was (a finger search) when the
  // batch runs best first, as exchanges send them; any other order must still land every level.
  for (const [name, keepStrings, seed] of [['bids', false, 31], ['asks', false, 32], ['bids', true, 33], ['asks', true, 34]]) {
    it(`${name}, keepStrings ${keepStrings}: batches best first, worst first, shuffled and with repeats land like one level at a time (applyNumbers and applyRaw)`, () => {
      const r = rng(seed);
      const viaNumbers = new BookSide(name, keepStrings);
      const viaRaw = new BookSide(name, keepStrings);
      const ref = new Map();
      const better = name === 'bids' ? (a, b) => b - a : (a, b) => a - b;
      const sorted = () => [...ref.entries()].sort((x, y) => better(x[0], y[0]));
      const priceAtDepth = (d) => (name === 'bids' ? 50000 - d / 100 : 50000 + d / 100);
      const snap = [];
      for (let d = 0; snap.length < 3000; d++) if (r() < 0.5) snap.push([priceAtDepth(d), 1 + Math.floor(r() * 100) / 10]);
      viaNumbers.load(snap);
      viaRaw.load(snap.map(([p, a]) => [String(p), String(a)]));
      for (const [p, a] of snap) ref.set(p, a);
      const nums = new Float64Array(2 * 400);
      for (let batch = 0; batch < 3000; batch++) {
        const n = 1 + Math.floor(r() * (r() < 0.1 ? 300 : 40));
        const levels = [];
        for (let k = 0; k < n; k++) {
          const x = r();
          const d = x < 0.3 ? Math.floor(r() * 10) : x < 0.8 ? Math.floor(r() * 500) : Math.floor(r() * 12000);
          levels.push([priceAtDepth(d), r() < 0.45 ? 0 : Math.floor(r() * 1000) / 100]);
        }
        const order = r();
        if (order < 0.6) levels.sort((x, y) => better(x[0], y[0]));
        else if (order < 0.75) levels.sort((x, y) => better(y[0], x[0]));
        if (r() < 0.2) levels.splice(Math.floor(r() * levels.length), 0, levels[Math.floor(r() * levels.length)].slice());
        levels.forEach(([p, a], j) => {
          nums[2 * j] = p;
          nums[2 * j + 1] = a;
          if (a > 0) ref.set(p, a);
          else ref.delete(p);
        });
        const wire = levels.map(([p, a]) => [String(p), String(a)]);
        viaNumbers.applyNumbers(nums, levels.length, wire);
        viaRaw.applyRaw(wire);
        if (batch % 250 === 0 || batch === 2999) {
          const want = sorted();
          assert.deepStrictEqual(viaNumbers.toLevels(), want, `applyNumbers after batch ${batch}`);
          assert.deepStrictEqual(viaRaw.toLevels(), want, `applyRaw after batch ${batch}`);
          if (keepStrings) {
            const strs = want.map(([p, a]) => [String(p), String(a)]);
            assert.deepStrictEqual(viaNumbers.strings(), strs, `strings (applyNumbers) after batch ${batch}`);
            assert.deepStrictEqual(viaRaw.strings(), strs, `strings (applyRaw) after batch ${batch}`);
          }
        }
      }
    });
  }

  it('a side of stable size allocates no new pool once warm (blocks are reused, not reallocated)', () => {
    const side = new BookSide('bids');
    const r = rng(5);
    for (let i = 0; i < 5000; i++) side.set(1000 + i, 1);
    // churn around the same size: splits, merges and frees recycle slots of the pool
    for (let i = 0; i < 20000; i++) side.set(1000 + Math.floor(r() * 5000), r() < 0.5 ? 0 : 2);
    const pool = side.keys;
    for (let i = 0; i < 50000; i++) side.set(1000 + Math.floor(r() * 5000), r() < 0.5 ? 0 : 3);
    assert.strictEqual(side.keys, pool, 'the pool was reallocated under steady churn');
  });
});
