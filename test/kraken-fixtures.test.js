'use strict';
// Kraken book checksums: the protocols.md §7 vector (Kraken's own v2 worked example) and every
// checksum of the real capture cryptofeed KRAKEN.ws.50.0 (test/fixtures/cryptofeed/KRAKEN.ws.50.0.book.gz:
// its Kraken WS v1 `book-1000` frames, 4,269 checksums; v1 and v2 share the CRC rule), recomputed twice:
//  - from the strings the frames carry (checksumOfStrings over an OrderBook with keepStrings);
//  - through the v2 code path the adapter runs: levels turned into JSON numbers, parsed by
//    js/exchanges/kraken/parse.js, applied by BookSync (truncated to the depth) and checked by the
//    adapter's checksumVerifier, which renders the numbers at the precision the frames' strings carry.
// The captures are required: a missing file FAILS this suite, it is never skipped.
const assert = require('assert');
const { crc32, crc32Signed } = require('../js/book/crc32');
const { crc32: oracleCrc32 } = require('./support/crc32');
const { OrderBook } = require('../js/book/orderbook');
const { BookSync, noSequenceRule } = require('../js/book/sync');
const {
  bookChecksum,
  checksumField,
  checksumInput,
  checksumOfStrings,
  checksumVerifier,
} = require('../js/exchanges/kraken/checksum');
const { parseBookSnapshot, parseBookUpdate } = require('../js/exchanges/kraken/parse');
const { parseMarkets, unifiedAsset } = require('../js/exchanges/kraken/markets');
const { readFixture } = require('./support/fixtures');

/** Received frames of a cryptofeed ws capture: lines "<ts>: <payload>" (sent frames contain " <- "). */
function receivedFrames(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!/^\d/.test(line)) continue;
    const i = line.indexOf(': ');
    if (i < 0) continue;
    out.push(JSON.parse(line.slice(i + 2)));
  }
  return out;
}

/** v1 book frames: [chanId, {as,bs}] snapshot or [chanId, {a}|{b}(, {b}), "book-N", pair] update. */
function bookFrames(frames) {
  const out = [];
  for (const f of frames) {
    if (!Array.isArray(f)) continue;
    const name = f[f.length - 2];
    if (typeof name !== 'string' || !name.startsWith('book-')) continue;
    const pair = f[f.length - 1];
    const parts = f.slice(1, -2);
    const depth = +name.slice(5);
    if (parts[0].as || parts[0].bs) {
      out.push({ pair, depth, snapshot: true, asks: parts[0].as || [], bids: parts[0].bs || [] });
    } else {
      let asks = [];
      let bids = [];
      let c;
      for (const p of parts) {
        if (p.a) asks = asks.concat(p.a);
        if (p.b) bids = bids.concat(p.b);
        if (p.c !== undefined) c = p.c;
      }
      out.push({ pair, depth, snapshot: false, asks, bids, checksum: c });
    }
  }
  return out;
}

const decimals = (s) => {
  const i = s.indexOf('.');
  return i < 0 ? 0 : s.length - i - 1;
};

