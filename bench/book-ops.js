'use strict';
/**
 * Benchmark 2 worker: applies the same realistic delta stream (lib/book-stream.js) to one library's
 * book class, in its own process, and reports CPU ns per level update for books of each size.
 *
 *   exstream          OrderBook#applyRaw(side, [[price, amount], ...]) — numbers
 *   exstream-strings  the same with the wire's strings ("59999.99000000"), as the stream path does
 *   ccxt              ccxt's ws OrderBook (exchange.orderBook()), side.store(price, amount) per level,
 *                     as its Binance handler does after parsing
 *   tardis            tardis-dev's OrderBook#update({ bids: [{ price, amount }], asks }) per batch
 *
 * The first `warmBatches` batches warm up (not timed); then batches are applied until the stream ends or
 * the time budget is spent. After the first `checkAt` batches every library reports a digest of its
 * book (depth and top 25 levels a side), so run.js can check they all hold the same book.
 */
const path = require('path');
const { serve, nowNs } = require('./lib/ipc');
const { makeStream } = require('./lib/book-stream');
const { requireDep } = require('./lib/deps');

const ROOT = path.resolve(__dirname, '..');

function cpuNow() {
  const c = process.cpuUsage();
  return c.user + c.system;
}

function wire(levels) {
  return levels.map(([p, a]) => [p.toFixed(8), a.toFixed(8)]);
}

/** Library adapters: build(snapshot) -> book; prep(batch) -> what apply takes; apply; digest. */
const LIBS = {
  exstream: () => {
    const { OrderBook } = require(ROOT);
    return {
      build(snap) {
        const ob = new OrderBook('BTC/USDT');
        ob.reset({ bids: snap.bids, asks: snap.asks }, 1);
        return ob;
      },
      prep: (b) => b,
      apply(ob, b) {
        ob.applyRaw('bids', b.bids);
        ob.applyRaw('asks', b.asks);
      },
      digest: (ob) => digestOf(ob.depth('bids'), ob.depth('asks'), ob.limit(25)),
    };
  },
  'exstream-strings': () => {
    const base = LIBS.exstream();
    return {
      ...base,
      build: (snap) => base.build({ bids: wire(snap.bids), asks: wire(snap.asks) }),
      prep: (b) => ({ bids: wire(b.bids), asks: wire(b.asks) }),
    };
  },
  ccxt: () => {
    const ccxt = requireDep('ccxt');
    const ex = new ccxt.pro.binance();
    return {
      build: (snap) => ex.orderBook({ bids: snap.bids, asks: snap.asks }),
      prep: (b) => b,
      apply(ob, b) {
        const bids = ob.bids;
        const asks = ob.asks;
        for (let i = 0; i < b.asks.length; i++) asks.store(b.asks[i][0], b.asks[i][1]);
        for (let i = 0; i < b.bids.length; i++) bids.store(b.bids[i][0], b.bids[i][1]);
      },
      digest: (ob) =>
        digestOf(ob.bids.length, ob.asks.length, { bids: ob.bids.slice(0, 25), asks: ob.asks.slice(0, 25) }),
    };
  },
  tardis: () => {
    const { OrderBook } = requireDep('tardis-dev');
    const toObjs = (levels) => levels.map(([price, amount]) => ({ price, amount }));
    return {
      build(snap) {
        const ob = new OrderBook();
        ob.update({ isSnapshot: true, bids: toObjs(snap.bids), asks: toObjs(snap.asks) });
        return ob;
      },
      prep: (b) => ({ isSnapshot: false, bids: toObjs(b.bids), asks: toObjs(b.asks) }),
      apply(ob, change) {
        ob.update(change);
      },
      digest(ob) {
        const top = (it) => {
          const out = [];
          let nb = 0;
          for (const l of it) {
            if (out.length < 25) out.push([l.price, l.amount]);
            nb++;
          }
          return { out, nb };
        };
        const b = top(ob.bids());
        const a = top(ob.asks());
        return digestOf(b.nb, a.nb, { bids: b.out, asks: a.out });
      },
    };
  },
};

function digestOf(nBids, nAsks, top) {
  const s = JSON.stringify([top.bids.map((l) => [l[0], l[1]]), top.asks.map((l) => [l[0], l[1]])]);
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return `${nBids}/${nAsks}/${(h >>> 0).toString(16)}`;
}

serve({
  /** { lib, sizes: number[], updates: number, budgetMs: number, warmBatches: number, checkAt: number } */
  run(m) {
    const lib = LIBS[m.lib]();
    const results = [];
    for (const size of m.sizes) {
      const stream = makeStream(size, m.updates);
      const batches = stream.batches.map(lib.prep);
      const counts = stream.batches.map((b) => b.n);
      const book = lib.build(stream.snapshot);
      const warm = Math.min(m.warmBatches, batches.length);
      let i = 0;
      for (; i < warm; i++) lib.apply(book, batches[i]);
      let levels = 0;
      let cpu = 0;
      let wall = 0;
      let digest;
      const budgetNs = m.budgetMs * 1e6;
      const checkAt = Math.min(batches.length, Math.max(warm, m.checkAt));
      // timed segments of 64 batches, until the end or the budget; the digest is taken (untimed)
      // when the checkAt-th batch is reached
      while (i < batches.length && wall < budgetNs) {
        const end = Math.min(batches.length, i + 64, i < checkAt ? checkAt : Infinity);
        const c0 = cpuNow();
        const t0 = nowNs();
        for (let j = i; j < end; j++) lib.apply(book, batches[j]);
        wall += nowNs() - t0;
        cpu += (cpuNow() - c0) * 1000;
        for (let j = i; j < end; j++) levels += counts[j];
        i = end;
        if (i === checkAt) digest = lib.digest(book);
      }
      if (digest === undefined && i < checkAt) {
        // the budget ran out first: finish untimed, so the digest is still comparable
        for (; i < checkAt; i++) lib.apply(book, batches[i]);
        digest = lib.digest(book);
      }
      results.push({ size, levels, cpuNsPerLevel: cpu / levels, wallNsPerLevel: wall / levels, digest, mix: stream.mix });
    }
    return results;
  },
});
