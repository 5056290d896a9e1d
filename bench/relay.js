#!/usr/bin/env node
'use strict';
/**
 * The relay over Redis Streams (`node bench/relay.js`; `npm run bench` runs it as section 6 when
 * redis-server exists). A real redis-server on a free port, the relay (ts/relay/relay.ts) fed by a
 * synthetic upstream in this process (a 1,000-level book, one or two levels changed per update),
 * and consumers `new binance({ relay })` in this process:
 *
 *   1. updates/s through one relay: 50,000 updates written as fast as the relay takes them, until
 *      the last one is in Redis;
 *   2. consumer lag, relay apply -> consumer callback, p50/p99, with 1, 10 and 100 consumers, at
 *      a steady 500 updates/s (Binance's busiest books publish 10 frames/s a symbol), and 100
 *      consumers each with a reader of its own (no shared reader) as the same run's baseline;
 *   3. Redis memory after an hour-equivalent of one busy book (36,000 updates at 10/s) and after
 *      two: the stream is trimmed (MAXLEN ~ 10,000), so memory stays flat.
 *
 * Writes its table as JSON to $EXSTREAM_BENCH_RESULT when set. Reports, never asserts a time.
 */
const { performance } = require('perf_hooks');
const fs = require('fs');
const Redis = require('ioredis');
const { binance } = require('../js');
const { OrderBook } = require('../js/book/orderbook');
const { Relay } = require('../js/relay/relay');
const { symbolKeys } = require('../js/relay/keys');
const { startRedis, redisServerPath } = require('../test/support/redis');
const R = require('./lib/report');

const SYMBOL = 'BTC/USDT';
const FULL = process.argv.includes('--full');
const THROUGHPUT_N = FULL ? 200_000 : 50_000;
const LAG_RATE = 500;
const LAG_S = FULL ? 6 : 3;
const HOUR = 36_000;

/** A stand-in for an Exchange: the relay's view of one symbol's book, fed by hand. */
class FakeUpstream {
  constructor() {
    this.id = 'binance';
    this.book = new OrderBook(SYMBOL);
    const bids = [];
    const asks = [];
    for (let i = 0; i < 1000; i++) {
      bids.push([60000 - i * 0.01, 1 + (i % 7)]);
      asks.push([60000.01 + i * 0.01, 1 + (i % 5)]);
    }
    this.book.reset({ bids, asks }, 1);
    this.nonce = 1;
    this.tap = undefined;
    this.mkt = { id: 'BTCUSDT', symbol: SYMBOL, base: 'BTC', quote: 'USDT', precision: {}, limits: {} };
  }
  async loadMarkets() {
    return { [SYMBOL]: this.mkt };
  }
  market() {
    return this.mkt;
  }
  tapBooks(fn) {
    this.tap = fn;
    fn(SYMBOL, this.book, undefined, undefined);
    return () => (this.tap = undefined);
  }
  on() {
    return () => {};
  }
  /** One update: a level or two change; returns the book's nonce after it. */
  step(i) {
    const side = i % 2 ? 'bids' : 'asks';
    const price = side === 'bids' ? 60000 - (i % 900) * 0.01 : 60000.01 + (i % 900) * 0.01;
    const amount = (i % 13) + 0.5;
    this.book.update(side, price, amount);
    this.book.nonce = ++this.nonce;
    this.tap(SYMBOL, this.book, { first: this.nonce, last: this.nonce, bids: side === 'bids' ? [[price, amount]] : [], asks: side === 'asks' ? [[price, amount]] : [] }, undefined);
    return this.nonce;
  }
}

async function withRelay(redis, opts, fn) {
  const up = new FakeUpstream();
  const relay = new Relay(up, { redis: redis.url, symbols: [SYMBOL], channels: ['orderbook'], ...opts });
  await relay.start();
  try {
    return await fn(up, relay);
  } finally {
    await relay.stop();
  }
}

