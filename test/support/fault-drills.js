'use strict';
/**
 * Fault choreography. For the exact-book suite: every fault a simulator can inject, and the one
 * drill each runs through on a client (./on-sim harness `h`):
 *
 *   1. the client syncs the book of the symbol (and, for a fault aimed at one symbol, a second
 *      book, which must not be disturbed); the flow runs `row.flow.warmup` updates (some faults);
 *   2. the fault is injected; the first 'error' event must be the row's `error` class and the
 *      first 'resync' must give the row's `resync` reason (and name the symbol);
 *   3. the fault heals (if it lasts), the flow runs `row.flow.after` updates, the flow stops;
 *   4. every book is exact against the simulator's truth, the client emitted exactly the resyncs
 *      the fault calls for (none without `resync`) and no error other than the fault's.
 *
 * A row lists its faults as entries { fault, resync?, error?, ...fault options }:
 *   { fault: 'dropConnections', filter: { kind: 'stream' }, resync: 'reconnect' }
 *   { fault: 'skipSequence', resync: 'gap' }            // Kraken: resync 'checksum'
 *   { fault: 'skipSequence', resync: 'gap', connectionWide: true }
 *        // Bitfinex: one sequence per connection, so a lost frame is a gap for every book on it
 *   { fault: 'corruptChecksum', resync: 'checksum' }
 *   { fault: 'malformedFrame', error: errors.BadResponse }
 *   { fault: 'silence', resync: 'stale' }
 *   { fault: 'slowRateLimitedSnapshot', delayMs, rateLimit, error }   // REST-snapshot books
 */
const assert = require('assert');

/** The faults: the test title, whether the flow warms up first, whether it aims at one symbol, how to inject and heal it. */
const FAULTS = {
  dropConnections: {
    title: 'survives dropped connections',
    warmup: true,
    inject: (h, f) => assert.ok(h.sim.faults.dropConnections(f.filter) >= 1, 'the fault dropped a connection'),
  },
  skipSequence: {
    title: 'recovers from a lost update, that symbol only',
    warmup: true,
    oneSymbol: true,
    inject: (h) => h.sim.faults.skipSequence(h.symbol),
  },
  corruptChecksum: {
    title: 'recovers from a corrupted checksum, that symbol only',
    warmup: true,
    oneSymbol: true,
    inject: (h) => h.sim.faults.corruptChecksum(h.symbol),
  },
  malformedFrame: {
    title: 'ignores a malformed frame, reports it',
    inject: (h) => assert.ok(h.sim.faults.malformedFrame() >= 1, 'a connection got the frame'),
  },
  silence: {
    title: 'declares a silent server stale and rebuilds the book',
    inject: (h) => h.sim.faults.silence(),
    heal: (h) => h.sim.faults.resume(),
  },
  slowRateLimitedSnapshot: {
    title: 'rides out a rate-limited, slow REST snapshot',
    run: slowRateLimitedSnapshot,
  },
};

/** What a fault entry promises, for its test title. */
function title(f) {
  const kind = FAULTS[f.fault];
  if (!kind) throw new Error(`no fault drill '${f.fault}' (known: ${Object.keys(FAULTS).join(', ')})`);
  const says = [f.resync ? `resync '${f.resync}'` : 'no resync', f.error && `reports ${f.error.name}`].filter(Boolean);
  const what = f.connectionWide ? kind.title.replace('that symbol only', 'every book on that connection') : kind.title;
  return `${what} (${says.join(', ')}), and stays exact`;
}

/** The end of every drill: the client emitted the fault's resyncs and errors, nothing else. */
function assertOnlyTheFault(h, f, resynced) {
  const expected = f.resync ? resynced.map((s) => [s, f.resync]) : [];
  const got = h.resyncs.map((r) => [r.symbol, r.reason]);
  const order = (list) => (f.connectionWide ? [...list].sort((a, b) => (a[0] < b[0] ? -1 : 1)) : list);
  assert.deepStrictEqual(order(got), order(expected), 'the resyncs the fault calls for, and no other');
  const others = h.errs.filter((e) => !(f.error && e instanceof f.error));
  assert.deepStrictEqual(others.map(String), [], 'no error but the fault\'s');
}

/** Runs one fault entry of a row on a fresh harness. */
async function drill(h, f) {
  const kind = FAULTS[f.fault];
  if (kind.run) return kind.run(h, f);
  const books = kind.oneSymbol ? [h.symbol, h.other] : [h.symbol];
  for (const s of books) {
    const b = await h.ex.fetchOrderBook(s);
    assert.ok(b.bids.length > 0 && b.asks.length > 0, `${s} synced`);
  }
  if (kind.warmup) await h.flow(h.row.flow.warmup);
  const resync = f.resync && h.next('resync', (e) => !f.connectionWide || e.symbol === h.symbol);
  const error = f.error && h.next('error');
  kind.inject(h, f);
  if (error) {
    const e = await error;
    assert.ok(e instanceof f.error, `reported as ${f.error.name}: ${e}`);
  }
  if (resync) {
    const e = await resync;
    assert.strictEqual(e.reason, f.resync);
    assert.strictEqual(e.symbol, h.symbol);
  }
  if (kind.heal) kind.heal(h, f);
  await h.flow(h.row.flow.after);
  for (const s of books) await h.exact(s);
  assertOnlyTheFault(h, f, f.connectionWide ? [h.symbol, h.other] : [h.symbol]);
}

/**
 * A REST snapshot that comes late and is first refused with a rate limit: the client reports the
 * refusal, retries, and its book is exact (books synced from REST snapshots, e.g. Binance).
 */
async function slowRateLimitedSnapshot(h, f) {
  h.sim.faults.delaySnapshots(f.delayMs);
  await h.ex.loadMarkets();
  h.sim.faults.rateLimit(f.rateLimit);
  const book = await h.ex.fetchOrderBook(h.symbol);
  assert.ok(book.bids.length > 0 && book.asks.length > 0, `${h.symbol} synced`);
  assert.ok(h.errs.some((e) => e instanceof f.error), `the refusal was reported as ${f.error.name}`);
  await h.flow(h.row.flow.after);
  await h.exact();
  assertOnlyTheFault(h, f, []);
}

/** No fault: the book stays exact under steady flow, twice over, without a resync or an error. */
async function steady(h) {
  await h.ex.fetchOrderBook(h.symbol);
  await h.flow(h.row.flow.steady);
  await h.exact();
  await h.flow(h.row.flow.steady);
  await h.exact();
  assert.deepStrictEqual(h.resyncs, []);
  assert.deepStrictEqual(h.errs, []);
}

/**
 * For the raw-protocol fault tests: injects a fault right after the next book message of client
 * `c` arrived, so that none of its messages is in flight, and resolves with the verdicts of the
 * `n` book messages that follow (`c.verdicts`: one entry a book message, pushed as they arrive).
 */
async function faultBetweenMessages(c, inject, n) {
  const seen = c.verdicts.length;
  await c.until(() => c.verdicts.length > seen, 'a book message before the fault');
  const from = c.verdicts.length;
  inject();
  await c.until(() => c.verdicts.length >= from + n, `${n} book messages after the fault`);
  return c.verdicts.slice(from, from + n);
}

module.exports = { FAULTS, title, drill, steady, faultBetweenMessages };
