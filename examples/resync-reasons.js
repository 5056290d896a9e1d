#!/usr/bin/env node
'use strict';
/**
 * Why a book resyncs, one exchange family each. A book that can no longer be trusted is never
 * served: the client throws it away, rebuilds it, and says why on 'resync' ({ symbol, reason,
 * detail }). Here, on the embedded simulators:
 *
 * - Bybit 'crossed': Bybit books carry no checksum, so a best bid at or above the best ask is the
 *   check that catches a corrupted feed. The simulator sends one delta with a bid above the best
 *   ask (a raw frame, as a corrupted feed would); the client resubscribes for a fresh snapshot.
 * - Bitfinex 'maintenance': info event 20060 (maintenance started) stops every book being served
 *   until 20061 (it ended), when the client subscribes again on the same socket.
 * - Binance 'gap': a lost diff-depth event (its update ids skip); the client joins a new REST
 *   snapshot to the stream.
 *
 * Each ends with the simulator's flow stopped and the client's book compared with the simulator's.
 *
 *   node examples/resync-reasons.js
 */
const { binance, bitfinex, bybit } = require('exstream');
const { simulate } = require('exstream/sim');

const sides = (b, n) => JSON.stringify([b.bids.slice(0, n).map((l) => [l[0], l[1]]), b.asks.slice(0, n).map((l) => [l[0], l[1]])]);

/** Resolves with the first event on `channel` (an array for [channel, symbol]) for which `test` holds, or rejects after 10 s. */
function next(ex, channel, test, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${what} within 10 s`));
    }, 10000);
    const off = ex.on(...[channel].flat(), (e) => {
      if (!test(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

/** The client's book of `symbol` once `test` holds for it: now, or at a later update. */
async function bookWhere(ex, symbol, test, what) {
  const now = await ex.fetchOrderBook(symbol);
  return test(now) ? now : next(ex, ['orderbook', symbol], test, what);
}

/** Stops the simulator's flow and waits until the client's top `depth` levels (all when undefined) equal the simulator's. */
async function exact(name, ex, sim, symbol, depth) {
  sim.pause();
  sim.flush();
  const truth = sim.book(symbol);
  const book = await bookWhere(ex, symbol, (b) => sides(b, depth) === sides(truth, depth), `${name} ${symbol} equal to the simulator's`);
  const levels = depth === undefined ? `all ${book.bids.length} / ${book.asks.length} levels` : `top ${depth} levels a side`;
  console.log(`${name} ${symbol} exact: ${levels} equal the simulator's (bid ${book.bids[0][0]} ask ${book.asks[0][0]}, truth bid ${truth.bids[0][0]} ask ${truth.asks[0][0]})`);
  return book;
}

/**
 * One family: a simulator and a client on it, the book synced and moving, then `fault(sim, book)`;
 * prints the resyncs it causes, waits for the one with `reason`, and ends exact.
 */
async function family({ name, Exchange, symbol, depth, reason, fault, sim: simOptions = {} }) {
  const sim = await simulate(name, { port: 0, seed: 7, symbols: [symbol], tickMs: 20, ...simOptions });
  const ex = new Exchange({ ws: true, urls: sim.urls });
  const resyncs = [];
  const errors = [];
  ex.on('resync', (e) => {
    resyncs.push(e);
    console.log(`resync ${name} ${e.symbol} ${e.reason}: ${e.detail}`);
  });
  ex.on('error', (err) => {
    errors.push(err);
    console.log(`error ${name} ${err.name}: ${err.message}`);
  });

  const book = await ex.fetchOrderBook(symbol); // subscribes, resolves once synced
  console.log(`${name} ${symbol} synced: ${book.bids.length} bids, ${book.asks.length} asks, bid ${book.bids[0][0]} ask ${book.asks[0][0]}`);
  let updates = 0;
  await next(ex, ['orderbook', symbol], () => ++updates >= 5, `${name} updates`); // let it move a little

  const resynced = next(ex, 'resync', (e) => e.symbol === symbol && e.reason === reason, `${reason} resync`);
  await fault(sim, ex);
  await resynced;
  // served again once rebuilt: a pull waits for that
  const again = await ex.fetchOrderBook(symbol);
  console.log(`${name} ${symbol} after ${reason}: synced again, bid ${again.bids[0][0]} ask ${again.asks[0][0]}`);
  sim.resume();
  updates = 0;
  await next(ex, ['orderbook', symbol], () => ++updates >= 5, `${name} updates after the resync`);

  await exact(name, ex, sim, symbol, depth);
  await ex.close();
  await sim.close();
  return { resyncs, errors };
}

async function main() {
  const all = [];

  // Bybit: a crossed book. Stop the flow so the client's book is the simulator's, then send one
  // delta (the next `u`) that puts a bid one tick above the best ask.
  all.push(
    await family({
      name: 'bybit',
      Exchange: bybit,
      symbol: 'BTC/USDT',
      depth: 200, // orderbook.200: the top 200 levels a side
      reason: 'crossed',
      fault: async (sim, ex) => {
        sim.pause();
        sim.flush();
        const truth = sim.book('BTC/USDT');
        const book = await bookWhere(ex, 'BTC/USDT', (b) => sides(b, 200) === sides(truth, 200), 'bybit caught up');
        const price = (truth.asks[0][0] + 0.01).toFixed(2);
        console.log(`bybit fault: a delta (u=${book.nonce + 1}) with a bid at ${price}, above the best ask ${truth.asks[0][0]}`);
        const ts = Date.now();
        sim.faults.malformedFrame(JSON.stringify({ topic: 'orderbook.200.BTCUSDT', ts, type: 'delta', data: { s: 'BTCUSDT', b: [[price, '1']], a: [], u: book.nonce + 1, seq: 0 }, cts: ts }));
      },
    }),
  );

  // Bitfinex: maintenance. 20060 pauses every book; 20061 ends it and the client subscribes again.
  all.push(
    await family({
      name: 'bitfinex',
      Exchange: bitfinex,
      symbol: 'BTC/USD',
      depth: 25, // P0, len 25: what Bitfinex sends
      reason: 'maintenance',
      fault: async (sim, ex) => {
        console.log('bitfinex fault: info 20060 (maintenance started)');
        const paused = next(ex, 'resync', (e) => e.reason === 'maintenance', 'maintenance resync');
        sim.infoEvent(20060);
        await paused;
        console.log('bitfinex fault: info 20061 (maintenance ended)');
        sim.infoEvent(20061);
      },
    }),
  );

  // Binance: a gap. The simulator loses one diff-depth event; the next one's U skips.
  all.push(
    await family({
      name: 'binance',
      Exchange: binance,
      symbol: 'BTC/USDT',
      depth: undefined, // REST snapshot + diffs: the whole book
      reason: 'gap',
      fault: async (sim) => {
        console.log('binance fault: skipSequence(BTC/USDT)');
        sim.faults.skipSequence('BTC/USDT');
      },
    }),
  );

  const counts = {};
  for (const r of all.flatMap((x) => x.resyncs)) counts[r.reason] = (counts[r.reason] || 0) + 1;
  const errors = all.reduce((n, x) => n + x.errors.length, 0);
  console.log(`done: resyncs ${Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ')}; errors ${errors}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
