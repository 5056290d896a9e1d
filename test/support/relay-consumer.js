'use strict';
/**
 * A relay consumer in its own process, for the relay suites (child_process.fork with IPC):
 *
 *   fork(__filename, [exchange, redisUrl, symbols.join(',')])
 *
 * It opens `new <exchange>({ relay })`, registers an 'orderbook' callback per symbol recording the
 * nonce of every book it is handed, records every 'resync' and 'error', and answers messages:
 *   { cmd: 'ready' }                      -> { ready: true } once every book is synced
 *   { cmd: 'settle', symbol, nonce }      -> { book: { nonce, bids, asks }, nonces, resyncs, errors }
 *                                            once the book reached `nonce`
 *   { cmd: 'exit' }                       -> closes and exits
 */
const exstream = require('../..');

const [exchange, url, list] = process.argv.slice(2);
const symbols = list.split(',');
const ex = new exstream[exchange]({ relay: url, timeoutMs: 20000 });
const nonces = Object.fromEntries(symbols.map((s) => [s, []]));
const resyncs = [];
const errors = [];
const waiters = [];

ex.on('resync', (e) => resyncs.push({ symbol: e.symbol, reason: e.reason, detail: e.detail }));
ex.on('error', (e) => errors.push(e.message));
for (const s of symbols) {
  ex.on('orderbook', s, (book) => {
    nonces[s].push(book.nonce);
    for (const w of waiters.slice()) w(s, book);
  });
}

function snapshotOf(book) {
  return { nonce: book.nonce, bids: book.bids.map((l) => [l[0], l[1]]), asks: book.asks.map((l) => [l[0], l[1]]) };
}

async function settle(symbol, nonce) {
  const now = await ex.fetchOrderBook(symbol);
  if (now.nonce >= nonce) return snapshotOf(now);
  return new Promise((resolve) => {
    const w = (s, book) => {
      if (s !== symbol || book.nonce < nonce) return;
      waiters.splice(waiters.indexOf(w), 1);
      resolve(snapshotOf(book));
    };
    waiters.push(w);
  });
}

process.on('message', async (m) => {
  try {
    if (m.cmd === 'ready') {
      await Promise.all(symbols.map((s) => ex.fetchOrderBook(s)));
      process.send({ ready: true });
    } else if (m.cmd === 'settle') {
      const book = await settle(m.symbol, m.nonce);
      process.send({ book, nonces: nonces[m.symbol], resyncs, errors });
    } else if (m.cmd === 'exit') {
      await ex.close();
      process.exit(0);
    }
  } catch (err) {
    process.send({ error: err.message });
  }
});
process.on('disconnect', () => process.exit(0));
