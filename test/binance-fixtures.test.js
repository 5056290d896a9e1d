'use strict';
// Real Binance captures through the real adapter parsers (js/exchanges/binance/parse.js) and the
// book layer (js/book/orderbook.js, js/book/sync.js). Captures: test/fixtures (README there says
// where each came from and how it was trimmed). A missing capture FAILS this suite, it is never skipped.
const assert = require('assert');
const { OrderBook } = require('../js/book/orderbook');
const { BookSync } = require('../js/book/sync');
const { depthRule } = require('../js/exchanges/binance/parse');
const { parseDepthUpdate, parseDepthSnapshot } = require('../js/exchanges/binance/parse');
const { readFixture } = require('./support/fixtures');

function crossed(book) {
  const b = book.bestBid();
  const a = book.bestAsk();
  return b !== undefined && a !== undefined && !(b[0] < a[0]);
}

describe('binance fixtures: real captures through parse + OrderBook + BookSync', function () {
  this.timeout(60000);

  // hftbacktest binance_spot_btcusdt_20240808.gz trimmed to its REST snapshot, every depthUpdate and the
  // 564 bookTicker frames whose u equals a depthUpdate's u (the others can never be compared with a book)
  describe('hftbacktest binance_spot_btcusdt_20240808 (snapshot, depthUpdate, bookTicker)', () => {
    let run;

    before(() => {
      const text = readFixture('hftbacktest/binance_spot_btcusdt_20240808.depth-bookTicker.gz');
      const book = new OrderBook('BTC/USDT');
      const sync = new BookSync(book, depthRule);
      run = {
        book,
        sync,
        depthEvents: 0,
        bookTickers: 0,
        snapshots: [],
        results: { buffered: 0, applied: 0, other: [] },
        lastDepthU: undefined,
        matched: 0,
        mismatches: [],
        crossedAt: [],
      };
      // bookTicker frames usually arrive BEFORE the 100 ms depth batch that ends at the same `u`:
      // hold them by `u` and compare once the depth event with that `u` is the last one applied.
      const pending = new Map();
      const check = (t) => {
        const bb = book.bestBid();
        const ba = book.bestAsk();
        if (bb && ba && bb[0] === +t.b && bb[1] === +t.B && ba[0] === +t.a && ba[1] === +t.A) run.matched++;
        else run.mismatches.push({ u: t.u, ticker: [t.b, t.B, t.a, t.A], book: [bb, ba] });
      };
      const afterApply = (u) => {
        const t = pending.get(u);
        if (t !== undefined) check(t);
        for (const k of pending.keys()) if (k <= u) pending.delete(k);
      };

      for (const line of text.split('\n')) {
        if (line === '') continue;
        const sp = line.indexOf(' ');
        assert.ok(sp > 0, `bad line: ${line.slice(0, 80)}`);
        const msg = JSON.parse(line.slice(sp + 1));
        if (msg.lastUpdateId !== undefined) {
          // the inline REST snapshot (GET /api/v3/depth)
          const s = parseDepthSnapshot(msg);
          const r = sync.onSnapshot(s);
          run.snapshots.push({ nonce: s.nonce, levels: [s.bids.length, s.asks.length], result: r, bufferedBefore: run.results.buffered });
          if (r.kind === 'synced') afterApply(book.nonce);
          continue;
        }
        assert.ok(typeof msg.stream === 'string' && msg.data, `not a combined-stream frame: ${line.slice(0, 120)}`);
        const data = msg.data;
        if (data.e === 'depthUpdate') {
          run.depthEvents++;
          run.lastDepthU = data.u;
          const r = sync.onDelta(parseDepthUpdate(data));
          if (r.kind === 'buffered') run.results.buffered++;
          else if (r.kind === 'applied') {
            run.results.applied++;
            if (crossed(book)) run.crossedAt.push(data.u);
            afterApply(data.u);
          } else run.results.other.push({ U: data.U, u: data.u, r });
        } else if (msg.stream.endsWith('@bookTicker')) {
          run.bookTickers++;
          if (sync.state === 'synced' && data.u === book.nonce) check(data);
          else if (book.nonce === undefined || data.u > book.nonce) pending.set(data.u, data);
        }
      }
    });

    it('holds the frames test/fixtures/README.md describes', () => {
      assert.strictEqual(run.depthEvents, 3451);
      assert.strictEqual(run.bookTickers, 564);
      assert.strictEqual(run.snapshots.length, 1);
      assert.deepStrictEqual(run.snapshots[0].levels, [1000, 1000]);
    });

    it('buffers the events before the snapshot, joins them to it, then applies every later event', () => {
      const snap = run.snapshots[0];
      assert.strictEqual(snap.result.kind, 'synced', JSON.stringify(snap.result));
      assert.ok(snap.bufferedBefore > 0, 'some depth events arrived before the snapshot');
      assert.ok(snap.result.applied >= 1, 'the buffered chain straddles lastUpdateId + 1');
      assert.deepStrictEqual(run.results.other, [], 'no gap, stale or checksum surprise after the snapshot');
      assert.strictEqual(run.results.buffered + run.results.applied, run.depthEvents);
      assert.strictEqual(run.sync.state, 'synced');
      assert.strictEqual(run.book.nonce, run.lastDepthU);
      assert.deepStrictEqual(run.crossedAt, [], 'best bid < best ask after every event');
    });

    it("the book's top equals all 564 bookTicker frames that share a depth event's u", () => {
      assert.deepStrictEqual(run.mismatches.slice(0, 5), [], `${run.mismatches.length} mismatching bookTicker frames`);
      assert.strictEqual(run.matched, 564);
      assert.strictEqual(run.matched, run.bookTickers, 'every bookTicker frame kept in the fixture was compared');
    });
  });

  describe('cryptofeed BINANCE.ws.1.0 + BINANCE.http.0.0 (several symbols, @depth@100ms)', () => {
    let run;

    before(() => {
      const http = readFixture('cryptofeed/BINANCE.http.0.0.depth.gz');
      const ws = readFixture('cryptofeed/BINANCE.ws.1.0.depth.gz');
      const timeline = [];
      // `<url> -> <ts>: <json>`
      for (const line of http.split('\n')) {
        if (line === '') continue;
        const m = /^(\S+) -> ([\d.]+): (.*)$/.exec(line);
        assert.ok(m, `bad http line: ${line.slice(0, 100)}`);
        const url = new URL(m[1]);
        if (url.pathname !== '/api/v3/depth') continue;
        timeline.push({ ts: +m[2], kind: 'snapshot', symbol: url.searchParams.get('symbol'), msg: JSON.parse(m[3]) });
      }
      // `<url> <-> <ts>` connect, `<url> <- <ts>: <json>` sent, `<ts>: <json>` received
      for (const line of ws.split('\n')) {
        const m = /^([\d.]+): (.*)$/.exec(line);
        if (!m) continue;
        const msg = JSON.parse(m[2]);
        if (msg.data && msg.data.e === 'depthUpdate') timeline.push({ ts: +m[1], kind: 'depth', symbol: msg.data.s, msg: msg.data });
      }
      // replay in receive order (stable: frames keep their file order)
      timeline.sort((a, b) => a.ts - b.ts);

      run = { symbols: new Map(), depthEvents: 0 };
      const state = (symbol) => {
        let s = run.symbols.get(symbol);
        if (!s) {
          const book = new OrderBook(symbol);
          s = { book, sync: new BookSync(book, depthRule), snapshot: undefined, beforeSnapshot: 0, after: [], coveredLate: [], chainBreaks: [], crossed: 0 };
          run.symbols.set(symbol, s);
        }
        return s;
      };
      for (const ev of timeline) {
        const s = state(ev.symbol);
        if (ev.kind === 'snapshot') {
          const snap = parseDepthSnapshot(ev.msg);
          s.snapshot = { nonce: snap.nonce, result: s.sync.onSnapshot(snap), prevU: undefined };
          if (s.snapshot.result.kind === 'synced') s.snapshot.prevU = s.book.nonce;
          continue;
        }
        run.depthEvents++;
        const d = parseDepthUpdate(ev.msg);
        const r = s.sync.onDelta(d);
        if (s.snapshot === undefined) {
          assert.strictEqual(r.kind, 'buffered');
          s.beforeSnapshot++;
          continue;
        }
        if (r.kind === 'stale' && d.last <= s.snapshot.nonce) {
          // received after the REST reply but already inside it: the documented "drop u <= lastUpdateId"
          s.coveredLate.push([d.first, d.last]);
          continue;
        }
        s.after.push(r.kind);
        if (r.kind === 'applied') {
          const prevU = s.snapshot.prevU;
          const joins = prevU === s.snapshot.nonce ? d.first <= prevU + 1 && prevU + 1 <= d.last : d.first === prevU + 1;
          if (!joins) s.chainBreaks.push({ prevU, U: d.first, u: d.last });
          s.snapshot.prevU = d.last;
          if (crossed(s.book)) s.crossed++;
        }
      }
    });

    it('has a REST snapshot and diff events for each of the 4 symbols', () => {
      assert.deepStrictEqual([...run.symbols.keys()].sort(), ['BLZETH', 'LRCBTC', 'NKNUSDT', 'RUNEEUR']);
      assert.strictEqual(run.depthEvents, 177);
      for (const [sym, s] of run.symbols) assert.ok(s.snapshot, `${sym}: no snapshot`);
    });

    for (const sym of ['NKNUSDT', 'BLZETH', 'LRCBTC', 'RUNEEUR']) {
      it(`${sym}: the snapshot joins the diff chain with no gap, and every later event applies`, () => {
        const s = run.symbols.get(sym);
        assert.ok(s, `${sym} not in the capture`);
        assert.ok(s.beforeSnapshot > 0, 'events were buffered before the snapshot arrived');
        assert.strictEqual(s.snapshot.result.kind, 'synced', JSON.stringify(s.snapshot.result));
        assert.ok(s.after.length > 0, 'events follow the snapshot');
        assert.deepStrictEqual(s.after, s.after.map(() => 'applied'));
        assert.deepStrictEqual(s.chainBreaks, [], 'first event straddles lastUpdateId+1, then U == previous u + 1');
        assert.strictEqual(s.sync.state, 'synced');
        assert.strictEqual(s.book.nonce, s.snapshot.prevU);
        assert.strictEqual(s.crossed, 0, 'best bid < best ask throughout');
      });
    }

    it('the only stale events after a snapshot are ones the snapshot already covered', () => {
      const late = [...run.symbols].filter(([, s]) => s.coveredLate.length > 0).map(([sym, s]) => [sym, s.coveredLate]);
      // LRCBTC's REST reply (lastUpdateId 259345543) was logged 10 ms before the event U=259345540 u=259345543
      assert.deepStrictEqual(late, [['LRCBTC', [[259345540, 259345543]]]]);
    });
  });
});
