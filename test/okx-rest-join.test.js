'use strict';
/**
 * Issue #18: OKX books on today's OKX — no snapshot frame after subscribing, checksum 0 — are
 * joined to the REST snapshot by its seqId, as OKX documents (protocols.md §3 "2026 change"):
 * buffer the updates, GET /api/v5/market/books?instId=..&sz=400 (source=0) for a book with its
 * seqId, drop buffered updates at or below it, the first applied one straddles it
 * (prevSeqId <= seqId_snapshot < seqId), then the prevSeqId chain; fetch again when the snapshot is
 * older than the buffer. Against the scripted OKX-protocol server (test/support/okx-stub) in its
 * today's-OKX mode, so every event happens exactly when the test says: the straddle, the drop,
 * the refetch, seqId as a string, resyncs in place ('gap', 'checksum' for a wrong non-zero
 * checksum, 'reconnect', 'stale'), none caused by checksum 0, a resent snapshot frame, a seqId
 * reset, and the fallback for servers whose REST books have no seqId.
 */
const assert = require('assert');
const { okx } = require('..');
const { OkxStub } = require('./support/okx-stub');
const { nextEvent, until, sides } = require('./support/wait');

const TODAY = { snapshots: false, checksums: false, restSeqId: 'number' };

function seedBook(stub, instId, mid, n = 30, tick = 1) {
  const bids = [];
  const asks = [];
  for (let i = 1; i <= n; i++) {
    bids.push([String(mid - i * tick), String(i / 10)]);
    asks.push([String(mid + i * tick), String(i / 10)]);
  }
  stub.seed(instId, bids, asks);
}

