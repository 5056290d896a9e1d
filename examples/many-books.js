#!/usr/bin/env node
'use strict';
/**
 * 200 order books at once: the best bid/ask of each, printed once a second with the connection
 * and resync counters. In the simulator, all connections are dropped once, after the first full
 * table, to show every book resyncing by itself (`--no-fault` to skip that).
 *
 *   node examples/many-books.js                 # embedded Binance simulator serving 200 symbols, 10 s
 *   node examples/many-books.js --seconds 60 --count 50
 *   node examples/many-books.js --live          # the first 200 USDT markets of real Binance (or EXSTREAM_LIVE=1)
 *
 * Mind the REST weight: each book starts from a REST snapshot, and Binance weighs /api/v3/depth by
 * its size (5000 levels = 250 of the 6000 a minute; 100 levels = 5). The client's rate limiter
 * keeps to the budget, so with the default snapshotLimit 200 books would take minutes to sync;
 * snapshotLimit: 100 syncs them all at once.
 */
const { binance } = require('exstream');
const { simulate } = require('exstream/sim');

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const LIVE = argv.includes('--live') || process.env.EXSTREAM_LIVE === '1';
const SECONDS = Number(opt('--seconds', process.env.EXAMPLE_SECONDS || 10));
const COUNT = Number(opt('--count', 200));
const FAULT = !LIVE && !argv.includes('--no-fault');
const tty = process.stdout.isTTY && !process.env.NO_COLOR;

/** 200 plausible pairs for the simulator (it serves any unified symbol, with generic trading rules). */
function simSymbols(n) {
  const bases = ('ETH BNB SOL XRP DOGE ADA TRX AVAX LINK DOT MATIC LTC BCH UNI ATOM XLM ETC FIL APT ARB ' +
    'OP NEAR ICP HBAR VET INJ SUI SEI TIA AAVE MKR RUNE GRT SAND MANA AXS EGLD FTM ALGO THETA').split(' ');
  const quotes = ['USDT', 'USDC', 'FDUSD', 'BTC', 'EUR'];
  return quotes.flatMap((q) => bases.map((b) => `${b}/${q}`)).slice(0, n);
}

async function main() {
  const sim = LIVE ? undefined : await simulate('binance', { port: 0, seed: 9, symbols: simSymbols(COUNT) });
  const ex = new binance({ ws: true, snapshotLimit: 100, ...(sim ? { urls: sim.urls } : {}) });

  // Counters from the client's own events: connection states and book resyncs by reason.
  const tops = new Map(); // symbol -> [best bid, best ask]
  const connections = new Map(); // url -> its latest state
  const resyncs = {};
  let reconnects = 0;
  let errors = 0;
  ex.on('status', (s) => {
    connections.set(s.url, s.state);
    if (s.state === 'reconnecting') reconnects++;
  });
  ex.on('resync', (e) => {
    resyncs[e.reason] = (resyncs[e.reason] || 0) + 1;
    tops.delete(e.symbol); // its old top is not shown while the book is rebuilt
  });
  ex.on('error', (err) => {
    errors++;
    console.log(`error ${err.name}: ${err.message}`);
  });

  // The same selection live and in the simulator: the markets the exchange lists.
  const markets = Object.values(await ex.loadMarkets());
  const symbols = markets
    .filter((m) => m.active && m.spot && (!LIVE || m.quote === 'USDT'))
    .map((m) => m.symbol)
    .sort()
    .slice(0, COUNT);

  // One callback per book; it only records the top (books are live: copy what you keep).
  let updates = 0;
  for (const symbol of symbols) {
    ex.on('orderbook', symbol, (book) => {
      updates++;
      if (book.bids.length && book.asks.length) tops.set(symbol, [book.bids[0][0], book.asks[0][0]]);
    });
  }

  const started = Date.now();
  const states = () => {
    const n = {};
    for (const state of connections.values()) n[state] = (n[state] || 0) + 1;
    return n;
  };
  const count = (o) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  const print = () => {
    const t = Math.round((Date.now() - started) / 1000);
    const head = `t=${t}s  tops ${tops.size}/${symbols.length}  updates ${updates}  resyncs: ${count(resyncs)}  ` +
      `connections: ${count(states())}  reconnects ${reconnects}  errors ${errors}`;
    const cells = symbols.map((s) => {
      const top = tops.get(s);
      return `${s.padEnd(11)} ${top ? `${top[0]} / ${top[1]}` : '(syncing)'}`;
    });
    if (tty) {
      // a grid that redraws in place
      const width = Math.max(...cells.map((c) => c.length)) + 2;
      const cols = Math.max(1, Math.floor((process.stdout.columns || 80) / width));
      const rows = [];
      for (let i = 0; i < cells.length; i += cols) rows.push(cells.slice(i, i + cols).map((c) => c.padEnd(width)).join(''));
      process.stdout.write('\x1b[H\x1b[2J' + head + '\n' + rows.join('\n') + '\n');
    } else {
      console.log(head);
      for (const c of cells) console.log('  ' + c);
    }
    if (FAULT && !faulted && tops.size === symbols.length) {
      faulted = true;
      sim.faults.dropConnections(); // every socket of the simulator closes at once
    }
  };
  let faulted = false;
  const timer = setInterval(print, 1000);

  const stop = async () => {
    clearInterval(timer);
    clearTimeout(deadline);
    print();
    await ex.close();
    if (sim) await sim.close();
    console.log(`done: ${tops.size} books, ${updates} updates, resyncs: ${count(resyncs)}, reconnects ${reconnects}`);
  };
  const deadline = setTimeout(stop, SECONDS * 1000);
  process.once('SIGINT', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
