'use strict';
/**
 * A streaming client on its exchange's simulator, for the table-driven suites (one row per
 * exchange / mode): starts the row's simulator and a ws client on it, records every 'error' and
 * 'resync' event, and drives the flow.
 *
 * A row (see test/exact-book-on-sim.test.js):
 *   name     the describe title
 *   sim      { id, options }: simulate(id, { port: 0, ...options })
 *   client   { Exchange, options }: new Exchange({ ws: true, urls: sim.urls, ...CLIENT_DEFAULTS, ...options })
 *   symbols  [the symbol under test, a second one that faults must not disturb]
 *   book     the BookSpec of ./book (how exact the client's book is against sim.book)
 *   flow     { steady, warmup, after }: updates merged between checks of steady flow; before a
 *            fault; after it, before settling
 *   faults   the fault drills the row joins (./fault-drills)
 */
const { simulate } = require('../../js/sim');
const { nextEvent } = require('./wait');
const { settled, assertExact } = require('./book');

/** Client options every row starts from: patient requests, fast reconnects. */
const CLIENT_DEFAULTS = { timeoutMs: 8000, reconnect: { baseDelayMs: 20, maxDelayMs: 200 } };

async function onSim(row) {
  const sim = await simulate(row.sim.id, { port: 0, ...row.sim.options });
  const ex = new row.client.Exchange({ ws: true, urls: sim.urls, ...CLIENT_DEFAULTS, ...row.client.options });
  const errs = [];
  const resyncs = [];
  ex.on('error', (e) => errs.push(e));
  ex.on('resync', (e) => resyncs.push(e));
  const [symbol, other] = row.symbols;
  return {
    row,
    sim,
    ex,
    errs,
    resyncs,
    symbol,
    other,
    /** Lets the flow run until the client merged `n` more updates of the symbol. */
    async flow(n, sym = symbol) {
      sim.resume();
      let seen = 0;
      await nextEvent(ex, 'orderbook', () => ++seen >= n, sym, { what: `${n} more updates of ${sym}` });
    },
    /** Stops the flow, waits for the client to catch up and asserts its book is the server's. */
    async exact(sym = symbol) {
      assertExact(await settled(ex, sim, sym, row.book), row.book);
    },
    /** The next event of the client (register before the cause). */
    next(type, pred) {
      return nextEvent(ex, type, pred);
    },
    async close() {
      await ex.close();
      await sim.close();
    },
  };
}

module.exports = { onSim, CLIENT_DEFAULTS };
