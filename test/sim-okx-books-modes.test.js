'use strict';
/**
 * The OKX simulator's two `books` behaviours, seen by a raw WebSocket + HTTP client that follows
 * OKX's documented procedure itself (protocols.md §3 "2026 change"), independently of the library:
 * - 'rest-snapshot' (default): no snapshot frame after subscribing, `checksum` 0 on every push,
 *   REST /api/v5/market/books carrying the seqId, to which the buffered updates join exactly;
 * - 'stream-snapshot': the snapshot frame first (prevSeqId -1) and real checksums; REST books carry
 *   the seqId too.
 * Plus the seqId reset fault and a corrupted checksum in the default mode (non-zero, wrong).
 */
const assert = require('assert');
const WebSocket = require('ws');
const { simulate } = require('../js/sim');

class Raw {
  constructor(url) {
    this.ws = new WebSocket(url);
    this.books = [];
    this.waiters = [];
    this.opened = new Promise((resolve) => this.ws.once('open', resolve));
    this.ws.on('message', (d) => {
      let m;
      try {
        m = JSON.parse(String(d));
      } catch {
        return;
      }
      if (m.arg && m.arg.channel === 'books' && m.data) this.books.push({ action: m.action, ...m.data[0] });
      for (const w of [...this.waiters]) if (w.pred()) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  }
  subscribe(instId = 'BTC-USDT') {
    this.ws.send(JSON.stringify({ op: 'subscribe', args: [{ channel: 'books', instId }] }));
  }
  until(pred) {
    return pred() ? Promise.resolve() : new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }
  close() {
    this.ws.terminate();
  }
}

async function restBook(sim, instId = 'BTC-USDT', sz = 400) {
  const res = await fetch(`${sim.urls.rest}/api/v5/market/books?instId=${instId}&sz=${sz}&source=0`);
  const body = await res.json();
  assert.strictEqual(body.code, '0');
  return body.data[0];
}

/** Applies [px, sz, ...] rows to a price -> size map (size "0" deletes). */
function apply(map, rows) {
  for (const [p, s] of rows) {
    if (Number(s) === 0) map.delete(p);
    else map.set(p, s);
  }
}

const numbers = (map, desc) =>
  [...map.entries()].map(([p, s]) => [Number(p), Number(s)]).sort((a, b) => (desc ? b[0] - a[0] : a[0] - b[0]));

describe('okx simulator: books behaviours', function () {
  let sim;
  let clients;

  afterEach(async () => {
    for (const c of clients) c.close();
    await sim.close();
  });

  async function raw() {
    const c = new Raw(`${sim.urls.ws}/ws/v5/public`);
    clients.push(c);
    await c.opened;
    return c;
  }

  it("default 'rest-snapshot': no snapshot frame, checksum 0, and the REST seqId joins the buffered updates exactly", async () => {
    sim = await simulate('okx', { seed: 21, tickMs: 5 });
    clients = [];
    const c = await raw();
    c.subscribe();
    await c.until(() => c.books.length >= 2);
    // the market stands still while the REST book is read, so its depth can be compared with the truth's
    sim.pause();
    sim.flush();
    const snap = await restBook(sim);
    assert.strictEqual(typeof snap.seqId, 'number');
    assert.strictEqual(snap.bids.length, Math.min(400, sim.book('BTC/USDT').bids.length));
    sim.resume();
    const from = c.books.length;
    await c.until(() => c.books.length >= from + 5);
    sim.pause();
    sim.flush();
    // REST now reports the last published seqId: wait until that update has arrived
    const latest = await restBook(sim, 'BTC-USDT', 1);
    await c.until(() => c.books.some((u) => u.seqId === latest.seqId));

    // OKX's procedure, written here from the doc: drop seqId <= snapshot's, the first applied one
    // straddles it, then every prevSeqId equals the previous seqId
    const bids = new Map();
    const asks = new Map();
    apply(bids, snap.bids);
    apply(asks, snap.asks);
    let last = snap.seqId;
    let joined = false;
    for (const u of c.books) {
      assert.notStrictEqual(u.action, 'snapshot', 'no snapshot frame');
      assert.strictEqual(u.checksum, 0, 'checksum 0 on every push');
      if (!joined) {
        if (u.seqId <= snap.seqId) continue;
        assert.ok(u.prevSeqId <= snap.seqId && snap.seqId < u.seqId, `straddles: ${u.prevSeqId} <= ${snap.seqId} < ${u.seqId}`);
        joined = true;
      } else {
        assert.strictEqual(u.prevSeqId, last, 'chained');
      }
      apply(bids, u.bids);
      apply(asks, u.asks);
      last = u.seqId;
    }
    assert.ok(joined, 'some update came after the snapshot');
    assert.strictEqual(last, latest.seqId);
    const truth = sim.book('BTC/USDT');
    assert.deepStrictEqual({ bids: numbers(bids, true), asks: numbers(asks, false) }, { bids: truth.bids, asks: truth.asks });
  });

  it("'stream-snapshot': the snapshot frame first, real checksums, and REST books still carry the seqId", async () => {
    sim = await simulate('okx', { seed: 21, tickMs: 5, books: 'stream-snapshot' });
    clients = [];
    const c = await raw();
    c.subscribe();
    await c.until(() => c.books.length >= 3);
    assert.strictEqual(c.books[0].action, 'snapshot');
    assert.strictEqual(c.books[0].prevSeqId, -1);
    assert.ok(c.books.every((u) => u.checksum !== 0), 'checksums are sent');
    const snap = await restBook(sim);
    assert.strictEqual(typeof snap.seqId, 'number');
    assert.ok(snap.seqId >= c.books[0].seqId);
  });

  it('resetSequence: the next update has seqId < prevSeqId, chained, and REST follows the new numbering', async () => {
    sim = await simulate('okx', { seed: 21, tickMs: 5 });
    clients = [];
    const c = await raw();
    c.subscribe();
    await c.until(() => c.books.length >= 2);
    const before = c.books.at(-1).seqId;
    const from = c.books.length;
    sim.faults.resetSequence('BTC/USDT');
    await c.until(() => c.books.slice(from).filter((u) => u.bids.length + u.asks.length > 0).length >= 3);
    const moved = c.books.slice(from).filter((u) => u.prevSeqId !== u.seqId);
    const reset = moved[0];
    assert.ok(reset.seqId < reset.prevSeqId, `reset ${reset.prevSeqId} -> ${reset.seqId}`);
    assert.ok(reset.prevSeqId >= before);
    for (let i = from; i < c.books.length; i++) assert.strictEqual(c.books[i].prevSeqId, c.books[i - 1].seqId, 'chained');
    const snap = await restBook(sim);
    assert.ok(snap.seqId < before, 'REST seqId in the new numbering');
  });

  it("corruptChecksum in 'rest-snapshot' mode: exactly one push carries a non-zero, wrong checksum", async () => {
    sim = await simulate('okx', { seed: 21, tickMs: 5 });
    clients = [];
    const c = await raw();
    c.subscribe();
    await c.until(() => c.books.length >= 1);
    sim.faults.corruptChecksum('BTC/USDT');
    const from = c.books.length;
    await c.until(() => c.books.length >= from + 3);
    assert.deepStrictEqual(
      c.books.slice(0, from + 3).map((u) => u.checksum !== 0),
      [...Array(from).fill(false), true, false, false],
    );
  });

  it('rejects an unknown books behaviour; Kraken has no sequence ids to reset', async () => {
    await assert.rejects(simulate('okx', { books: 'snapshot' }), RangeError);
    sim = await simulate('kraken', { seed: 1 });
    clients = [];
    assert.throws(() => sim.faults.resetSequence('BTC/USD'), RangeError);
  });
});
