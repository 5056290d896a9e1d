'use strict';
// Unit tests for ts/book/sync.ts (run against the compiled js/).
const assert = require('assert');
const sinon = require('sinon');
const { OrderBook } = require('../js/book/orderbook');
const { BookSync, straddleRule, prevIdRule, noSequenceRule } = require('../js/book/sync');

/** Binance-style delta covering ids first..last; levels as [price, qty] strings. */
function delta(first, last, bids = [], asks = [], extra = {}) {
  return { first, last, bids, asks, timestamp: 1000 + last, ...extra };
}

function snap(nonce, bids = [['100', '1']], asks = [['101', '1']], extra = {}) {
  return { nonce, bids, asks, ...extra };
}

function mk(rule = straddleRule, opts) {
  const book = new OrderBook('BTC/USDT');
  return { book, sync: new BookSync(book, rule, opts) };
}

describe('book/BookSync', () => {
  describe('straddleRule (first event straddles the snapshot id: the documented Binance procedure)', () => {
    it('accept(): every verdict, first event after a snapshot and later ones', () => {
      const N = 100;
      // first after snapshot
      assert.strictEqual(straddleRule.accept(N, delta(90, 100), true), 'stale'); // u <= N
      assert.strictEqual(straddleRule.accept(N, delta(95, 101), true), 'apply'); // U <= N+1 <= u (straddle)
      assert.strictEqual(straddleRule.accept(N, delta(101, 105), true), 'apply'); // U == N+1
      assert.strictEqual(straddleRule.accept(N, delta(102, 105), true), 'gap'); // U > N+1
      // later events
      assert.strictEqual(straddleRule.accept(N, delta(99, 100), false), 'stale');
      assert.strictEqual(straddleRule.accept(N, delta(101, 101), false), 'apply');
      assert.strictEqual(straddleRule.accept(N, delta(97, 103), false), 'apply'); // overlap is fine
      assert.strictEqual(straddleRule.accept(N, delta(102, 103), false), 'gap');
      assert.match(straddleRule.describe(N, delta(102, 103), false), /expected first=101, got first=102/);
    });

    it('buffers while waiting, then drops stale events and applies the straddling one', () => {
      const { book, sync } = mk();
      assert.strictEqual(sync.state, 'waiting');
      assert.deepStrictEqual(sync.onDelta(delta(90, 95, [['99', '5']])), { kind: 'buffered' });
      assert.deepStrictEqual(sync.onDelta(delta(96, 100, [['98', '5']])), { kind: 'buffered' });
      assert.deepStrictEqual(sync.onDelta(delta(101, 104, [['100', '2']])), { kind: 'buffered' }); // straddles 103
      assert.deepStrictEqual(sync.onDelta(delta(105, 107, [], [['101', '0'], ['102', '3']])), { kind: 'buffered' });
      assert.strictEqual(sync.buffered, 4);
      assert.strictEqual(sync.firstBuffered.first, 90);
      assert.strictEqual(book.depth('bids'), 0, 'the book stays empty while waiting');

      const r = sync.onSnapshot(snap(102, [['100', '1'], ['97', '1']], [['101', '1']]));
      assert.deepStrictEqual(r, { kind: 'synced', applied: 2 });
      assert.strictEqual(sync.state, 'synced');
      assert.strictEqual(sync.buffered, 0);
      assert.strictEqual(book.nonce, 107);
      assert.strictEqual(book.timestamp, 1107);
      // the stale events (99, 98) were not applied
      assert.deepStrictEqual(book.bids, [[100, 2], [97, 1]]);
      assert.deepStrictEqual(book.asks, [[102, 3]]);
      // then live
      assert.deepStrictEqual(sync.onDelta(delta(108, 110, [['100', '0']])), { kind: 'applied' });
      assert.deepStrictEqual(book.bids, [[97, 1]]);
      assert.strictEqual(book.nonce, 110);
    });

    it('a snapshot newer than every buffered event syncs with applied 0; the next live event is judged as first-after-snapshot', () => {
      const { book, sync } = mk();
      sync.onDelta(delta(1, 5));
      sync.onDelta(delta(6, 8));
      assert.deepStrictEqual(sync.onSnapshot(snap(10)), { kind: 'synced', applied: 0 });
      assert.strictEqual(sync.state, 'synced');
      assert.strictEqual(book.nonce, 10);
      const spy = sinon.spy(straddleRule, 'accept');
      try {
        assert.deepStrictEqual(sync.onDelta(delta(7, 10, [['1', '1']])), { kind: 'stale' }); // covered by the snapshot
        assert.strictEqual(spy.lastCall.args[2], true, 'still the first event after the snapshot');
        assert.deepStrictEqual(sync.onDelta(delta(9, 12, [['99', '1']])), { kind: 'applied' }); // straddles 11
        assert.strictEqual(spy.lastCall.args[2], true);
        assert.deepStrictEqual(sync.onDelta(delta(13, 13)), { kind: 'applied' });
        assert.strictEqual(spy.lastCall.args[2], false, 'later events use the normal rule');
        assert.deepStrictEqual(spy.lastCall.args[0], 12);
      } finally {
        spy.restore();
      }
      assert.deepStrictEqual(book.bids, [[100, 1], [99, 1]]);
    });

    it('first live event after the snapshot with a gap -> gap, waiting, book cleared, event buffered', () => {
      const { book, sync } = mk();
      sync.onSnapshot(snap(10));
      const r = sync.onDelta(delta(12, 15));
      assert.strictEqual(r.kind, 'gap');
      assert.match(r.detail, /snapshot id 10 has first=12/);
      assert.strictEqual(sync.state, 'waiting');
      assert.strictEqual(book.depth('bids'), 0);
      assert.strictEqual(book.nonce, undefined);
      assert.strictEqual(sync.buffered, 1);
      assert.strictEqual(sync.firstBuffered.first, 12);
    });

    it('snapshot older than the first buffered event -> snapshot-too-old, stays waiting, keeps the buffer; a newer snapshot syncs', () => {
      const { book, sync } = mk();
      sync.onDelta(delta(50, 55, [['90', '1']]));
      sync.onDelta(delta(56, 60, [['91', '1']]));
      const r = sync.onSnapshot(snap(40));
      assert.strictEqual(r.kind, 'snapshot-too-old');
      assert.match(r.detail, /snapshot nonce 40.*first=50/);
      assert.strictEqual(sync.state, 'waiting');
      assert.strictEqual(sync.buffered, 2);
      assert.strictEqual(book.depth('bids'), 0, 'the old snapshot was not loaded');
      assert.strictEqual(book.nonce, undefined);
      // exactly U - 1 is fine (U <= N+1)
      assert.deepStrictEqual(sync.onSnapshot(snap(49)), { kind: 'synced', applied: 2 });
      assert.deepStrictEqual(book.bids, [[100, 1], [91, 1], [90, 1]]);
      assert.strictEqual(book.nonce, 60);
    });

    it('repeated snapshot-too-old keeps the buffer intact until a usable snapshot', () => {
      const { sync } = mk();
      sync.onDelta(delta(50, 55));
      sync.onDelta(delta(56, 60));
      assert.strictEqual(sync.onSnapshot(snap(10)).kind, 'snapshot-too-old');
      assert.strictEqual(sync.buffered, 2);
      assert.deepStrictEqual(sync.onSnapshot(snap(57)), { kind: 'synced', applied: 1 });
    });

    it('stale events mid-stream are dropped without touching the book', () => {
      const { book, sync } = mk();
      sync.onSnapshot(snap(10));
      sync.onDelta(delta(11, 20, [['100', '5']]));
      const before = book.snapshot();
      assert.deepStrictEqual(sync.onDelta(delta(15, 20, [['100', '9']])), { kind: 'stale' });
      assert.deepStrictEqual(sync.onDelta(delta(1, 2, [['100', '9']])), { kind: 'stale' });
      assert.deepStrictEqual(book.bids, before.bids);
      assert.strictEqual(book.nonce, 20);
      assert.strictEqual(sync.state, 'synced');
    });

    it('gap mid-stream -> waiting (book cleared, gap event first in the buffer), then the resync path', () => {
      const { book, sync } = mk();
      sync.onSnapshot(snap(10));
      assert.strictEqual(sync.onDelta(delta(11, 12, [['100', '2']])).kind, 'applied');
      const gap = sync.onDelta(delta(15, 16, [['99', '1']]));
      assert.deepStrictEqual(gap, { kind: 'gap', detail: 'expected first=13, got first=15 last=16' });
      assert.strictEqual(sync.state, 'waiting');
      assert.strictEqual(book.depth('bids') + book.depth('asks'), 0);
      assert.deepStrictEqual(book.bids, []);
      assert.strictEqual(sync.buffered, 1);
      assert.strictEqual(sync.firstBuffered.first, 15);
      // while waiting, later events are buffered
      assert.deepStrictEqual(sync.onDelta(delta(17, 18, [['98', '1']])), { kind: 'buffered' });
      // a fresh snapshot taken at 16 joins at the event after it
      const r = sync.onSnapshot(snap(16, [['100', '3'], ['99', '1']]));
      assert.deepStrictEqual(r, { kind: 'synced', applied: 1 });
      assert.deepStrictEqual(book.bids, [[100, 3], [99, 1], [98, 1]]);
      assert.strictEqual(book.nonce, 18);
      assert.strictEqual(sync.onDelta(delta(19, 19)).kind, 'applied');
    });

    it('a gap inside the buffer -> gap; the buffer keeps the events from the gap on', () => {
      const { book, sync } = mk();
      sync.onDelta(delta(10, 12));
      sync.onDelta(delta(13, 14));
      sync.onDelta(delta(16, 18)); // 15 missing
      sync.onDelta(delta(19, 20));
      const r = sync.onSnapshot(snap(11));
      assert.strictEqual(r.kind, 'gap');
      assert.match(r.detail, /expected first=15, got first=16/);
      assert.strictEqual(sync.state, 'waiting');
      assert.strictEqual(book.depth('bids'), 0, 'no partial book is left behind');
      assert.strictEqual(book.nonce, undefined);
      assert.strictEqual(sync.buffered, 2);
      assert.strictEqual(sync.firstBuffered.first, 16);
      assert.deepStrictEqual(sync.onSnapshot(snap(17)), { kind: 'synced', applied: 2 });
      assert.strictEqual(book.nonce, 20);
    });

    it('duplicate (stale) events inside the buffer after the join are skipped', () => {
      const { book, sync } = mk();
      sync.onDelta(delta(10, 12, [['1', '1']]));
      sync.onDelta(delta(13, 14, [['2', '1']]));
      sync.onDelta(delta(13, 14, [['3', '1']])); // duplicate
      sync.onDelta(delta(15, 15, [['4', '1']]));
      assert.deepStrictEqual(sync.onSnapshot(snap(11, [], [])), { kind: 'synced', applied: 3 });
      assert.deepStrictEqual(book.bids.map((l) => l[0]), [4, 2, 1]);
    });

    it('buffer overflow drops the oldest; the next snapshot may then be too old, never wrong', () => {
      const { book, sync } = mk(straddleRule, { maxBuffer: 3 });
      for (let i = 1; i <= 5; i++) assert.deepStrictEqual(sync.onDelta(delta(i * 10, i * 10 + 9, [[String(i), '1']])), { kind: 'buffered' });
      assert.strictEqual(sync.buffered, 3);
      assert.strictEqual(sync.dropped, 2);
      assert.strictEqual(sync.firstBuffered.first, 30);
      // a snapshot at 15 would need the dropped [20..29]: too old, not a silent hole
      assert.strictEqual(sync.onSnapshot(snap(15, [], [])).kind, 'snapshot-too-old');
      assert.strictEqual(sync.buffered, 3);
      assert.deepStrictEqual(sync.onSnapshot(snap(35, [], [])), { kind: 'synced', applied: 3 });
      assert.deepStrictEqual(book.bids.map((l) => l[0]), [5, 4, 3]);
      assert.strictEqual(book.nonce, 59);
    });

    it('a long overflow keeps memory bounded and the newest maxBuffer events', () => {
      const { sync } = mk(straddleRule, { maxBuffer: 10 });
      for (let i = 1; i <= 10000; i++) sync.onDelta(delta(i, i));
      assert.strictEqual(sync.buffered, 10);
      assert.strictEqual(sync.dropped, 9990);
      assert.strictEqual(sync.firstBuffered.first, 9991);
      // white-box: the dropped prefix is compacted away now and then
      assert.ok(sync.buf.length <= 2 * 1024 + 10, `internal buffer holds ${sync.buf.length}`);
      assert.deepStrictEqual(sync.onSnapshot(snap(9990, [], [])), { kind: 'synced', applied: 10 });
    });

    it('defaults maxBuffer to 10000', () => {
      const { sync } = mk();
      for (let i = 1; i <= 10001; i++) sync.onDelta(delta(i, i));
      assert.strictEqual(sync.buffered, 10000);
      assert.strictEqual(sync.dropped, 1);
    });

    it('reset(): back to waiting with an empty buffer and an empty book', () => {
      const { book, sync } = mk();
      sync.onSnapshot(snap(10));
      sync.onDelta(delta(11, 11, [['99', '1']]));
      assert.ok(book.depth('bids') > 0);
      sync.reset();
      assert.strictEqual(sync.state, 'waiting');
      assert.strictEqual(sync.buffered, 0);
      assert.strictEqual(book.depth('bids') + book.depth('asks'), 0);
      assert.strictEqual(book.nonce, undefined);
      sync.onDelta(delta(30, 31));
      assert.strictEqual(sync.buffered, 1);
      sync.reset();
      assert.strictEqual(sync.buffered, 0);
    });

    it('a snapshot while synced reloads the book (empty buffer)', () => {
      const { book, sync } = mk();
      sync.onSnapshot(snap(10));
      sync.onDelta(delta(11, 12, [['99', '1']]));
      assert.deepStrictEqual(sync.onSnapshot(snap(20, [['50', '1']], [])), { kind: 'synced', applied: 0 });
      assert.deepStrictEqual(book.bids, [[50, 1]]);
      assert.strictEqual(book.nonce, 20);
    });

    it('a sync constructed on a non-empty book clears it (nothing served before a snapshot)', () => {
      const book = new OrderBook('X');
      book.update('bids', 1, 1);
      const sync = new BookSync(book, straddleRule);
      assert.strictEqual(sync.state, 'waiting');
      assert.strictEqual(book.depth('bids'), 0);
    });
  });

  describe('prevIdRule (OKX prevSeqId/seqId)', () => {
    const okx = (prev, seq, bids = []) => ({ first: seq, last: seq, prev, bids, asks: [] });

    it('follows the documented example: snapshot(-1->10), update(10->15), no-change(15->15), reset(15->3), update(3->5)', () => {
      const { book, sync } = mk(prevIdRule);
      assert.deepStrictEqual(sync.onSnapshot(snap(10)), { kind: 'synced', applied: 0 });
      assert.strictEqual(sync.onDelta(okx(10, 15, [['99', '1']])).kind, 'applied');
      assert.strictEqual(sync.onDelta(okx(15, 15)).kind, 'applied'); // heartbeat, last === nonce
      assert.strictEqual(book.nonce, 15);
      assert.strictEqual(sync.onDelta(okx(15, 3)).kind, 'applied'); // sequence reset after maintenance
      assert.strictEqual(book.nonce, 3);
      assert.strictEqual(sync.onDelta(okx(3, 5, [['98', '1']])).kind, 'applied');
      assert.deepStrictEqual(book.bids, [[100, 1], [99, 1], [98, 1]]);
    });

    it('stale and gap verdicts', () => {
      assert.strictEqual(prevIdRule.accept(20, okx(12, 15), false), 'stale');
      assert.strictEqual(prevIdRule.accept(20, okx(15, 20), false), 'stale');
      assert.strictEqual(prevIdRule.accept(20, okx(19, 25), false), 'gap');
      assert.strictEqual(prevIdRule.accept(20, okx(undefined, 25), false), 'gap');
      assert.strictEqual(prevIdRule.accept(20, okx(20, 25), true), 'apply');
      const { book, sync } = mk(prevIdRule);
      sync.onSnapshot(snap(20));
      assert.strictEqual(sync.onDelta(okx(12, 15)).kind, 'stale');
      const r = sync.onDelta(okx(21, 25));
      assert.deepStrictEqual(r, { kind: 'gap', detail: 'expected prev=20, got prev=21 id=25' });
      assert.strictEqual(sync.state, 'waiting');
      assert.strictEqual(book.depth('bids'), 0);
      // resubscribe: a fresh snapshot at 30 drops the buffered (older) update and syncs
      sync.onDelta(okx(25, 30));
      assert.deepStrictEqual(sync.onSnapshot(snap(30)), { kind: 'synced', applied: 0 });
      assert.strictEqual(sync.onDelta(okx(30, 31)).kind, 'applied');
    });

    it('buffered updates chain onto an in-stream snapshot', () => {
      const { book, sync } = mk(prevIdRule);
      sync.onDelta(okx(5, 8));
      sync.onDelta(okx(8, 11, [['99', '1']]));
      sync.onDelta(okx(11, 12, [['98', '1']]));
      assert.deepStrictEqual(sync.onSnapshot(snap(8)), { kind: 'synced', applied: 2 });
      assert.strictEqual(book.nonce, 12);
      assert.deepStrictEqual(book.bids.map((l) => l[0]), [100, 99, 98]);
    });
  });

  describe('noSequenceRule (Kraken)', () => {
    it('drops deltas while waiting (nothing tells which a snapshot covers), applies everything once synced', () => {
      const { book, sync } = mk(noSequenceRule);
      assert.deepStrictEqual(sync.onDelta(delta(0, 0, [['1', '1']])), { kind: 'stale' });
      assert.strictEqual(sync.buffered, 0);
      assert.deepStrictEqual(sync.onSnapshot(snap(0)), { kind: 'synced', applied: 0 });
      assert.strictEqual(sync.onDelta(delta(0, 0, [['99', '1']])).kind, 'applied');
      assert.strictEqual(sync.onDelta(delta(0, 0, [['98', '1']])).kind, 'applied');
      assert.deepStrictEqual(book.bids.map((l) => l[0]), [100, 99, 98]);
    });

    it('maxDepth truncates after the snapshot and every delta, before verify', () => {
      const seen = [];
      const book = new OrderBook('K');
      const sync = new BookSync(book, noSequenceRule, {
        maxDepth: 2,
        verify: (b) => {
          seen.push([b.depth('bids'), b.depth('asks')]);
          return undefined;
        },
      });
      sync.onSnapshot(snap(0, [['3', '1'], ['2', '1'], ['1', '1']], [['4', '1'], ['5', '1'], ['6', '1']]));
      assert.deepStrictEqual(book.bids, [[3, 1], [2, 1]]);
      sync.onDelta(delta(0, 0, [['3', '0']]));
      assert.deepStrictEqual(book.bids, [[2, 1]], 'a level that fell out of range does not come back');
      sync.onDelta(delta(0, 0, [], [['3.5', '1']]));
      assert.deepStrictEqual(book.asks, [[3.5, 1], [4, 1]]);
      assert.deepStrictEqual(seen, [[2, 2], [1, 2], [1, 2]]);
    });
  });

  describe('verify', () => {
    it('runs after the snapshot and after every applied delta (including buffered ones), with the updated book', () => {
      const calls = [];
      const verify = sinon.spy((book, d) => {
        calls.push([d.nonce !== undefined ? 'snap' : `d${d.last}`, book.nonce, book.bids.length]);
        return undefined;
      });
      const { sync } = mk(straddleRule, { verify });
      sync.onDelta(delta(5, 9, [['1', '1']])); // stale: never verified
      sync.onDelta(delta(10, 11, [['2', '1']]));
      sync.onSnapshot(snap(10));
      sync.onDelta(delta(12, 12, [['3', '1']]));
      sync.onDelta(delta(12, 12)); // stale: not verified
      assert.deepStrictEqual(calls, [
        ['snap', 10, 1],
        ['d11', 11, 2],
        ['d12', 12, 3],
      ]);
    });

    it('a mismatch on a live delta -> checksum, waiting, book and buffer cleared', () => {
      let fail = false;
      const { book, sync } = mk(straddleRule, { verify: () => (fail ? 'crc 123 != 456' : undefined) });
      sync.onSnapshot(snap(10));
      assert.strictEqual(sync.onDelta(delta(11, 11)).kind, 'applied');
      fail = true;
      assert.deepStrictEqual(sync.onDelta(delta(12, 12)), { kind: 'checksum', detail: 'crc 123 != 456' });
      assert.strictEqual(sync.state, 'waiting');
      assert.strictEqual(book.depth('bids') + book.depth('asks'), 0);
      assert.strictEqual(sync.buffered, 0);
      fail = false;
      assert.strictEqual(sync.onDelta(delta(13, 13)).kind, 'buffered');
      assert.deepStrictEqual(sync.onSnapshot(snap(12)), { kind: 'synced', applied: 1 });
    });

    it('a mismatch on the snapshot -> checksum and waiting', () => {
      const { book, sync } = mk(prevIdRule, { verify: (b, d) => (d.nonce === 1 ? 'bad snapshot' : undefined) });
      sync.onDelta({ first: 2, last: 2, prev: 1, bids: [], asks: [] });
      assert.deepStrictEqual(sync.onSnapshot(snap(1)), { kind: 'checksum', detail: 'bad snapshot' });
      assert.strictEqual(sync.state, 'waiting');
      assert.strictEqual(book.depth('bids'), 0);
      assert.strictEqual(sync.buffered, 0);
    });

    it('a mismatch on a buffered delta applied during onSnapshot -> checksum and waiting', () => {
      const { book, sync } = mk(straddleRule, { verify: (b, d) => (d.last === 12 ? 'crc mismatch at 12' : undefined) });
      sync.onDelta(delta(11, 11));
      sync.onDelta(delta(12, 12));
      sync.onDelta(delta(13, 13));
      assert.deepStrictEqual(sync.onSnapshot(snap(10)), { kind: 'checksum', detail: 'crc mismatch at 12' });
      assert.strictEqual(sync.state, 'waiting');
      assert.strictEqual(book.depth('bids'), 0);
    });
  });

  describe('result objects', () => {
    it('frequent results are shared frozen objects (no allocation per delta)', () => {
      const { sync } = mk();
      const a = sync.onDelta(delta(1, 1));
      const b = sync.onDelta(delta(2, 2));
      assert.strictEqual(a, b);
      assert.ok(Object.isFrozen(a));
      sync.onSnapshot(snap(0));
      const c = sync.onDelta(delta(3, 3));
      const d = sync.onDelta(delta(4, 4));
      assert.strictEqual(c, d);
      assert.strictEqual(c.kind, 'applied');
    });
  });
});
