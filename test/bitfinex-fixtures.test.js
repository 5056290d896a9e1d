'use strict';
// Bitfinex v2: the protocols.md §7 checksum vectors, and the real capture cryptofeed
// BITFINEX.ws.11.0 (test/fixtures/cryptofeed/BITFINEX.ws.11.0.received.gz: every received frame of
// one connection with the SEQ_ALL flag — info, conf, 21 subscribed acks, then 1,670 data frames
// of 7 P0 books (len 100), 7 tickers and 7 trades channels) replayed through the adapter's real
// frame decoder (js/exchanges/bitfinex/decode.js: chanId routing, sequence numbers, level parsing)
// into BookSync with the adapter's own sequence rule, on books that keep the wire strings.
// The pair list of BITFINEX.0 goes through the market parser. A missing capture FAILS this suite.
const assert = require('assert');
const { OrderBook } = require('../js/book/orderbook');
const { BookSync } = require('../js/book/sync');
const { ConnectionState } = require('../js/transport/stream-hub');
const { decodeFrame } = require('../js/exchanges/bitfinex/decode');
const { bitfinexBookRule } = require('../js/exchanges/bitfinex/adapter');
const { checksumOf, checksumString, bookChecksum, verifyChecksum } = require('../js/exchanges/bitfinex/checksum');
const { wireString } = require('../js/exchanges/bitfinex/parse');
const { parseMarkets, symbolOfId, idOfSymbol } = require('../js/exchanges/bitfinex/markets');
const { crc32Signed } = require('./support/crc32');
const { readFixture } = require('./support/fixtures');

describe('bitfinex checksum: protocols.md §7 vectors', () => {
  it('interleaves bids and asks, asks with their negative amount, CRC-32 read as signed', () => {
    const bids = [['7254.7', '3.3'], ['7254.6', '1.2']];
    const asks = [['7254.8', '0.5']]; // the book keeps amounts positive; the checksum puts the sign back
    assert.strictEqual(checksumString(bids, asks), '7254.7:3.3:7254.8:-0.5:7254.6:1.2');
    assert.strictEqual(checksumOf(bids, asks), -1938413018);
    assert.strictEqual(checksumOf([bids[0]], asks), -1584538190);
  });

  it('checks a book built from wire levels, only the top 25 levels count', () => {
    const book = new OrderBook('BTC/USD', { keepStrings: true });
    book.reset({ bids: [['7254.7', '3.3'], ['7254.6', '1.2']], asks: [['7254.8', '0.5']] });
    assert.strictEqual(bookChecksum(book), -1938413018);
    assert.strictEqual(verifyChecksum(book, { checksum: -1938413018 }), undefined);
    assert.match(verifyChecksum(book, { checksum: -1584538190 }), /checksum mismatch/);
    // no checksum on the message: nothing to check
    assert.strictEqual(verifyChecksum(book, {}), undefined);
    const deep = new OrderBook('X', { keepStrings: true });
    const lv = (p) => [String(p), '1'];
    deep.reset({ bids: Array.from({ length: 30 }, (_, i) => lv(100 - i)), asks: Array.from({ length: 30 }, (_, i) => lv(101 + i)) });
    const before = bookChecksum(deep);
    deep.applyRaw('bids', [['70.5', '3']]);
    assert.strictEqual(bookChecksum(deep), before);
  });

  it("renders prices as String() does, exponent forms as the reference client writes them (toFixed(|exponent| + 1))", () => {
    assert.strictEqual(wireString(0.5), '0.5');
    assert.strictEqual(wireString(2e-8), '0.000000020'); // the capture's [2e-8,0,1]
    assert.strictEqual(wireString(1.7e-7), '0.00000017');
    assert.strictEqual(wireString(0.000001), '0.000001'); // String() has no exponent down to 1e-6
    assert.strictEqual(wireString(60410), '60410');
    assert.strictEqual(wireString(1.7023900800000002), '1.7023900800000002');
  });
});

describe('bitfinex markets: the pair list of BITFINEX.0', () => {
  it('maps run-together and colon pairs to unified symbols and back', () => {
    const line = readFixture('cryptofeed/BITFINEX.0.pairs.gz').split('\n')[0];
    const pairs = JSON.parse(line.slice(line.indexOf(': ') + 2))[0];
    const markets = parseMarkets(pairs, [['BTCUSD', [null, null, null, '0.00006', '2000.0', null, null, null, 0.2, 0.1]]]);
    const by = Object.fromEntries(markets.map((m) => [m.symbol, m]));
    assert.strictEqual(by['BTC/USD'].id, 'tBTCUSD');
    assert.strictEqual(by['BTC/USD'].limits.amount.min, 0.00006);
    assert.strictEqual(by['BTC/USD'].limits.amount.max, 2000);
    assert.strictEqual(by['TESTBTC/TESTUSD'].id, 'tTESTBTC:TESTUSD');
    assert.strictEqual(by['AAVE/USD'].id, 'tAAVE:USD');
    // Bitfinex's UST is ccxt's USDT
    assert.strictEqual(by['BTC/USDT'].id, 'tBTCUST');
    assert.strictEqual(markets.length, pairs.length);
    for (const m of markets) {
      assert.strictEqual(symbolOfId(m.id), m.symbol);
      assert.strictEqual(idOfSymbol(m.symbol), m.id);
    }
  });
});