/** Resolves once the book stream's last entry is the relay's current seq. */
async function drained(admin, relay) {
  const key = symbolKeys('binance', SYMBOL).book;
  const want = `${relay.position(SYMBOL).epoch}-${relay.position(SYMBOL).seq}`;
  for (;;) {
    const [[id]] = await admin.xrevrange(key, '+', '-', 'COUNT', 1);
    if (id === want) return;
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function throughput(redis, admin) {
  return withRelay(redis, {}, async (up, relay) => {
    const t0 = performance.now();
    for (let i = 0; i < THROUGHPUT_N; ) {
      const end = Math.min(THROUGHPUT_N, i + 2000);
      for (; i < end; i++) up.step(i);
      await new Promise((r) => setImmediate(r));
    }
    await drained(admin, relay);
    return THROUGHPUT_N / ((performance.now() - t0) / 1000);
  });
}

/**
 * `separate`: each consumer under its own URL (the same server, a distinct `#fragment`), so each
 * has a reader of its own, as before the shared reader: the same run's baseline.
 */
async function lag(redis, n, separate = false) {
  return withRelay(redis, {}, async (up, relay) => {
    const sentAt = new Map();
    const lags = [];
    const consumers = [];
    for (let i = 0; i < n; i++) consumers.push(new binance({ relay: separate ? `${redis.url}/0#c${i}` : redis.url, timeoutMs: 30000 }));
    await Promise.all(consumers.map((c) => c.fetchOrderBook(SYMBOL)));
    for (const c of consumers) {
      c.on('orderbook', SYMBOL, (b) => {
        const t = sentAt.get(b.nonce);
        if (t !== undefined) lags.push(performance.now() - t);
      });
    }
    const total = LAG_RATE * LAG_S;
    let i = 0;
    await new Promise((resolve) => {
      const t0 = performance.now();
      const timer = setInterval(() => {
        // catch up to the schedule: LAG_RATE a second, in 2 ms slots
        const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * LAG_RATE));
        for (; i < due; i++) sentAt.set(up.step(i + 1_000_000), performance.now());
        if (i >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 2);
    });
    const last = up.nonce;
    await Promise.all(consumers.map((c) => c.fetchOrderBook(SYMBOL).then(async (b) => b.nonce >= last || (await new Promise((r) => c.on('orderbook', SYMBOL, (x) => x.nonce >= last && r()))))));
    await Promise.all(consumers.map((c) => c.close()));
    const sorted = lags.slice().sort((a, b) => a - b);
    return { p50: R.pct(sorted, 50), p99: R.pct(sorted, 99), n: sorted.length, expected: total * n, seq: relay.position(SYMBOL).seq };
  });
}

async function memory(redis, admin) {
  return withRelay(redis, {}, async (up, relay) => {
    const out = [];
    let i = 0;
    for (const hours of [1, 2]) {
      for (; i < HOUR * hours; ) {
        const end = Math.min(HOUR * hours, i + 2000);
        for (; i < end; i++) up.step(i);
        await new Promise((r) => setImmediate(r));
      }
      await drained(admin, relay);
      const info = await admin.info('memory');
      const used = Number(/used_memory:(\d+)/.exec(info)[1]);
      out.push({ hours, updates: i, xlen: await admin.xlen(symbolKeys('binance', SYMBOL).book), usedMiB: used / 1048576 });
    }
    return out;
  });
}

async function main() {
  const title = 'Relay over Redis Streams (one relay, consumers in one process)';
  const result = { title, headers: ['measure', 'value', 'note'], rows: [], notes: [] };
  if (!redisServerPath()) {
    result.skipped = 'redis-server not found (apt-get install -y redis-server): relay benchmark skipped';
    process.stdout.write(`${result.skipped}\n`);
  } else {
    const redis = await startRedis();
    const admin = new Redis(redis.url);
    try {
      const ups = await throughput(redis, admin);
      result.rows.push(['updates/s through one relay', R.fmt(ups), `${THROUGHPUT_N.toLocaleString('en')} updates of a 1,000-level book, each written as one XADD (pipelined)`]);
      let shared100;
      for (const n of [1, 10, 100]) {
        const l = await lag(redis, n);
        if (n === 100) shared100 = l;
        result.rows.push([`consumer lag p50 / p99, ${n} consumer${n > 1 ? 's' : ''} (ms)`, `${R.fmt(l.p50, 3)} / ${R.fmt(l.p99, 3)}`, `${LAG_RATE} updates/s for ${LAG_S} s; ${l.n.toLocaleString('en')} callbacks of ${l.expected.toLocaleString('en')} expected`]);
      }
      const own = await lag(redis, 100, true);
      result.rows.push([
        'consumer lag p50 / p99, 100 consumers, a reader each (ms)',
        `${R.fmt(own.p50, 3)} / ${R.fmt(own.p99, 3)}`,
        `baseline: each its own XREAD connection and parse (as before the shared reader); shared is ${R.fmt(own.p50 / shared100.p50, 1)}x lower at p50, ${R.fmt(own.p99 / shared100.p99, 1)}x at p99`,
      ]);
      const mem = await memory(redis, admin);
      for (const m of mem) {
        result.rows.push([`Redis memory after ${m.hours} hour-equivalent${m.hours > 1 ? 's' : ''} (MiB)`, R.fmt(m.usedMiB), `${m.updates.toLocaleString('en')} updates at 10/s; ${m.xlen.toLocaleString('en')} entries kept (MAXLEN ~ 10,000)`]);
      }
      result.notes.push('Lag: performance.now() when the relay applied the update to the consumer callback with that book, in the same process (relay, Redis round trip, XREAD wake-up, JSON.parse, book apply). Target: p50 under 1 ms with 100 consumers fed.');
      result.notes.push('All consumers share this one process (and its one core) with the relay. Consumer instances of one process share one reader per stream (one XREAD connection, one decode per entry, ts/relay/shared.ts); each instance still applies every entry to its own book. The "a reader each" row is the same run without that sharing (each consumer under a distinct URL), the baseline the ratio compares with.');
      result.notes.push('On a shared machine (other jobs running) the p99 column moves from run to run; compare rows of one run.');
    } finally {
      admin.disconnect();
      await redis.stop();
    }
    process.stdout.write(`${title}\n${R.textTable(result.headers, result.rows)}\n${result.notes.map((n) => `note: ${n}`).join('\n')}\n`);
  }
  if (process.env.EXSTREAM_BENCH_RESULT) fs.writeFileSync(process.env.EXSTREAM_BENCH_RESULT, JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`relay bench failed: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
