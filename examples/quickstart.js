#!/usr/bin/env node
'use strict';
/**
 * The README's quick start, run against the embedded simulator: one book, three ways.
 *   node examples/quickstart.js
 */
const { binance } = require('..');
const { simulate } = require('../js/sim');

async function main() {
  const sim = await simulate('binance', { port: 0, seed: 3, symbols: ['BTC/USDT'] });
  const ex = new binance({ ws: true, urls: sim.urls });

  // 1. pull: the first call subscribes and resolves once the book is synced
  const book = await ex.fetchOrderBook('BTC/USDT');
  console.log('pull     best bid', book.bids[0], 'best ask', book.asks[0], 'nonce', book.nonce);

  // 2. push, callbacks: after every merged update (the live book: read it here, or keep book.limit(n))
  let updates = 0;
  const off = ex.on('orderbook', 'BTC/USDT', (b) => {
    if (++updates === 1) console.log('callback best bid', b.limit(1).bids[0], 'nonce', b.nonce);
  });

  // 3. push, async generator: a slow reader always gets the latest book, never a backlog
  for await (const b of ex.watchOrderBook('BTC/USDT')) {
    console.log('for-await best ask', b.asks[0], 'nonce', b.nonce);
    break; // leaving the loop releases the subscription
  }
  const next = await ex.watchOrderBook('BTC/USDT'); // or just the next update, ccxt-style
  console.log('await    next update nonce', next.nonce);

  off();
  await ex.close();
  await sim.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
