'use strict';
// Books that keep each level's decimal SCALE instead of its strings (js/book/decimal.js, BookSide /
// OrderBook `keepScales`): the exchange's own strings ("0.0100", "30243") are rendered again exactly
// from (number, scale), for every level of a deep side after random loads, inserts, deletes,
// splits, merges, truncation and pool growth, checked against a reference that keeps the strings;
// plus the renderer itself and the byte CRC-32 the checksum uses.
const assert = require('assert');
const { BookSide } = require('../js/book/book-side');
const { OrderBook } = require('../js/book/orderbook');
const { BookSync, prevIdRule } = require('../js/book/sync');
const { NO_SCALE, scaleOfNumber, scaleOfString, writeDecimal } = require('../js/book/decimal');
const { crc32, crc32Bytes, crc32BytesJs } = require('../js/book/crc32');

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

const buf = new Uint8Array(64);
function render(x, scale) {
  const end = writeDecimal(buf, 0, x, scale);
  return end < 0 ? undefined : Buffer.from(buf.subarray(0, end)).toString('latin1');
}

/** A random plain decimal string of at most 15 significant digits, trailing zeros kept. */
function decimal(r) {
  const intDigits = Math.floor(r() * 8);
  const fracDigits = Math.floor(r() * Math.min(12, 16 - Math.max(1, intDigits)));
  let int = intDigits === 0 ? '0' : String(1 + Math.floor(r() * 9));
  for (let i = 1; i < intDigits; i++) int += String(Math.floor(r() * 10));
  let frac = '';
  for (let i = 0; i < fracDigits; i++) frac += String(Math.floor(r() * 10));
  if (r() < 0.2 && fracDigits > 0) frac = frac.slice(0, -1) + '0';
  return fracDigits > 0 ? `${int}.${frac}` : int;
}

describe('book/decimal: scales and exact rendering', () => {
  it('reads a string\'s scale as written and refuses forms that cannot be rendered back', () => {
    const cases = { '30243': 0, '30243.5': 1, '0.0100': 4, '0': 0, '0.0': 1, '1.2112': 4, '0.00000001': 8, '123456789012345': 0, '0.0000000000000000000001': 22 };
    for (const [s, want] of Object.entries(cases)) assert.strictEqual(scaleOfString(s), want, s);
    for (const s of ['', '1e5', '1E5', '-1', '+1', '01', '00.5', '.5', '5.', ' 5', '5 ', '1.2.3', '0x10', '1234567890123456', '1.000000000000000', '0.00000000000000000000001', 'NaN', 'Infinity']) {
      assert.strictEqual(scaleOfString(s), NO_SCALE, s);
    }
    assert.strictEqual(scaleOfNumber(30243.5), 1);
    assert.strictEqual(scaleOfNumber(0.1), 1);
    assert.strictEqual(scaleOfNumber(3), 0);
    assert.strictEqual(scaleOfNumber(1e-7), 7);
    assert.strictEqual(scaleOfNumber(-1), NO_SCALE);
    assert.strictEqual(scaleOfNumber(1e20), NO_SCALE);
  });

  it('renders (number, scale) back to the exact string for 200,000 random decimals with trailing zeros', () => {
    const r = rng(7);
    for (let i = 0; i < 200000; i++) {
      const s = decimal(r);
      const scale = scaleOfString(s);
      assert.notStrictEqual(scale, NO_SCALE, s);
      assert.strictEqual(render(+s, scale), s);
    }
    assert.strictEqual(render(0.01, 4), '0.0100');
    assert.strictEqual(render(30243, 0), '30243');
    assert.strictEqual(render(1e-22, 22), '0.0000000000000000000001');
    assert.strictEqual(render(999999999999999, 0), '999999999999999');
    // no exact decimal form of at most 15 digits: nothing is written
    assert.strictEqual(render(0.1, 0), undefined);
    assert.strictEqual(render(1e15, 0), undefined);
    assert.strictEqual(render(-1, 0), undefined);
    assert.strictEqual(render(1, 23), undefined);
  });

  it('crc32Bytes of rendered bytes equals crc32 of the string (native and JavaScript)', () => {
    const r = rng(8);
    for (let i = 0; i < 200; i++) {
      let s = '';
      for (let k = Math.floor(r() * 60); k > 0; k--) s += `${decimal(r)}:`;
      const bytes = new Uint8Array(4096);
      bytes.set(Buffer.from(s, 'latin1'));
      assert.strictEqual(crc32Bytes(bytes, s.length), crc32(s));
      assert.strictEqual(crc32BytesJs(bytes, s.length), crc32(s));
    }
  });
});

