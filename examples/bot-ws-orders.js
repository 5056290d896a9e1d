#!/usr/bin/env node
'use strict';
/**
 * An event-driven market maker over Binance's WebSocket API. On every book update it quotes one bid
 * and one ask around the mid price: it places a post-only limit order where it has none, amends
 * (editOrder) an order whose price is off, and cancels the side that would push its position past
 * a limit. Fills, order changes and balances arrive as events and drive the next decision. On
 * Ctrl-C (or after --seconds) it stops quoting, cancels everything and closes.
 *
 *   node examples/bot-ws-orders.js                    # embedded Binance simulator (it has keys), 20 s
 *   node examples/bot-ws-orders.js --seconds 60
 *   BINANCE_API_KEY=... BINANCE_SECRET=... node examples/bot-ws-orders.js --testnet   # Binance Spot testnet
 *   BINANCE_API_KEY=... BINANCE_SECRET=... node examples/bot-ws-orders.js --live      # REAL orders, real money
 *
 * Tuning (environment): BOT_SYMBOL (BTC/USDT), BOT_AMOUNT (0.001), BOT_EDGE_BPS (0: join or improve
 * the best prices; use a wider edge live), BOT_MAX_POSITION (3 x amount), BOT_REQUOTE_MS (200).
 */
const { binance } = require('exstream');
const { simulate } = require('exstream/sim');

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const LIVE = flag('--live') || process.env.EXSTREAM_LIVE === '1';
const TESTNET = flag('--testnet');
const SECONDS = Number(argv.indexOf('--seconds') >= 0 ? argv[argv.indexOf('--seconds') + 1] : process.env.EXAMPLE_SECONDS || 20);
const SYMBOL = process.env.BOT_SYMBOL || 'BTC/USDT';
const AMOUNT = Number(process.env.BOT_AMOUNT || 0.001);
const EDGE_BPS = Number(process.env.BOT_EDGE_BPS || 0);
const MAX_POSITION = Number(process.env.BOT_MAX_POSITION || 3 * AMOUNT);
const REQUOTE_MS = Number(process.env.BOT_REQUOTE_MS || 200);

const TESTNET_URLS = {
  rest: 'https://testnet.binance.vision',
  ws: 'wss://stream.testnet.binance.vision',
  wsApi: 'wss://ws-api.testnet.binance.vision',
};

async function connect() {
  if (!LIVE && !TESTNET) {
    // The simulator's account comes with keys and balances (USDT 100000, BTC 2, ...).
    const sim = await simulate('binance', { port: 0, seed: 5, symbols: [SYMBOL] });
    return { sim, ex: new binance({ ws: true, urls: sim.urls, apiKey: sim.apiKey, secret: sim.secret }) };
  }
  const apiKey = process.env.BINANCE_API_KEY;
  const secret = process.env.BINANCE_SECRET;
  if (!apiKey || !secret) {
    console.error('this bot trades: set BINANCE_API_KEY and BINANCE_SECRET (or run it without --live/--testnet)');
    process.exit(2);
  }
  return { sim: undefined, ex: new binance({ ws: true, apiKey, secret, urls: TESTNET ? TESTNET_URLS : undefined }) };
}

