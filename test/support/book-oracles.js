'use strict';
/**
 * The exchanges' book rules, written for the tests from the exchanges' documentation and
 * independently of the library (no require of ../../js): the checksums, a client-side replica of a
 * Kraken v2 book and of an OKX `books` channel, and Binance's snapshot + diff-depth procedure. The
 * stubs use them to produce what they send; the simulator tests use them to check what arrives.
 */
const assert = require('assert');
const { crc32, crc32Signed } = require('./crc32');

const byPrice = (desc) => (a, b) => (desc ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0]));

/** [[price, size]] as numbers. */
const numbers = (levels) => levels.map(([p, q]) => [Number(p), Number(q)]);

/** A replica's two sides: price string -> size string, as the exchange printed them. */
class Sides {
  constructor() {
    this.bids = new Map();
    this.asks = new Map();
  }

  /** [[price, size]] strings of a side ('bids' | 'asks'), best first. */
  sorted(side) {
    return [...this[side].entries()].sort(byPrice(side === 'bids'));
  }

  /** The book as numbers, best first. */
  numbers() {
    return { bids: numbers(this.sorted('bids')), asks: numbers(this.sorted('asks')) };
  }
}

// ---------------------------------------------------------------- Kraken

/**
 * Kraken's book checksum (WebSocket v2 "Book Checksum"): for the top 10 asks (best first), then the
 * top 10 bids, the price and the quantity as printed, '.' removed and leading zeros stripped,
 * concatenated; CRC-32 of that, unsigned. Levels are [price, qty] strings.
 */
function krakenChecksum(asks, bids) {
  const f = (s) => s.replace('.', '').replace(/^0+/, '');
  let s = '';
  for (const [p, q] of asks.slice(0, 10)) s += f(p) + f(q);
  for (const [p, q] of bids.slice(0, 10)) s += f(p) + f(q);
  return crc32(s);
}

/** The [price, qty] strings of one side of a raw v2 book frame, exactly as printed. */
function krakenRawLevels(raw, side) {
  const start = raw.indexOf(`"${side}":[`);
  const body = raw.slice(start + side.length + 4, raw.indexOf(']', start));
  return [...body.matchAll(/\{"price":([0-9.]+),"qty":([0-9.]+)\}/g)].map((m) => [m[1], m[2]]);
}

/** A client-side Kraken v2 book kept from the frames' text: printed strings, truncated to the depth. */
class KrakenBook extends Sides {
  constructor(depth) {
    super();
    this.depth = depth;
  }

  /** Applies a book frame (its text); a snapshot replaces the book. */
  apply(raw, snapshot) {
    if (snapshot) {
      this.bids.clear();
      this.asks.clear();
    }
    for (const side of ['bids', 'asks']) {
      const m = this[side];
      for (const [p, q] of krakenRawLevels(raw, side)) {
        if (Number(q) === 0) m.delete(p);
        else m.set(p, q);
      }
      const keep = this.sorted(side).slice(0, this.depth);
      m.clear();
      for (const [p, q] of keep) m.set(p, q);
    }
  }

  checksum() {
    return krakenChecksum(this.sorted('asks'), this.sorted('bids'));
  }
}

// ---------------------------------------------------------------- OKX

/**
 * OKX's `books` checksum: the top 25 bids and asks interleaved (bid, ask, bid, ...) as "price:size"
 * from the strings as sent, joined with ':'; CRC-32 as a signed 32-bit integer. Levels are
 * [price, size, ...] strings, best first.
 */
function okxChecksum(bids, asks) {
  const parts = [];
  for (let i = 0; i < 25; i++) {
    if (bids[i]) parts.push(bids[i][0], bids[i][1]);
    if (asks[i]) parts.push(asks[i][0], asks[i][1]);
  }
  return crc32Signed(parts.join(':'));
}

/** A client-side replica of one OKX `books` channel, kept with OKX's rules. */
class OkxBook extends Sides {
  constructor() {
    super();
    this.seqId = undefined;
  }

  /**
   * Applies one push ({action, data: [d]}) and returns its verdict: `chained` (a snapshot says
   * prevSeqId -1; an update names the previous seqId) and `sumOk` (its checksum is the book's).
   */
  apply(action, d) {
    if (action === 'snapshot') {
      this.bids.clear();
      this.asks.clear();
    }
    const chained = action === 'snapshot' ? d.prevSeqId === -1 : d.prevSeqId === this.seqId;
    this.seqId = d.seqId;
    for (const side of ['bids', 'asks']) {
      const m = this[side];
      for (const [p, s] of d[side]) {
        // a level is its price's value, whatever the spelling
        for (const k of m.keys()) if (Number(k) === Number(p)) m.delete(k);
        if (Number(s) !== 0) m.set(p, s);
      }
    }
    return { action, chained, sumOk: this.checksum() === d.checksum };
  }

  checksum() {
    return okxChecksum(this.sorted('bids'), this.sorted('asks'));
  }
}

// ---------------------------------------------------------------- Binance

/** A REST depth snapshot from a Binance server (5000 levels). */
async function binanceSnapshot(urls, symbolId = 'BTCUSDT') {
  return (await fetch(`${urls.rest}/api/v3/depth?symbol=${symbolId}&limit=5000`)).json();
}

/**
 * Binance's local book procedure (web-socket-streams.md): drop events with u <= lastUpdateId; the
 * first one applied must straddle lastUpdateId + 1, each later one start at the previous u + 1.
 * Returns the book as numbers and the last update id.
 */
function binanceReplay(snapshot, events) {
  const bids = new Map(snapshot.bids);
  const asks = new Map(snapshot.asks);
  let id = snapshot.lastUpdateId;
  let first = true;
  for (const e of events) {
    if (e.u <= id) continue;
    if (first) assert.ok(e.U <= id + 1 && id + 1 <= e.u, `first event [${e.U};${e.u}] must straddle ${id + 1}`);
    else assert.strictEqual(e.U, id + 1, 'U = previous u + 1');
    first = false;
    for (const [m, list] of [[bids, e.b], [asks, e.a]]) {
      for (const [p, q] of list) {
        if (Number(q) === 0) m.delete(p);
        else m.set(p, q);
      }
    }
    id = e.u;
  }
  return { bids: numbers([...bids].sort(byPrice(true))), asks: numbers([...asks].sort(byPrice(false))), lastUpdateId: id };
}

module.exports = { krakenChecksum, krakenRawLevels, KrakenBook, okxChecksum, OkxBook, binanceSnapshot, binanceReplay };