describe('book/BookSide keepScales: the wire strings rendered from (number, scale) at every depth', function () {
  this.timeout(60000);

  for (const [name, seed] of [['bids', 31], ['asks', 32]]) {
    it(`${name}: 5,000 levels, 30,000 updates, truncation and regrowth; every level renders as its last string`, () => {
      const r = rng(seed);
      const side = new BookSide(name, false, 2, true);
      const ref = new Map();
      const best = name === 'bids' ? (a, b) => b - a : (a, b) => a - b;
      // prices on a grid written with varying trailing zeros; amounts random decimals
      const priceStr = (t) => {
        const p = (name === 'bids' ? 600000 - t : 600000 + t) / 10;
        const s = p.toFixed(1);
        return r() < 0.3 ? `${s}0` : r() < 0.5 && s.endsWith('.0') ? s.slice(0, -2) : s;
      };
      const snap = [];
      for (let t = 0; snap.length < 5000; t++) if (r() < 0.6) snap.push([priceStr(t), decimal(r)]);
      side.load(snap);
      for (const [p, a] of snap) if (+a > 0) ref.set(+p, [p, a]);
      const nums = new Float64Array(2 * 30000);
      const sc = new Uint16Array(30000);
      const check = (what) => {
        const want = [...ref.entries()].sort((x, y) => best(x[0], y[0]));
        const n = side.scaled(want.length + 5, nums, sc);
        assert.strictEqual(n, want.length, what);
        for (let i = 0; i < n; i++) {
          const [p, [ps, as]] = want[i];
          assert.strictEqual(nums[2 * i], p, `${what}: price at ${i}`);
          assert.strictEqual(render(nums[2 * i], sc[i] & 0xff), ps, `${what}: price string at ${i}`);
          assert.strictEqual(render(nums[2 * i + 1], sc[i] >> 8), as, `${what}: amount string at ${i}`);
        }
      };
      check('after load');
      const levels = (k) => {
        const out = [];
        for (let j = 0; j < k; j++) {
          const t = Math.floor((r() < 0.5 ? r() * 40 : r() * 9000));
          out.push([priceStr(t), r() < 0.35 ? '0' : decimal(r)]);
        }
        return out;
      };
      const numbers = new Float64Array(64);
      const scales = new Uint8Array(64);
      for (let round = 0; round < 3000; round++) {
        const lv = levels(10);
        if (round % 2 === 0) {
          side.applyRaw(lv);
        } else {
          // as a byte scanner delivers them: numbers and scales
          lv.forEach(([p, a], j) => {
            numbers[2 * j] = +p;
            numbers[2 * j + 1] = +a;
            scales[2 * j] = scaleOfString(p);
            scales[2 * j + 1] = scaleOfString(a);
          });
          side.applyNumbers(numbers, lv.length, [], scales);
        }
        for (const [p, a] of lv) {
          if (+a > 0) ref.set(+p, [p, a]);
          else ref.delete(+p);
        }
        if (round % 500 === 499) check(`round ${round}`);
      }
      side.truncate(40);
      const keep = new Set([...ref.keys()].sort(best).slice(0, 40));
      for (const p of [...ref.keys()]) if (!keep.has(p)) ref.delete(p);
      check('after truncate');
      // regrowth (pool reuse) and a level with no string (OrderBook.update): its shortest form
      const more = levels(4000);
      side.applyRaw(more);
      for (const [p, a] of more) {
        if (+a > 0) ref.set(+p, [p, a]);
        else ref.delete(+p);
      }
      const extra = name === 'bids' ? 5 : 1e6;
      side.set(extra, 0.25);
      ref.set(extra, [String(extra), '0.25']);
      check('after regrowth');
    });
  }

  it('OrderBook keepScales: BookSync takes packed levels with scales, refuses them without, and buffers them as their strings', () => {
    const book = new OrderBook('X/Y', { keepScales: true });
    const sync = new BookSync(book, prevIdRule);
    const packed = {
      bids: new Float64Array([100.5, 0.01]),
      bidCount: 1,
      asks: new Float64Array([101, 2]),
      askCount: 1,
      bidScales: new Uint8Array([2, 4]),
      askScales: new Uint8Array([0, 0]),
    };
    // waiting: buffered as strings that carry the scales
    assert.strictEqual(sync.onDelta({ first: 2, last: 2, prev: 1, bids: [], asks: [], packed }).kind, 'buffered');
    packed.bids[0] = 7;
    assert.strictEqual(sync.onSnapshot({ nonce: 1, bids: [['99.0', '1.000']], asks: [['102', '3']] }).kind, 'synced');
    const nums = new Float64Array(8);
    const sc = new Uint16Array(4);
    assert.strictEqual(book.levelsScaled('bids', 5, nums, sc), 2);
    assert.deepStrictEqual([render(nums[0], sc[0] & 0xff), render(nums[1], sc[0] >> 8), render(nums[2], sc[1] & 0xff), render(nums[3], sc[1] >> 8)], ['100.50', '0.0100', '99.0', '1.000']);
    // live: applied from the packed numbers and scales
    packed.bids.set([99, 5]);
    packed.bidScales.set([3, 1]);
    assert.strictEqual(sync.onDelta({ first: 3, last: 3, prev: 2, bids: [], asks: [], packed }).kind, 'applied');
    book.levelsScaled('bids', 5, nums, sc);
    assert.deepStrictEqual([render(nums[2], sc[1] & 0xff), render(nums[3], sc[1] >> 8)], ['99.000', '5.0']);
    const noScales = { ...packed, bidScales: undefined, askScales: undefined };
    const r = sync.onDelta({ first: 4, last: 4, prev: 3, bids: [], asks: [], packed: noScales });
    assert.strictEqual(r.kind, 'invalid');
    assert.match(r.detail, /without scales/);
    assert.throws(() => new OrderBook('Z', {}).levelsScaled('bids', 1, nums, sc), /keepScales/);
  });
});