async function main() {
  const { sim, ex } = await connect();
  ex.on('error', (err) => console.log(`error ${err.name}: ${err.message}`));
  ex.on('status', (s) => s.state !== 'open' && s.state !== 'connecting' && console.log(`status ${s.state} ${s.url}`));

  // loadMarkets() with keys also opens the WebSocket API session, so the first order is fast.
  await ex.loadMarkets();
  const market = ex.market(SYMBOL);
  const tick = market.precision.price;
  const decimals = Math.max(0, -Math.floor(Math.log10(tick)));
  const toPrice = (ticks) => Number((ticks * tick).toFixed(decimals));

  // With ws: true this subscribes to the account's user data stream and seeds it from REST.
  const balance = await ex.fetchBalance();
  const free = { [market.base]: balance[market.base]?.free ?? 0, [market.quote]: balance[market.quote]?.free ?? 0 };
  console.log(`start ${SYMBOL}: ${market.base} free ${free[market.base]}, ${market.quote} free ${free[market.quote]}, has.createOrder ${ex.has.createOrder}`);

  // One working quote per side. `busy` while a request for that side is in flight.
  const quotes = { buy: { side: 'buy', id: null, price: 0, at: 0, busy: false }, sell: { side: 'sell', id: null, price: 0, at: 0, busy: false } };
  const finished = new Set(); // ids the order stream reported closed/canceled (may arrive before a reply)
  const inflight = new Set();
  const stats = { placed: 0, amended: 0, canceled: 0, fills: 0 };
  let position = 0; // base bought minus base sold since start
  let stopping = false;

  // Runs one request for a side; never two at once for the same side, none after shutdown began.
  function act(q, what, fn) {
    q.busy = true;
    const p = fn()
      .catch(async (err) => {
        console.log(`${what} ${q.side} failed: ${err.name}: ${err.message}`);
        // e.g. the order filled meanwhile, or post-only refused to take: ask the live state what is open
        const open = (await ex.fetchOpenOrders(SYMBOL).catch(() => [])).filter((o) => o.side === q.side);
        q.id = open.length ? open[0].id : null;
      })
      .finally(() => {
        q.busy = false;
        inflight.delete(p);
      });
    inflight.add(p);
  }

  function adopt(q, order, price) {
    q.id = order.status === 'open' && !finished.has(order.id) ? order.id : null;
    q.price = price;
    q.at = Date.now();
  }

  function requote(q, ticks) {
    if (stopping || q.busy) return;
    const price = toPrice(ticks);
    const cost = q.side === 'buy' ? AMOUNT * price : AMOUNT;
    const asset = q.side === 'buy' ? market.quote : market.base;
    // would one more fill on this side take the position past the limit?
    const after = position + (q.side === 'buy' ? AMOUNT : -AMOUNT);
    const tooLong = Math.abs(after) > MAX_POSITION + 1e-12 && Math.abs(after) > Math.abs(position);
    if (tooLong || (!q.id && free[asset] < cost)) {
      // position limit (or no funds): this side must not trade, so take its order off the book
      if (q.id) {
        const id = q.id;
        act(q, 'cancel', async () => {
          const o = await ex.cancelOrder(id, SYMBOL);
          stats.canceled++;
          q.id = null;
          console.log(`canceled ${o.id} ${q.side} (${tooLong ? `position ${position.toFixed(5)}` : 'funds'}): ${o.status}`);
        });
      }
      return;
    }
    if (!q.id) {
      act(q, 'place', async () => {
        const o = await ex.createOrder(SYMBOL, 'limit', q.side, AMOUNT, price, { postOnly: true });
        stats.placed++;
        adopt(q, o, price);
        console.log(`placed ${q.side} ${o.id} ${o.amount} @ ${o.price}: ${o.status}`);
      });
    } else if (price !== q.price && Date.now() - q.at >= REQUOTE_MS) {
      const old = q.id;
      act(q, 'amend', async () => {
        const o = await ex.editOrder(old, SYMBOL, 'limit', q.side, AMOUNT, price, { postOnly: true });
        stats.amended++;
        adopt(q, o, price);
        // Binance amends by cancel-replace: the replacement is a new order with a new id
        console.log(`amended ${q.side} ${old} -> ${o.id} @ ${o.price} (id ${o.id === old ? 'kept' : 'changed'})`);
      });
    }
  }

  // The quoting decision, on every merged book update.
  ex.on('orderbook', SYMBOL, (book) => {
    if (!book.bids.length || !book.asks.length) return;
    const bid = Math.round(book.bids[0][0] / tick);
    const ask = Math.round(book.asks[0][0] / tick);
    const mid = (bid + ask) / 2;
    const half = Math.max(0.5, (mid * EDGE_BPS) / 10_000);
    requote(quotes.buy, Math.floor(mid - half));
    requote(quotes.sell, Math.ceil(mid + half));
  });

  // Order changes (ours, all sources): a quote that filled or was canceled is no longer working.
  ex.on('orders', SYMBOL, (orders) => {
    for (const o of orders) {
      if (o.status === 'open') continue;
      finished.add(o.id);
      const q = quotes[o.side];
      if (q.id === o.id) {
        q.id = null;
        if (o.status !== 'canceled') console.log(`order ${o.id} ${o.side} ${o.status}: filled ${o.filled} of ${o.amount}`);
      }
    }
  });

  // Own fills: the position moves, and the limit check above reacts on the next book update.
  ex.on('myTrades', SYMBOL, (trades) => {
    for (const t of trades) {
      stats.fills++;
      position += t.side === 'buy' ? t.amount : -t.amount;
      console.log(`fill ${t.side} ${t.amount} @ ${t.price} (order ${t.order}, ${t.takerOrMaker}) position ${position.toFixed(5)}`);
    }
  });

  // Balances: what is free decides whether a new order can be afforded. Printed at most once a second.
  let lastPrint = 0;
  ex.on('balance', (b) => {
    for (const asset of [market.base, market.quote]) if (b[asset]) free[asset] = b[asset].free;
    if (Date.now() - lastPrint >= 1000) {
      lastPrint = Date.now();
      const fmt = (a) => `${a} free ${b[a] ? b[a].free : '-'} used ${b[a] ? b[a].used : '-'}`;
      console.log(`balance ${fmt(market.base)}, ${fmt(market.quote)}`);
    }
  });

  // Clean shutdown: no new requests, wait for those in flight, cancel everything, close.
  const shutdown = async (why) => {
    if (stopping) return;
    stopping = true;
    clearTimeout(timer);
    console.log(`stopping (${why}): cancelling all ${SYMBOL} orders`);
    await Promise.allSettled([...inflight]);
    try {
      const canceled = await ex.cancelAllOrders(SYMBOL);
      for (const o of canceled) console.log(`canceled ${o.id} ${o.side} @ ${o.price}: ${o.status}`);
      stats.canceled += canceled.length;
      console.log(`cancelAllOrders -> ${canceled.length} canceled`);
    } catch (err) {
      console.log(`cancelAllOrders failed: ${err.name}: ${err.message}`);
      process.exitCode = 1;
    }
    await ex.close();
    if (sim) await sim.close();
    const s = stats;
    console.log(`shutdown clean: placed ${s.placed}, amended ${s.amended}, canceled ${s.canceled}, fills ${s.fills}, position ${position.toFixed(5)}`);
  };
  const timer = setTimeout(() => void shutdown(`${SECONDS} s elapsed`), SECONDS * 1000);
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
