#!/usr/bin/env node
'use strict';
/**
 * Bitfinex books check themselves: every book frame carries a sequence number (one count per
 * connection) and the book's CRC-32 checksum (`cs`, over its top 25 levels a side). A checksum
 * that does not match the client's book, or a skipped sequence number, means the book is wrong or
 * an update was lost: the client throws the book away and resyncs it, saying why on 'resync'.
 *
 * This watches BTC/USD's book, prints its top once a second and counts resyncs by reason. In the
 * simulator it corrupts one checksum, then loses one book frame, and shows the book resyncing
 * ('checksum', then 'gap'); at the end it stops the simulator's flow and checks the client's book
 * against the simulator's own.
 *
 *   node examples/bitfinex-checksums.js                 # embedded Bitfinex simulator, 10 s
 *   node examples/bitfinex-checksums.js --seconds 30
 *   node examples/bitfinex-checksums.js --live          # real Bitfinex, public data (no faults)
 */
const { bitfinex } = require('exstream');
const { simulate } = require('exstream/sim');

const argv = process.argv.slice(2);
const LIVE = argv.includes('--live') || process.env.EXSTREAM_LIVE === '1';
const SECONDS = Number(argv.includes('--seconds') ? argv[argv.indexOf('--seconds') + 1] : process.env.EXAMPLE_SECONDS || 10);
const SYMBOL = 'BTC/USD';
const DEPTH = 25; // the client's Bitfinex books are P0, 25 levels a side: what `cs` covers

const sides = (b, n) => JSON.stringify([b.bids.slice(0, n).map((l) => [l[0], l[1]]), b.asks.slice(0, n).map((l) => [l[0], l[1]])]);

/** Resolves with the first event on `channel` (a [channel, symbol] pair for books) for which `test` holds, or rejects after `ms`. */
function next(ex, channel, test, ms, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${what} within ${ms} ms`));
    }, ms);
    const off = ex.on(...[channel].flat(), (e) => {
      if (!test(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

async function main() {
  const sim = LIVE ? undefined : await simulate('bitfinex', { port: 0, seed: 11, symbols: [SYMBOL] });
  const ex = new bitfinex({ ws: true, ...(sim ? { urls: sim.urls } : {}) });
  const started = Date.now();

  // Resyncs by reason, from the client's own events.
  const resyncs = {};
  let errors = 0;
  ex.on('resync', (e) => {
    resyncs[e.reason] = (resyncs[e.reason] || 0) + 1;
    console.log(`resync ${e.symbol} ${e.reason}: ${e.detail}`);
  });
  ex.on('error', (err) => {
    errors++;
    console.log(`error ${err.name}: ${err.message}`);
  });
  const counts = () => Object.entries(resyncs).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';

  // The top of the book, at most once a second (books are live views: read them in the callback).
  let updates = 0;
  let printed = 0;
  ex.on('orderbook', SYMBOL, (book) => {
    updates++;
    if (Date.now() - printed < 1000 || !book.bids.length || !book.asks.length) return;
    printed = Date.now();
    const t = ((printed - started) / 1000).toFixed(1);
    console.log(`t=${t}s ${SYMBOL} bid ${book.bids[0][1]} @ ${book.bids[0][0]}  ask ${book.asks[0][1]} @ ${book.asks[0][0]}  updates ${updates}  resyncs: ${counts()}`);
  });

  const first = await ex.fetchOrderBook(SYMBOL); // subscribes, resolves once the book is synced
  console.log(`synced ${SYMBOL}: ${first.bids.length} bids, ${first.asks.length} asks`);

  if (sim) {
    // One fault at a time; each resolves when the client has resynced and its book is whole again.
    const inject = async (fault, reason) => {
      if (!sim.faults.supports(fault)) return console.log(`the simulator has no ${fault}`);
      const resynced = next(ex, 'resync', (e) => e.symbol === SYMBOL && e.reason === reason, 10000, `${reason} resync`);
      console.log(`fault: ${fault}(${SYMBOL})`);
      sim.faults[fault](SYMBOL);
      await resynced;
      const book = await next(ex, ['orderbook', SYMBOL], (b) => b.bids.length > 0 && b.asks.length > 0, 10000, 'book after the resync');
      console.log(`after ${reason}: ${SYMBOL} synced again, bid ${book.bids[0][0]} ask ${book.asks[0][0]}`);
    };
    await inject('corruptChecksum', 'checksum'); // the next `cs` is wrong
    await inject('skipSequence', 'gap'); // the next book frame is lost: its sequence number is skipped
  }

  // Keep watching until --seconds is up.
  await new Promise((r) => setTimeout(r, Math.max(0, started + SECONDS * 1000 - Date.now())));

  if (sim) {
    // Stop the flow, send what is pending, and wait for the client's book to equal the server's.
    sim.pause();
    sim.flush();
    const truth = sim.book(SYMBOL);
    const same = (b) => sides(b, DEPTH) === sides(truth, DEPTH);
    const now = await ex.fetchOrderBook(SYMBOL);
    const book = same(now) ? now : await next(ex, ['orderbook', SYMBOL], same, 10000, 'a book equal to the simulator\'s');
    console.log(`exact: top ${DEPTH} levels a side equal the simulator's (bid ${book.bids[0][0]} ask ${book.asks[0][0]}, truth bid ${truth.bids[0][0]} ask ${truth.asks[0][0]})`);
  }

  await ex.close();
  if (sim) await sim.close();
  console.log(`done: ${updates} updates, resyncs: ${counts()}, errors ${errors}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