describe('kraken checksum: protocols.md §7 vector and CRC-32', () => {
  // Kraken's v2 worked example (docs.kraken.com book checksum guide), price precision 1, qty 8
  const bids = [
    [45283.5, 0.1], [45283.4, 1.54582015], [45282.1, 0.1], [45281.0, 0.1], [45280.3, 1.54592586],
    [45279.0, 0.0799], [45277.6, 0.03310103], [45277.5, 0.3], [45277.3, 1.54602737], [45276.6, 0.15445238],
  ];
  const asks = [
    [45285.2, 0.001], [45286.4, 1.54571953], [45286.6, 1.54571109], [45289.6, 1.54560911], [45290.2, 0.1589066],
    [45291.8, 1.54553491], [45294.7, 0.04454749], [45296.1, 0.3538], [45297.5, 0.09945542], [45299.5, 0.18772827],
  ];
  const ASKS_STR =
    '45285210000045286415457195345286615457110945289615456091145290215890660452918154553491452947445474945296135380000452975994554245299518772827';
  const BIDS_STR =
    '452835100000004528341545820154528211000000045281010000000452803154592586452790799000045277633101034527753000000045277315460273745276615445238';

  it('CRC-32 matches zlib: check value and §7 strings', () => {
    assert.strictEqual(crc32('123456789'), 0xcbf43926);
    assert.strictEqual(crc32(''), 0);
    assert.strictEqual(crc32(ASKS_STR + BIDS_STR), 3310070434);
    // multi-byte input is UTF-8 encoded, as zlib sees bytes
    const zlib = require('zlib');
    for (const s of ['é', '€uro', '𝄞', 'a\u00ffb']) assert.strictEqual(crc32(s), zlib.crc32(Buffer.from(s, 'utf8')), s);
    assert.strictEqual(crc32Signed(ASKS_STR + BIDS_STR), 3310070434 | 0);
  });

  it('the tests\' own CRC-32 (test/support/crc32, the oracles\' one) gives the same values', () => {
    assert.strictEqual(oracleCrc32('123456789'), 0xcbf43926);
    assert.strictEqual(oracleCrc32(''), 0);
    assert.strictEqual(oracleCrc32(ASKS_STR + BIDS_STR), 3310070434);
    for (const s of ['é', '€uro', '𝄞', 'a\u00ffb', ASKS_STR]) assert.strictEqual(oracleCrc32(s), crc32(s), s);
  });

  it('formats fields: drop the dot, strip leading zeros', () => {
    assert.strictEqual(checksumField('45285.2'), '452852');
    assert.strictEqual(checksumField('0.00100000'), '100000');
    assert.strictEqual(checksumField('0.05000'), '5000');
    assert.strictEqual(checksumField('1000'), '1000');
  });

  it('a book of JSON numbers rendered at price 1 / qty 8 decimals gives 3310070434', () => {
    const book = new OrderBook('BTC/USD');
    // v2 sends numbers: parse the docs' snapshot through the adapter's parser
    const snap = parseBookSnapshot({
      symbol: 'BTC/USD',
      bids: bids.map(([price, qty]) => ({ price, qty })),
      asks: asks.map(([price, qty]) => ({ price, qty })),
      checksum: 3310070434,
    });
    book.reset(snap, 0);
    const precision = { price: 1, qty: 8 };
    assert.strictEqual(checksumInput(book, precision), ASKS_STR + BIDS_STR);
    assert.strictEqual(bookChecksum(book, precision), 3310070434);
    assert.strictEqual(checksumVerifier(precision)(book, snap), undefined);
    // the same levels as strings, as v1 sent them
    const fmt = (l) => [l[0].toFixed(1), l[1].toFixed(8)];
    assert.strictEqual(checksumOfStrings(asks.map(fmt), bids.map(fmt)), 3310070434);
    // one changed quantity is caught
    book.update('bids', 45276.6, 0.15445239);
    assert.notStrictEqual(bookChecksum(book, precision), 3310070434);
    assert.match(checksumVerifier(precision)(book, snap), /checksum mismatch: message says 3310070434/);
    // levels past the 10th do not count
    book.update('bids', 45276.6, 0.15445238);
    book.update('bids', 40000, 5);
    book.update('asks', 50000, 5);
    assert.strictEqual(bookChecksum(book, precision), 3310070434);
  });
});

