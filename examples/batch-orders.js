#!/usr/bin/env node
'use strict';
/**
 * Batch orders on Bybit: several limit orders in one request (`createOrders`, Bybit's
 * `order.create-batch` over the /v5/trade socket), amended in one request (`editOrders`,
 * `order.amend-batch`: the ids stay) and cancelled in one request (`cancelOrders`,
 * `order.cancel-batch`). One entry comes back per order, in order: an order the exchange refused
 * is an entry with status 'rejected' and its typed `error` (here InsufficientFunds), while the
 * others stand. Bybit takes at most 10 spot orders a request; the client splits longer batches.
 *
 *   node examples/batch-orders.js                 # embedded Bybit simulator (it has keys)
 *   node examples/batch-orders.js --seconds 10    # give up (cancel all, close) after 10 s (default 20)
 *
 * (No --live: this places orders. With real keys the same calls work on Bybit: new bybit({ ws: true,
 * apiKey, secret }).)
 */
const { bybit } = require('exstream');
const { simulate } = require('exstream/sim');

const argv = process.argv.slice(2);
const SECONDS = Number(argv.includes('--seconds') ? argv[argv.indexOf('--seconds') + 1] : process.env.EXAMPLE_SECONDS || 20);
const SYMBOL = 'BTC/USDT';

let session; // { sim, ex }: what the --seconds bound cleans up

/** Resolves once the streamed balance has `test` true: now, or at a later push. */
function balanceWhere(ex, test) {
  return new Promise((resolve) => {
    const off = ex.on('balance', (b) => {
      if (test(b)) {
        off();
        resolve(b);
      }
    });
    ex.fetchBalance().then((b) => {
      if (test(b)) {
        off();
        resolve(b);
      }
    });
  });
}

async function main() {
  // The simulated account: 10000 USDT and 1 BTC.
  const sim = await simulate('bybit', { port: 0, seed: 11, symbols: [SYMBOL], balances: { USDT: 10000, BTC: 1 } });
  const ex = new bybit({ ws: true, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret });
  session = { sim, ex };
  let errors = 0;
  ex.on('error', (err) => {
    errors++;
    console.log(`error ${err.name}: ${err.message}`);
  });

  // ws: true: balance and orders stream over /v5/private, seeded from REST.
  const usdt = (b) => `USDT free ${b.USDT.free} used ${b.USDT.used}`;
  const before = await ex.fetchBalance();
  console.log(`start ${SYMBOL}: has.createOrders ${ex.has.createOrders}, has.editOrders ${ex.has.editOrders}, has.cancelOrders ${ex.has.cancelOrders}; ${usdt(before)}`);

  // Three bids below the market; the middle one asks for 500 BTC, far beyond 10000 USDT.
  const bid = (await ex.fetchOrderBook(SYMBOL)).bids[0][0];
  const px = (below) => Number((bid - below).toFixed(2));
  const placed = await ex.createOrders([
    { symbol: SYMBOL, type: 'limit', side: 'buy', amount: 0.01, price: px(50), params: { clientOrderId: 'ladder-1' } },
    { symbol: SYMBOL, type: 'limit', side: 'buy', amount: 500, price: px(60), params: { clientOrderId: 'ladder-big' } },
    { symbol: SYMBOL, type: 'limit', side: 'buy', amount: 0.02, price: px(70), params: { clientOrderId: 'ladder-2' } },
  ]);
  for (const o of placed) {
    // a refused entry carries the exchange's own reason as a typed error; the rest are placed
    const why = o.error ? ` (${o.error.name}: ${o.error.message})` : '';
    console.log(`createOrders: ${o.clientOrderId} buy ${o.amount} @ ${o.price} -> ${o.status}${o.id ? ` id ${o.id}` : ''}${why}`);
  }
  const open = placed.filter((o) => o.status === 'open');
  const held = await balanceWhere(ex, (b) => b.USDT.used > 0);
  console.log(`resting: ${open.length} orders, ${usdt(held)}`);

  // Amend both in one request: new prices and amounts, same ids (Bybit amends in place).
  const edited = await ex.editOrders(open.map((o, i) => ({ id: o.id, symbol: SYMBOL, type: 'limit', side: 'buy', amount: 0.03, price: px(80 + 10 * i) })));
  for (const [i, o] of edited.entries()) {
    console.log(`editOrders: ${open[i].id} -> ${o.id} buy ${o.amount} @ ${o.price} -> ${o.status} (id ${o.id === open[i].id ? 'kept' : 'changed'})`);
  }
  // the hold follows: the sum of amount x price of what rests
  const hold = edited.reduce((sum, o) => sum + o.amount * o.price, 0);
  const reheld = await balanceWhere(ex, (b) => Math.abs(b.USDT.used - hold) < 1e-6);
  console.log(`amended: ${usdt(reheld)}`);

  // Cancel both in one request.
  const canceled = await ex.cancelOrders(edited.map((o) => o.id), SYMBOL);
  for (const o of canceled) console.log(`cancelOrders: ${o.id} -> ${o.status}`);
  const after = await balanceWhere(ex, (b) => b.USDT.used === 0);
  console.log(`open orders now: ${(await ex.fetchOpenOrders(SYMBOL)).length}; before ${usdt(before)}, after ${usdt(after)}`);

  await ex.close();
  await sim.close();
  console.log(`done: ${placed.length} placed in one request (${placed.length - open.length} refused), ${edited.length} amended, ${canceled.length} canceled, errors ${errors}`);
}

// The --seconds bound: if something hangs, cancel what is open, close, and exit 1.
const bound = setTimeout(async () => {
  console.log(`gave up after ${SECONDS} s: cancelling all ${SYMBOL} orders`);
  if (session) {
    await session.ex.cancelAllOrders(SYMBOL).catch((err) => console.log(`cancelAllOrders failed: ${err.name}: ${err.message}`));
    await session.ex.close();
    await session.sim.close();
  }
  process.exit(1);
}, SECONDS * 1000);
bound.unref();

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
