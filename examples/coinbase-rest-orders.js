#!/usr/bin/env node
'use strict';
/**
 * Coinbase Advanced Trade: orders go over REST (it has no WebSocket order entry), their changes
 * come back on the `user` channel. One limit order, well away from the market so it rests: placed,
 * seen on the user channel (no later than the REST reply), edited (Coinbase keeps the id), then
 * canceled; the balance before, while it rests, and after. Coinbase streams no spot balance: the
 * client reads /accounts again after each fill and every `balancePollMs`, so the hold of a resting
 * order shows on the next poll (here once a second), not with the order.
 *
 *   node examples/coinbase-rest-orders.js                 # embedded Coinbase simulator (it has keys)
 *   node examples/coinbase-rest-orders.js --seconds 10    # give up (cancel all, close) after 10 s (default 20)
 *   COINBASE_API_KEY=organizations/.../apiKeys/... COINBASE_SECRET="$(cat key.pem)" \
 *     node examples/coinbase-rest-orders.js --live        # REAL order (50% under the bid), real money
 *
 * Keys are a CDP API key: its name and its EC private key (PEM). Tuning (environment):
 * EXAMPLE_SYMBOL (BTC/USD), EXAMPLE_AMOUNT (0.0001).
 */
const { coinbase } = require('exstream');
const { simulate } = require('exstream/sim');

const argv = process.argv.slice(2);
const LIVE = argv.includes('--live') || process.env.EXSTREAM_LIVE === '1';
const SECONDS = Number(argv.includes('--seconds') ? argv[argv.indexOf('--seconds') + 1] : process.env.EXAMPLE_SECONDS || 20);
const SYMBOL = process.env.EXAMPLE_SYMBOL || 'BTC/USD';
const AMOUNT = Number(process.env.EXAMPLE_AMOUNT || 0.0001);

// /accounts once a second: well inside Coinbase's private REST limit (30 requests a second per key).
const OPTIONS = { ws: true, balancePollMs: 1000 };

async function connect() {
  if (!LIVE) {
    // The simulator's account has a CDP key of its own (sim.apiKey / sim.secret) and balances.
    const sim = await simulate('coinbase', { port: 0, seed: 3, symbols: [SYMBOL] });
    return { sim, ex: new coinbase({ ...OPTIONS, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret }) };
  }
  const apiKey = process.env.COINBASE_API_KEY;
  const secret = process.env.COINBASE_SECRET;
  if (!apiKey || !secret) {
    console.error('this example trades: set COINBASE_API_KEY and COINBASE_SECRET (or run it without --live)');
    process.exit(2);
  }
  return { sim: undefined, ex: new coinbase({ ...OPTIONS, apiKey, secret }) };
}

/** Resolves with the first thing pushed on `channel` for which `pick` returns something. */
function pushed(ex, channel, pick) {
  return new Promise((resolve) => {
    const off = ex.on(channel, (data) => {
      const found = pick(data);
      if (found) {
        off();
        resolve(found);
      }
    });
  });
}

/** The streamed balance once `test` holds for it: now, or at a later push. */
async function balanceWhere(ex, test) {
  const later = pushed(ex, 'balance', (b) => (test(b) ? b : undefined));
  const now = await ex.fetchBalance(); // ws: true: the streamed state, no request
  return test(now) ? now : later;
}

let session; // { sim, ex }: what the --seconds bound cleans up

async function main() {
  const { sim, ex } = (session = await connect());
  let errors = 0;
  ex.on('error', (err) => {
    errors++;
    console.log(`error ${err.name}: ${err.message}`);
  });
  await ex.loadMarkets();
  const market = ex.market(SYMBOL);
  const fmt = (b) => [market.base, market.quote].map((a) => `${a} free ${b[a]?.free ?? 0} used ${b[a]?.used ?? 0}`).join(', ');

  // Every order change pushed on the user channel, with when it came (ms since start).
  const t0 = Date.now();
  const events = []; // { id, status, price, at }
  ex.on('orders', SYMBOL, (orders) => {
    for (const o of orders) {
      events.push({ id: o.id, status: o.status, price: o.price, at: Date.now() - t0 });
      // (a finished order's amount is its filled part: Coinbase reports no leaves once it is done)
      console.log(`user channel: ${o.id} ${o.side} @ ${o.price} ${o.status}, filled ${o.filled}`);
    }
  });

  // ws: true: the balance and orders are streamed (user channel, seeded from REST).
  const start = await ex.fetchBalance();
  console.log(`start ${SYMBOL}: has.createOrder ${ex.has.createOrder}, has.watchOrders ${ex.has.watchOrders}; ${fmt(start)}`);

  // A buy at half the best bid: it rests on the book.
  const book = await ex.fetchOrderBook(SYMBOL);
  const tick = market.precision.price;
  const decimals = Math.max(0, -Math.floor(Math.log10(tick)));
  const price = Number((Math.floor(book.bids[0][0] / 2 / tick) * tick).toFixed(decimals));

  const order = await ex.createOrder(SYMBOL, 'limit', 'buy', AMOUNT, price);
  const replyAt = Date.now() - t0;
  const first = events.find((e) => e.id === order.id);
  console.log(`REST reply: placed ${order.id} buy ${order.amount} @ ${order.price} ${order.status}`);
  console.log(first ? `user channel had it first: at ${first.at} ms, the REST reply at ${replyAt} ms` : 'user channel: not yet (the REST reply came first)');

  // The hold on the quote currency, as the next /accounts poll reports it.
  const held = await balanceWhere(ex, (b) => b[market.quote]?.used > 0);
  console.log(`resting: ${fmt(held)}`);

  // Edit: same id, new price (Coinbase edits in place, unlike a cancel-replace).
  const newPrice = Number((price - 100 * tick).toFixed(decimals));
  const seenEdit = pushed(ex, 'orders', (list) => list.find((o) => o.id === order.id && o.price === newPrice));
  const edited = await ex.editOrder(order.id, SYMBOL, 'limit', 'buy', AMOUNT, newPrice);
  await seenEdit;
  console.log(`edited ${order.id} -> ${edited.id} @ ${edited.price} (id ${edited.id === order.id ? 'kept' : 'changed'})`);

  // Cancel, and see the cancellation on the user channel.
  const seenCancel = pushed(ex, 'orders', (list) => list.find((o) => o.id === order.id && o.status === 'canceled'));
  const canceled = await ex.cancelOrder(order.id, SYMBOL);
  await seenCancel;
  console.log(`canceled ${canceled.id}: ${canceled.status}`);
  const open = await ex.fetchOpenOrders(SYMBOL);
  const freed = await balanceWhere(ex, (b) => b[market.quote]?.used === 0);
  console.log(`open orders now: ${open.length}; ${fmt(freed)}`);

  await ex.close();
  if (sim) await sim.close();
  console.log(`closed cleanly: ${events.length} order events, ${errors} errors`);
}

// The --seconds bound: if something hangs, cancel what is open, close, and exit 1.
const bound = setTimeout(async () => {
  console.log(`gave up after ${SECONDS} s: cancelling all ${SYMBOL} orders`);
  if (session) {
    await session.ex.cancelAllOrders(SYMBOL).catch((err) => console.log(`cancelAllOrders failed: ${err.name}: ${err.message}`));
    await session.ex.close();
    if (session.sim) await session.sim.close();
  }
  process.exit(1);
}, SECONDS * 1000);
bound.unref();

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
