'use strict';
/**
 * Benchmark 6 client: one market-data client of one exchange, on that exchange's simulator
 * (bench/sim-server.js), in its own process. `lib` is one of:
 *   floor    — a bare `ws` client that sends the exchange's documented subscription for the same
 *              book channel exstream uses and only JSON.parses each frame (no book);
 *   exstream — exstream's client, ex.on('orderbook', symbol, cb);
 *   ccxt     — ccxt.pro's client of that exchange, `await watchOrderBook(symbol, depth)` in a loop,
 *              every REST and WebSocket URL pointed at the simulator.
 * `go` starts the CPU count; `mark` (after the warm-up frames) and `finish` wait until no frame or update came for `idleMs`, then
 * reports process.cpuUsage() since `go` (the idle wait itself costs a few timer wake-ups).
 */
const path = require('path');
const { serve, emit, nowNs } = require('../lib/ipc');
const { requireDep } = require('../lib/deps');

const ROOT = path.resolve(__dirname, '../..');

/**
 * Per exchange: the book channel exstream subscribes by default, as the documented subscription
 * the floor sends (same URL path, same channel and depth, so the same frames), and ccxt's depth.
 */
const EXCHANGES = {
  binance: {
    path: '/ws',
    // diff depth at 100 ms; the floor reads the diffs only (no snapshot, no book)
    messages: (s) => [{ method: 'SUBSCRIBE', params: [`${s.replace('/', '').toLowerCase()}@depth@100ms`], id: 1 }],
    ccxtDepth: undefined,
    ccxtOptions: { options: { fetchMarkets: ['spot'], fetchMargins: false, fetchCurrencies: false } },
  },
  okx: {
    path: '/ws/v5/public',
    // books: 400 levels, tick-by-tick deltas with a checksum (okx/streams.ts)
    messages: (s) => [{ id: '1', op: 'subscribe', args: [{ channel: 'books', instId: s.replace('/', '-') }] }],
    ccxtDepth: undefined,
  },
  kraken: {
    path: '/v2',
    // v2 book, depth 100 (exstream's default bookDepth), CRC-32 of the top 10
    messages: (s) => [{ method: 'subscribe', params: { channel: 'book', symbol: [s], depth: 100 }, req_id: 1 }],
    ccxtDepth: 100,
  },
  bybit: {
    path: '/v5/public/spot',
    // orderbook.200 (exstream's default bookDepth for spot)
    messages: (s) => [{ req_id: '1', op: 'subscribe', args: [`orderbook.200.${s.replace('/', '')}`] }],
    ccxtDepth: 200,
  },
  bitfinex: {
    path: '/ws/2',
    // conf: sequence numbers on every message and book checksums (65536 + 131072), then book P0 / F0 / 25
    messages: (s) => [
      { event: 'conf', flags: 65536 + 131072 },
      { event: 'subscribe', channel: 'book', symbol: `t${s.replace('/', '')}`, prec: 'P0', freq: 'F0', len: '25', subId: 1 },
    ],
    ccxtDepth: 25,
    // ccxt's own checksum check fails on the simulator's frames (see BENCHMARKS.md): off, so the
    // row measures its frame path (it then does less work than exstream, which checks every one)
    ccxtOptions: { options: { watchOrderBook: { checksum: false } } },
  },
  coinbase: {
    path: '',
    // the heartbeats channel (keeps the connection up), then level2 of the product
    messages: (s) => [
      { type: 'subscribe', channel: 'heartbeats' },
      { type: 'subscribe', product_ids: [s.replace('/', '-')], channel: 'level2' },
    ],
    ccxtDepth: undefined,
  },
};

function cpuNow() {
  const c = process.cpuUsage();
  return c.user + c.system;
}

let cfg;
let activity = 0;
let updates = 0;
let cpu0 = 0;
let close = async () => {};
let onReady;
let ready = false;

function markReady() {
  if (ready) return;
  ready = true;
  if (onReady) onReady();
}

