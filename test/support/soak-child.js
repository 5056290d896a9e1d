'use strict';
/**
 * The subscribe/unsubscribe soak, run in a child process started with --expose-gc (so heap is
 * measured after a full collection, and nothing of the test runner's own heap is counted). Prints
 * one JSON line: the samples taken and what was left at the end.
 *
 * The simulator runs in a process of its own. One client on the Kraken simulator keeps one book subscribed (the socket stays up), then runs
 * CYCLES cycles; each subscribes one channel of the other symbol (book, trades, ticker, candles, or
 * a watch iterator), lets the event loop turn, and unsubscribes. Every 100th cycle waits for real
 * data first, so the whole path (subscribe on the wire, snapshot, sync, unsubscribe) runs too.
 */
const { fork } = require('child_process');
const path = require('path');
const { once } = require('events');
const { kraken } = require('../../js');
const { nextEvent } = require('./wait');

const CYCLES = Number(process.argv[2] || 2000);
const turn = () => new Promise((r) => setImmediate(r));

function handlerCount(ex) {
  let n = 0;
  for (const list of ex.events.bus.all.values()) n += list.length;
  return n;
}

function measure(ex) {
  global.gc();
  global.gc();
  return {
    heap: process.memoryUsage().heapUsed,
    handles: activeHandles().length,
    handlers: handlerCount(ex),
    topics: ex.topics.all.size,
    sockets: [...ex.engine.hubs.values()].reduce((n, h) => n + h.socketCount, 0),
  };
}

async function cycle(ex, i, sym) {
  const kind = i % 5;
  const waitData = i % 100 === 99;
  const cb = () => {};
  let off;
  let data;
  if (kind === 0) {
    off = ex.on('orderbook', sym, cb);
    if (waitData) data = nextEvent(ex, 'orderbook', () => true, sym, { what: `a book of ${sym}` });
  } else if (kind === 1) {
    off = ex.on('trades', sym, cb);
    if (waitData) data = nextEvent(ex, 'trades', () => true, sym, { what: `trades of ${sym}` });
  } else if (kind === 2) {
    off = ex.on('ticker', sym, cb);
    if (waitData) data = nextEvent(ex, 'ticker', () => true, sym, { what: `a ticker of ${sym}` });
  } else if (kind === 3) {
    off = ex.on('ohlcv', sym, cb, { timeframe: '1m' });
  } else {
    const w = ex.watchOrderBook(sym);
    const it = w[Symbol.asyncIterator]();
    if (waitData) await it.next();
    off = () => it.return();
  }
  if (data) await data;
  await turn();
  await off();
}

/** Active handles but the process's own stdio (which appear once written to). */
const activeHandles = () => process._getActiveHandles().filter((h) => !(h.fd >= 0 && h.fd <= 2));
const handles = () => ({
  handles: activeHandles().length,
  kinds: activeHandles().map((h) => `${h.constructor.name}${h.remotePort ? `:${h.remotePort}` : ''}${h.destroyed ? '(destroyed)' : ''}`),
});

async function main() {
  const start = handles();
  // the simulator runs in a process of its own: its trade tape grows with time, the client's must not
  const sim = fork(path.join(__dirname, 'sim-process.js'), ['kraken', JSON.stringify({ seed: 7, tickMs: 10 })]);
  const [{ urls }] = await once(sim, 'message');
  const ex = new kraken({ ws: true, urls, timeoutMs: 8000 });
  const errors = [];
  ex.on('error', (e) => errors.push(e.message));
  await ex.loadMarkets();
  const keep = () => {};
  ex.on('orderbook', 'BTC/USD', keep);
  await nextEvent(ex, 'orderbook', () => true, 'BTC/USD', { what: 'the kept book' });
  const samples = [];
  // warm-up: code paths compiled, pools and caches at their working size
  for (let i = 0; i < 100; i++) await cycle(ex, i, 'ETH/USD');
  const base = measure(ex);
  samples.push({ cycles: 0, ...base });
  for (let i = 0; i < CYCLES; i++) {
    await cycle(ex, i, 'ETH/USD');
    if ((i + 1) % 500 === 0) samples.push({ cycles: i + 1, ...measure(ex) });
  }
  // let what the last unsubscribes sent be answered, then look again
  for (let i = 0; i < 5; i++) await turn();
  const end = measure(ex);
  await ex.close();
  const exited = once(sim, 'exit');
  sim.send('close');
  await exited;
  for (let i = 0; i < 5; i++) await turn();
  global.gc();
  // destroyed sockets leave the list once their close callbacks ran
  let after = handles();
  for (let i = 0; i < 200 && after.handles > start.handles; i++) {
    await new Promise((r) => setTimeout(r, 10));
    after = handles();
  }
  process.stdout.write(`${JSON.stringify({ start, base, samples, end, after, errors: errors.slice(0, 5), errorCount: errors.length })}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stdout.write(`${JSON.stringify({ failed: String(err && err.stack) })}\n`);
    process.exit(1);
  },
);
