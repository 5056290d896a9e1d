'use strict';
// OKX book checksums: the protocols.md §7 vectors and all 290 checksums of the real capture
// cryptofeed OKX.ws.1.0 (test/fixtures/cryptofeed/OKX.ws.1.0.books.gz: 3 `books` snapshots + 287 updates for BTC-USDT,
// BTC-USD-220527 and UNI-USD-SWAP), rebuilt through the adapter's real code: the frames are
// classified by js/exchanges/okx/streams.js, parsed by js/exchanges/okx/parse.js, applied by
// BookSync with the adapter's sequence rule onto an OrderBook that keeps the wire strings, and
// checked by the adapter's verifyChecksum. Plus the documented seqId/prevSeqId sequence.
// The captures are required: a missing file FAILS this suite, it is never skipped.
const assert = require('assert');
const { OrderBook } = require('../js/book/orderbook');
const { BookSync } = require('../js/book/sync');
const { bookChecksum, checksumOf, checksumString, verifyChecksum } = require('../js/exchanges/okx/checksum');
const { bookRule, parseBookSnapshot, parseBookUpdate } = require('../js/exchanges/okx/parse');
const { classify } = require('../js/exchanges/okx/streams');
const { parseMarkets } = require('../js/exchanges/okx/markets');
const { readFixture } = require('./support/fixtures');

describe('okx checksum: protocols.md §7 vectors', () => {
  it('interleaves bid/ask strings and reads CRC-32 as signed', () => {
    const bids = [['3366.1', '7'], ['3366', '6']];
    const asks = [['3366.8', '9'], ['3368', '8']];
    assert.strictEqual(checksumString(bids, asks), '3366.1:7:3366.8:9:3366:6:3368:8');
    assert.strictEqual(checksumOf(bids, asks), -1881014294);
    // fewer bids than asks: the surplus asks follow in order
    const asks3 = [['3366.8', '9'], ['3368', '8'], ['3372', '8']];
    assert.strictEqual(checksumString([['3366.1', '7']], asks3), '3366.1:7:3366.8:9:3368:8:3372:8');
    assert.strictEqual(checksumOf([['3366.1', '7']], asks3), 831078360);
  });

  it('uses the strings as received, so "8477" and "8477.0" differ; only 25 levels count', () => {
    const book = new OrderBook('X', { keepStrings: true });
    book.reset({ bids: [['3366.1', '7', '0', '3'], ['3366', '6', '3', '4']], asks: [['3366.8', '9', '10', '3'], ['3368', '8', '3', '4']] });
    assert.strictEqual(bookChecksum(book), -1881014294);
    book.applyRaw('asks', [['3368.0', '8', '0', '1']]);
    assert.notStrictEqual(bookChecksum(book), -1881014294);
    const deep = new OrderBook('Y', { keepStrings: true });
    const lv = (p) => [String(p), '1'];
    deep.reset({ bids: Array.from({ length: 30 }, (_, i) => lv(100 - i)), asks: Array.from({ length: 30 }, (_, i) => lv(101 + i)) });
    const before = bookChecksum(deep);
    deep.applyRaw('bids', [['70.5', '3']]); // 26th bid and beyond do not count
    assert.strictEqual(bookChecksum(deep), before);
    // a checksum of 0 (OKX's announced deprecation value) is not checked
    assert.strictEqual(verifyChecksum(deep, { checksum: 0 }), undefined);
    assert.match(verifyChecksum(deep, { checksum: 12345 }), /checksum mismatch/);
  });
});

