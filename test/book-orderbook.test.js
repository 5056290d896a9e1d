'use strict';
// Unit tests for ts/book/orderbook.ts and ts/book/book-side.ts (run against the compiled js/).
const assert = require('assert');
const { OrderBook } = require('../js/book/orderbook');
const { BookSide } = require('../js/book/book-side');

/** Small deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function isSorted(levels, desc) {
  for (let i = 1; i < levels.length; i++) {
    if (desc ? !(levels[i - 1][0] > levels[i][0]) : !(levels[i - 1][0] < levels[i][0])) return false;
  }
  return true;
}

describe('book/OrderBook', () => {
  describe('ordering and basic updates', () => {
    it('keeps bids descending and asks ascending whatever the insertion order', () => {
      const b = new OrderBook('BTC/USDT');
      for (const p of [100, 102, 99, 101, 98.5, 103]) b.update('bids', p, p / 100);
      for (const p of [105, 104, 107, 104.5, 110, 106]) b.update('asks', p, 1);
      assert.deepStrictEqual(b.bids.map((l) => l[0]), [103, 102, 101, 100, 99, 98.5]);
      assert.deepStrictEqual(b.asks.map((l) => l[0]), [104, 104.5, 105, 106, 107, 110]);
      assert.deepStrictEqual(b.bestBid(), [103, 1.03]);
      assert.deepStrictEqual(b.bestAsk(), [104, 1]);
      assert.strictEqual(b.depth('bids'), 6);
      assert.strictEqual(b.depth('asks'), 6);
      assert.strictEqual(b.symbol, 'BTC/USDT');
    });

    it('empty book: best levels undefined, empty arrays, depth 0', () => {
      const b = new OrderBook('X/Y');
      assert.strictEqual(b.bestBid(), undefined);
      assert.strictEqual(b.bestAsk(), undefined);
      assert.deepStrictEqual(b.bids, []);
      assert.deepStrictEqual(b.asks, []);
      assert.strictEqual(b.depth('bids'), 0);
      assert.strictEqual(b.nonce, undefined);
      assert.strictEqual(b.timestamp, undefined);
      assert.strictEqual(b.datetime, undefined);
      assert.strictEqual(b.priceAt('bids', 0), undefined);
      assert.strictEqual(b.amountAt('asks', 0), undefined);
    });

    function ladder() {
      const b = new OrderBook('L');
      for (let i = 1; i <= 50; i++) {
        b.update('bids', 100 - i, i); // best 99 .. deepest 50
        b.update('asks', 100 + i, i); // best 101 .. deepest 150
      }
      return b;
    }

    for (const [where, bidPrice, askPrice, rank] of [
      ['top', 99, 101, 0],
      ['middle', 75, 125, 24],
      ['deep', 50, 150, 49],
    ]) {
      it(`replaces a level at the ${where}`, () => {
        const b = ladder();
        b.update('bids', bidPrice, 7.5);
        b.update('asks', askPrice, 8.5);
        assert.deepStrictEqual(b.bids[rank], [bidPrice, 7.5]);
        assert.deepStrictEqual(b.asks[rank], [askPrice, 8.5]);
        assert.strictEqual(b.depth('bids'), 50);
        assert.strictEqual(b.amountOf('bids', bidPrice), 7.5);
      });

      it(`deletes a level at the ${where}`, () => {
        const b = ladder();
        b.update('bids', bidPrice, 0);
        b.update('asks', askPrice, 0);
        assert.strictEqual(b.depth('bids'), 49);
        assert.strictEqual(b.depth('asks'), 49);
        assert.ok(!b.bids.some((l) => l[0] === bidPrice));
        assert.ok(!b.asks.some((l) => l[0] === askPrice));
        assert.ok(isSorted(b.bids, true) && isSorted(b.asks, false));
        assert.strictEqual(b.amountOf('asks', askPrice), 0);
      });
    }

    it('inserts new levels at the top, in the middle and below the deepest', () => {
      const b = ladder();
      b.update('bids', 99.5, 1); // new best bid
      b.update('bids', 74.5, 2); // middle
      b.update('bids', 10, 3); // below deepest
      b.update('asks', 100.5, 1);
      b.update('asks', 125.5, 2);
      b.update('asks', 1000, 3);
      assert.deepStrictEqual(b.bestBid(), [99.5, 1]);
      assert.deepStrictEqual(b.bids[b.bids.length - 1], [10, 3]);
      assert.ok(b.bids.some((l) => l[0] === 74.5 && l[1] === 2));
      assert.deepStrictEqual(b.bestAsk(), [100.5, 1]);
      assert.deepStrictEqual(b.asks[b.asks.length - 1], [1000, 3]);
      assert.strictEqual(b.depth('bids'), 53);
      assert.ok(isSorted(b.bids, true) && isSorted(b.asks, false));
    });

    it('deleting an absent level is a no-op', () => {
      const b = ladder();
      const before = b.snapshot();
      b.update('bids', 99.25, 0); // between levels, near the top
      b.update('bids', 1, 0); // below everything
      b.update('bids', 1000, 0); // above everything
      b.update('asks', 0.5, 0);
      b.applyRaw('asks', [['123.45', '0'], ['5000', '0.00000000']]);
      assert.deepStrictEqual(b.bids, before.bids);
      assert.deepStrictEqual(b.asks, before.asks);
      const empty = new OrderBook('E');
      empty.update('bids', 1, 0);
      assert.strictEqual(empty.depth('bids'), 0);
    });

    it('applyRaw parses string and number levels, in order, later duplicates winning', () => {
      const b = new OrderBook('S');
      b.applyRaw('bids', [['100.10', '1.5'], ['99.9', '2'], [100.2, 3, 'extra'], ['100.10', '4']]);
      b.applyRaw('asks', [['101', '1'], ['101', '0'], ['102', '0.25']]);
      assert.deepStrictEqual(b.bids, [[100.2, 3], [100.1, 4], [99.9, 2]]);
      assert.deepStrictEqual(b.asks, [[102, 0.25]]);
      b.applyRaw('bids', []);
      assert.strictEqual(b.depth('bids'), 3);
    });

    it('treats equal prices written differently as one level ("100.10" == "100.1000")', () => {
      const b = new OrderBook('S');
      b.applyRaw('bids', [['100.10', '1']]);
      b.applyRaw('bids', [['100.1000', '2']]);
      assert.deepStrictEqual(b.bids, [[100.1, 2]]);
    });

    it('ignores NaN prices and deletes on non-positive or NaN amounts', () => {
      const b = new OrderBook('S');
      b.applyRaw('bids', [['abc', '1'], ['10', '1'], ['11', '2']]);
      assert.deepStrictEqual(b.bids, [[11, 2], [10, 1]]);
      b.applyRaw('bids', [['10', '-1'], ['11', 'x']]);
      assert.deepStrictEqual(b.bids, []);
    });

    it('grows past its initial capacity (5000 levels a side) and stays sorted', () => {
      const b = new OrderBook('BIG');
      const r = rng(7);
      const bids = new Set();
      while (bids.size < 5000) bids.add(Math.round(r() * 1e6) / 100);
      for (const p of bids) b.update('bids', p, 1);
      for (let i = 0; i < 5000; i++) b.update('asks', 20000 - i, 1); // worst first: always a new best
      assert.strictEqual(b.depth('bids'), 5000);
      assert.strictEqual(b.depth('asks'), 5000);
      assert.ok(isSorted(b.bids, true));
      assert.ok(isSorted(b.asks, false));
      assert.deepStrictEqual(b.bestAsk(), [15001, 1]);
    });
  });

  describe('lazy bids/asks cache', () => {
    it('returns the same cached array until the side changes', () => {
      const b = new OrderBook('C');
      b.update('bids', 10, 1);
      b.update('asks', 11, 1);
      const bids1 = b.bids;
      const asks1 = b.asks;
      assert.strictEqual(b.bids, bids1, 'cached between reads');
      b.update('asks', 12, 1);
      assert.strictEqual(b.bids, bids1, 'an ask change keeps the bids cache');
      assert.notStrictEqual(b.asks, asks1, 'the asks cache is rebuilt');
      b.update('bids', 10, 2);
      const bids2 = b.bids;
      assert.notStrictEqual(bids2, bids1);
      assert.deepStrictEqual(bids1, [[10, 1]], 'an old array is not mutated by later updates');
      assert.deepStrictEqual(bids2, [[10, 2]]);
    });

    it('is invalidated by applyRaw, reset, clear and truncate', () => {
      const b = new OrderBook('C');
      b.applyRaw('bids', [['1', '1'], ['2', '1'], ['3', '1']]);
      let prev = b.bids;
      b.applyRaw('bids', [['4', '1']]);
      assert.deepStrictEqual(b.bids.map((l) => l[0]), [4, 3, 2, 1]);
      prev = b.bids;
      b.truncate(2);
      assert.notStrictEqual(b.bids, prev);
      assert.deepStrictEqual(b.bids.map((l) => l[0]), [4, 3]);
      prev = b.bids;
      b.reset({ bids: [['9', '9']], asks: [] });
      assert.deepStrictEqual(b.bids, [[9, 9]]);
      b.clear();
      assert.deepStrictEqual(b.bids, []);
      assert.deepStrictEqual(prev, [[4, 1], [3, 1]]);
    });
  });

  describe('limit / snapshot', () => {
    it('limit(n) gives the best n of each side, detached from later updates', () => {
      const b = new OrderBook('D');
      for (let i = 0; i < 10; i++) {
        b.update('bids', 100 - i, 1 + i);
        b.update('asks', 101 + i, 1 + i);
      }
      b.reset({ bids: b.bids, asks: b.asks }, 42, 1700000000000);
      const top = b.limit(3);
      assert.deepStrictEqual(top.bids, [[100, 1], [99, 2], [98, 3]]);
      assert.deepStrictEqual(top.asks, [[101, 1], [102, 2], [103, 3]]);
      assert.strictEqual(top.nonce, 42);
      assert.strictEqual(top.timestamp, 1700000000000);
      assert.strictEqual(top.datetime, '2023-11-14T22:13:20.000Z');
      assert.strictEqual(top.symbol, 'D');
      b.update('bids', 100, 0);
      b.update('bids', 100.5, 9);
      b.update('asks', 101, 5);
      b.nonce = 43;
      assert.deepStrictEqual(top.bids, [[100, 1], [99, 2], [98, 3]]);
      assert.deepStrictEqual(top.asks, [[101, 1], [102, 2], [103, 3]]);
      assert.strictEqual(top.nonce, 42);
    });

    it('limit() without n and snapshot() copy the whole book; n larger than the book is fine', () => {
      const b = new OrderBook('D');
      b.applyRaw('bids', [['3', '1'], ['2', '1']]);
      b.applyRaw('asks', [['4', '1']]);
      assert.deepStrictEqual(b.limit().bids, [[3, 1], [2, 1]]);
      assert.deepStrictEqual(b.snapshot().asks, [[4, 1]]);
      assert.deepStrictEqual(b.limit(100).bids, [[3, 1], [2, 1]]);
      assert.deepStrictEqual(b.limit(0).bids, []);
      const s = b.snapshot();
      b.bids[0][1] = 999; // even scribbling on the cache does not reach a snapshot
      assert.deepStrictEqual(s.bids, [[3, 1], [2, 1]]);
    });

    it('detached snapshots have limit(n) too, returning further detached copies', () => {
      const b = new OrderBook('D');
      b.applyRaw('bids', [['3', '1'], ['2', '1'], ['1', '1']]);
      b.applyRaw('asks', [['4', '1'], ['5', '1']]);
      const s = b.snapshot();
      const s1 = s.limit(1);
      assert.deepStrictEqual(s1.bids, [[3, 1]]);
      assert.deepStrictEqual(s1.asks, [[4, 1]]);
      assert.strictEqual(typeof s1.limit, 'function');
      assert.deepStrictEqual(s1.limit(5).bids, [[3, 1]]);
      s1.bids[0][0] = 0;
      assert.deepStrictEqual(s.bids[0], [3, 1]);
      assert.deepStrictEqual(s.limit().bids.length, 3);
    });

    it('JSON.stringify and Object.keys of a snapshot show the ccxt shape', () => {
      const b = new OrderBook('J');
      b.reset({ bids: [['1', '2']], asks: [['3', '4']] }, 5, 0);
      const j = JSON.parse(JSON.stringify(b));
      assert.deepStrictEqual(j, {
        symbol: 'J',
        bids: [[1, 2]],
        asks: [[3, 4]],
        timestamp: 0,
        datetime: '1970-01-01T00:00:00.000Z',
        nonce: 5,
      });
      assert.deepStrictEqual(Object.keys(b.limit(1)).sort(), ['asks', 'bids', 'datetime', 'nonce', 'symbol', 'timestamp']);
    });
  });

  describe('reset / clear / truncate', () => {
    it('reset loads best-first levels, skips zero amounts and takes nonce/timestamp', () => {
      const b = new OrderBook('R');
      b.update('bids', 1, 1);
      b.reset(
        { bids: [['10', '1'], ['9', '0'], ['8', '2']], asks: [['11', '1'], ['12', '0.00000000'], ['13', '3']] },
        77,
        1000,
      );
      assert.deepStrictEqual(b.bids, [[10, 1], [8, 2]]);
      assert.deepStrictEqual(b.asks, [[11, 1], [13, 3]]);
      assert.strictEqual(b.nonce, 77);
      assert.strictEqual(b.timestamp, 1000);
      assert.strictEqual(b.datetime, '1970-01-01T00:00:01.000Z');
    });

    it('reset takes nonce/timestamp from the snapshot object when not given', () => {
      const b = new OrderBook('R');
      b.reset({ nonce: 12, timestamp: 5, bids: [], asks: [] });
      assert.strictEqual(b.nonce, 12);
      assert.strictEqual(b.timestamp, 5);
    });

    it('reset accepts unsorted and duplicated input (last duplicate wins)', () => {
      const b = new OrderBook('R');
      b.reset({ bids: [['8', '1'], ['10', '1'], ['9', '1'], ['10', '5']], asks: [['13', '1'], ['11', '2'], ['12', '3']] });
      assert.deepStrictEqual(b.bids, [[10, 5], [9, 1], [8, 1]]);
      assert.deepStrictEqual(b.asks, [[11, 2], [12, 3], [13, 1]]);
    });

    it('clear empties both sides and forgets nonce/timestamp', () => {
      const b = new OrderBook('R');
      b.reset({ bids: [['1', '1']], asks: [['2', '1']] }, 1, 1);
      b.clear();
      assert.strictEqual(b.depth('bids') + b.depth('asks'), 0);
      assert.strictEqual(b.nonce, undefined);
      assert.strictEqual(b.timestamp, undefined);
      assert.strictEqual(b.datetime, undefined);
    });

    it('truncate keeps the best n of each side', () => {
      const b = new OrderBook('T');
      for (let i = 0; i < 100; i++) {
        b.update('bids', 1000 - i, i + 1);
        b.update('asks', 1001 + i, i + 1);
      }
      b.truncate(40);
      assert.strictEqual(b.depth('bids'), 40);
      assert.deepStrictEqual(b.bids[0], [1000, 1]);
      assert.deepStrictEqual(b.bids[39], [961, 40]);
      assert.deepStrictEqual(b.asks[39], [1040, 40]);
      b.update('bids', 999.5, 3); // still works after a truncate
      assert.deepStrictEqual(b.bids[1], [999.5, 3]);
      b.truncate(100); // no-op when already shallower
      assert.strictEqual(b.depth('bids'), 41);
      b.truncate(0);
      assert.strictEqual(b.depth('bids'), 0);
      assert.strictEqual(b.depth('asks'), 0);
    });
  });

  describe('keepStrings', () => {
    it('keeps the wire strings of every level and gives the top n', () => {
      const b = new OrderBook('K', { keepStrings: true });
      b.reset({
        bids: [['61837.63000000', '3.78826000'], ['61837.62000000', '0.61700000'], ['61837.24000000', '0.10610000']],
        asks: [['61837.64000000', '1.54698000'], ['61839.85000000', '0.00100000']],
      });
      assert.deepStrictEqual(b.levelStrings('bids', 2), [
        ['61837.63000000', '3.78826000'],
        ['61837.62000000', '0.61700000'],
      ]);
      b.applyRaw('bids', [['61837.62', '1.00000000'], ['61837.24000000', '0'], ['61838.00000000', '0.5']]);
      b.applyRaw('asks', [[61837.7, 2]]);
      assert.deepStrictEqual(b.levelStrings('bids'), [
        ['61838.00000000', '0.5'],
        ['61837.63000000', '3.78826000'],
        ['61837.62', '1.00000000'],
      ]);
      assert.deepStrictEqual(b.levelStrings('asks', 10), [
        ['61837.64000000', '1.54698000'],
        ['61837.7', '2'],
        ['61839.85000000', '0.00100000'],
      ]);
      b.update('asks', 61837.64, 0.5);
      assert.deepStrictEqual(b.levelStrings('asks', 1), [['61837.64', '0.5']]);
      b.truncate(1);
      assert.deepStrictEqual(b.levelStrings('bids'), [['61838.00000000', '0.5']]);
      assert.deepStrictEqual(b.bids, [[61838, 0.5]]);
    });

    it('levelStrings without keepStrings throws a clear error', () => {
      const b = new OrderBook('K');
      assert.throws(() => b.levelStrings('bids', 1), /keepStrings/);
    });

    it('keeps strings aligned through unsorted resets and deep inserts/deletes', () => {
      const b = new OrderBook('K', { keepStrings: true });
      b.reset({ bids: [['2.0', '1'], ['3.0', '1'], ['1.0', '1']], asks: [] });
      assert.deepStrictEqual(b.levelStrings('bids'), [['3.0', '1'], ['2.0', '1'], ['1.0', '1']]);
      const side = new BookSide('asks', true, 4);
      for (let i = 0; i < 100; i++) {
        const as = `1.${i}`;
        side.set(200 - i, +as, `${200 - i}.00`, as);
      }
      side.set(150, 0);
      side.set(150.5, 2, '150.50', '2.0');
      const strs = side.strings();
      assert.strictEqual(strs.length, 100);
      for (let r = 0; r < strs.length; r++) {
        assert.strictEqual(+strs[r][0], side.priceAt(r));
        assert.strictEqual(+strs[r][1], side.amountAt(r));
      }
      assert.strictEqual(side.priceStrAt(0), '101.00');
      assert.strictEqual(side.amountStrAt(0), '1.99');
      assert.strictEqual(side.priceStrAt(100), undefined);
    });
  });

  describe('BookSide layout under drift (tiny initial capacity)', () => {
    // Phases push the live region towards each end of its buffer, so re-centring, growth, shifts
    // of the worse part and truncation of the bottom are all exercised; checked against a Map.
    for (const [name, keepStrings] of [['asks', true], ['bids', false]]) {
      it(`${name}, keepStrings ${keepStrings}: 30,000 drifting ops match the reference`, () => {
        const r = rng(name === 'asks' ? 11 : 12);
        const side = new BookSide(name, keepStrings, 8);
        const ref = new Map();
        const sorted = () => [...ref.entries()].sort((a, b) => (name === 'bids' ? b[0] - a[0] : a[0] - b[0]));
        let center = 10000;
        for (let op = 0; op < 30000; op++) {
          const phase = Math.floor(op / 3000) % 4; // 0: climb, 1: sink, 2: churn, 3: truncate-heavy
          if (phase === 0) center += 0.5;
          if (phase === 1) center -= 0.5;
          const spread = phase === 2 ? 400 : 60;
          const price = Math.round(center + (r() - 0.5) * spread);
          const amount = r() < 0.4 ? 0 : Math.round(r() * 1000) / 10;
          side.set(price, amount, String(price), String(amount));
          if (amount > 0) ref.set(price, amount);
          else ref.delete(price);
          if (phase === 3 && r() < 0.05) {
            const keep = Math.floor(r() * 80);
            side.truncate(keep);
            for (const [p] of sorted().slice(keep)) ref.delete(p);
          }
          if (op % 53 === 0 || op === 29999) {
            const want = sorted();
            assert.strictEqual(side.length, want.length, `length after op ${op}`);
            assert.deepStrictEqual(side.toLevels(), want, `levels after op ${op}`);
            if (keepStrings) assert.deepStrictEqual(side.strings(), want.map(([p, a]) => [String(p), String(a)]));
          }
        }
      });
    }
  });

  describe('randomized against a naive reference', () => {
    // Reference: a Map price -> [amount, priceStr, amountStr], sorted on read.
    class Ref {
      constructor() {
        this.bids = new Map();
        this.asks = new Map();
      }
      set(side, ps, as) {
        const p = +ps;
        const a = +as;
        if (p !== p) return;
        if (a > 0) this[side].set(p, [a, ps, as]);
        else this[side].delete(p);
      }
      levels(side, n) {
        const arr = [...this[side].entries()].sort((x, y) => (side === 'bids' ? y[0] - x[0] : x[0] - y[0]));
        return arr.slice(0, n === undefined ? arr.length : n);
      }
      truncate(n) {
        for (const side of ['bids', 'asks']) {
          const keep = new Set(this.levels(side, n).map((e) => e[0]));
          for (const p of [...this[side].keys()]) if (!keep.has(p)) this[side].delete(p);
        }
      }
    }

    function fmt(x, dp) {
      return x.toFixed(dp);
    }

    for (const [seed, keepStrings] of [[1, true], [2, true], [3, false], [4, false]]) {
      it(`matches the reference over 20,000 random operations (seed ${seed}, keepStrings ${keepStrings})`, () => {
        const r = rng(seed);
        const book = new OrderBook('RND', { keepStrings });
        const ref = new Ref();
        const mid = 1000;
        // prices on a 0.5 grid, concentrated near the top, some deep
        const randPrice = (side) => {
          const dist = r() < 0.8 ? Math.floor(r() * 20) : Math.floor(r() * 2000);
          return side === 'bids' ? mid - 0.5 - dist * 0.5 : mid + 0.5 + dist * 0.5;
        };
        const randAmount = () => (r() < 0.35 ? '0' : fmt(r() * 10, 1 + Math.floor(r() * 4)));
        for (let op = 0; op < 20000; op++) {
          const x = r();
          const side = r() < 0.5 ? 'bids' : 'asks';
          if (x < 0.5) {
            const p = randPrice(side);
            const ps = fmt(p, 1 + Math.floor(r() * 3));
            const as = randAmount();
            book.update(side, +ps, +as);
            ref.set(side, String(+ps), String(+as));
          } else if (x < 0.97) {
            const k = Math.floor(r() * 30);
            const levels = [];
            for (let i = 0; i < k; i++) levels.push([fmt(randPrice(side), 2), randAmount()]);
            book.applyRaw(side, levels);
            for (const [ps, as] of levels) ref.set(side, ps, as);
          } else if (x < 0.985) {
            const n = Math.floor(r() * 200);
            book.truncate(n);
            ref.truncate(n);
          } else {
            // reset from a random (unsorted, duplicated) level list
            const mk = (s) => {
              const out = [];
              const k = Math.floor(r() * 300);
              for (let i = 0; i < k; i++) out.push([fmt(randPrice(s), 2), randAmount()]);
              if (r() < 0.5) out.sort((a, b) => (s === 'bids' ? b[0] - a[0] : a[0] - b[0]));
              return out;
            };
            const snap = { bids: mk('bids'), asks: mk('asks') };
            book.reset(snap, op);
            ref.bids.clear();
            ref.asks.clear();
            for (const [ps, as] of snap.bids) ref.set('bids', ps, as);
            for (const [ps, as] of snap.asks) ref.set('asks', ps, as);
          }
          if (op % 97 === 0 || op > 19900 || process.env.BOOK_CHECK_ALL) {
            for (const s of ['bids', 'asks']) {
              const want = ref.levels(s);
              assert.strictEqual(book.depth(s), want.length, `depth ${s} after op ${op}`);
              assert.deepStrictEqual(book[s], want.map((e) => [e[0], e[1][0]]), `${s} after op ${op}`);
              if (keepStrings) {
                assert.deepStrictEqual(
                  book.levelStrings(s, 25),
                  want.slice(0, 25).map((e) => [e[1][1], e[1][2]]),
                  `${s} strings after op ${op}`,
                );
              }
              assert.deepStrictEqual(book.limit(5)[s], want.slice(0, 5).map((e) => [e[0], e[1][0]]));
            }
            const bb = ref.levels('bids', 1)[0];
            assert.deepStrictEqual(book.bestBid(), bb ? [bb[0], bb[1][0]] : undefined);
          }
        }
      });
    }
  });
});
