'use strict';
/**
 * One market-data client in its own process, driven by run.js over IPC. `lib` is one of:
 *   floor    — a bare `ws` client that only decodes and JSON.parses each frame (the floor);
 *   exstream — exstream's binance adapter, ex.on('orderbook', symbol, cb);
 *   ccxt     — ccxt's Binance client (ccxt.pro), `await watchOrderBook(symbol)` in a loop;
 *   floor-book — not exstream: bare ws + JSON.parse + exstream's OrderBook (the floor plus the book);
 *   prototype  — not exstream: the frame path BENCHMARKS.md suggests (byte scanner + exstream's book).
 * Every update calls `onUpdate(symbolIndex, nonce)`, which does the bookkeeping of the current mode:
 *   frames   — count until the book reaches `lastU`, then report CPU (process.cpuUsage);
 *   latency  — log (nonce, hrtime ns) of every update until `lastU`;
 *   count    — count updates over all symbols, gc() + memory at checkpoints.
 */
const path = require('path');
const { serve, emit, nowNs } = require('../lib/ipc');
const { requireDep } = require('../lib/deps');

const ROOT = path.resolve(__dirname, '../..');

let lib;
let cfg;
let symbols = [];
/** Per symbol: has it delivered its first (synced) update yet. */
let readyFlags = [];
let readyCount = 0;
let onAllReady;
let cpuSub;
let cpuReady;
let closeClient = async () => {};
const latestBooks = [];

// ---- mode state
let mode = 'idle';
let lastU = Infinity;
/** frames mode: the update id that ends the warm-up frames, and the CPU when the book reached it. */
let warmU = Infinity;
let cpuWarm;
let warmNs;
let targetSym = 0;
let updates = 0;
let logBuf;
let logLen = 0;
let checkpoints = [];
let countTarget = 0;
let goWall = 0;
const TIMELINE = process.env.BENCH_TIMELINE ? [] : undefined;

function cpuNow() {
  const c = process.cpuUsage();
  return c.user + c.system;
}

function memory() {
  if (global.gc) {
    global.gc();
    global.gc();
  }
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, external: m.external, rss: m.rss };
}

function onUpdate(i, nonce) {
  if (!readyFlags[i]) {
    readyFlags[i] = true;
    readyCount++;
    if (readyCount === symbols.length) {
      cpuReady = cpuNow();
      if (onAllReady) onAllReady();
    }
    return;
  }
  switch (mode) {
    case 'frames':
      updates++;
      if (cpuWarm === undefined && i === targetSym && nonce >= warmU) {
        cpuWarm = cpuNow();
        warmNs = nowNs();
      }
      if (TIMELINE && updates % (Number(process.env.BENCH_TIMELINE) || 2000) === 0) TIMELINE.push(cpuNow());
      if (i === targetSym && nonce >= lastU) {
        const cpuDone = cpuNow();
        mode = 'idle';
        if (TIMELINE) process.stderr.write(`timeline ${lib && cfg && cfg.lib} ${TIMELINE.map((t, k) => (k ? ((t - TIMELINE[k - 1]) / (Number(process.env.BENCH_TIMELINE) || 2000)).toFixed(1) : '')).join(' ')}\n`);
        emit('done', {
          updates,
          cpuTotalUs: cpuDone - cpuSub,
          cpuSteadyUs: cpuDone - cpuReady,
          cpuWarmUs: cpuWarm === undefined ? undefined : cpuWarm - cpuSub,
          warmNs,
          wallMs: (nowNs() - goWall) / 1e6,
          nonce,
        });
      }
      return;
    case 'latency':
      if (i !== targetSym) return;
      if (logLen < logBuf.length) {
        logBuf[logLen++] = nonce;
        logBuf[logLen++] = nowNs();
      }
      if (nonce >= lastU) {
        mode = 'idle';
        emit('done', { log: logBuf.subarray(0, logLen) });
      }
      return;
    case 'count':
      updates++;
      if (checkpoints.length && updates >= checkpoints[0]) {
        checkpoints.shift();
        emit('checkpoint', { updates, ...memory(), levels: levelsHeld() });
      }
      if (updates >= countTarget) {
        mode = 'idle';
        emit('done', { updates });
      }
      return;
    default:
      return;
  }
}