describe('kraken fixtures: all 4,269 checksums of KRAKEN.ws.50.0', function () {
  this.timeout(60000);
  let frames;

  before(() => {
    frames = bookFrames(receivedFrames(readFixture('cryptofeed/KRAKEN.ws.50.0.book.gz')));
  });

  it('has the expected capture: 10 book-1000 snapshots, 4,269 checksummed updates', () => {
    assert.strictEqual(frames.filter((f) => f.snapshot).length, 10);
    assert.strictEqual(frames.filter((f) => !f.snapshot && f.checksum !== undefined).length, 4269);
    assert.ok(frames.every((f) => f.depth === 1000));
  });

  it('recomputes every checksum from the strings the frames carry', () => {
    const books = new Map();
    let checked = 0;
    const bad = [];
    for (const f of frames) {
      if (f.snapshot) {
        const b = new OrderBook(f.pair, { keepStrings: true });
        b.reset({ bids: f.bids, asks: f.asks });
        b.truncate(f.depth);
        books.set(f.pair, b);
        continue;
      }
      const b = books.get(f.pair);
      assert.ok(b, `update before snapshot for ${f.pair}`);
      b.applyRaw('asks', f.asks);
      b.applyRaw('bids', f.bids);
      b.truncate(f.depth);
      const got = checksumOfStrings(b.levelStrings('asks', 10), b.levelStrings('bids', 10));
      if (got === +f.checksum) checked++;
      else bad.push({ pair: f.pair, expected: f.checksum, got });
    }
    assert.deepStrictEqual(bad.slice(0, 5), []);
    assert.strictEqual(checked, 4269);
  });

  it('recomputes every checksum through the v2 path: JSON numbers, parse, BookSync, precision rendering', () => {
    // the precision each pair's strings carry (v1 padded them, e.g. XMR/USD prices to 8 decimals)
    const precision = new Map();
    for (const f of frames) {
      let p = precision.get(f.pair);
      if (!p) precision.set(f.pair, (p = { price: new Set(), qty: new Set() }));
      for (const l of f.asks.concat(f.bids)) {
        p.price.add(decimals(l[0]));
        p.qty.add(decimals(l[1]));
      }
    }
    for (const [pair, p] of precision) {
      assert.strictEqual(p.price.size, 1, `${pair}: price strings carry one precision`);
      assert.strictEqual(p.qty.size, 1, `${pair}: qty strings carry one precision`);
    }
    const v2Levels = (list) => list.map((l) => ({ price: JSON.parse(l[0]), qty: JSON.parse(l[1]) }));
    const syncs = new Map();
    const counts = { verified: 0, skipped: 0 };
    const results = {};
    let seq = 0;
    for (const f of frames) {
      const el = {
        symbol: f.pair,
        bids: v2Levels(f.bids),
        asks: v2Levels(f.asks),
        checksum: f.checksum === undefined ? undefined : JSON.parse(f.checksum),
      };
      if (f.snapshot) {
        const p = precision.get(f.pair);
        const verify = checksumVerifier({ price: [...p.price][0], qty: [...p.qty][0] });
        const book = new OrderBook(f.pair);
        const sync = new BookSync(book, noSequenceRule, {
          maxDepth: f.depth,
          verify: (b, d) => {
            const r = verify(b, d);
            if (d.checksum === undefined) counts.skipped++;
            else if (r === undefined) counts.verified++;
            return r;
          },
        });
        syncs.set(f.pair, sync);
        const r = sync.onSnapshot(parseBookSnapshot(el, 0));
        results[r.kind] = (results[r.kind] || 0) + 1;
        continue;
      }
      const r = syncs.get(f.pair).onDelta(parseBookUpdate(el, ++seq));
      results[r.kind] = (results[r.kind] || 0) + 1;
      if (r.kind !== 'applied') assert.fail(`${f.pair}: ${r.kind} ${r.detail || ''}`);
    }
    assert.deepStrictEqual(results, { synced: 10, applied: 4269 });
    assert.strictEqual(counts.verified, 4269);
    assert.strictEqual(counts.skipped, 10, 'v1 snapshots carry no checksum');
    // and the books were truncated to the depth while staying exact
    for (const s of syncs.values()) assert.ok(s.book.depth('bids') <= 1000 && s.book.depth('asks') <= 1000);
  });

  it('a lost update is caught by the next checksum', () => {
    const byPair = frames.filter((f) => f.pair === 'XMR/USD');
    const p = { price: decimals(byPair[0].asks[0][0]), qty: decimals(byPair[0].asks[0][1]) };
    const book = new OrderBook('XMR/USD');
    const sync = new BookSync(book, noSequenceRule, { maxDepth: 1000, verify: checksumVerifier(p) });
    const v2 = (f) => ({
      symbol: f.pair,
      bids: f.bids.map((l) => ({ price: +l[0], qty: +l[1] })),
      asks: f.asks.map((l) => ({ price: +l[0], qty: +l[1] })),
      checksum: f.checksum === undefined ? undefined : +f.checksum,
    });
    assert.strictEqual(sync.onSnapshot(parseBookSnapshot(v2(byPair[0]))).kind, 'synced');
    // skip the first update: the second one must fail its checksum and clear the book
    const r = sync.onDelta(parseBookUpdate(v2(byPair[2]), 2));
    assert.strictEqual(r.kind, 'checksum');
    assert.strictEqual(sync.state, 'waiting');
    assert.strictEqual(book.depth('bids') + book.depth('asks'), 0);
  });
});

describe('kraken markets: AssetPairs of KRAKEN.0', () => {
  it('maps v1 names to unified symbols and keeps the precision', () => {
    const line = readFixture('cryptofeed/KRAKEN.0.AssetPairs.gz').split('\n')[0];
    const body = JSON.parse(line.slice(line.indexOf(': ') + 2));
    assert.deepStrictEqual(body.error, []);
    const markets = parseMarkets(body.result);
    const by = Object.fromEntries(markets.map((m) => [m.symbol, m]));
    assert.strictEqual(by['BTC/USD'].id, 'XXBTZUSD');
    assert.strictEqual(by['BTC/USD'].precision.price, 0.1);
    assert.strictEqual(by['BTC/USD'].precision.amount, 1e-8);
    assert.strictEqual(by['DOGE/BTC'].id, 'XXDGXXBT');
    assert.strictEqual(by['XMR/USD'].info.pair_decimals, 2);
    assert.ok(!markets.some((m) => m.id.endsWith('.d')), 'dark-pool pairs are skipped');
    assert.strictEqual(markets.length, 304 - 11);
    assert.ok(!markets.some((m) => /XBT|XDG/.test(m.symbol)));
    assert.strictEqual(unifiedAsset('ZEUR'), 'EUR');
    assert.strictEqual(unifiedAsset('XTZ'), 'XTZ');
  });
});