/** A FrameSink over BookSync, the way the skeleton's sink drives LiveBook (no I/O). */
function replaySink() {
  const state = new ConnectionState();
  const sink = {
    books: new Map(),
    tickers: [],
    trades: [],
    acks: [],
    errors: [],
    gaps: [],
    applied: 0,
    connection: () => state,
    symbolOf: (stream) => stream.slice(stream.lastIndexOf(':') + 1),
    bookNonce: (stream) => sink.books.get(stream)?.book.nonce,
    bookSnapshot(stream, s) {
      const book = new OrderBook(stream, { keepStrings: true });
      const sync = new BookSync(book, bitfinexBookRule, { maxDepth: 100 });
      const r = sync.onSnapshot(s);
      assert.strictEqual(r.kind, 'synced');
      sink.books.set(stream, { book, sync });
    },
    bookDelta(stream, d) {
      const r = sink.books.get(stream).sync.onDelta(d);
      if (r.kind === 'gap') sink.gaps.push({ stream, detail: r.detail });
      else {
        assert.strictEqual(r.kind, 'applied', JSON.stringify(d));
        sink.applied++;
      }
    },
    // a connection-wide loss: every book on the connection is void (the engine resyncs them all)
    lost(detail) {
      for (const [stream, { sync }] of sink.books) {
        sync.reset();
        sink.gaps.push({ stream, detail });
      }
    },
    ticker: (stream, t) => sink.tickers.push(t),
    trades: (stream, list) => sink.trades.push(...list),
    candle: () => {},
    describe: () => undefined,
    ack: (id) => sink.acks.push(id),
    refused: (id, err) => sink.errors.push(err),
    error: (err) => sink.errors.push(err),
    reconnect: () => sink.errors.push(new Error('reconnect')),
    malformed: (stream, what) => sink.errors.push(new Error(`malformed ${stream} ${what}`)),
  };
  return sink;
}