function levelsHeld() {
  let n = 0;
  for (const b of latestBooks) if (b && typeof b.depth === 'function') n += b.depth('bids') + b.depth('asks');
  return n;
}

// ---------------------------------------------------------------- the three clients

async function setupFloor() {
  const WebSocket = require(path.join(ROOT, 'node_modules/ws'));
  const index = new Map(symbols.map((s, i) => [s.replace('/', '').toLowerCase(), i]));
  const streams = symbols.map((s) => `${s.replace('/', '').toLowerCase()}@depth@100ms`);
  return {
    subscribe() {
      const url = cfg.combined ? `${cfg.ws}/stream` : `${cfg.ws}/ws`;
      const ws = new WebSocket(url, { perMessageDeflate: false });
      ws.on('open', () => ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: streams, id: 1 })));
      if (cfg.combined) {
        ws.on('message', (data) => {
          const m = JSON.parse(data.toString('utf8'));
          const d = m.data;
          if (d === undefined) return;
          onUpdate(index.get(m.stream.slice(0, m.stream.indexOf('@'))), d.u);
        });
      } else {
        ws.on('message', (data) => {
          const d = JSON.parse(data.toString('utf8'));
          if (d.u === undefined) return;
          onUpdate(symbols.length === 1 ? 0 : index.get(d.s.toLowerCase()), d.u);
        });
      }
      closeClient = async () => ws.terminate();
    },
  };
}

/**
 * Not exstream: the least any client that keeps the book must do, with exstream's own OrderBook and
 * Binance's snapshot + U/u sync, single symbol, raw /ws:
 *   decode 'json' — JSON.parse each frame, OrderBook#applyRaw with the wire strings ("floor + book");
 *   decode 'scan' — the frame path BENCHMARKS.md suggests: lib/depth-scan.js reads the numbers
 *                   straight from the socket's bytes (no JSON.parse, no strings), OrderBook#update.
 */
async function setupBookFloor(decode) {
  const WebSocket = require(path.join(ROOT, 'node_modules/ws'));
  const { OrderBook } = require(ROOT);
  const { scan } = require('../lib/depth-scan');
  if (symbols.length !== 1) throw new Error('this client handles one symbol');
  const id = symbols[0].replace('/', '');
  const book = new OrderBook(symbols[0]);
  let nonce = -1;
  let fetching = false;
  const bids = [];
  const asks = [];
  const check = (U, u) => {
    if (u <= nonce) return false;
    if (U > nonce + 1) throw new Error(`gap: nonce ${nonce}, U ${U}`);
    return true;
  };
  const applyNumbers = (E, U, u, b, a) => {
    if (!check(U, u)) return;
    for (let j = 0; j < b.length; j += 2) book.update('bids', b[j], b[j + 1]);
    for (let j = 0; j < a.length; j += 2) book.update('asks', a[j], a[j + 1]);
    book.nonce = nonce = u;
    book.timestamp = E;
    onUpdate(0, u);
  };
  const applyJson = (m) => {
    if (m.e !== 'depthUpdate' || !check(m.U, m.u)) return;
    book.applyRaw('bids', m.b);
    book.applyRaw('asks', m.a);
    book.nonce = nonce = m.u;
    book.timestamp = m.E;
    onUpdate(0, m.u);
  };
  return {
    subscribe() {
      const ws = new WebSocket(`${cfg.ws}/ws`, { perMessageDeflate: false });
      ws.on('open', () => ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: [`${id.toLowerCase()}@depth@100ms`], id: 1 })));
      ws.on('message', (data) => {
        if (nonce < 0) {
          // the first frame: fetch the snapshot (frames come only once the client is synced)
          if (!fetching) {
            fetching = true;
            // node:http (already loaded by ws), not fetch: undici's first load would be counted
            require('http').get(`${cfg.rest}/api/v3/depth?symbol=${id}&limit=1000`, (res) => {
              const chunks = [];
              res.on('data', (c) => chunks.push(c));
              res.on('end', () => {
                const snap = JSON.parse(Buffer.concat(chunks).toString('utf8'));
                book.reset({ bids: snap.bids, asks: snap.asks }, snap.lastUpdateId);
                nonce = snap.lastUpdateId;
                onUpdate(0, nonce);
              });
            });
          }
          return;
        }
        if (decode === 'scan' && scan(data, applyNumbers, bids, asks)) return;
        applyJson(JSON.parse(data.toString('utf8')));
      });
      closeClient = async () => ws.terminate();
    },
  };
}

