#!/usr/bin/env node
'use strict';
/**
 * Order round trip over Binance's WebSocket API against REST, on the embedded simulator (same
 * machine, same server, same signed parameters): the time from createOrder() / cancelOrder() to
 * the parsed Order, side by side, p50 / p99 over N orders per transport (interleaved, so both see
 * the same server load). Every client is warmed first (markets, server clock, connections), as
 * the library does on loadMarkets, so no row pays a handshake.
 *
 *   npm run build && node bench/trading-roundtrip.js [N]      # N orders per transport, default 200
 *
 * Not a test: it asserts nothing and prints numbers that depend on the machine.
 */
const { binance } = require('..');
const { simulate } = require('../js/sim');

const N = Math.max(1, Number(process.argv[2]) || 200);
const SYMBOL = 'BTC/USDT';

function ms(ns) {
  return Number(ns) / 1e6;
}

function stats(samples) {
  const s = samples.slice().sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { p50: at(0.5), p99: at(0.99), mean, max: s[s.length - 1] };
}

async function timed(fn) {
  const t0 = process.hrtime.bigint();
  const v = await fn();
  return [ms(process.hrtime.bigint() - t0), v];
}

async function main() {
  const sim = await simulate('binance', { port: 0, seed: 1, symbols: [SYMBOL], balances: { USDT: 10_000_000, BTC: 100 } });
  const creds = { apiKey: sim.apiKey, secret: sim.secret };
  const ed25519 = { apiKey: sim.ed25519.apiKey, secret: sim.ed25519.privateKey };
  const clients = [
    { name: 'WebSocket API, HMAC', ex: new binance({ urls: sim.urls, ...creds }) },
    { name: 'WebSocket API, Ed25519 session', ex: new binance({ urls: sim.urls, ...ed25519 }) },
    { name: 'REST, HMAC', ex: new binance({ urls: sim.urls, ...creds, wsTrading: false }) },
  ];
  for (const c of clients) {
    c.create = [];
    c.cancel = [];
    c.ex.on('error', (e) => console.error(`${c.name}: ${e.message}`));
  }

  const price = Math.floor(sim.book(SYMBOL).bids[0][0] * 0.8); // rests on the book, never fills
  const roundTrip = async (c, record) => {
    const [tc, order] = await timed(() => c.ex.createOrder(SYMBOL, 'limit', 'buy', 0.001, price));
    const [tx] = await timed(() => c.ex.cancelOrder(order.id, SYMBOL));
    if (record) {
      c.create.push(tc);
      c.cancel.push(tx);
    }
  };

  // warm up: markets, clock offset, the WebSocket API connection (and Ed25519 logon), keep-alive sockets, JIT
  await Promise.all(clients.map((c) => c.ex.loadMarkets()));
  for (const c of clients) for (let i = 0; i < 20; i++) await roundTrip(c, false);

  for (let i = 0; i < N; i++) for (const c of clients) await roundTrip(c, true);

  const fmt = (x) => x.toFixed(3).padStart(8);
  console.log(`Binance order round trip on the simulator (${sim.urls.rest}), ${N} orders per transport, interleaved`);
  console.log(`node ${process.version}, ${process.platform}/${process.arch}; limit buy 0.001 ${SYMBOL} resting, then cancelled\n`);
  console.log(`${'call'.padEnd(12)} ${'transport'.padEnd(32)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'mean ms'.padStart(8)} ${'max ms'.padStart(8)}`);
  for (const what of ['create', 'cancel']) {
    for (const c of clients) {
      const s = stats(c[what]);
      console.log(`${(what === 'create' ? 'createOrder' : 'cancelOrder').padEnd(12)} ${c.name.padEnd(32)} ${fmt(s.p50)} ${fmt(s.p99)} ${fmt(s.mean)} ${fmt(s.max)}`);
    }
  }
  const ws = stats(clients[0].create);
  const rest = stats(clients[2].create);
  console.log(`\ncreateOrder p50: the WebSocket API takes ${((ws.p50 / rest.p50) * 100).toFixed(0)}% of REST's time (HMAC keys)`);

  await Promise.all(clients.map((c) => c.ex.close()));
  await sim.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
