'use strict';
/**
 * Book comparison: a client's book against the simulator's truth, `sim.book(symbol)`.
 *
 * What "exact" means differs by protocol, so it is said once per exchange as a BookSpec:
 *   nonce: 'equal'  — the client's nonce is the server's update id: settle waits until the client
 *                     reached the truth's lastUpdateId, and the book must then equal the truth
 *                     at that very id (Binance);
 *          'atMost' — the nonce is the update id of the server's last push, which trails the
 *                     truth when a change did not alter the published window (OKX seqId);
 *          'none'   — no sequence numbers (Kraken); settle waits until the books are equal.
 *   depth:     the client keeps the top `depth` levels a side: compare that window, and the
 *              client must hold exactly `depth` a side (a full-depth book);
 *   minLevels: the client must hold more than this many levels a side (a deep book).
 */
const assert = require('assert');
const { isDeepStrictEqual } = require('util');
const { nextEvent } = require('./wait');

/** Unified book {bids, asks} of a book-like object (the [price, amount] of each level), for deepStrictEqual. */
function sides(book) {
  return { bids: book.bids.map((l) => [l[0], l[1]]), asks: book.asks.map((l) => [l[0], l[1]]) };
}

/** The top `n` levels a side. */
const top = (book, n) => ({ bids: book.bids.slice(0, n), asks: book.asks.slice(0, n) });

/** A copy of a client book at this moment: nonce and levels. */
const freeze = (book) => ({ nonce: book.nonce, ...sides(book) });

/** What differs between two unified books, in a line (for failure messages). */
function diff(book, truth) {
  const out = [];
  for (const side of ['bids', 'asks']) {
    const a = book[side];
    const b = truth[side];
    const i = a.findIndex((l, k) => !isDeepStrictEqual(l, b[k]));
    if (i >= 0 || a.length !== b.length) {
      const at = i >= 0 ? i : Math.min(a.length, b.length);
      out.push(`${side}: ${a.length} levels vs ${b.length}, first difference at ${at}: ${JSON.stringify(a[at])} vs ${JSON.stringify(b[at])}`);
    }
  }
  return out.join('; ') || 'none';
}

/**
 * Resolves with a frozen copy of the client's book of `symbol` once `ready(book)` holds: the book
 * as fetchOrderBook gives it now, or after any later update. On timeout the error carries the last
 * book seen (`error.lastBook`) and says its nonce and size.
 */
async function bookWhere(ex, symbol, ready, what) {
  let last;
  const check = (b) => {
    last = b;
    return ready(b);
  };
  const update = nextEvent(ex, 'orderbook', check, symbol, { what });
  const now = await ex.fetchOrderBook(symbol);
  if (check(now)) {
    update.cancel();
    return freeze(now);
  }
  try {
    return freeze(await update);
  } catch (e) {
    e.lastBook = freeze(last);
    e.message += ` (the client's last book: nonce ${last.nonce}, ${last.bids.length} bids, ${last.asks.length} asks)`;
    throw e;
  }
}

/**
 * Stops the simulator's flow, publishes what is pending, takes the truth, and resolves once the
 * client's book has caught up with it: {book, truth}, the book frozen at that moment.
 */
async function settled(ex, sim, symbol, spec) {
  sim.pause();
  if (typeof sim.flush === 'function') sim.flush();
  const full = sim.book(symbol);
  const truth = { ...(spec.depth ? top(full, spec.depth) : sides(full)), lastUpdateId: full.lastUpdateId };
  const [ready, what] =
    spec.nonce === 'equal'
      ? [(b) => b.nonce >= truth.lastUpdateId, `${symbol} at the server's update id ${truth.lastUpdateId}`]
      : [(b) => isDeepStrictEqual(sides(b), sides(truth)), `${symbol} equal to the server's book`];
  try {
    return { book: await bookWhere(ex, symbol, ready, what), truth };
  } catch (e) {
    if (e.lastBook) e.message += ` — differences: ${diff(e.lastBook, truth)}`;
    throw e;
  }
}

/** Asserts that a settled client book is the truth, the way `spec` defines it. */
function assertExact({ book, truth }, spec) {
  if (spec.nonce === 'equal') assert.strictEqual(book.nonce, truth.lastUpdateId, 'same update id as the server');
  if (spec.nonce === 'atMost') assert.ok(book.nonce <= truth.lastUpdateId, `nonce ${book.nonce} is at most the server's update id ${truth.lastUpdateId}`);
  assert.deepStrictEqual(sides(book), sides(truth));
  if (spec.depth !== undefined) {
    assert.strictEqual(book.bids.length, spec.depth, 'a full-depth book (bids)');
    assert.strictEqual(book.asks.length, spec.depth, 'a full-depth book (asks)');
  }
  if (spec.minLevels !== undefined) {
    assert.ok(book.bids.length > spec.minLevels && book.asks.length > spec.minLevels, `a deep book (more than ${spec.minLevels} levels a side)`);
  }
}

module.exports = { sides, top, diff, bookWhere, settled, assertExact };
