'use strict';
/** Helpers to await events instead of sleeping. */

/** Resolves with the first payload of `channel` on `ex` that satisfies `pred`. */
function nextEvent(ex, channel, pred = () => true, symbol) {
  return new Promise((resolve) => {
    let off;
    const cb = (payload) => {
      if (!pred(payload)) return;
      off();
      resolve(payload);
    };
    off = symbol === undefined ? ex.on(channel, cb) : ex.on(channel, symbol, cb);
  });
}

/** Resolves when `fn()` is truthy, checking after every turn of the event loop. */
async function until(fn, what = 'condition', maxTurns = 1e6) {
  for (let i = 0; i < maxTurns; i++) {
    const v = fn();
    if (v) return v;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** Unified book {bids, asks} of a book-like object, for deepStrictEqual. */
function sides(book) {
  return { bids: book.bids.map((l) => [l[0], l[1]]), asks: book.asks.map((l) => [l[0], l[1]]) };
}

module.exports = { nextEvent, until, sides };