describe('okx books joined to the REST snapshot by seqId (OKX 2026: no snapshot frame, checksum 0)', function () {
  let stub;
  let ex;
  let errs;
  let resyncs;

  async function start(opts = TODAY, extra = {}) {
    stub = await OkxStub.start(opts);
    seedBook(stub, 'BTC-USDT', 30000);
    seedBook(stub, 'ETH-USDT', 2000, 30, 0.5);
    ex = new okx({ ws: true, urls: stub.urls, timeoutMs: 5000, reconnect: { baseDelayMs: 20, maxDelayMs: 100 }, ...extra });
    errs = [];
    resyncs = [];
    ex.on('error', (e) => errs.push(e));
    ex.on('resync', (e) => resyncs.push(e));
  }

  afterEach(async () => {
    await ex?.close();
    ex = undefined;
    await stub?.close();
    stub = undefined;
  });

  const booksRequests = () => stub.requests.filter((r) => r.startsWith('/api/v5/market/books?'));
  const subscribeOps = () => stub.controlMessages.filter((m) => m.op === 'subscribe' || m.op === 'unsubscribe').length;

  /** Subscribes, sends one update so that the client fetches, and lets the REST reply go. */
  async function synced(symbol = 'BTC/USDT') {
    const instId = symbol.replace('/', '-');
    const pull = ex.fetchOrderBook(symbol);
    await stub.subscribed('books', instId);
    stub.book(instId, [[instId === 'BTC-USDT' ? '29999.5' : '1999.75', '1']], []);
    return pull;
  }

  it('buffers updates, fetches 400 levels and joins a snapshot whose seqId falls between two updates', async () => {
    await start();
    stub.holdBooks();
    const pull = ex.fetchOrderBook('BTC/USDT');
    await stub.subscribed('books', 'BTC-USDT');
    stub.book('BTC-USDT', [['29999', '0']], []); // 1000 -> 1002, buffered
    await stub.booksRequested(1);
    assert.deepStrictEqual(stub.booksPending[0].query, { instId: 'BTC-USDT', sz: '400', source: '0' });

    // the exchange's book at seqId 1005: after 1002, and half way to the next push (1002 -> 1010),
    // which carries the final values of the levels that changed in between
    const at1005 = stub.restBook('BTC-USDT');
    at1005.seqId = 1005;
    at1005.bids = at1005.bids.map((l) => (l[0] === '29998' ? ['29998', '2', '0', '1'] : l));
    stub.answerBooks(at1005);
    const first = await pull;
    assert.strictEqual(first.nonce, 1005, 'the buffered 1000 -> 1002 was dropped: the snapshot holds it');
    assert.deepStrictEqual(first.bids[0], [29998, 2]);

    const next = nextEvent(ex, 'orderbook', () => true, 'BTC/USDT');
    stub.book('BTC-USDT', [['29998', '3']], [['30001', '0']], { step: 8 }); // 1002 -> 1010 straddles 1005
    const book = await next;
    assert.strictEqual(book.nonce, 1010);
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTC-USDT')));
    assert.deepStrictEqual(resyncs, []);
    assert.deepStrictEqual(errs, []);
  });

  it('drops the buffered updates at or below the snapshot seqId and applies the rest in order', async () => {
    await start();
    stub.holdBooks();
    const pull = ex.fetchOrderBook('BTC/USDT');
    await stub.subscribed('books', 'BTC-USDT');
    const tradeSeen = nextEvent(ex, 'trades', () => true, 'BTC/USDT');
    await stub.subscribed('trades', 'BTC-USDT');
    stub.book('BTC-USDT', [['29999', '0']], []); // 1000 -> 1002
    await stub.booksRequested(1);
    stub.book('BTC-USDT', [], [['30001', '0.25']]); // 1002 -> 1004
    const at1004 = stub.restBook('BTC-USDT');
    stub.book('BTC-USDT', [['29997', '9']], []); // 1004 -> 1006: the only one left to apply
    stub.trade('BTC-USDT', [{ px: '30000', sz: '0.1', side: 'buy' }]); // same socket: after the updates
    await tradeSeen;
    stub.answerBooks(at1004);
    const book = await pull;
    assert.strictEqual(book.nonce, 1006);
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTC-USDT')));
    assert.deepStrictEqual(resyncs, []);
  });

  it('fetches again when the snapshot is older than the first buffered update (no resync, no error)', async () => {
    await start();
    const old = stub.restBook('BTC-USDT'); // seqId 1000
    stub.book('BTC-USDT', [['29999', '0']], []); // 1000 -> 1002, before anyone subscribed
    stub.holdBooks();
    const pull = ex.fetchOrderBook('BTC/USDT');
    await stub.subscribed('books', 'BTC-USDT');
    stub.book('BTC-USDT', [], [['30002', '0']]); // 1002 -> 1004: the buffer starts after 1000
    await stub.booksRequested(1);
    stub.answerBooks(old);
    await stub.booksRequested(1);
    stub.answerBooks();
    const book = await pull;
    assert.strictEqual(book.nonce, 1004);
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTC-USDT')));
    assert.strictEqual(booksRequests().length, 2);
    assert.deepStrictEqual(resyncs, []);
    assert.deepStrictEqual(errs, []);
  });

  it('accepts the REST seqId as a JSON string', async () => {
    await start({ ...TODAY, restSeqId: 'string' });
    const book = await synced();
    assert.strictEqual(book.nonce, 1002);
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTC-USDT')));
    const next = nextEvent(ex, 'orderbook', () => true, 'BTC/USDT');
    stub.book('BTC-USDT', [], [['30001', '2']]);
    assert.strictEqual((await next).nonce, 1004);
  });

  it('a broken prevSeqId chain resyncs through REST in place (reason gap): no resubscribe, the other book untouched', async () => {
    await start();
    await synced('BTC/USDT');
    await synced('ETH/USDT');
    const ops = subscribeOps();
    const fetches = booksRequests().length;
    const resync = nextEvent(ex, 'resync');
    stub.lose('BTC-USDT', [['29999', '0']], []);
    stub.book('BTC-USDT', [], [['30001', '0.5']]);
    const e = await resync;
    assert.strictEqual(e.reason, 'gap');
    assert.strictEqual(e.symbol, 'BTC/USDT');
    assert.match(e.detail, /expected prevSeqId=1002, got prevSeqId=1004 seqId=1006/);
    const book = await ex.fetchOrderBook('BTC/USDT');
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTC-USDT')));
    assert.strictEqual(book.nonce, 1006);
    assert.strictEqual(booksRequests().length, fetches + 1, 'one REST snapshot for the resync');
    assert.strictEqual(subscribeOps(), ops, 'the stream was not resubscribed');
    const eth = nextEvent(ex, 'orderbook', () => true, 'ETH/USDT');
    stub.book('ETH-USDT', [['1999.5', '4']], []);
    assert.deepStrictEqual(sides(await eth), sides(stub.truth('ETH-USDT')));
    assert.deepStrictEqual(resyncs.map((r) => [r.symbol, r.reason]), [['BTC/USDT', 'gap']]);
  });

  it('checksum 0 is "not sent": never a resync; a wrong non-zero checksum still is (reason checksum)', async () => {
    await start();
    await synced();
    for (let i = 0; i < 20; i++) stub.book('BTC-USDT', [[String(29990 - i), String(1 + i)]], [[String(30010 + i), '0']]);
    stub.noChange('BTC-USDT'); // 1042 -> 1042
    const last = nextEvent(ex, 'orderbook', (b) => b.nonce === 1044, 'BTC/USDT');
    stub.book('BTC-USDT', [], [['30005', '7']]); // 1042 -> 1044
    assert.deepStrictEqual(sides(await last), sides(stub.truth('BTC-USDT')));
    assert.deepStrictEqual(resyncs, []);

    const fetches = booksRequests().length;
    const ops = subscribeOps();
    const resync = nextEvent(ex, 'resync');
    stub.book('BTC-USDT', [['29999.5', '3']], [], { corrupt: true });
    const e = await resync;
    assert.strictEqual(e.reason, 'checksum');
    assert.match(e.detail, /checksum mismatch/);
    const book = await ex.fetchOrderBook('BTC/USDT');
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTC-USDT')));
    assert.strictEqual(book.nonce, 1046);
    assert.strictEqual(booksRequests().length, fetches + 1, 'the resync went through REST');
    assert.strictEqual(subscribeOps(), ops, 'in place: no resubscribe');
    assert.strictEqual(resyncs.length, 1);
  });

  it('a snapshot frame that does come (a server-side resend) is taken as the book', async () => {
    await start();
    await synced();
    stub.lose('BTC-USDT', [['29999.5', '0']], []); // the client's book is now behind, unknowingly
    stub.resendSnapshot('BTC-USDT');
    const next = nextEvent(ex, 'orderbook', () => true, 'BTC/USDT');
    stub.book('BTC-USDT', [['29998.5', '1']], []); // chains onto the resent snapshot, not the lost update
    const book = await next;
    assert.strictEqual(book.nonce, 1006);
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTC-USDT')));
    assert.deepStrictEqual(resyncs, []);
  });

  it('a sequence reset after maintenance (seqId below prevSeqId) is followed without a resync', async () => {
    await start();
    await synced();
    const seen = [];
    ex.on('orderbook', 'BTC/USDT', (b) => seen.push(b.nonce));
    stub.book('BTC-USDT', [['29998', '0']], [], { seqId: 5 });
    stub.book('BTC-USDT', [], [['30003', '1.5']]);
    await until(() => seen.length === 2, 'two updates');
    assert.deepStrictEqual(seen, [5, 7]);
    assert.deepStrictEqual(sides(await ex.fetchOrderBook('BTC/USDT')), sides(stub.truth('BTC-USDT')));
    assert.deepStrictEqual(resyncs, []);
  });

  it('a dropped socket: resync (reason reconnect) and a book rebuilt from a new REST snapshot', async () => {
    await start();
    await synced();
    const before = stub.controlMessages.filter((m) => m.op === 'subscribe').length;
    const resync = nextEvent(ex, 'resync');
    stub.dropAll();
    assert.strictEqual((await resync).reason, 'reconnect');
    stub.book('BTC-USDT', [['29999.25', '2']], [], { publish: false }); // moves on while nobody listens
    await until(() => stub.controlMessages.filter((m) => m.op === 'subscribe').length > before, 'resubscribe');
    stub.book('BTC-USDT', [], [['30000.75', '1']]);
    const book = await ex.fetchOrderBook('BTC/USDT');
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTC-USDT')));
    assert.strictEqual(book.nonce, 1006);
  });

  it('a silent server: resync (reason stale), then an exact book again', async () => {
    await start(TODAY, { staleTimeoutMs: 400 });
    await synced();
    const before = stub.controlMessages.filter((m) => m.op === 'subscribe').length;
    const resync = nextEvent(ex, 'resync');
    stub.silence(true);
    assert.strictEqual((await resync).reason, 'stale');
    stub.silence(false);
    await until(() => stub.controlMessages.filter((m) => m.op === 'subscribe').length > before, 'resubscribe');
    stub.book('BTC-USDT', [['29999.25', '2']], []);
    const book = await ex.fetchOrderBook('BTC/USDT');
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTC-USDT')));
  });

  it('with ws: false, fetchOrderBook over REST carries the seqId as its nonce (none when the reply has no seqId)', async () => {
    await start();
    const rest = new okx({ urls: stub.urls, timeoutMs: 5000 });
    try {
      const book = await rest.fetchOrderBook('BTC/USDT', 10);
      assert.strictEqual(book.nonce, 1000);
      assert.deepStrictEqual(sides(book), sides(stub.truth('BTC-USDT', 10)));
      stub.restSeqId = false;
      assert.strictEqual((await rest.fetchOrderBook('BTC/USDT', 10)).nonce, undefined);
    } finally {
      await rest.close();
    }
  });

  it('servers whose REST books carry no seqId (OKX before 2026): a gap resubscribes for a snapshot frame instead', async () => {
    await start({}); // snapshot frames, checksums, REST without seqId
    await ex.fetchOrderBook('BTC/USDT');
    assert.strictEqual(booksRequests().length, 0, 'synced from the snapshot frame alone');
    const resync = nextEvent(ex, 'resync');
    stub.lose('BTC-USDT', [['29999', '0']], []);
    stub.book('BTC-USDT', [], [['30001', '0.5']]);
    assert.strictEqual((await resync).reason, 'gap');
    await until(() => stub.controlMessages.some((m) => m.op === 'unsubscribe'), 'resubscribe');
    const book = await ex.fetchOrderBook('BTC/USDT');
    assert.deepStrictEqual(sides(book), sides(stub.truth('BTC-USDT')));
    assert.strictEqual(booksRequests().length, 1, 'REST was tried once, found without seqId, and given up');
    // a second gap goes straight to resubscribing
    const again = nextEvent(ex, 'resync');
    stub.lose('BTC-USDT', [['29998', '0']], []);
    stub.book('BTC-USDT', [], [['30002', '0.5']]);
    await again;
    await until(() => stub.controlMessages.filter((m) => m.op === 'unsubscribe').length === 2, 'second resubscribe');
    assert.deepStrictEqual(sides(await ex.fetchOrderBook('BTC/USDT')), sides(stub.truth('BTC-USDT')));
    assert.strictEqual(booksRequests().length, 1);
  });
});