async function setupExstream() {
  const { binance } = require(ROOT);
  const ex = new binance({
    urls: { rest: cfg.rest, ws: cfg.ws },
    rawStreams: !cfg.combined,
    timeoutMs: 60_000,
    ...(cfg.snapshotLimit ? { snapshotLimit: cfg.snapshotLimit } : {}),
  });
  ex.on('error', (e) => emit('error', String(e && e.message)));
  ex.on('resync', (e) => emit('error', `resync ${JSON.stringify(e)}`));
  await ex.loadMarkets();
  closeClient = () => ex.close();
  return {
    subscribe() {
      symbols.forEach((s, i) => {
        ex.on('orderbook', s, (book) => {
          latestBooks[i] = book;
          onUpdate(i, book.nonce);
        });
      });
    },
  };
}

async function setupCcxt() {
  const ccxt = requireDep('ccxt');
  const ex = new ccxt.pro.binance({ options: { fetchMarkets: ['spot'], fetchMargins: false, fetchCurrencies: false } });
  ex.urls.api.public = `${cfg.rest}/api/v3`;
  ex.urls.api.private = `${cfg.rest}/api/v3`;
  ex.urls.api.v1 = `${cfg.rest}/api/v1`;
  ex.urls.api.ws.spot = `${cfg.ws}/ws`;
  // ccxt needs its http agent loaded before it opens a plain ws:// socket
  await ex.loadHttpProxyAgent();
  await ex.loadMarkets();
  let stopped = false;
  closeClient = async () => {
    stopped = true;
    await ex.close();
  };
  return {
    subscribe() {
      symbols.forEach((s, i) => {
        (async () => {
          while (!stopped) {
            const ob = await ex.watchOrderBook(s);
            onUpdate(i, ob.nonce);
          }
        })().catch((e) => {
          if (!stopped) emit('error', String(e && e.message));
        });
      });
    },
  };
}

serve({
  /** { lib, rest, ws, symbols, combined?, snapshotLimit? } */
  async setup(m) {
    cfg = m;
    symbols = m.symbols;
    readyFlags = symbols.map(() => false);
    const t0 = nowNs();
    if (m.lib === 'floor') lib = await setupFloor();
    else if (m.lib === 'exstream') lib = await setupExstream();
    else if (m.lib === 'ccxt') lib = await setupCcxt();
    else if (m.lib === 'floor-book') lib = await setupBookFloor('json');
    else if (m.lib === 'prototype') lib = await setupBookFloor('scan');
    else throw new Error(`unknown lib ${m.lib}`);
    return { setupMs: (nowNs() - t0) / 1e6 };
  },
  /** Subscribes every symbol; resolves once each has delivered its first (synced) update. */
  async subscribe() {
    cpuSub = cpuNow();
    const t0 = nowNs();
    const all = new Promise((resolve) => (onAllReady = resolve));
    lib.subscribe();
    await all;
    return { syncCpuUs: cpuReady - cpuSub, syncMs: (nowNs() - t0) / 1e6 };
  },
  /** frames mode: report 'done' once symbol `sym` reaches update id `lastU`. */
  frames(m) {
    mode = 'frames';
    lastU = m.lastU;
    warmU = m.warmU === undefined ? Infinity : m.warmU;
    cpuWarm = undefined;
    targetSym = m.sym || 0;
    updates = 0;
    goWall = nowNs();
    return true;
  },
  latency(m) {
    mode = 'latency';
    lastU = m.lastU;
    targetSym = m.sym || 0;
    logBuf = new Float64Array(2 * (m.n + 16));
    logLen = 0;
    return true;
  },
  count(m) {
    mode = 'count';
    updates = 0;
    checkpoints = [...m.checkpoints].sort((a, b) => a - b);
    countTarget = m.target;
    return true;
  },
  cpu() {
    return cpuNow();
  },
  memory() {
    return { ...memory(), levels: levelsHeld() };
  },
  now() {
    return nowNs();
  },
  async exit() {
    await closeClient();
  },
});