async function setupFloor() {
  const WebSocket = require(path.join(ROOT, 'node_modules/ws'));
  const x = EXCHANGES[cfg.exchange];
  let frames = 0;
  return {
    subscribe() {
      const ws = new WebSocket(`${cfg.urls.ws}${x.path}`, { perMessageDeflate: false });
      ws.on('open', () => {
        for (const m of x.messages(cfg.symbol)) ws.send(JSON.stringify(m));
      });
      ws.on('message', (data) => {
        const msg = JSON.parse(data.toString('utf8'));
        if (msg === undefined) throw new Error('unreachable');
        activity++;
        updates++;
        // the snapshot (or first data) has come once a few frames did: then go idle-wait
        if (++frames >= 2) markReady();
      });
      ws.on('error', (e) => emit('error', String(e && e.message)));
      close = async () => ws.terminate();
    },
  };
}

async function setupExstream() {
  const Ex = require(ROOT)[cfg.exchange];
  const ex = new Ex({ urls: cfg.urls, timeoutMs: 60_000, staleTimeoutMs: 60_000 });
  ex.on('error', (e) => emit('error', String(e && e.message)));
  ex.on('resync', (e) => emit('error', `resync ${JSON.stringify(e)}`));
  await ex.loadMarkets();
  close = () => ex.close();
  return {
    subscribe() {
      ex.on('orderbook', cfg.symbol, () => {
        activity++;
        updates++;
        markReady();
      });
    },
  };
}

async function setupCcxt() {
  const ccxt = requireDep('ccxt');
  const ex = new ccxt.pro[cfg.exchange](EXCHANGES[cfg.exchange].ccxtOptions || {});
  const rewrite = (v) => {
    if (typeof v === 'string') return v.replace(/^https:\/\/[^/]+/, cfg.urls.rest).replace(/^wss:\/\/[^/]+/, cfg.urls.ws);
    if (v && typeof v === 'object') for (const k of Object.keys(v)) v[k] = rewrite(v[k]);
    return v;
  };
  ex.urls.api = rewrite(ex.urls.api);
  // ccxt needs its http agent loaded before it opens a plain ws:// socket
  await ex.loadHttpProxyAgent();
  await ex.loadMarkets();
  let stopped = false;
  close = async () => {
    stopped = true;
    await ex.close();
  };
  const depth = EXCHANGES[cfg.exchange].ccxtDepth;
  return {
    subscribe() {
      (async () => {
        while (!stopped) {
          await ex.watchOrderBook(cfg.symbol, depth);
          activity++;
          updates++;
          markReady();
        }
      })().catch((e) => {
        if (!stopped) emit('error', String(e && e.message));
      });
    },
  };
}

let client;

serve({
  /** { lib, exchange, urls, symbol } */
  async setup(m) {
    cfg = m;
    client = m.lib === 'floor' ? await setupFloor() : m.lib === 'exstream' ? await setupExstream() : await setupCcxt();
    return true;
  },
  /** Subscribes; resolves once the first book (floor: the first frames) came and the socket went quiet. */
  async subscribe() {
    const p = new Promise((r) => (onReady = r));
    client.subscribe();
    await p;
    await idle(300);
    return true;
  },
  now: () => nowNs(),
  go() {
    updates = 0;
    cpu0 = cpuNow();
    return true;
  },
  /** Waits until the socket went quiet, then the CPU and updates since `go` (the end of the warm-up frames). */
  async mark(m) {
    await idle(m.idleMs || 300);
    return { cpuUs: cpuNow() - cpu0, updates };
  },
  async finish(m) {
    await idle(m.idleMs || 300);
    return { cpuUs: cpuNow() - cpu0, updates };
  },
  async exit() {
    await close();
  },
});

/** Resolves once `activity` stayed unchanged for `ms`. */
function idle(ms) {
  return new Promise((resolve) => {
    let last = activity;
    let since = Date.now();
    const t = setInterval(() => {
      if (activity !== last) {
        last = activity;
        since = Date.now();
      } else if (Date.now() - since >= ms) {
        clearInterval(t);
        resolve();
      }
    }, 20);
  });
}
