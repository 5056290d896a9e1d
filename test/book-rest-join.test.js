'use strict';
// A prevId chain (OKX prevSeqId/seqId) joined to a snapshot taken outside the stream (REST with
// its seqId), as OKX documents since its 2026 books change: ts/book/sync.ts prevIdJoinRule and the
// join point after a sequence reset inside the buffer; ts/base/live-book.ts with both REST and
// stream snapshots on one book. Run against the compiled js/.
const assert = require('assert');
const { OrderBook } = require('../js/book/orderbook');
const { BookSync, prevIdJoinRule, straddleRule } = require('../js/book/sync');
const { LiveBook } = require('../js/base/live-book');
const { bookRule } = require('../js/exchanges/okx/parse');

/** An OKX-style update prev -> id with [price, size] string levels. */
const upd = (prev, id, bids = [], asks = []) => ({ first: id, last: id, prev, bids, asks });
const snap = (nonce, bids = [['100', '1']], asks = [['101', '1']]) => ({ nonce, bids, asks });

function mk(rule = prevIdJoinRule) {
  const book = new OrderBook('BTC/USDT');
  return { book, sync: new BookSync(book, rule) };
}

describe('book: prevIdJoinRule (a prevId chain joined to a REST snapshot)', () => {
  it('first delta after a snapshot: straddle or exact chain applies, covered is stale, ahead is a gap', () => {
    const N = 100;
    assert.strictEqual(prevIdJoinRule.accept(N, upd(100, 104), true), 'apply'); // prev == N
    assert.strictEqual(prevIdJoinRule.accept(N, upd(97, 104), true), 'apply'); // prev <= N < id
    assert.strictEqual(prevIdJoinRule.accept(N, upd(97, 101), true), 'apply');
    assert.strictEqual(prevIdJoinRule.accept(N, upd(95, 100), true), 'stale'); // id <= N: in the snapshot
    assert.strictEqual(prevIdJoinRule.accept(N, upd(90, 95), true), 'stale');
    assert.strictEqual(prevIdJoinRule.accept(N, upd(101, 104), true), 'gap'); // prev > N: ids missing
    assert.strictEqual(prevIdJoinRule.accept(N, upd(100, 100), true), 'apply'); // no-change push
    assert.strictEqual(prevIdJoinRule.accept(N, upd(100, 3), true), 'apply'); // reset right after the snapshot
  });

  it('later deltas: only prev == nonce applies (no-change and reset included); anything else is a gap', () => {
    const N = 100;
    assert.strictEqual(prevIdJoinRule.accept(N, upd(100, 105), false), 'apply');
    assert.strictEqual(prevIdJoinRule.accept(N, upd(100, 100), false), 'apply');
    assert.strictEqual(prevIdJoinRule.accept(N, upd(100, 2), false), 'apply');
    assert.strictEqual(prevIdJoinRule.accept(N, upd(97, 104), false), 'gap'); // no straddle once joined
    // a reset that follows a lost update is not mistaken for a stale delta
    assert.strictEqual(prevIdJoinRule.accept(N, upd(110, 2), false), 'gap');
    assert.match(prevIdJoinRule.describe(N, upd(110, 2), false), /expected prev=100, got prev=110 id=2/);
  });

  it('OKX bookRule wraps it and keeps applying updates that carry no seqIds (the 2022 capture)', () => {
    assert.strictEqual(bookRule.accept(100, upd(97, 104), true), 'apply');
    assert.strictEqual(bookRule.accept(100, upd(97, 104), false), 'gap');
    assert.strictEqual(bookRule.accept(100, upd(undefined, 1652459225464), false), 'apply');
    assert.match(bookRule.describe(100, upd(102, 104), false), /^expected prevSeqId=100, got prevSeqId=102 seqId=104$/);
  });

  it('drops buffered updates at or below the snapshot seqId; the straddling one joins; the chain follows', () => {
    const { book, sync } = mk();
    assert.strictEqual(sync.onDelta(upd(90, 95, [['99', '5']])).kind, 'buffered');
    assert.strictEqual(sync.onDelta(upd(95, 103, [['98', '2']])).kind, 'buffered');
    assert.strictEqual(sync.onDelta(upd(103, 107, [], [['102', '3']])).kind, 'buffered');
    // the snapshot was taken at 100: between the updates 95 and 103; it already holds 99
    const r = sync.onSnapshot(snap(100, [['100', '1'], ['99', '5']]));
    assert.deepStrictEqual(r, { kind: 'synced', applied: 2 });
    assert.strictEqual(book.nonce, 107);
    assert.deepStrictEqual(book.bids, [[100, 1], [99, 5], [98, 2]]);
    assert.deepStrictEqual(book.asks, [[101, 1], [102, 3]]);
    assert.strictEqual(sync.onDelta(upd(107, 108, [['97', '1']])).kind, 'applied');
    assert.strictEqual(sync.onDelta(upd(109, 110)).kind, 'gap');
  });

  it('a snapshot newer than the whole buffer syncs with nothing applied; the next update may straddle it', () => {
    const { book, sync } = mk();
    sync.onDelta(upd(90, 95));
    assert.deepStrictEqual(sync.onSnapshot(snap(99)), { kind: 'synced', applied: 0 });
    assert.strictEqual(sync.onDelta(upd(95, 102, [['99', '1']])).kind, 'applied');
    assert.strictEqual(book.nonce, 102);
    assert.strictEqual(sync.onDelta(upd(102, 104)).kind, 'applied');
  });

  it('a snapshot older than the first buffered update is too old, and the buffer is kept for the next one', () => {
    const { sync } = mk();
    sync.onDelta(upd(100, 104));
    sync.onDelta(upd(104, 106));
    const r = sync.onSnapshot(snap(98));
    assert.strictEqual(r.kind, 'snapshot-too-old');
    assert.match(r.detail, /snapshot nonce 98 is older than the first buffered delta/);
    assert.strictEqual(sync.buffered, 2);
    assert.deepStrictEqual(sync.onSnapshot(snap(104)), { kind: 'synced', applied: 1 });
  });

  it('a sequence reset inside the buffer: a snapshot after the reset joins after it', () => {
    const { book, sync } = mk();
    sync.onDelta(upd(100, 110, [['90', '1']]));
    sync.onDelta(upd(110, 120));
    sync.onDelta(upd(120, 3, [['91', '1']])); // reset after maintenance
    sync.onDelta(upd(3, 5, [['92', '1']]));
    sync.onDelta(upd(5, 8, [['93', '1']]));
    // snapshot at 5, after the reset: it holds 90..92; only 5 -> 8 is left to apply
    const r = sync.onSnapshot(snap(5, [['100', '1'], ['92', '1'], ['91', '1'], ['90', '1']]));
    assert.deepStrictEqual(r, { kind: 'synced', applied: 1 });
    assert.strictEqual(book.nonce, 8);
    assert.deepStrictEqual(book.bids.map((l) => l[0]), [100, 93, 92, 91, 90]);
  });

  it('a sequence reset inside the buffer: a snapshot before the reset joins before it and applies the reset', () => {
    const { book, sync } = mk();
    sync.onDelta(upd(100, 110));
    sync.onDelta(upd(110, 120, [['95', '1']]));
    sync.onDelta(upd(120, 3, [['96', '1']]));
    sync.onDelta(upd(3, 5));
    assert.deepStrictEqual(sync.onSnapshot(snap(115)), { kind: 'synced', applied: 3 });
    assert.strictEqual(book.nonce, 5);
    assert.deepStrictEqual(book.bids.map((l) => l[0]), [100, 96, 95]);
  });

  it('a sequence reset inside the buffer: a snapshot exactly at the newest update syncs with nothing to apply', () => {
    const { book, sync } = mk();
    sync.onDelta(upd(100, 110));
    sync.onDelta(upd(110, 2));
    sync.onDelta(upd(2, 4));
    assert.deepStrictEqual(sync.onSnapshot(snap(4)), { kind: 'synced', applied: 0 });
    assert.strictEqual(book.nonce, 4);
    assert.strictEqual(sync.onDelta(upd(4, 6)).kind, 'applied');
  });

  it('ids that only grow never find a later join point: the Binance straddle rule is unchanged', () => {
    const { sync } = mk(straddleRule);
    sync.onDelta({ first: 105, last: 110, bids: [], asks: [] });
    sync.onDelta({ first: 111, last: 115, bids: [], asks: [] });
    assert.strictEqual(sync.onSnapshot(snap(100)).kind, 'snapshot-too-old');
  });
});