describe('bitfinex fixtures: BITFINEX.ws.11.0 (book P0, tickers, trades; SEQ_ALL)', () => {
  let frames;

  before(() => {
    frames = readFixture('cryptofeed/BITFINEX.ws.11.0.received.gz')
      .split('\n')
      .filter((l) => /^\d/.test(l))
      .map((l) => l.slice(l.indexOf(': ') + 2));
  });

  it('every sequence number 1..1670 is contiguous and every book frame joins its book\'s chain', () => {
    assert.strictEqual(frames.length, 1693);
    const sink = replaySink();
    const seqs = [];
    for (const f of frames) {
      const m = JSON.parse(f);
      if (Array.isArray(m)) seqs.push(m[m.length - 1]);
      decodeFrame(f, sink);
    }
    // an independent look at the wire: the last element of every data frame counts 1, 2, 3...
    assert.deepStrictEqual(seqs, Array.from({ length: 1670 }, (_, i) => i + 1));
    assert.deepStrictEqual(sink.errors, []);
    assert.deepStrictEqual(sink.gaps, []);
    assert.strictEqual(sink.books.size, 7);
    assert.ok(sink.applied > 1000, `only ${sink.applied} book updates applied`);
    // each book's nonce is the sequence number of its last message
    const lastSeqOf = new Map();
    const chanOf = new Map();
    for (const f of frames) {
      const m = JSON.parse(f);
      if (m.event === 'subscribed' && m.channel === 'book') chanOf.set(m.chanId, `book:${m.symbol}`);
      else if (Array.isArray(m) && chanOf.has(m[0]) && m[1] !== 'hb') lastSeqOf.set(chanOf.get(m[0]), m[m.length - 1]);
    }
    for (const [stream, { book }] of sink.books) assert.strictEqual(book.nonce, lastSeqOf.get(stream), stream);
    // 7 ticker snapshots parsed; trades snapshots are history (not pushed)
    assert.ok(sink.tickers.length >= 7);
    assert.strictEqual(sink.tickers[0].bid, 0.068965);
    assert.strictEqual(sink.tickers[0].last, 0.076989);
  });

  it('the rebuilt books are sorted with positive amounts, and the checksum string uses the wire renderings', () => {
    const sink = replaySink();
    for (const f of frames) decodeFrame(f, sink);
    for (const [stream, { book }] of sink.books) {
      const s = book.snapshot();
      for (let i = 1; i < s.bids.length; i++) assert.ok(s.bids[i - 1][0] > s.bids[i][0], stream);
      for (let i = 1; i < s.asks.length; i++) assert.ok(s.asks[i - 1][0] < s.asks[i][0], stream);
      for (const [, a] of [...s.bids, ...s.asks]) assert.ok(a > 0, stream);
      if (s.bids.length && s.asks.length) assert.ok(s.bids[0][0] < s.asks[0][0], `${stream} crossed`);
      // the library's checksum equals an independent CRC of the same interleaving
      const bids = book.levelStrings('bids', 25);
      const asks = book.levelStrings('asks', 25);
      const parts = [];
      for (let i = 0; i < 25; i++) {
        if (bids[i]) parts.push(bids[i][0], bids[i][1]);
        if (asks[i]) parts.push(asks[i][0], `-${asks[i][1]}`);
      }
      assert.strictEqual(bookChecksum(book), crc32Signed(parts.join(':')), stream);
      for (const [p] of [...bids, ...asks]) assert.doesNotMatch(p, /e/, `${stream} price ${p} in exponent form`);
    }
  });

  // The capture was recorded without the checksum flag (its conf is flags 65536): it holds no "cs"
  // frame, so no checksum of Bitfinex's can be recomputed from it. What it does hold are real
  // renderings — prices in exponent form (1.1e-7, 2e-8, 1.7e-7...) — so the strings the library
  // checksums are compared here with the rule of Bitfinex's reference client (bfx-api-node-models
  // lib/order_book.js checksum(), rewritten independently below): every price whose String() has an
  // exponent written with toFixed(|exponent| + 1), every amount as String() renders the received
  // number, asks negative.
  it("the checksum strings of every rebuilt book follow Bitfinex's reference client rendering, exponent-form prices included", () => {
    const refPrice = (p) => {
      const t = String(p);
      return /e/.test(t) ? p.toFixed(Math.abs(Number(t.split('e')[1])) + 1) : t;
    };
    const sink = replaySink();
    for (const f of frames) decodeFrame(f, sink);
    let exponentPrices = 0;
    for (const [stream, { book }] of sink.books) {
      const s = book.snapshot();
      const parts = [];
      for (let i = 0; i < 25; i++) {
        if (s.bids[i]) parts.push(refPrice(s.bids[i][0]), String(s.bids[i][1]));
        if (s.asks[i]) parts.push(refPrice(s.asks[i][0]), String(-s.asks[i][1]));
      }
      assert.strictEqual(checksumString(book.levelStrings('bids', 25), book.levelStrings('asks', 25)), parts.join(':'), stream);
      // and every level the book keeps (a deeper one may rise into the top 25), in the same rendering
      const kept = [...book.levelStrings('bids'), ...book.levelStrings('asks')];
      const levels = [...s.bids, ...s.asks];
      assert.deepStrictEqual(kept, levels.map(([p, a]) => [refPrice(p), String(a)]), stream);
      exponentPrices += levels.filter(([p]) => /e/.test(String(p))).length;
    }
    assert.ok(exponentPrices > 0, 'the capture puts exponent-form prices in the rebuilt books');
  });

  it('an amount below 1e-6 is checksummed as the wire renders it (5e-7), as the reference client does, not re-rendered', () => {
    const sink = replaySink();
    const chan = 77;
    const sub = JSON.stringify({ event: 'subscribed', channel: 'book', chanId: chan, symbol: 'tDUSTUSD', prec: 'P0', freq: 'F0', len: '25', subId: 1 });
    decodeFrame(sub, sink);
    decodeFrame(`[${chan},[[1.5,1,5e-7],[1.4,2,0.25],[1.6,1,-0.0000012],[1.7,3,-4e-8]],1]`, sink);
    decodeFrame(`[${chan},[1.4,1,7e-7],2]`, sink);
    const { book } = sink.books.get('book:tDUSTUSD');
    const text = checksumString(book.levelStrings('bids', 25), book.levelStrings('asks', 25));
    // String(5e-7) === '5e-7', String(-0.0000012) === '-0.0000012', String(-4e-8) === '-4e-8'
    assert.strictEqual(text, '1.5:5e-7:1.6:-0.0000012:1.4:7e-7:1.7:-4e-8');
    assert.strictEqual(bookChecksum(book), crc32Signed(text));
    // prices below 1e-6 the reference's way, the amount untouched
    decodeFrame(`[${chan},[2e-7,1,3e-7],3]`, sink);
    assert.deepStrictEqual(book.levelStrings('bids').pop(), ['0.00000020', '3e-7']);
  });

  it('a frame lost anywhere on the connection is a gap for every book on it, named by the missing number', () => {
    const sink = replaySink();
    // drop the ticker frame with sequence number 600 (not a book frame)
    let dropped;
    for (const f of frames) {
      const m = JSON.parse(f);
      if (Array.isArray(m) && m[m.length - 1] === 600) {
        dropped = m;
        continue;
      }
      decodeFrame(f, sink);
      if (dropped) break;
    }
    assert.ok(dropped);
    // six books have their snapshot by then (tSNGUSD's comes at 626): each of them gaps, once
    assert.strictEqual(sink.books.size, 6);
    assert.deepStrictEqual(sink.gaps.map((g) => g.stream).sort(), [...sink.books.keys()].sort());
    for (const g of sink.gaps) assert.match(g.detail, /sequence number 600 skipped/);
    for (const { sync } of sink.books.values()) assert.strictEqual(sync.state, 'waiting');
  });
});