describe('okx fixtures: all 290 checksums of OKX.ws.1.0', function () {
  this.timeout(60000);
  let pushes;

  before(() => {
    pushes = [];
    for (const line of readFixture('cryptofeed/OKX.ws.1.0.books.gz').split('\n')) {
      if (!/^\d/.test(line)) continue;
      const c = classify(JSON.parse(line.slice(line.indexOf(': ') + 2)));
      if (c.type === 'data' && c.stream.startsWith('books:')) pushes.push(c);
    }
  });

  it('rebuilds the three books and verifies every checksum', () => {
    assert.strictEqual(pushes.length, 290);
    const books = new Map();
    const counts = { verified: 0, unchecked: 0 };
    const results = {};
    let independent = 0;
    for (const p of pushes) {
      const d = p.data[0];
      let entry = books.get(p.stream);
      if (p.action === 'snapshot') {
        const book = new OrderBook(p.stream, { keepStrings: true });
        const sync = new BookSync(book, bookRule, {
          verify: (b, x) => {
            const r = verifyChecksum(b, x);
            if (x.checksum === undefined) counts.unchecked++;
            else if (r === undefined) counts.verified++;
            return r;
          },
        });
        books.set(p.stream, (entry = { book, sync }));
        const r = sync.onSnapshot(parseBookSnapshot(d));
        results[r.kind] = (results[r.kind] || 0) + 1;
      } else {
        assert.ok(entry, `update before snapshot on ${p.stream}`);
        const r = entry.sync.onDelta(parseBookUpdate(d));
        results[r.kind] = (results[r.kind] || 0) + 1;
        if (r.kind !== 'applied') assert.fail(`${p.stream}: ${r.kind} ${r.detail || ''}`);
      }
      // the same check without the verify hook
      if (bookChecksum(entry.book) === d.checksum) independent++;
    }
    assert.deepStrictEqual(results, { synced: 3, applied: 287 });
    assert.strictEqual(counts.verified, 290);
    assert.strictEqual(counts.unchecked, 0);
    assert.strictEqual(independent, 290);
    assert.deepStrictEqual([...books.keys()].sort(), ['books:BTC-USD-220527', 'books:BTC-USDT', 'books:UNI-USD-SWAP']);
    for (const { book } of books.values()) {
      assert.ok(book.bestBid()[0] < book.bestAsk()[0], 'book is not crossed');
    }
  });

  it('a lost update is caught by the next checksum and clears the book', () => {
    const btc = pushes.filter((p) => p.stream === 'books:BTC-USDT');
    const book = new OrderBook('BTC/USDT', { keepStrings: true });
    const sync = new BookSync(book, bookRule, { verify: verifyChecksum });
    assert.strictEqual(sync.onSnapshot(parseBookSnapshot(btc[0].data[0])).kind, 'synced');
    const r = sync.onDelta(parseBookUpdate(btc[2].data[0]));
    assert.strictEqual(r.kind, 'checksum');
    assert.strictEqual(book.depth('bids') + book.depth('asks'), 0);
  });
});

describe('okx sequence rule: the documented seqId/prevSeqId example', () => {
  const snap = (seqId) => ({ asks: [['101', '1', '0', '1']], bids: [['100', '1', '0', '1']], ts: '1', prevSeqId: -1, seqId });
  const upd = (prevSeqId, seqId, bids = []) => ({ asks: [], bids, ts: '2', prevSeqId, seqId });

  it('applies normal, no-change and reset updates; a broken chain is a gap', () => {
    const book = new OrderBook('BTC/USDT', { keepStrings: true });
    const sync = new BookSync(book, bookRule);
    assert.strictEqual(sync.onSnapshot(parseBookSnapshot(snap(10))).kind, 'synced');
    assert.strictEqual(sync.onDelta(parseBookUpdate(upd(10, 15, [['99', '2', '0', '1']]))).kind, 'applied');
    assert.strictEqual(sync.onDelta(parseBookUpdate(upd(15, 15))).kind, 'applied'); // no change for 60 s
    assert.strictEqual(sync.onDelta(parseBookUpdate(upd(15, 3))).kind, 'applied'); // reset after maintenance
    assert.strictEqual(sync.onDelta(parseBookUpdate(upd(3, 5))).kind, 'applied');
    assert.strictEqual(book.nonce, 5);
    assert.deepStrictEqual(book.bids, [[100, 1], [99, 2]]);
    const r = sync.onDelta(parseBookUpdate(upd(6, 7)));
    assert.strictEqual(r.kind, 'gap');
    assert.match(r.detail, /expected prevSeqId=5, got prevSeqId=6/);
    assert.strictEqual(sync.state, 'waiting');
  });
});

describe('okx markets: instruments of OKX.0', () => {
  it('parses the SPOT instruments', () => {
    const line = readFixture('cryptofeed/OKX.0.SPOT.gz')
      .split('\n')
      .find((l) => l.includes('instType=SPOT'));
    const body = JSON.parse(line.slice(line.indexOf(': ') + 2));
    const markets = parseMarkets(body.data);
    assert.strictEqual(markets.length, 513);
    const btc = markets.find((m) => m.symbol === 'BTC/USDT');
    assert.strictEqual(btc.id, 'BTC-USDT');
    assert.strictEqual(btc.precision.price, 0.1);
    assert.strictEqual(btc.precision.amount, 1e-8);
    assert.strictEqual(btc.limits.amount.min, 0.00001);
    assert.strictEqual(btc.active, true);
  });
});