/** A LiveBook with scripted sources: REST fetches are resolved by the test, stream calls recorded. */
function live({ rest = true, resubscribe = true } = {}) {
  const calls = { fetches: [], resubscribes: 0, books: [], resyncs: [], errors: [] };
  const lb = new LiveBook({
    exchange: 'test',
    symbol: 'BTC/USDT',
    rule: prevIdJoinRule,
    fetchSnapshot: rest
      ? () =>
          new Promise((resolve, reject) => {
            calls.fetches.push({ resolve, reject });
          })
      : undefined,
    resubscribe: resubscribe ? () => calls.resubscribes++ : undefined,
    onBook: (b) => calls.books.push(b.nonce),
    onResync: (e) => calls.resyncs.push(e),
    onError: (e) => calls.errors.push(e),
    snapshotFallbackMs: 60_000,
  });
  return { lb, calls };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('LiveBook: REST and stream snapshots on one book', () => {
  let books = [];
  afterEach(() => {
    for (const b of books) b.close();
    books = [];
  });
  const make = (o) => {
    const r = live(o);
    books.push(r.lb);
    return r;
  };

  it('a buffered update fetches the REST snapshot, which joins the buffer', async () => {
    const { lb, calls } = make();
    lb.onDelta(upd(10, 12));
    lb.onDelta(upd(12, 15, [['99', '1']]));
    assert.strictEqual(calls.fetches.length, 1, 'one fetch for the whole buffer');
    calls.fetches[0].resolve(snap(13));
    await tick();
    assert.ok(lb.ready);
    assert.strictEqual(lb.book.nonce, 15);
    assert.deepStrictEqual(calls.books, [15]);
  });

  it('a gap resyncs through REST in place (reason gap), without resubscribing', async () => {
    const { lb, calls } = make();
    lb.onDelta(upd(10, 12));
    calls.fetches[0].resolve(snap(12));
    await tick();
    lb.onDelta(upd(14, 16));
    assert.deepStrictEqual(calls.resyncs.map((e) => [e.reason, e.nonce]), [['gap', 12]]);
    assert.strictEqual(calls.fetches.length, 2);
    assert.strictEqual(calls.resubscribes, 0);
    calls.fetches[1].resolve(snap(15));
    await tick();
    assert.ok(lb.ready);
    assert.strictEqual(lb.book.nonce, 16);
  });

  it('a snapshot frame is taken when it comes, and the REST reply in flight is then discarded', async () => {
    const { lb, calls } = make();
    lb.onDelta(upd(10, 12));
    assert.strictEqual(calls.fetches.length, 1);
    lb.onStreamSnapshot(snap(20, [['98', '2']]));
    assert.ok(lb.ready);
    assert.strictEqual(lb.book.nonce, 20);
    calls.fetches[0].resolve(snap(12, [['50', '1']]));
    await tick();
    assert.deepStrictEqual(lb.book.bids, [[98, 2]], 'the older REST snapshot did not replace it');
    // and a later gap still fetches: the superseded fetch does not count as one in flight
    lb.onDelta(upd(21, 22));
    assert.strictEqual(calls.fetches.length, 2);
  });

  it('a gap while an older fetch is still in flight starts a fresh fetch instead of waiting forever', async () => {
    const { lb, calls } = make();
    lb.onStreamSnapshot(snap(20));
    lb.interrupt('reconnect');
    lb.onDelta(upd(30, 31));
    assert.strictEqual(calls.fetches.length, 1);
    lb.onStreamSnapshot(snap(31));
    lb.onDelta(upd(40, 41)); // gap
    assert.strictEqual(calls.fetches.length, 2);
    calls.fetches[1].resolve(snap(40));
    await tick();
    assert.ok(lb.ready);
    assert.strictEqual(lb.book.nonce, 41);
  });

  it('a REST source that cannot be joined (no sequence id) hands the book to stream snapshots', async () => {
    const { lb, calls } = make();
    lb.onDelta(upd(10, 12));
    calls.fetches[0].resolve(undefined);
    await tick();
    assert.strictEqual(calls.resubscribes, 1);
    lb.onStreamSnapshot(snap(12));
    assert.ok(lb.ready);
    lb.onDelta(upd(13, 14)); // gap: now resubscribes rather than fetching
    assert.strictEqual(calls.resubscribes, 2);
    assert.strictEqual(calls.fetches.length, 1);
    assert.deepStrictEqual(calls.resyncs.map((e) => e.reason), ['gap']);
  });

  it('a snapshot that is too old is fetched again, without a resync event', async () => {
    const { lb, calls } = make();
    lb.onDelta(upd(10, 12));
    calls.fetches[0].resolve(snap(8));
    // the retry waits for a backoff timer: wait for the second fetch as an event, not a sleep
    for (let i = 0; calls.fetches.length < 2 && i < 1e6; i++) await tick();
    calls.fetches[1].resolve(snap(11));
    await tick();
    assert.ok(lb.ready);
    assert.strictEqual(lb.book.nonce, 12);
    assert.deepStrictEqual(calls.resyncs, []);
  });
});
